"""The export's file names and archive.json's JSON Schema (draft 2020-12), written beside it.

Kept as a value, not a file in the package: the schema and record.ExportRecord.as_json are
changed together, and tests/e2e/test_export.py validates a built archive.json against it.
"""

from __future__ import annotations

from typing import Any

JSON_NAME = "archive.json"
SCHEMA_NAME = "archive.schema.json"
CSV_NAME = "archive.csv"
SQLITE_NAME = "archive.sqlite"

# The files each format writes, at the top of the output folder (fixed names: nothing an
# article says decides a file name).
FILES: dict[str, tuple[str, ...]] = {
    "json": (JSON_NAME, SCHEMA_NAME),
    "csv": (CSV_NAME,),
    "sqlite": (SQLITE_NAME,),
}

_TEXT: dict[str, Any] = {"type": "string"}
_LINE: dict[str, Any] = {"type": "integer", "minimum": 0}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """A closed object: every property required, no other allowed."""
    shape: dict[str, Any] = {"type": "object", "properties": properties,
                             "required": list(properties), "additionalProperties": False}
    if description:
        shape["description"] = description
    return shape


_RULE = _object({"rule": _TEXT, "line": _LINE, "detail": _TEXT})

ARTICLE_SCHEMA: dict[str, Any] = _object({
    "id": {"type": "integer", "minimum": 1,
           "description": "1-based place in URL order (archive.sqlite's articles.id)"},
    "key": {**_TEXT, "description": "source path, plus #n for the n-th article of a file"},
    "url": {**_TEXT, "description": "the article page's URL, from the site's root"},
    "absolute_url": {"type": ["string", "null"], "format": "uri",
                     "description": "the page's address; null unless base_url is http(s)"},
    "title": {**_TEXT, "description": "the page's heading"},
    "title_stated": {"type": "boolean",
                     "description": "false: the source states no title; the heading is "
                                    "the body's first words"},
    "authors": _TEXTS,
    "contributors": {"type": "array", "items": _object({"role": _TEXT, "name": _TEXT})},
    "publisher": _TEXT,
    "date": {"type": ["string", "null"],
             "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2})?)?$",
             "description": "ISO 8601 at the precision the text states: 2017-05-30, "
                            "2017-05, 2017, 2010-06/2010-07, 2013/2014"},
    "date_precision": {"enum": ["day", "month", "month-range", "year", "year-range", None]},
    "date_display": {**_TEXT, "description": "the date as the page shows it"},
    "original_source": _TEXT,
    "original_url": {**_TEXT, "description": "the address the article was taken from"},
    "regions": _TEXTS, "themes": _TEXTS, "tags": _TEXTS, "reports": _TEXTS,
    "terms": {"type": "array", "description": "every taxonomy term, with its page",
              "items": _object({"taxonomy": {"enum": ["regions", "themes", "tags",
                                                      "authors", "reports", "publishers",
                                                      "sources"]},
                                "term": _TEXT, "slug": _TEXT, "url": _TEXT})},
    "slug": _TEXT, "summary": _TEXT, "language": _TEXT, "draft": {"type": "boolean"},
    "body_markdown": {**_TEXT, "description": "the body as repaired, in Markdown"},
    "notes": {"type": "array", "items": _object({"label": _TEXT, "text": _TEXT,
                                                 "line": _LINE})},
    "duplicates": {"type": "array", "description": "copies folded into this page",
                   "items": _object({"key": _TEXT, "source_path": _TEXT,
                                     "kind": {"enum": ["exact", "near", "excerpt"]},
                                     "similarity": {"type": "number"}})},
    "provenance": _object({
        "source_path": _TEXT, "sha256": _TEXT, "layout": _TEXT, "sidecar_path": _TEXT,
        "piece": {"type": "integer", "minimum": 0}, "body_line": _LINE,
        "fields": {"type": "array", "description": "the line and rule each field came from",
                   "items": _object({"field": _TEXT, "line": _LINE, "rule": _TEXT})},
        "repairs": {"type": "array", "items": _RULE},
        "noticed": {"type": "array", "description": "what repair rules left as it was",
                    "items": _RULE},
        "other_dates": {"type": "array", "items": _object({"date": _TEXT, "line": _LINE,
                                                           "text": _TEXT})},
        "footer": {**_TEXT, "description": "site boilerplate kept out of the body"},
    }, "where each field came from, and what was repaired"),
}, "one published article")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_NAME,
    "title": "archivegen research export",
    "description": "Every published article of the archive, in URL order, with provenance.",
    **_object({
        "$schema": {"const": SCHEMA_NAME},
        "generator": {"const": "archivegen"},
        "articles": {"type": "array", "items": {"$ref": "#/$defs/article"}},
    }),
    "$defs": {"article": ARTICLE_SCHEMA},
}
