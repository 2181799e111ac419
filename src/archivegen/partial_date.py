"""Dates as the text states them: a day, a month, a year, or a range of months — never more.

A scraped article saying "June-July 2010" has no day; we keep that precision instead of
inventing one. Parsing (English, Spanish, French) lives in dateparse.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from archivegen.slotted import quick_pickle

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class PartialDate:
    """A calendar date known to year, month or day precision, optionally a range of months.

    `end_month` is set only for month ranges within one year ("June-July 2010"); `end_year`
    only for ranges of whole years ("2013-2014": the years a compilation page covers).
    """

    year: int
    month: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_year: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if self.day is not None:
            dt.date(self.year, self.month or 1, self.day)  # raises for February 30
        if self.end_month is not None and (self.month is None or self.day is not None
                                           or not self.month < self.end_month <= 12):
            raise ValueError("a month range needs a start month before its end month")
        if self.end_year is not None and (self.month is not None or self.end_year <= self.year):
            raise ValueError("a range of years needs whole years, the first before the last")

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(year=value.year, month=value.month, day=value.day)

    @property
    def precision(self) -> str:
        """"day", "month", "month-range", "year" or "year-range"."""
        if self.day is not None:
            return "day"
        if self.end_month is not None:
            return "month-range"
        if self.end_year is not None:
            return "year-range"
        return "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        """ISO 8601 at the stated precision: 2017-05-30, 2017-05, 2017, 2010-06/2010-07 or
        2013/2014."""
        if self.month is None:
            if self.end_year is not None:
                return f"{self.year:04d}/{self.end_year:04d}"
            return f"{self.year:04d}"
        text = f"{self.year:04d}-{self.month:02d}"
        if self.day is not None:
            return f"{text}-{self.day:02d}"
        if self.end_month is not None:
            return f"{text}/{self.year:04d}-{self.end_month:02d}"
        return text

    def sort_key(self) -> tuple[int, int, int]:
        """Orders by the earliest day the date can mean; a month sorts with its first day."""
        return (self.year, self.month or 1, self.day or 1)
