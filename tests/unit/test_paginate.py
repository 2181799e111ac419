"""Pagination: pages put back together give the input, in order, in pages of the right size."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.site.paginate import page_window, paginate

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


# --- page_window --------------------------------------------------------------------------


def test_page_window_examples() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(3, 5) == [1, 2, 3, 4, 5]
    assert page_window(1, 10) == [1, 2, 3, 0, 10]
    assert page_window(10, 10) == [1, 0, 8, 9, 10]
    assert page_window(250, 500) == [1, 0, 248, 249, 250, 251, 252, 0, 500]


def test_page_window_shows_a_single_missing_page_instead_of_a_gap() -> None:
    assert page_window(5, 10) == [1, 2, 3, 4, 5, 6, 7, 0, 10]  # 2..3 filled, not "1 … 3"


@given(st.integers(min_value=1, max_value=5000).flatmap(
    lambda total: st.tuples(st.integers(min_value=1, max_value=total), st.just(total))))
def test_page_window_properties(case: tuple[int, int]) -> None:
    number, total = case
    shown = page_window(number, total)
    pages = [n for n in shown if n]
    assert pages == sorted(set(pages))
    assert {1, number, total} <= set(pages)
    assert len(shown) <= 9  # bounded, however many pages there are
    for before, after in itertools.pairwise(shown):
        if before and after:
            assert after == before + 1  # consecutive unless a gap is marked
        else:
            assert (before, after).count(0) == 1  # a gap sits between two pages
    for gap_at, n in enumerate(shown):
        if n == 0:
            assert shown[gap_at + 1] - shown[gap_at - 1] > 2  # a gap hides two pages or more


def test_page_window_rejects_a_page_outside_the_listing() -> None:
    with pytest.raises(ValueError):
        page_window(0, 3)
    with pytest.raises(ValueError):
        page_window(4, 3)
