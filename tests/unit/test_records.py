"""records.py: every article the loaders produce survives a JSON round trip unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import iter_article_paths, read_source
from archivegen.partial_date import PartialDate
from archivegen.records import (
    article_from_json,
    article_to_json,
    date_from_json,
    date_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("folder", ["layouts", "archive", "hostile"])
def test_round_trip_of_every_fixture_article(folder: str) -> None:
    root = FIXTURES / folder
    count = 0
    for rel in iter_article_paths(root):
        diags = Diagnostics()
        source = read_source(root, rel, diags)
        assert source is not None
        for article in load_source(source, diags):
            article = repair_article(article, diags)
            data = json.loads(json.dumps(article_to_json(article)))
            assert article_from_json(data) == article
            count += 1
        for d in diags.items:
            assert diagnostic_from_json(json.loads(json.dumps(diagnostic_to_json(d)))) == d
    assert count > 0


@pytest.mark.parametrize("bad", [None, {}, [], {"provenance": {}}, "x", 3])
def test_unexpected_shapes_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        article_from_json(bad)
    with pytest.raises(ValueError):
        diagnostic_from_json(bad)


@pytest.mark.parametrize("date", [
    PartialDate(year=2017, month=5, day=30), PartialDate(year=2013, month=6),
    PartialDate(year=2010, month=6, end_month=7), PartialDate(year=2011),
    PartialDate(year=2013, end_year=2014), None])
def test_every_date_precision_round_trips(date: PartialDate | None) -> None:
    assert date_from_json(json.loads(json.dumps(date_to_json(date)))) == date


@pytest.mark.parametrize("kwargs", [{"year": 2013, "end_year": 2013},
                                    {"year": 2013, "month": 4, "end_year": 2014}])
def test_a_range_of_years_holds_whole_years_in_order(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        PartialDate(**kwargs)


def test_dumps_writes_valid_utf8_json_whatever_the_strings_hold() -> None:
    from archivegen.records import dumps

    value = {"t": "lone \ud800 \udcff pair \ud83d\ude00 c1 \x85 del \x7f bidi \u202e esc \x1b"}
    text = dumps(value)
    text.encode("utf-8")
    assert json.loads(text) == {"t": "lone \ufffd \ufffd pair \U0001f600 c1 \x85 del \x7f "
                                      "bidi \u202e esc \x1b"}
    assert "\\u0085" in text and "\\u202e" in text and "\x85" not in text
    plain = {"a": ["naïve", 1, None], "b": "x"}
    assert dumps(plain) == json.dumps(plain, ensure_ascii=False)
    assert dumps(plain, indent=2) == json.dumps(plain, ensure_ascii=False, indent=2)
