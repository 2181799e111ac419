"""Body only: the file starts straight with the article's first paragraph, no title line.

The record has no title (we never invent one); pages show a heading derived from the first
words and marked as derived.
"""

from __future__ import annotations

from ..errors import Diagnostics, SourceLocation
from ..model import Article, Provenance, Source
from .plaintext import looks_like_title
from .text import other_dates

LAYOUT = "body-only"
MIN_SENTENCE_WORDS = 12


def sniff(text: str, path: str) -> bool:
    """The first line is running prose: a long sentence, not a headline."""
    first = next((line.strip() for line in text.split("\n", 40) if line.strip()), "")
    words = first.split()
    return (len(words) >= MIN_SENTENCE_WORDS and not looks_like_title(first)
            and sum(c.isalpha() for c in first) > len(first) // 2)


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    start = next((n for n, line in enumerate(lines) if line.strip()), 0)
    diags.warning("AG014", "no title line: the file starts with body text; the page shows a "
                  "heading derived from the first words",
                  SourceLocation(path=source.path, line=start + 1, col=1))
    return Article(
        title="",
        body="\n".join(lines[start:]).strip("\n"),
        body_line=start + 1,
        provenance=Provenance(source_path=source.path, sha256=source.sha256, layout=LAYOUT,
                              other_dates=other_dates(lines, start, len(lines), None)),
    )
