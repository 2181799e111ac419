"""The export's pure parts: CSV cells a spreadsheet would run, dates at their precision."""

from __future__ import annotations

import pytest

from archivegen.export.csvfile import neutralised
from archivegen.export.record import date_fields
from archivegen.partial_date import PartialDate
from archivegen.render.templates import human_date


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("plain", "plain"), ("", ""), ("a=b", "a=b"), (" =x", " =x"),
])
def test_formula_like_cells_start_with_an_apostrophe(cell: str, shown: str) -> None:
    assert neutralised(cell) == shown


@pytest.mark.parametrize(("date", "expected"), [
    (None, (None, None, "")),
    (PartialDate(year=2017, month=5, day=30), ("2017-05-30", "day", "May 30, 2017")),
    (PartialDate(year=2017, month=5), ("2017-05", "month", "May 2017")),
    (PartialDate(year=2010, month=6, end_month=7),
     ("2010-06/2010-07", "month-range", "June\u2013July 2010")),
    (PartialDate(year=2013, end_year=2014), ("2013/2014", "year-range", "2013\u20132014")),
])
def test_dates_keep_the_precision_the_text_states(date: PartialDate | None,
                                                  expected: tuple[object, ...]) -> None:
    fields = date_fields(date, human_date)  # the English words (pages use the site's)
    assert (fields["date"], fields["date_precision"], fields["date_display"]) == expected
