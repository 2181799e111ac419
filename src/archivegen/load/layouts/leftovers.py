"""Loss is loud: metadata a loader left in the body is reported, never dropped in silence.

After a text has been read, its body's first lines are looked at once more. A line there that
reads as metadata (a label line, a byline, a dateline, a "from ... Website" attribution) means
a field the text states was not read, and the line shows as article text and in excerpts. Each
such line gets a warning AG025 naming its file:line and what it looks like, so the archivist
can add a sidecar or report the layout. Front matter is exempt: its fields are stated apart.
"""

from __future__ import annotations

import re

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.layouts.credits import read_byline, read_dateline
from archivegen.load.names import is_byline
from archivegen.load.outlets import WEBSITE_SUFFIX_RE
from archivegen.model import Article

LOOKED_AT_LINES = 8  # non-blank lines at the start of the body
LABEL_RE = re.compile(r"^(?P<label>Region|Regions|Theme|Themes|In-depth Reports?|Tags?)\s*:"
                      r"\s*(?P<value>.*)$", re.IGNORECASE)
SITE_INTRO_RE = re.compile(r"(?i)^(?:from|desde|del sitio web|dal sito web|du site web)$")
FROM_SITE_RE = re.compile(r"(?i)^(?:from|desde|del sitio web|dal sito web|du site web)\s+\S")
EXEMPT_LAYOUTS = frozenset({"markdown-front-matter"})


# Cheap tests first: most body lines are long prose, and the full readings cost more.
MAX_METADATA_CHARS = 200
BYLINE_START_RE = re.compile(r"(?i)^[*_\s]*(?:by|por|par|de|di|with|written by|posted)\b")
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")


def what_it_looks_like(line: str, next_line: str) -> str | None:
    """'a label line', 'a byline', ... for a body line that reads as metadata, else None."""
    if len(line) > MAX_METADATA_CHARS:
        return None
    text = " ".join(line.split())
    if (m := LABEL_RE.match(text)) is not None:
        return f"a '{m['label']}:' label line" if any(c.isalpha() for c in m["value"]) else None
    if BYLINE_START_RE.match(text) and (is_byline(text) or read_byline(text) is not None):
        return "a byline"
    if YEAR_RE.search(text) and not text.startswith("(") and read_dateline(text) is not None:
        return "a dateline (publisher, date)"
    if FROM_SITE_RE.match(text) and WEBSITE_SUFFIX_RE.search(text):
        return "a 'from ... Website' attribution"
    if SITE_INTRO_RE.match(text) and WEBSITE_SUFFIX_RE.search(" ".join(next_line.split())):
        return "a 'from ... Website' attribution"
    return None


def report_metadata_in_body(article: Article, diags: Diagnostics) -> None:
    """Warn (AG025) about each of the body's first lines that reads as metadata."""
    if article.provenance.layout in EXEMPT_LAYOUTS or not article.body:
        return
    lines = article.body.split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > LOOKED_AT_LINES:
            break
        following = next((x for x in lines[index + 1:] if x.strip()), "")
        if (kind := what_it_looks_like(line, following)) is not None:
            diags.warning("AG025", f"{kind} is read as body text: the field it states was not "
                          f"read ({' '.join(line.split())[:80]!r})",
                          SourceLocation(path=article.provenance.source_path,
                                         line=article.body_line + index, col=1))
