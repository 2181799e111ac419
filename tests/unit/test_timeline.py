"""Timelines (site/timeline.py): articles per month or year for term pages and the archive;
their bars sum to the articles counted, and the pages show them (issue #16)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from archivegen.model import MonthCount, YearCount
from archivegen.partial_date import PartialDate
from archivegen.site.timeline import (
    MAX_MONTH_BARS,
    archive_timeline,
    period_counts,
    period_of,
    timeline,
)
from conftest import run_build

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "archive"

dates = st.one_of(
    st.none(),
    st.builds(lambda y: PartialDate(year=y), st.integers(1990, 2030)),
    st.builds(lambda y, m: PartialDate(year=y, month=m), st.integers(1990, 2030),
              st.integers(1, 12)),
    st.builds(lambda y, m, d: PartialDate(year=y, month=m, day=d), st.integers(1990, 2030),
              st.integers(1, 12), st.integers(1, 28)),
)


def test_period_of_keeps_the_stated_precision() -> None:
    assert period_of(None) == ""
    assert period_of(PartialDate(year=2016)) == "2016"
    assert period_of(PartialDate(year=2016, month=5, day=30)) == "2016-05"
    assert period_of(PartialDate(year=2010, month=6, end_month=7)) == "2010-06"


def test_months_within_three_years_are_shown_as_months_with_empty_ones_between() -> None:
    chart = timeline({"2016-11": 2, "2017-02": 1, "": 4})
    assert chart is not None and chart.unit == "month" and chart.undated == 4
    assert [(b.year, b.month, b.count) for b in chart.bars] == [
        (2016, 11, 2), (2016, 12, 0), (2017, 1, 0), (2017, 2, 1)]
    assert chart.peak == 2


def test_a_longer_span_or_a_year_only_date_is_shown_by_year() -> None:
    longer = timeline({"2010-01": 1, "2013-02": 3})
    assert longer is not None and longer.unit == "year"
    assert [(b.year, b.count) for b in longer.bars] == [(2010, 1), (2011, 0), (2012, 0),
                                                        (2013, 3)]
    year_only = timeline({"2016-05": 1, "2016": 2})
    assert year_only is not None and year_only.unit == "year"
    assert [(b.year, b.month, b.count) for b in year_only.bars] == [(2016, None, 3)]


def test_no_articles_no_timeline_and_undated_only_has_no_bars() -> None:
    assert timeline({}) is None
    only = timeline({"": 3})
    assert only is not None and only.bars == () and only.undated == 3


@given(st.lists(dates, max_size=60))
def test_bars_and_undated_sum_to_the_articles_and_periods_are_consecutive(
        found: list[PartialDate | None]) -> None:
    chart = timeline(period_counts(found))
    if not found:
        assert chart is None
        return
    assert chart is not None
    assert sum(b.count for b in chart.bars) + chart.undated == len(found)
    assert chart.undated == sum(d is None for d in found)
    if chart.unit == "month":
        assert len(chart.bars) <= MAX_MONTH_BARS
        steps = [b.year * 12 + (b.month or 0) for b in chart.bars]
    else:
        steps = [b.year for b in chart.bars]
    assert steps == list(range(steps[0], steps[0] + len(steps))) if steps else True
    if chart.bars:  # every bar at an end has articles
        assert chart.bars[0].count > 0 and chart.bars[-1].count > 0


def test_the_archive_timeline_counts_year_only_articles_in_their_year() -> None:
    years = (YearCount(year=2017, count=5, months=(MonthCount(year=2017, month=3, count=4),)),
             YearCount(year=2015, count=1, months=(MonthCount(year=2015, month=1, count=1),)))
    chart = archive_timeline(years, 2)
    assert chart is not None and chart.unit == "year" and chart.undated == 2
    assert [(b.year, b.count) for b in chart.bars] == [(2015, 1), (2016, 0), (2017, 5)]


def test_term_pages_and_the_archive_show_bars_that_sum_to_their_counts(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_build(FIXTURE, site) == 0
    checked = 0
    for page in [site / "archive" / "index.html",
                 *sorted(site.glob("regions/*/index.html")),
                 *sorted(site.glob("themes/*/index.html"))]:
        html = page.read_text()
        if page.parent.name in ("regions", "themes"):
            assert "timeline" not in html  # taxonomy index pages: no chart
            continue
        bars = [int(n) for n in re.findall(r'aria-label="[^"]*: (\d+) articles?"', html)]
        caption = re.search(r'<figcaption id="timeline-caption">(.*?)</figcaption>', html, re.S)
        assert caption is not None and bars, page
        if page.parent.name == "archive":  # every year's and the undated listing's count
            total = sum(_count(p) for p in [*site.glob("[0-9][0-9][0-9][0-9]/index.html"),
                                            *site.glob("undated/index.html")])
        else:
            total = _count(page)
        undated = re.search(r"(\d+) undated", caption.group(1))
        assert sum(bars) + (int(undated.group(1)) if undated else 0) == total, page
        checked += 1
    assert checked > 5


def _count(page: Path) -> int:
    """The "N articles" a listing page states."""
    found = re.search(r'<p class="count">(\d+) articles?', page.read_text())
    assert found is not None, page
    return int(found.group(1))
