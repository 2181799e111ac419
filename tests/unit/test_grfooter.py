"""The Global Research footer: where it starts, read from the end of the file."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archivegen.load.layouts.grfooter import footer_start, paragraphs_from_end

DISCLAIMER = ("Disclaimer: The contents of this article are of sole responsibility of the "
              "author(s).")
SOURCE = "The original source of this article is Global Research"
APPEAL = "Support us with a donation. Please donate and become a member today."


def _spans(lines: list[str], start: int) -> list[tuple[int, int]]:
    """The paragraphs from `start` on, read forwards: (first line, end line) of each run of
    lines that are not blank."""
    spans, begin = [], None
    for i in range(start, len(lines) + 1):
        blank = i == len(lines) or not lines[i].strip()
        if blank and begin is not None:
            spans.append((begin, i))
            begin = None
        elif not blank and begin is None:
            begin = i
    return spans


@given(st.lists(st.sampled_from(["", " ", "\t", "text", " text "]), max_size=30),
       st.integers(0, 6))
def test_paragraphs_read_from_the_end_are_those_read_forwards(lines: list[str],
                                                              start: int) -> None:
    assert list(paragraphs_from_end(lines, start))[::-1] == _spans(lines, start)


def test_the_footer_is_the_run_of_boilerplate_paragraphs_at_the_end() -> None:
    lines = ["Body text.", "", DISCLAIMER, "", SOURCE]
    assert footer_start(lines, 0) == 2


def test_a_donation_appeal_just_before_the_footer_is_pulled_in() -> None:
    lines = ["Body text.", "", APPEAL, "", DISCLAIMER, "", SOURCE, ""]
    assert footer_start(lines, 0) == 2


def test_one_stray_disclaimer_is_no_footer() -> None:
    lines = ["Body text.", "", DISCLAIMER]
    assert footer_start(lines, 0) == len(lines)


def test_the_footer_is_looked_for_after_the_start_only() -> None:
    lines = [DISCLAIMER, "", SOURCE]
    assert footer_start(lines, 0) == 0
    assert footer_start(lines, 1) == 2
