"""Find and parse dates written in English, Spanish, French, Italian, Portuguese or German, at
the precision the text states.

Pure functions over strings. Every pattern is a flat sequence of tokens (a month name, one or
two day digits, four year digits) joined by single-quantifier separators, so a failed attempt
costs no more than the token it started on: scanning a long line stays linear.

What we refuse, on purpose ("never invent"):

- numeric day/month orders such as ``03/04/2012`` (March 4 or April 3?);
- a bare year inside running text (``2011`` is as often a count as a year);
- in running text, ``YYYY-MM`` whose month equals the next year's last two digits
  (``the 2010-11 season`` is a span of years, not November 2010); `parse_date` accepts it,
  since a whole field written like that follows the ISO convention;
- dates that do not exist (``February 30, 2017``, ``2017-13-01``) or years outside 1800-2100.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivegen.partial_date import PartialDate

MIN_YEAR = 1800
MAX_YEAR = 2100

_MONTHS: dict[str, int] = {
    # English, with the abbreviations newspapers use (English only: "dic" or "févr." are not).
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    # Spanish ("setiembre" is the other accepted spelling of September).
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # French, accents optional: scraped text often loses them.
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # Italian, Portuguese and German: reposts of the same articles come in these too.
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}


def _month_pattern(group: str) -> str:
    # Longest names first so "mars" is tried before "mar"; the lookarounds keep us out of words
    # ("Mayor", "Marseille").
    names = [re.escape(name) for name in sorted(_MONTHS, key=len, reverse=True)]
    abbreviations = [name + r"\.?" for name in sorted(_ABBREVIATIONS, key=len, reverse=True)]
    return rf"(?<!\w)(?P<{group}>{'|'.join(names + abbreviations)})(?!\w)"


def _day_pattern(group: str) -> str:
    # One or two digits with an optional ordinal ("1st", French "1er").
    return rf"(?P<{group}>\d{{1,2}})(?!\d)(?:st|nd|rd|th|er)?"


def _year_pattern(group: str) -> str:
    # Four digits, not glued to a word, and not the start of an ISO date or a span ("2013-14").
    return rf"(?P<{group}>\d{{4}})(?!\w|-\d)"


_YEAR_INTRO = r"(?:(?:del?|of|di)\s+)?"  # "de 2012", "del 2012", "June of 2013", "di 2013"
_DATE_RE = re.compile(
    "|".join([
        # June-July 2010, junio-julio de 2010, and with an en dash and spaces
        rf"{_month_pattern('rm1')}\s*[-\u2013]\s*{_month_pattern('rm2')},?\s+{_YEAR_INTRO}"
        rf"{_year_pattern('ry')}",
        # May 30, 2017 / June 1st 2013 / Noviembre 25, 2012
        # (scrapes often lose the space after the comma: "May 30,2017")
        rf"{_month_pattern('am')}\s+{_day_pattern('ad')}(?:,\s*|\s+){_year_pattern('ay')}",
        # March 8-9, 2008: a range of days states the month, not one day
        rf"{_month_pattern('xm')}\s+\d{{1,2}}\s*[-\u2013]\s*\d{{1,2}}(?!\d),?\s+"
        rf"{_year_pattern('xy')}",
        # June 2013 / junio de 2013 / juin 2013
        rf"{_month_pattern('cm')},?\s+{_YEAR_INTRO}{_year_pattern('cy')}",
        # 1 June 2013 / 1st of June 2013 / 25 de noviembre de 2012 / 23 de Octubre, 2010 /
        # 12. Mai 2012 (German writes the day with a full stop) /
        # 1er mai 2015. The day may not continue a number, a time or a range ("3/4", "1-2").
        rf"(?<![\w.,/:\u2013-]){_day_pattern('dd')}\.?\s+(?:(?:de|of)\s+)?{_month_pattern('dm')}"
        rf",?\s+{_YEAR_INTRO}{_year_pattern('dy')}",
        # 2011-11-21 (a following "T10:00" is allowed) and 2011-11
        r"(?<![\w.-])(?P<iy>\d{4})-(?P<im>\d\d)(?:-(?P<id>\d\d))?(?!-\d)"
        r"(?:(?=T\d)|(?!\w))",
    ]),
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"\d{4}")
_START_RE = re.compile(_month_pattern("sm") + r"|\d", re.IGNORECASE)
# "2013-2014" as a whole field: a range of years (in running text it stays a span, no date).
_HYPHENED_RE = re.compile(r"([^\W\d_]{3,})-(\d{1,2})-(\d{4})")
_YEAR_RANGE_RE = re.compile(r"(?P<first>\d{4})\s*[-\u2013/]\s*(?P<last>\d{4})")


@dataclass(frozen=True, slots=True, kw_only=True)
class DateMatch:
    """A date found in a line: its value and where its text sits in the searched string."""

    date: PartialDate
    start: int
    end: int
    text: str


def parse_date(text: str) -> PartialDate | None:
    """The whole string (surrounding whitespace and a trailing '.' ignored) as one date, or None.

    A bare year ("2011") is a year-precision date here. Anything else around the date, even
    an article ("le 3 mars 2014"), makes it not one date: use `find_dates` for running text.
    """
    value = text.strip()
    value = value[:-1].rstrip() if value.endswith(".") else value
    if _YEAR_RE.fullmatch(value):
        return _partial(value)
    if (hyphened := _HYPHENED_RE.fullmatch(value)) is not None:
        value = " ".join(hyphened.groups())  # "February-12-2008": a month name, day, year
    if (years := _YEAR_RANGE_RE.fullmatch(value)) is not None:
        first, last = int(years["first"]), int(years["last"])
        if MIN_YEAR <= first < last <= MAX_YEAR:
            return PartialDate(year=first, end_year=last)
        return None
    match = _DATE_RE.fullmatch(value)
    found = _interpret(match, in_text=False) if match else None
    if found is None or (found.start, found.end) != (0, len(value)):
        return None  # e.g. "December-January 2010": only part of the string is a date
    return found.date


# A year not inside a longer number. The digit before it is checked apart (_DIGIT_RE): a
# pattern that starts with a look-behind is tried at every position of the text, three times
# slower on article bodies.
_YEAR_HINT_RE = re.compile(r"(?:1[89]\d\d|20\d\d|2100)(?!\d)")
_DIGIT_RE = re.compile(r"\d")


def _has_year(text: str) -> bool:
    """Does `text` hold a four-digit year that is not part of a longer number?"""
    return any(not (match.start() and _DIGIT_RE.match(text, match.start() - 1))
               for match in _YEAR_HINT_RE.finditer(text))


def lines_with_years(text: str) -> set[int]:
    """0-based numbers of the lines of `text` that hold a four-digit year: the only lines
    `find_dates` can find anything on (one scan of the text, not one per line)."""
    found: set[int] = set()
    line, counted = 0, 0
    for match in _YEAR_HINT_RE.finditer(text):
        start = match.start()
        if start and _DIGIT_RE.match(text, start - 1):
            continue  # the tail of a longer number (no year can start inside it either)
        line += text.count("\n", counted, start)
        counted = start
        found.add(line)
    return found


def find_dates(text: str) -> list[DateMatch]:
    """Every date stated in a line of text, left to right, non-overlapping.

    A month range must run forwards within one year. In "December-January 2010" the year
    belongs to January only (December is probably 2009, but the text does not say), so that
    yields just "January 2010"; `parse_date` returns None for it.
    """
    found: list[DateMatch] = []
    if not _has_year(text):
        return found  # every form states a four-digit year: most lines have none, skip them
    position = 0
    while start := _START_RE.search(text, position):
        # Every date starts with a month name or a digit: _DATE_RE is tried only there (one
        # alternation of month names to scan with, not one per form of date).
        match = _DATE_RE.match(text, start.start())
        if match is None:
            position = start.start() + 1
            continue
        date_match = _interpret(match, in_text=True)
        if date_match is not None:
            found.append(date_match)
        position = match.end()  # an invalid date is skipped whole: "30 February" is not February
    return found


def _interpret(match: re.Match[str], *, in_text: bool) -> DateMatch | None:
    """The date a `_DATE_RE` match states, or None if it names no real date."""
    group = match.group
    start = match.start()
    if group("rm1"):
        first, last = _month(group("rm1")), _month(group("rm2"))
        if first < last:
            date = _partial(group("ry"), first, end_month=last)
        else:  # reversed or same month: only the second month is tied to the year
            start = match.start("rm2")
            date = _partial(group("ry"), last)
    elif group("xm"):
        date = _partial(group("xy"), _month(group("xm")))
    elif group("am"):
        date = _partial(group("ay"), _month(group("am")), group("ad"))
    elif group("cm"):
        date = _partial(group("cy"), _month(group("cm")))
    elif group("dm"):
        date = _partial(group("dy"), _month(group("dm")), group("dd"))
    else:
        year, month = int(group("iy")), int(group("im"))
        if in_text and group("id") is None and month == (year + 1) % 100:
            return None  # "2010-11" in prose is a span of years
        date = _partial(group("iy"), month, group("id"))
    if date is None:
        return None
    return DateMatch(date=date, start=start, end=match.end(), text=match.string[start:match.end()])


def _month(name: str) -> int:
    key = name.lower()
    return _MONTHS.get(key) or _ABBREVIATIONS[key.rstrip(".")]


def _partial(year: str, month: int | None = None, day: str | None = None,
             end_month: int | None = None) -> PartialDate | None:
    """A PartialDate if the parts make a real date in the accepted years, else None."""
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        return PartialDate(year=int(year), month=month, day=None if day is None else int(day),
                           end_month=end_month)
    except ValueError:  # February 30, month 13, day 00
        return None
