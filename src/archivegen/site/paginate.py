"""Split an ordered sequence into pages of a fixed size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def paginate(items: Sequence[T], page_size: int) -> list[tuple[T, ...]]:
    """Consecutive chunks of `page_size` items; always at least one (possibly empty) page."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    pages = [tuple(items[i:i + page_size]) for i in range(0, len(items), page_size)]
    return pages or [()]


def page_window(number: int, total: int, radius: int = 2) -> list[int]:
    """The page numbers a pager shows: the first, the last, and `radius` either side of
    `number`; 0 marks a gap ("…"). Never every page: a 5,000-page listing whose every page
    linked to every other would be 25 million links."""
    if not 1 <= number <= total:
        raise ValueError(f"page {number} is not between 1 and {total}")
    wanted = sorted({1, total, *range(max(1, number - radius), min(total, number + radius) + 1)})
    shown: list[int] = []
    for n in wanted:
        if shown and n - shown[-1] == 2:
            shown.append(n - 1)  # a gap of one page: show the page, not "…"
        elif shown and n - shown[-1] > 2:
            shown.append(0)
        shown.append(n)
    return shown
