"""dateparse.py: every accepted format, the refusals, offsets in running text, and round trips."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivegen.load.dateparse import DateMatch, find_dates, parse_date
from archivegen.partial_date import PartialDate


def day(year: int, month: int, day: int) -> PartialDate:
    return PartialDate(year=year, month=month, day=day)


def month(year: int, month: int, end_month: int | None = None) -> PartialDate:
    return PartialDate(year=year, month=month, end_month=end_month)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English, month first
        ("May 30, 2017", day(2017, 5, 30)),
        ("May 30 2017", day(2017, 5, 30)),
        ("June 01, 2013", day(2013, 6, 1)),
        ("June 1st, 2013", day(2013, 6, 1)),
        ("august 22nd 2016", day(2016, 8, 22)),
        ("SEPTEMBER 3rd, 1999", day(1999, 9, 3)),
        # English, day first
        ("1 June 2013", day(2013, 6, 1)),
        ("1st June 2013", day(2013, 6, 1)),
        ("4th of July 1976", day(1976, 7, 4)),
        # English abbreviations
        ("Jan 5, 2013", day(2013, 1, 5)),
        ("Jan. 5, 2013", day(2013, 1, 5)),
        ("Sept 11, 2001", day(2001, 9, 11)),
        ("Sep. 11, 2001", day(2001, 9, 11)),
        ("11 Dec 2012", day(2012, 12, 11)),
        ("Mar. 2014", month(2014, 3)),
        # ISO
        ("2011-11-21", day(2011, 11, 21)),
        ("2011-11", month(2011, 11)),
        ("2010-11", month(2010, 11)),  # a whole field follows ISO; in prose it is a year span
        # Spanish
        ("Noviembre 25, 2012", day(2012, 11, 25)),
        ("25 de noviembre de 2012", day(2012, 11, 25)),
        ("25 de noviembre del 2012", day(2012, 11, 25)),
        ("23 Octubre de 2010", day(2010, 10, 23)),
        ("23 de Octubre, 2010", day(2010, 10, 23)),
        ("3 de setiembre de 2015", day(2015, 9, 3)),
        ("14 de febrero de 2014", day(2014, 2, 14)),
        # French, accents optional
        ("25 novembre 2012", day(2012, 11, 25)),
        ("1er mai 2015", day(2015, 5, 1)),
        ("14 février 2014", day(2014, 2, 14)),
        ("14 fevrier 2014", day(2014, 2, 14)),
        ("15 août 2016", day(2016, 8, 15)),
        ("15 aout 2016", day(2016, 8, 15)),
        ("24 décembre 2011", day(2011, 12, 24)),
        ("24 decembre 2011", day(2011, 12, 24)),
        ("24 DÉCEMBRE 2011", day(2011, 12, 24)),
        # month precision
        ("June 2013", month(2013, 6)),
        ("junio de 2013", month(2013, 6)),
        ("juin 2013", month(2013, 6)),
        ("Février 2013", month(2013, 2)),
        # month ranges within one year
        ("June-July 2010", month(2010, 6, 7)),
        ("June \u2013 July 2010", month(2010, 6, 7)),
        ("junio-julio 2010", month(2010, 6, 7)),
        ("junio-julio de 2010", month(2010, 6, 7)),
        ("janvier \u2013 mars 2015", month(2015, 1, 3)),
        # year precision: only for a whole string
        ("2011", PartialDate(year=2011)),
        # a range of whole years, as a whole string ("2013-2014" above a compilation)
        ("2013-2014", PartialDate(year=2013, end_year=2014)),
        ("2013 \u2013 2014", PartialDate(year=2013, end_year=2014)),
        # a range of days states its month; German writes the day with a full stop
        ("March 8-9, 2008", month(2008, 3)),
        ("12. Mai 2012", day(2012, 5, 12)),
        # the month name, day and year joined by hyphens, as some reposts print them
        ("February-12-2008", day(2008, 2, 12)),
        ("Octubre-05-2008", day(2008, 10, 5)),
        # Italian, Portuguese and German month names
        ("18 Aprile 2013", day(2013, 4, 18)),
        ("Dicembre 13, 2013", day(2013, 12, 13)),
        ("6 de março de 2012", day(2012, 3, 6)),
        # surrounding whitespace and a trailing full stop are ignored
        ("  May 30, 2017.  ", day(2017, 5, 30)),
        ("2011.", PartialDate(year=2011)),
        # the accepted years, inclusive
        ("1 January 1800", day(1800, 1, 1)),
        ("December 31, 2100", day(2100, 12, 31)),
        ("February 29, 2016", day(2016, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "May",
        "30 May",  # never invent the year
        "May 30",
        "February 30, 2017",  # not a calendar date
        "30 février 2017",
        "February 29, 2017",
        "2017-13-01",
        "2017-02-30",
        "2017-00",
        "2017-05-00",
        "June 0, 2013",
        "June 32, 2013",
        "1799",  # years outside 1800-2100
        "May 30, 1799",
        "2101-01-01",
        "June 2101",
        "03/04/2012",  # day/month order is ambiguous
        "3/4/2012",
        "2012/03/04",
        "03.04.2012",
        "December-January 2010",  # a range must run forwards within one year
        "July-June 2010",
        "June-June 2010",
        "le 3 mars 2014",  # a whole string means nothing around the date
        "Published May 30, 2017",
        "May 30, 2017 and June 2013",
        "Mayor 30, 2017",
        "Marseille 2012",
        "Jun 2013x",
        "ene 2013",  # abbreviations are English only
        "févr. 2013",
        "20111-11-21",
        "2011-11-21-5",
        "May 30, 2017..",
        "2014-2013",  # a range of years runs forwards
        "2013-2013",
        "1700-1800",
    ],
)
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


def spans(text: str) -> list[tuple[str, str]]:
    """(matched text, ISO value) for every date found; offsets checked against the text."""
    found = find_dates(text)
    for match in found:
        assert text[match.start:match.end] == match.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    return [(match.text, match.date.isoformat()) for match in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted on May 30, 2017 by admin", [("May 30, 2017", "2017-05-30")]),
        ("Publié le 3 mars 2014.", [("3 mars 2014", "2014-03-03")]),
        ("el 25 de noviembre de 2012, en Caracas", [("25 de noviembre de 2012", "2012-11-25")]),
        ("From June 2013 to 1st July 2014.",
         [("June 2013", "2013-06"), ("1st July 2014", "2014-07-01")]),
        ("the June \u2013 July 2010 offensive", [("June \u2013 July 2010", "2010-06/2010-07")]),
        ("updated 2011-11-21T10:00:00Z", [("2011-11-21", "2011-11-21")]),
        ("report 2011-11 (draft)", [("2011-11", "2011-11")]),
        ("see (2011-11-21).", [("2011-11-21", "2011-11-21")]),
        ("between December 2009-January 2010",
         [("December 2009", "2009-12"), ("January 2010", "2010-01")]),
        # the year of a reversed range belongs to its second month only
        ("over December-January 2010 it rained", [("January 2010", "2010-01")]),
        ("Mayor 30, 2017", []),
        ("the Mayor said on May 30, 2017", [("May 30, 2017", "2017-05-30")]),
        ("Marseille 2012", []),
        ("Marseille, mars 2012", [("mars 2012", "2012-03")]),
        ("In 2011 there were 2011 of them", []),  # bare years in prose are not dates
        ("the 2010-11 season", []),  # YYYY-MM that reads as a span of years
        ("the 2011-12 budget", []),
        ("on 03/04/2012 at noon", []),
        ("on February 30, 2017 or 30 February 2017", []),
        ("1-2 June 2013", [("June 2013", "2013-06")]),  # a day range is not a day
        ("12:30 June 2013", [("June 2013", "2013-06")]),
        ("in May 30 people came in 2017", []),
        ("June 2013-2014", []),  # a span of years: no month of it is stated
        ("v2011-11-21 and 2011-11-2111", []),
        ("May 30, 2017May 31, 2017", []),  # glued to a word: not a date we can delimit
        ("FÉVRIER 2013; fevrier 2014", [("FÉVRIER 2013", "2013-02"), ("fevrier 2014", "2014-02")]),
    ],
)
def test_find_dates(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_find_dates_offsets() -> None:
    text = "le 3 mars 2014"
    assert find_dates(text) == [
        DateMatch(date=day(2014, 3, 3), start=3, end=14, text="3 mars 2014"),
    ]


def test_reversed_range_in_find_dates_points_at_its_second_month() -> None:
    [match] = find_dates("December-January 2010")
    assert (match.start, match.end, match.date) == (9, 21, month(2010, 1))


def test_date_match_is_frozen() -> None:
    [match] = find_dates("May 30, 2017")
    with pytest.raises(AttributeError):
        match.start = 1  # type: ignore[misc]


WORDS = ["may", "mayor", "mars", "marseille", "de", "le", "of", "1st", "30", "2017", "June",
         "-", "\u2013", "2011-11", "03/04/2012", "juin", "the", "news", ",", "1er", "August"]


def test_long_line_completes() -> None:
    rng = random.Random(20170530)
    line = " ".join(rng.choice(WORDS) for _ in range(40_000))[:200_000]
    found = find_dates(line)
    assert all(line[m.start:m.end] == m.text for m in found)


@pytest.mark.parametrize(
    "line",
    [
        " " * 200_000,
        "May " * 50_000,
        "May" + " " * 200_000 + "x",
        "1 " * 100_000,
        "1" * 200_000,
        "2011-" * 40_000,
        "June-" * 40_000,
        "de " * 70_000,
        "May 30, " * 25_000,
    ],
)
def test_adversarial_lines_complete(line: str) -> None:
    assert find_dates(line) == []


EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December"]
ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
      "octubre", "noviembre", "diciembre"]
FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
      "octobre", "novembre", "décembre"]


def without_accents(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def render(style: str, date: dt.date, case: Callable[[str], str]) -> str:
    """The date written in one of the styles the round trip covers."""
    index = date.month - 1
    return {
        "english": f"{case(EN[index])} {date.day}, {date.year}",
        "english-day-first": f"{date.day} {case(EN[index])} {date.year}",
        "iso": date.isoformat(),
        "spanish": f"{date.day} de {case(ES[index])} de {date.year}",
        "french": f"{date.day} {case(FR[index])} {date.year}",
    }[style]


STYLES = ["english", "english-day-first", "iso", "spanish", "french"]
CASES: list[Callable[[str], str]] = [str.lower, str.upper, str.title, without_accents]
WORDS_WITHOUT_MONTHS = st.text(alphabet="bghkqwz ", max_size=12)  # no month name can form


@settings(max_examples=300)
@given(
    date=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 12, 31)),
    style=st.sampled_from(STYLES),
    case=st.sampled_from(CASES),
    before=WORDS_WITHOUT_MONTHS.map(lambda s: f"{s} "),
    after=WORDS_WITHOUT_MONTHS.map(lambda s: f" {s}"),
)
@example(date=dt.date(2016, 2, 29), style="french", case=str.lower, before=" ", after=" ")
@example(date=dt.date(1800, 1, 1), style="iso", case=str.lower, before=" ", after=" ")
def test_round_trip(date: dt.date, style: str, case: Callable[[str], str], before: str,
                     after: str) -> None:
    text = render(style, date, case)
    expected = PartialDate.from_date(date)
    assert parse_date(text) == expected
    line = f"{before}{text}{after}"
    assert find_dates(line) == [
        DateMatch(date=expected, start=len(before), end=len(before) + len(text), text=text),
    ]


def _lines_with_years_reference(text: str) -> set[int]:
    """The plain statement: lines holding a year that is not part of a longer number."""
    import re

    year = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d|2100)(?!\d)")
    return {n for n, line in enumerate(text.split("\n")) if year.search(line)}


@settings(max_examples=400)
@given(st.text(alphabet="0123456789 \n12890a²٣.-", max_size=60))
@example("12019")
@example("12019 and 2019")
@example("x2100\n21000\n\u0661\u0669\u0669\u06692001")  # Arabic-Indic digits, then 2001
def test_lines_with_years_matches_the_plain_statement(text: str) -> None:
    from archivegen.load.dateparse import lines_with_years

    assert lines_with_years(text) == _lines_with_years_reference(text)


def test_a_year_inside_a_longer_number_does_not_open_the_date_search() -> None:
    # "12019" holds no year; the Arabic-Indic digits after "June" are no year of the gate's
    # either, though the date pattern itself would read them as 1999.
    assert find_dates("12019 June \u0661\u0669\u0669\u0669") == []
