"""Pagination: pages put back together give the input, in order, in pages of the right size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.paginate import paginate

sizes = st.integers(min_value=1, max_value=50)
item_lists = st.lists(st.integers(), max_size=300)


@settings(max_examples=200)
@given(item_lists, sizes)
def test_concatenated_pages_are_the_input_in_order(items: list[int], size: int) -> None:
    pages = paginate(items, size)
    assert [x for page in pages for x in page] == items


@settings(max_examples=200)
@given(item_lists, sizes)
def test_only_the_last_page_may_be_short(items: list[int], size: int) -> None:
    pages = paginate(items, size)
    assert all(len(page) <= size for page in pages)
    assert all(len(page) == size for page in pages[:-1])
    if items:
        assert 1 <= len(pages[-1]) <= size


@settings(max_examples=200)
@given(item_lists, sizes)
def test_page_count_is_ceiling_and_never_zero(items: list[int], size: int) -> None:
    pages = paginate(items, size)
    assert len(pages) >= 1
    assert len(pages) == max(1, -(-len(items) // size))


@settings(max_examples=200)
@given(item_lists, sizes)
def test_pages_are_tuples(items: list[int], size: int) -> None:
    assert all(isinstance(page, tuple) for page in paginate(items, size))


def test_empty_input_is_one_empty_page() -> None:
    assert paginate([], 10) == [()]


def test_examples() -> None:
    assert paginate("abcde", 2) == [("a", "b"), ("c", "d"), ("e",)]
    assert paginate([1, 2, 3, 4], 2) == [(1, 2), (3, 4)]
    assert paginate([1, 2, 3], 5) == [(1, 2, 3)]
    assert paginate((1,), 1) == [(1,)]


@pytest.mark.parametrize("size", [0, -1, -100])
def test_size_below_one_raises(size: int) -> None:
    with pytest.raises(ValueError):
        paginate([1, 2, 3], size)


@given(st.integers(max_value=0))
def test_any_size_below_one_raises_even_for_empty_input(size: int) -> None:
    with pytest.raises(ValueError):
        paginate([], size)
