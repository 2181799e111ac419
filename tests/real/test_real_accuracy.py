"""The loader on real third-party text: ../shared/real/ (54 files other people wrote),
tests/fixtures/real2/, real3/ and real4/ (43, 48 and 48 more, each gathered and read by hand
before the loader ran on it).

The fields were read by hand (expected.json); benchmarks/real_grading.py compares them with
what `archivegen check` reads. Targets: at least 97 % of graded fields right, no value where
the text states none, no crash. A separate held-out set of the same kinds measures the same,
so a failure here is fixed by a rule for a kind of text, never by a case for one file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import real_grading

pytestmark = pytest.mark.slow  # the real corpora

MIN_RIGHT = 0.97
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SETS = {"shared-real": (real_grading.REAL, 390), "real2": (FIXTURES / "real2", 300),
        "real3": (FIXTURES / "real3", 320), "real4": (FIXTURES / "real4", 340)}


@pytest.fixture(scope="module", params=sorted(SETS))
def graded(request: pytest.FixtureRequest) -> tuple[real_grading.RealScore, int]:
    folder, at_least = SETS[request.param]
    expected = folder / "expected.json"
    if not expected.is_file():
        pytest.fail(f"{expected} is missing: the real development set must be beside the "
                    "repository (../shared/real/), as it is in CI")
    return real_grading.grade(folder), at_least


@pytest.fixture
def score(graded: tuple[real_grading.RealScore, int]) -> real_grading.RealScore:
    return graded[0]


def test_nothing_crashes(score: real_grading.RealScore) -> None:
    assert score.crashes == []


def test_nothing_is_invented(score: real_grading.RealScore) -> None:
    invented = [m for m in score.misses if m.invented]
    assert invented == []


def test_at_least_97_percent_of_fields_right(
        graded: tuple[real_grading.RealScore, int]) -> None:
    score, at_least = graded
    assert score.graded >= at_least  # every file graded, not a subset
    share = score.right / score.graded
    assert share >= MIN_RIGHT, "\n".join(real_grading.summary_lines(score, verbose=True))
