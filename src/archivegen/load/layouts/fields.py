"""Record fields given as YAML keys (front matter and sidecar files): one schema, one checker.

Lists may be written as a single string; unknown keys are warnings, wrong types errors, each
with the key's file:line.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from typing import Any

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.dateparse import parse_date
from archivegen.load.layouts.text import clean_name
from archivegen.load.names import parse_byline
from archivegen.model import FieldOrigin
from archivegen.partial_date import PartialDate
from archivegen.yamlmap import YamlEntry

STRING_FIELDS = {"title": "title", "publisher": "publisher", "source": "original_source",
                 "url": "url", "slug": "slug", "summary": "summary", "language": "language"}
LIST_FIELDS = {"authors": "authors", "author": "authors", "regions": "regions",
               "themes": "themes", "tags": "tags", "reports": "reports"}
# An article marked `draft: true` is built by `serve` and by `build --drafts` only.
BOOL_FIELDS = {"draft": "draft"}
KNOWN_KEYS = sorted({*STRING_FIELDS, *LIST_FIELDS, *BOOL_FIELDS, "date"})

# A value quoted in a message is cut short: a full repr of a YAML value could be as large as
# the document, or (shared through aliases) far larger.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 4, 4, 60


def read_fields(entries: list[YamlEntry], path: str, rule: str,
                diags: Diagnostics) -> tuple[dict[str, Any], list[FieldOrigin]]:
    """Record fields (by Article attribute name) and where each came from."""
    fields: dict[str, Any] = {}
    origins: list[FieldOrigin] = []
    for entry in entries:
        value = convert_field(entry, path, diags)
        if value is None:
            continue
        name = (STRING_FIELDS.get(entry.key) or LIST_FIELDS.get(entry.key)
                or BOOL_FIELDS.get(entry.key) or entry.key)
        if name in fields:
            diags.error("AG011", f"'{entry.key}' repeats a field already given",
                        _loc(path, entry))
            continue
        fields[name] = value
        origins.append(FieldOrigin(name=name, line=entry.line, rule=rule))
    return fields, origins


def _loc(path: str, entry: YamlEntry) -> SourceLocation:
    return SourceLocation(path=path, line=entry.line, col=entry.col)


def convert_field(entry: YamlEntry, path: str, diags: Diagnostics) -> Any:
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
        if key in ("authors", "author") and isinstance(value, str):
            # One string may name several people: "Maria Kowalski and Owen Clarke".
            return parse_byline(value).authors or None
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
    if key in BOOL_FIELDS:
        if value is None:
            return None
        if not isinstance(value, bool):
            diags.error("AG012", f"'{key}' must be true or false, got {_kind(value)}",
                        _loc(path, entry))
            return None
        return value
    diags.warning("AG011", f"unknown key '{key}' ignored (known keys: {', '.join(KNOWN_KEYS)})",
                  _loc(path, entry))
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
                f"got {_SHORT.repr(value)}", _loc(path, entry))
    return None


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)
