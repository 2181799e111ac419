"""Duplicate detection on the real third-party files of ../shared/real (INDEX.md, "Duplicate
clusters"): the same article as a full repost, a page excerpt and a mailing-list copy is one
group; translations, a chapter reusing an article and two articles with one title are not.

Graded by benchmarks/real_grading.py, as `benchmarks/field_accuracy.py` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from real_grading import REAL, grade


def test_real_duplicate_clusters_are_found_and_traps_kept_apart() -> None:
    if not (REAL / "expected.json").is_file():
        pytest.fail(f"the real development set is missing: expected {REAL}/expected.json "
                    "(the project's shared folder ../shared/real beside the checkout)")
    score = grade(REAL)
    assert score.crashes == []
    assert score.dup_files >= 12  # the four clusters of INDEX.md
    assert score.dup_missing == []
    assert score.dup_found == score.dup_files
    assert score.related_folded == []
    assert score.wrongly_grouped == []
