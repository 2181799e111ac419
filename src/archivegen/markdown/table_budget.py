"""A bound on the table cells one Markdown text may make (`Limits.table_cells`).

Each cell is three tokens, an inline parse and two tags, about 20 µs: a table of tiny cells
("|b" repeated) costs 60 times what prose does per byte, and markdown-it-py pads every short
row to the header's width, so a header of 1,000 columns over 65 one-letter rows is 65,000
cells from 5 KB (a second), and each such table of an article as much again. The table rule
here gives each table only the rows the text's remaining cells allow; the rows past them,
and tables once none are left, stay text (paragraphs with their "|"). The text's first table
cut short is remembered in `env` for the loader's warning (AG034).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit

_CELLS_KEY = "archivegen_table_cells"  # cells made so far, in the parse's env
_CUT_KEY = "archivegen_table_cut"


@dataclass(frozen=True, slots=True, kw_only=True)
class TableCut:
    """The first table of a text cut short by the limit: at which line (0-based)."""

    line: int


def bound_tables(md: MarkdownIt, max_cells: int) -> None:
    """Replace `md`'s table rule by one that makes at most `max_cells` cells per text."""
    entry = next(rule for rule in md.block.ruler.__rules__ if rule.name == "table")
    table = entry.fn

    def bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent:  # (only asks whether a table starts here: no tokens, no cells)
            return bool(table(state, start, end, silent))
        if not table(state, start, end, True):  # no table starts here (a cheap look)
            return False
        made = state.env.get(_CELLS_KEY, 0)
        columns = _columns(state, start)
        rows = (max_cells - made) // columns - 1  # the header is a row too
        if rows < 0:
            _remember_cut(state.env, start)
            return False  # no cells left: the lines stay text
        before = len(state.tokens)
        last = min(end, start + 2 + rows)
        found = bool(table(state, start, last, silent))
        if found:
            cells = sum(1 for token in state.tokens[before:]
                        if token.type in ("td_open", "th_open"))
            state.env[_CELLS_KEY] = made + cells
            if last < end and state.line == last and _continues_table(state, last):
                _remember_cut(state.env, start)
        return found

    md.block.ruler.at("table", bounded_table, {"alt": list(entry.alt)})


def _columns(state: StateBlock, line: int) -> int:
    """The columns of a table whose header is `line`, counted as markdown-it-py counts them
    (its cells split at unescaped "|", without the empty ones at either end): every row
    has that many cells."""
    header = mdTrim(state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]])
    cells = escapedSplit(header)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def _continues_table(state: StateBlock, line: int) -> bool:
    """Whether the line after a cut table is more of it (not blank, not indented less)."""
    return (state.bMarks[line] + state.tShift[line] < state.eMarks[line]
            and state.sCount[line] >= state.blkIndent)


def _remember_cut(env: MutableMapping[str, Any], line: int) -> None:
    env.setdefault(_CUT_KEY, TableCut(line=line))


def table_cut(env: MutableMapping[str, Any]) -> TableCut | None:
    """The first table cut short in the parse that used `env`, if any."""
    found: TableCut | None = env.get(_CUT_KEY)
    return found
