"""Markdown files with YAML front matter between two `---` lines.

Lists may be written as a single string; unknown keys are warnings, wrong types errors, each
with the key's file:line. A file with errors in its front matter is not built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..dates import PartialDate
from ..errors import Diagnostics, SourceLocation
from ..model import Article, FieldOrigin, Provenance, Source
from ..yamlmap import YamlEntry, load_mapping
from .text import clean_name, parse_date

LAYOUT = "markdown-front-matter"

STRING_FIELDS = {"title": "title", "publisher": "publisher", "source": "original_source",
                 "url": "url", "slug": "slug", "summary": "summary", "language": "language"}
LIST_FIELDS = {"authors": "authors", "author": "authors", "regions": "regions",
               "themes": "themes", "tags": "tags", "reports": "reports"}
KNOWN_KEYS = sorted({*STRING_FIELDS, *LIST_FIELDS, "date"})


def sniff(text: str, path: str) -> bool:
    return text.startswith("---\n")


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        diags.error("AG010", "front matter opened with '---' is never closed",
                    SourceLocation(path=source.path, line=1, col=1))
        return None
    errors_before = diags.errors
    entries = load_mapping("\n".join(lines[1:end]), source.path, 2, diags)
    if entries is None:
        return None
    fields: dict[str, Any] = {}
    origins: list[FieldOrigin] = []
    for entry in entries:
        value = _convert(entry, source.path, diags)
        if value is not None:
            name = STRING_FIELDS.get(entry.key) or LIST_FIELDS.get(entry.key) or entry.key
            if name in fields:
                diags.error("AG011", f"'{entry.key}' repeats a field already given",
                            _loc(source.path, entry))
                continue
            fields[name] = value
            origins.append(FieldOrigin(name=name, line=entry.line, rule="front-matter"))
    if diags.errors > errors_before:
        return None
    if not fields.get("title"):
        diags.warning("AG014", "no 'title' in front matter",
                      SourceLocation(path=source.path, line=1, col=1))
    body_start = end + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return _article(fields, lines, body_start, source, origins)


def _article(fields: dict[str, Any], lines: list[str], body_start: int, source: Source,
             origins: list[FieldOrigin]) -> Article:
    return Article(
        title=fields.pop("title", ""),
        **fields,
        body="\n".join(lines[body_start:]).strip("\n"),
        body_line=body_start + 1,
        provenance=Provenance(source_path=source.path, sha256=source.sha256, layout=LAYOUT,
                              fields=tuple(origins)),
    )


def _loc(path: str, entry: YamlEntry) -> SourceLocation:
    return SourceLocation(path=path, line=entry.line, col=entry.col)


def _convert(entry: YamlEntry, path: str, diags: Diagnostics) -> Any:
    """The field's value in the record's type, or None after reporting why it cannot be."""
    key, value = entry.key, entry.value
    if key in STRING_FIELDS:
        if value is None:
            return None
        if not isinstance(value, str):
            diags.error("AG012", f"'{key}' must be a string, got {_kind(value)}", _loc(path, entry))
            return None
        return " ".join(value.split()) if key != "url" else value.strip()
    if key in LIST_FIELDS:
        items = [] if value is None else [value] if not isinstance(value, list) else value
        names: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                diags.error("AG012", f"'{key}' must be a string or a list of strings, "
                            f"found {_kind(item)}", _loc(path, entry))
                return None
            if name := clean_name(str(item)):
                names.append(name)
        return tuple(dict.fromkeys(names))
    if key == "date":
        return _date(entry, path, diags)
    diags.warning("AG011", f"unknown front-matter key '{key}' ignored "
                  f"(known keys: {', '.join(KNOWN_KEYS)})", _loc(path, entry))
    return None


def _date(entry: YamlEntry, path: str, diags: Diagnostics) -> PartialDate | None:
    value = entry.value
    if isinstance(value, dt.datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # `date: 2010` is a year
    if isinstance(value, str) and (parsed := parse_date(value)):
        return parsed
    diags.error("AG013", f"'date' must be a date like 2017-05-30 or 'May 30, 2017', "
                f"got {value!r}", _loc(path, entry))
    return None


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)
