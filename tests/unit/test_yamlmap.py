"""Safe YAML mappings that remember where every key is, for file:line diagnostics."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics, Level
from archivegen.yamlmap import YamlEntry, load_mapping


def load(text: str, first_line: int = 1) -> tuple[list[YamlEntry] | None, Diagnostics]:
    diags = Diagnostics()
    return load_mapping(text, "a/front.md", first_line, diags), diags


def formatted(diags: Diagnostics) -> list[str]:
    return [d.format() for d in diags.sorted()]


def test_entries_keep_order_values_and_positions() -> None:
    entries, diags = load("title: Hello\nauthors:\n  - A\n  - B\ndate: 2017-05-30\n")
    assert diags.items == []
    assert entries is not None
    assert [(e.key, e.line, e.col) for e in entries] == [
        ("title", 1, 1), ("authors", 2, 1), ("date", 5, 1)]
    assert entries[0].value == "Hello"
    assert entries[1].value == ["A", "B"]
    assert entries[1].value_line == 3
    assert str(entries[2].value) == "2017-05-30"


def test_first_line_offsets_every_reported_line() -> None:
    entries, diags = load("title: x\nslug: y\n", first_line=10)
    assert diags.items == []
    assert entries is not None
    assert [(e.key, e.line) for e in entries] == [("title", 10), ("slug", 11)]


def test_first_line_offsets_syntax_errors() -> None:
    entries, diags = load("title: a\n  bad: indent\n", first_line=10)
    assert entries is None
    assert formatted(diags) == [
        "a/front.md:11:6: error: YAML syntax error: mapping values are not allowed here [AG010]"
    ]


def test_column_of_indented_key() -> None:
    entries, _ = load("  title: x\n  slug: y\n")
    assert entries is not None
    assert [(e.line, e.col) for e in entries] == [(1, 3), (2, 3)]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_document_is_an_empty_mapping(text: str) -> None:
    entries, diags = load(text)
    assert entries == []
    assert diags.items == []


@pytest.mark.parametrize("text", ["---\n", "---\n# nothing yet\n", "---\n...\n"])
def test_explicit_empty_document_is_an_empty_mapping(text: str) -> None:
    # yaml.safe_load gives None for these exactly as for "", so they are empty too.
    entries, diags = load(text)
    assert formatted(diags) == []
    assert entries == []


@pytest.mark.parametrize(("text", "line"), [("- a\n- b\n", 1), ("just text", 1),
                                            ("\n\n42\n", 3)])
def test_non_mapping_document(text: str, line: int) -> None:
    entries, diags = load(text)
    assert entries is None
    assert [(d.code, d.location.line) for d in diags.items] == [("AG012", line)]


def test_duplicate_key_reported_with_both_lines_first_kept() -> None:
    entries, diags = load("title: one\nslug: s\ntitle: two\n")
    assert entries is not None
    assert [(e.key, e.value) for e in entries] == [("title", "one"), ("slug", "s")]
    assert formatted(diags) == [
        "a/front.md:3:1: error: key 'title' repeats the one on line 1 [AG011]"]


def test_non_scalar_key_is_reported() -> None:
    entries, diags = load("[1, 2]: x\ntitle: t\n")
    assert entries is not None
    assert [e.key for e in entries] == ["title"]
    assert [(d.code, d.location.line) for d in diags.items] == [("AG012", 1)]


def test_multiple_documents_are_an_error() -> None:
    entries, diags = load("title: a\n---\ntitle: b\n")
    assert entries is None
    assert [d.code for d in diags.items] == ["AG010"]


@pytest.mark.parametrize(
    "template",
    [
        "title: !!python/object/apply:os.system [\"touch {marker}\"]\n",
        "!!python/object/apply:os.system [\"touch {marker}\"]\n",
        "title: ok\nx: !!python/object/apply:os.system\n  args: [\"touch {marker}\"]\n",
        "title: !!python/object/new:os.system [\"touch {marker}\"]\n",
        "title: !!python/name:os.system\n",
    ],
)
def test_python_tags_are_never_executed(template: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a) or 0)
    marker = tmp_path / "pwned"
    entries, diags = load(template.format(marker=marker))
    assert calls == []
    assert not marker.exists()
    assert diags.errors >= 1
    assert all(d.level is Level.ERROR for d in diags.items)
    for entry in entries or []:
        assert not callable(entry.value)
