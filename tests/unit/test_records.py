"""records.py: every article the loaders produce survives a JSON round trip unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics
from archivegen.loaders import load_source
from archivegen.records import (
    article_from_json,
    article_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
)
from archivegen.repair import repair_article
from archivegen.sources import iter_article_paths, read_source

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
