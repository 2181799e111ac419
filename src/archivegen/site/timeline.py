"""Timelines: how many of a listing's articles fall in each month or year, for the small
charts on term pages and the date archive.

A listing keeps its articles' periods as counts (indexer.ListingState.periods), so a quick
rebuild updates a term's timeline from the edited articles alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from archivegen.model import Timeline, TimelineBar, YearCount
from archivegen.partial_date import PartialDate

# Up to this many months from the first to the last, a timeline shows months; else years.
MAX_MONTH_BARS = 36


def period_of(date: PartialDate | None) -> str:
    """"YYYY-MM" for a date known to the month (a range of months: its first), "YYYY" for
    one known to the year, "" for none."""
    if date is None:
        return ""
    return _period(date.year, date.month)


@cache
def _period(year: int, month: int | None) -> str:
    # One string per period, shared by every listing's counts (at 10^5 articles, a few
    # hundred periods but over a quarter of a million counts).
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


def period_counts(dates: Iterable[PartialDate | None]) -> tuple[tuple[str, int], ...]:
    """How many dates fall in each period, by period."""
    return tuple(sorted(Counter(map(period_of, dates)).items()))


def timeline(periods: Mapping[str, int] | Sequence[tuple[str, int]]) -> Timeline | None:
    """The chart of `periods` (period_counts): months if every dated article is known to the
    month and they span at most MAX_MONTH_BARS months, else years. None without articles."""
    counts = Counter(dict(periods))
    undated = counts.pop("", 0)
    counts = Counter({period: n for period, n in counts.items() if n > 0})
    if not counts:
        return Timeline(unit="year", bars=(), undated=undated) if undated else None
    months = [tuple(map(int, p.split("-"))) for p in counts if "-" in p]
    if len(months) == len(counts):
        first, last = min(months), max(months)
        span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
        if span <= MAX_MONTH_BARS:
            bars = []
            for step in range(span):
                year, month = first[0] + (first[1] - 1 + step) // 12, (first[1] - 1 + step) % 12 + 1
                bars.append(TimelineBar(year=year, month=month,
                                        count=counts.get(f"{year:04d}-{month:02d}", 0)))
            return Timeline(unit="month", bars=tuple(bars), undated=undated)
    by_year: Counter[int] = Counter()
    for period, n in counts.items():
        by_year[int(period[:4])] += n
    first_year, last_year = min(by_year), max(by_year)
    return Timeline(unit="year", undated=undated, bars=tuple(
        TimelineBar(year=year, month=None, count=by_year.get(year, 0))
        for year in range(first_year, last_year + 1)))


def archive_timeline(years: Sequence[YearCount], undated: int) -> Timeline | None:
    """The whole archive's timeline, from the date archive's counts."""
    periods: Counter[str] = Counter({"": undated})
    for year in years:
        in_months = 0
        for month in year.months:
            periods[f"{month.year:04d}-{month.month:02d}"] += month.count
            in_months += month.count
        if year.count > in_months:  # articles dated to the year only
            periods[f"{year.year:04d}"] += year.count - in_months
    return timeline(periods)
