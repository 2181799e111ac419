"""The fallback layout: first non-blank line is the title, the rest is the body."""

from __future__ import annotations

from ..errors import Diagnostics
from ..model import Article, FieldOrigin, Provenance, Source

LAYOUT = "plain-text"


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = " ".join(lines[i].lstrip("#").split())
    body_start = i + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return Article(
        title=title,
        body="\n".join(lines[body_start:]).strip("\n"),
        body_line=body_start + 1,
        provenance=Provenance(source_path=source.path, sha256=source.sha256, layout=LAYOUT,
                              fields=(FieldOrigin(name="title", line=i + 1,
                                                  rule="plain.first-line"),)),
    )
