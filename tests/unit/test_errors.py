"""Diagnostics: the exact text users see, the order they are reported in, documented codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivegen import errors
from archivegen.errors import CODES, Diagnostic, Diagnostics, Level, SourceLocation

SRC = Path(errors.__file__).resolve().parent


def diag(path: str, line: int = 0, col: int = 0, *, code: str = "AG011",
         message: str = "unknown key", level: Level = Level.ERROR) -> Diagnostic:
    return Diagnostic(level=level, code=code, message=message,
                      location=SourceLocation(path=path, line=line, col=col))


def test_format_is_path_line_col_level_message_code() -> None:
    d = diag("site/archivegen.yaml", 3, 7, code="AG012", message="'page_size' must be a number")
    assert d.format() == (
        "site/archivegen.yaml:3:7: error: 'page_size' must be a number [AG012]"
    )


def test_format_warning_level() -> None:
    d = diag("a.txt", 1, 1, code="AG031", message="bad link", level=Level.WARNING)
    assert d.format() == "a.txt:1:1: warning: bad link [AG031]"


def test_line_zero_prints_only_the_path() -> None:
    assert diag("seeds/x.txt", 0, 5, code="AG001", message="not UTF-8").format() == (
        "seeds/x.txt: error: not UTF-8 [AG001]"
    )


def test_known_line_unknown_column_prints_column_one() -> None:
    assert str(SourceLocation(path="x.txt", line=4)) == "x.txt:4:1"


def test_sorted_orders_by_path_then_line_then_column() -> None:
    collected = Diagnostics()
    for d in [diag("b.txt", 1, 1), diag("a.txt", 10, 1), diag("a.txt", 2, 9),
              diag("a.txt", 2, 3), diag("a.txt", 0, 0)]:
        collected.items.append(d)
    order = [(d.location.path, d.location.line, d.location.col) for d in collected.sorted()]
    assert order == [("a.txt", 0, 0), ("a.txt", 2, 3), ("a.txt", 2, 9), ("a.txt", 10, 1),
                     ("b.txt", 1, 1)]


def test_line_numbers_sort_numerically_not_as_text() -> None:
    collected = Diagnostics()
    collected.items.extend([diag("a.txt", 10), diag("a.txt", 9)])
    assert [d.location.line for d in collected.sorted()] == [9, 10]


def test_collector_counts_errors_and_warnings() -> None:
    collected = Diagnostics()
    collected.error("AG011", "x", SourceLocation(path="a"))
    collected.warning("AG031", "y", SourceLocation(path="a"))
    collected.warning("AG030", "z", SourceLocation(path="a"))
    other = Diagnostics()
    other.error("AG012", "w", SourceLocation(path="b"))
    collected.extend(other)
    assert (collected.errors, collected.warnings) == (2, 2)
    assert [d.level for d in collected.items] == [Level.ERROR, Level.WARNING, Level.WARNING,
                                                  Level.ERROR]


def test_diagnostic_is_frozen() -> None:
    d = diag("a.txt", 1, 1)
    with pytest.raises(AttributeError):
        d.code = "AG999"  # type: ignore[misc]


def test_codes_are_well_formed_and_described() -> None:
    assert CODES
    for code, text in CODES.items():
        assert re.fullmatch(r"AG\d{3}", code)
        assert text.strip()


def test_every_code_used_in_the_source_tree_is_documented() -> None:
    used: dict[str, list[str]] = {}
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 5  # the scan really looked at the package
    for path in files:
        for code in re.findall(r"AG\d{3}", path.read_text(encoding="utf-8")):
            used.setdefault(code, []).append(path.relative_to(SRC).as_posix())
    undocumented = {code: where for code, where in used.items() if code not in CODES}
    assert undocumented == {}
    # The scan must find codes outside errors.py itself, or it proves nothing.
    assert any(where != "errors.py" for wheres in used.values() for where in wheres)


def test_format_shows_control_characters_escaped() -> None:
    # Titles and file names come from untrusted files; the terminal gets escapes, never ESC.
    d = diag("evil\x1b]0;x\x07.txt", 3, 1,
             message="title 'A\x1b[2J\tB\nC\x7f\x9b\u202e\u2069\ud800 é'")
    assert d.format() == ("evil\\x1b]0;x\\x07.txt:3:1: error: title "
                          "'A\\x1b[2J\\tB\\nC\\x7f\\x9b\\u202e\\u2069\\ud800 é' [AG011]")
    d.format().encode("utf-8")  # a lone surrogate no longer raises when printed


def test_escape_controls_leaves_ordinary_text_alone() -> None:
    for text in ("plain ascii", "naïve “quotes” — ok", "עברית", "\u200f mark", "\\x1b"):
        assert errors.escape_controls(text) == text
