"""Duplicate detection on real third-party files: the same article as a full repost, a page
excerpt, a forum, newsletter or mailing-list copy, or a PDF transcript is one group;
translations, a chapter reusing an article, a post quoting an essay and two articles with one
title are not (INDEX.md of each set, "Duplicate clusters" and `_related_not_duplicate`).

../shared/real is the development set the rules were written against; tests/fixtures/real2
was first graded after they were written (7 of 7 found, nothing folded wrongly); real3 showed
that quotations strung together must not count (dedupe.EXCERPT_RUN) and that a misspelt
surname is no other author, so it is development material too now.

Graded by benchmarks/real_grading.py, as `benchmarks/field_accuracy.py` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from real_grading import REAL, grade

pytestmark = pytest.mark.slow  # the real corpora

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# each set, and how many of its files have duplicates (so a set that lost its clusters fails)
SETS = {"shared-real": (REAL, 12), "real2": (FIXTURES / "real2", 7),
        "real3": (FIXTURES / "real3", 14)}


@pytest.mark.parametrize("name", sorted(SETS))
def test_real_duplicate_clusters_are_found_and_traps_kept_apart(name: str) -> None:
    folder, clustered = SETS[name]
    if not (folder / "expected.json").is_file():
        pytest.fail(f"{folder}/expected.json is missing: the real sets must be there "
                    "(../shared/real beside the repository, as in CI; the others in it)")
    score = grade(folder)
    assert score.crashes == []
    assert score.dup_files == clustered
    assert score.dup_missing == []
    assert score.dup_found == score.dup_files
    assert score.related_folded == []
    assert score.wrongly_grouped == []
