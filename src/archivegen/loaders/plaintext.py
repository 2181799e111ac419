"""Plain text: a title line, a blank line, the body. Also the fallback for unknown layouts.

A title ending in " | Name" names its publisher ("Ceasefire talks resume | Wire"). Datelines
at the start of the body ("GENEVA - ", "BEIJING: ") are body text, not metadata.
"""

from __future__ import annotations

import re

from ..errors import Diagnostics
from ..model import Article, FieldOrigin, Provenance, Source
from .text import other_dates

LAYOUT = "plain-text"
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200
PUBLISHER_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s+\|\s+(?P<publisher>[^|]{2,80})$")


def looks_like_title(line: str) -> bool:
    """Short, and not a finished sentence: a headline rather than the start of a paragraph."""
    line = line.strip()
    return (0 < len(line) <= MAX_TITLE_CHARS and len(line.split()) <= MAX_TITLE_WORDS
            and (not line.endswith(".") or len(line.split()) <= 12)
            and any(c.isalpha() for c in line))


def sniff(text: str, path: str) -> bool:
    """A title-like first line standing alone (a blank line after it)."""
    lines = text.split("\n", 40)
    i = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    return (i + 1 < len(lines) and looks_like_title(lines[i]) and not lines[i + 1].strip())


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = " ".join(lines[i].lstrip("#").split())
    origins = [FieldOrigin(name="title", line=i + 1, rule="plain.first-line")]
    publisher = ""
    if m := PUBLISHER_SUFFIX_RE.match(title):
        title, publisher = m["title"], m["publisher"].strip()
        origins.append(FieldOrigin(name="publisher", line=i + 1, rule="plain.title-suffix"))
    body_start = i + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return Article(
        title=title,
        publisher=publisher,
        body="\n".join(lines[body_start:]).strip("\n"),
        body_line=body_start + 1,
        provenance=Provenance(source_path=source.path, sha256=source.sha256, layout=LAYOUT,
                              fields=tuple(origins),
                              other_dates=other_dates(lines, body_start, len(lines), None)),
    )
