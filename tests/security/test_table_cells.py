"""Tables cost at most `limits.table_cells` cells per article (issue #14).

A cell is three tokens, an inline parse and two tags: tables of tiny cells cost 60 times
what prose does per byte, and markdown-it-py pads every row to its header's width (up to
65,536 cells a table), so 5 KB of text made 65,000 cells and each such table as many again.
Before the limit, the two texts below made 700,000 and 650,000 cells; now each makes at most
the limit, keeps the rest as text, and says where (md.table_cut, the loader's AG034).
"""

from __future__ import annotations

import re

import pytest

from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.markdown.engine import make_markdown, render_markdown_with_excerpt

LIMIT = DEFAULT_LIMITS.table_cells


def cells(html: str) -> int:
    return len(re.findall(r"<t[dh][ >]", html))


@pytest.mark.slow
def test_padded_rows_make_no_more_cells_than_the_limit() -> None:
    # Ten tables of 1,000 columns, each over 70 rows of one letter: 700,000 cells before.
    text = "\n\n".join(f"|a{i}" * 1000 + "\n" + "|-" * 1000 + "\n" + "b\n" * 70
                       for i in range(10))
    md = make_markdown()
    html, _, _ = render_markdown_with_excerpt(md, text, 0)
    assert 0 < cells(html) <= LIMIT
    assert md.table_cut is not None and md.table_cut.line == 0  # the first table is cut
    # What is not a table stays on the page, as text: the last table's header is there.
    assert "|a9|a9" in html


@pytest.mark.slow
def test_a_long_table_keeps_its_first_rows_and_the_rest_as_text() -> None:
    rows = [f"|r{i}" + "|b" * 49 for i in range(13_000)]  # 650,000 cells before
    text = "Intro.\n\n" + "\n".join(["|h" * 50, "|-" * 50, *rows]) + "\n\nAfter."
    md = make_markdown()
    html, _, _ = render_markdown_with_excerpt(md, text, 0)
    # The header is a row too: the rows that fit, whole.
    kept = LIMIT // 50 - 1
    assert cells(html) == 50 * (kept + 1) == LIMIT
    assert f"<td>r{kept - 1}</td>" in html and f"<td>r{kept}</td>" not in html
    assert f"<p>|r{kept}|b" in html and "|r12999|b" in html and "<p>After.</p>" in html
    assert md.table_cut is not None and md.table_cut.line == 2


def test_tables_under_the_limit_are_whole_and_not_reported() -> None:
    table = "|a|b\n|-|-\n" + "|1|2\n" * 10  # 22 cells
    md = make_markdown(Limits(table_cells=22))
    for _ in range(2):  # (the cells are counted per text, not per renderer)
        html, _, _ = render_markdown_with_excerpt(md, table, 0)
        assert cells(html) == 22 and md.table_cut is None


def test_a_cut_is_reported_once_per_text_at_its_first_table() -> None:
    table = "|a|b\n|-|-\n" + "|1|2\n" * 10
    md = make_markdown(Limits(table_cells=33))
    html, _, _ = render_markdown_with_excerpt(md, f"{table}\n{table}\n{table}", 0)
    # The first is whole (22 cells of 33), the second keeps its header and 4 rows (10 of the
    # 11 left), the third is text: the cut is the second's, at line 13.
    assert cells(html) == 22 + 10
    assert md.table_cut is not None and md.table_cut.line == 13


def test_columns_are_counted_as_markdown_it_py_counts_them() -> None:
    """A table far under the limit was cut: its columns were counted as the header's "|"
    and one, escaped "\\|" and the pipes at both ends included ("|a|b|" made 4 of 2)."""
    for text in ("|a|b|\n|-|-|\n" + "|x|y|\n" * 5000,
                 "a" + "\\|" * 198 + "|b\n-|-\n" + "x|y\n" * 100):
        md = make_markdown(Limits(table_cells=2 * 5001))
        html, _, _ = render_markdown_with_excerpt(md, text, 0)
        rows = text.count("\n") - 1
        assert cells(html) == 2 * rows and md.table_cut is None
