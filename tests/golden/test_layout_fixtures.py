"""Every file of the layout fixture set loads into its hand-written expected record(s).

The expectations (tests/fixtures/layouts/expected/*.json) were written from reading the texts,
not from running the loader; `benchmarks/field_accuracy.py` prints the same comparison as a
fields-right figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from field_accuracy import check_file, fixture_names


def test_fixture_set_is_large_and_complete() -> None:
    names = fixture_names()
    assert len(names) >= 30
    layouts = {n.split("_")[0] for n in names}
    assert layouts == {"gr", "repost", "plain", "body", "md"}


@pytest.mark.parametrize("name", fixture_names())
def test_layout_fixture_record(name: str) -> None:
    fields, problems = check_file(name)
    assert fields > 0
    assert problems == []
