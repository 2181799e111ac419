"""quick_pickle: the same objects back from a pickle, with a tuple as their state."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest

from archivegen.model import ArticleSummary, ListingPage, Pager
from archivegen.partial_date import PartialDate
from archivegen.site.plan import Page
from archivegen.slotted import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class _Point:
    x: int
    y: int = 2
    tags: tuple[str, ...] = field(default=())


def test_a_round_trip_gives_an_equal_object_with_every_field() -> None:
    point = _Point(x=1, tags=("a", "b"))
    assert point.__getstate__() == (1, 2, ("a", "b"))  # type: ignore[attr-defined]
    back = pickle.loads(pickle.dumps(point, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == point and type(back) is _Point
    assert (back.x, back.y, back.tags) == (1, 2, ("a", "b"))


def test_the_build_s_page_jobs_round_trip() -> None:
    date = PartialDate(year=2017, month=5, day=30)
    summary = ArticleSummary(url="/a/", title="A", date=date, authors=("X", "Y"),
                             publisher="P", excerpt="e", source_path="a.md",
                             title_derived=True, key="a.md")
    page = Page(kind="listing", path="index.html", origin="/", fingerprint="f",
                data=(summary, None, (date, PartialDate(year=2010, end_year=2011))))
    for value in (date, summary, page):
        back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == value
    assert pickle.loads(pickle.dumps(summary)).date is not None  # protocol 0 too


def test_only_slotted_dataclasses_of_two_fields_or_more() -> None:
    class Plain:
        pass

    @dataclass(frozen=True)
    class Unslotted:
        a: int
        b: int

    @dataclass(frozen=True, slots=True)
    class One:
        a: int

    for cls in (Plain, Unslotted, One):
        with pytest.raises(TypeError):
            quick_pickle(cls)


def test_the_classes_sent_to_workers_use_it() -> None:
    for cls in (ArticleSummary, ListingPage, Pager, Page, PartialDate):
        assert cls.__getstate__.__qualname__.startswith("quick_pickle")  # type: ignore[attr-defined]
