"""Markdown files with YAML front matter between two `---` lines.

Lists may be written as a single string; unknown keys are warnings, wrong types errors, each
with the key's file:line. A file with errors in its front matter is not built; nor is one whose
front matter breaks a YAML limit (AG015): without its fields it would be published under the
wrong title and URL.
"""

from __future__ import annotations

import re
from typing import Any

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.layouts.fields import read_fields
from archivegen.load.layouts.text import other_dates
from archivegen.model import Article, FieldOrigin, Provenance, Source
from archivegen.yamlmap import load_mapping

LAYOUT = "markdown-front-matter"

KEY_LINE_RE = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")


def sniff(text: str, path: str) -> bool:
    """`---` first, and a `key:` line right after: a `.txt` scrape that opens with a rule
    ("---" then a headline) is not front matter."""
    if not text.startswith("---\n"):
        return False
    first = next((line for line in text.split("\n", 20)[1:20] if line.strip()), "")
    return bool(KEY_LINE_RE.match(first)) or path.lower().endswith((".md", ".markdown"))


def load(text: str, source: Source, diags: Diagnostics,
         limits: Limits = DEFAULT_LIMITS) -> Article | None:
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        diags.error("AG010", "front matter opened with '---' is never closed",
                    SourceLocation(path=source.path, line=1, col=1))
        return None
    errors_before = diags.errors
    entries = load_mapping("\n".join(lines[1:end]), source.path, 2, diags, limits)
    if entries is None:
        return None
    fields, origins = read_fields(entries, source.path, "front-matter", diags)
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
                              fields=tuple(origins),
                              other_dates=other_dates(lines, body_start, len(lines), None)),
    )
