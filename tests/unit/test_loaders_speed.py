"""Hostile text costs time linear in its size: a line or a file k times larger takes about k
times as long to load, never k squared. Found by review, kept as regressions.

Each check loads an input at two sizes (best of three runs) and compares: linear is a ratio
near the size ratio, quadratic near its square. The bound sits between the two, with an
absolute allowance so that timer noise on fast runs cannot fail it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import pytest

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.model import Source

GROWTH = 8  # the larger input is GROWTH times the smaller one
MAX_RATIO = 20  # linear gives about 8, quadratic about 64
ALLOWANCE = 0.25  # seconds added to the bound: noise on runs of a few milliseconds


def _seconds(text: str) -> float:
    data = text.encode()
    source = Source(path="a.txt", data=data, sha256=hashlib.sha256(data).hexdigest())
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        load_source(source, Diagnostics())
        best = min(best, time.perf_counter() - start)
    return best


def assert_linear(make: Callable[[int], str], n: int) -> None:
    small, large = _seconds(make(n)), _seconds(make(n * GROWTH))
    assert large < MAX_RATIO * small + ALLOWANCE, (
        f"{n}: {small:.3f}s, {n * GROWTH}: {large:.3f}s (ratio {large / small:.1f})")


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("unit", ["1-", "2010-", "June-", "1.", "A'"])
def test_a_long_token_of_word_characters_and_punctuation_in_the_tail(unit: str) -> None:
    # The tail's "X's newsletter" pattern opened at every word boundary inside the token and
    # scanned to its end from each: 7 s for 25,000 characters.
    assert_linear(lambda n: "Headline\n\nThe body's only sentence.\n\n" + _repeat(unit, n)
                  + "\n", 1_500)
