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
