"""The repost layout: an article copied from another site, with a byline block.

    # Title that may wrap
    onto a second line

    > Source: http://repost.example/page.htm      (the page this text was saved from)

    by                      (also: por, di, par, con, with ...; or names alone)
    Jane Doe and John Roe
    translated by X         (contributors)
    May 3, 2012             (any language, any precision)
    from                    (also: desde, del Sitio Web, dal Sito Web, du Site Web)
    Example Website         (the outlet the repost was taken from: the original source)
    hard-wrapped body, bullets as lone "-" lines; often no blank line before it

The `> Source:` address names the site the text was saved from (the publisher); the site after
"from" is where that site took it from (the original source). The byline block's grammar is in
bylineblock.py.
"""

from __future__ import annotations

import re

from archivegen.errors import Diagnostics
from archivegen.load.layouts.bylineblock import (
    AUTHOR_INTROS,
    Block,
    block_date,
    date_below_block,
    read_block,
)
from archivegen.load.layouts.text import other_dates
from archivegen.load.names import is_byline
from archivegen.load.outlets import outlet_of_url
from archivegen.model import Article, FieldOrigin, Provenance, Repair, Source

LAYOUT = "repost"

SOURCE_RE = re.compile(r"^>\s*(?:Source|Fuente|Fonte|Source originale|Quelle)\s*:\s*<?"
                       r"(?P<url>\S+?)>?\s*$", re.IGNORECASE)
HEAD_LINES = 20


def sniff(text: str, path: str) -> bool:
    """A '# ' title followed within a few lines by a Source line or a byline block."""
    if not text.lstrip().startswith("# "):  # the cheap test first: most texts are not reposts
        return False
    lines = [line.strip() for line in text.split("\n", HEAD_LINES)[:HEAD_LINES]]
    first = next((line for line in lines if line), "")
    if not first.startswith("# "):
        return False
    return any(SOURCE_RE.match(line) or line.lower() in AUTHOR_INTROS for line in lines)


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    origins: list[FieldOrigin] = []
    i = _skip_blank(lines, 0)
    title_line = i + 1
    title_parts = [lines[i].strip().lstrip("#").strip()]
    i += 1
    while i < len(lines) and lines[i].strip() and not _is_block_start(lines, i):
        title_parts.append(lines[i].strip())  # a title wrapped onto the next line
        i += 1
    origins.append(FieldOrigin(name="title", line=title_line, rule="repost.title"))
    url = publisher = ""
    i = _skip_blank(lines, i)
    if i < len(lines) and (m := SOURCE_RE.match(lines[i].strip())):
        url = m["url"]
        origins.append(FieldOrigin(name="url", line=i + 1, rule="repost.source-line"))
        if publisher := outlet_of_url(url):
            origins.append(FieldOrigin(name="publisher", line=i + 1, rule="repost.source-site"))
        i = _skip_blank(lines, i + 1)
    block = read_block(lines, i)
    if block.empty and (later := _block_under_subtitle(lines, i)) is not None:
        block = later  # a subtitle over the block: it stays at the head of the body
    origins.extend(block.origins)
    date, date_line = block.date, block.date_line
    if date is None and (below := date_below_block(lines, block.end)) is not None:
        date, date_line = below[0], below[1]
        origins.append(FieldOrigin(name="date", line=date_line, rule="repost.date-below-block"))
    # The block's lines leave the body; blank lines keep the body's line numbers true.
    body_lines = ["" if block.start <= n < block.end else line
                  for n, line in enumerate(lines[i:], start=i)]
    first = next((n for n, line in enumerate(body_lines) if line.strip()), len(body_lines))
    body_start = i + first
    body = "\n".join(body_lines[first:]).strip("\n")
    found = [*block.other_dates, *other_dates(lines, block.end, len(lines), date_line)]
    return Article(
        title=" ".join(" ".join(title_parts).split()),
        authors=tuple(block.authors),
        contributors=tuple(block.contributors),
        publisher=publisher,
        date=date,
        original_source=block.site or (block.outlets[0][0] if block.outlets else ""),
        url=url,
        body=body,
        body_line=body_start + 1,
        provenance=Provenance(
            source_path=source.path, sha256=source.sha256, layout=LAYOUT, fields=tuple(origins),
            other_dates=tuple(sorted(found, key=lambda d: d.line)),
            notes=tuple(Repair(rule="repost.byline-block", line=n, detail=note)
                        for n, note in block.notes)),
    )


SUBTITLE_LINES = 6
MAX_SUBTITLE_WORDS = 10


def _block_under_subtitle(lines: list[str], i: int) -> Block | None:
    """A byline block that starts under a few short subtitle lines ('Destroying a Country's
    Standard of Living' / '-' / ... / 'by Jane Roe'), or None. Only a block that begins with
    an author intro or a byline counts, so a body's short first lines are never skipped on a
    guess."""
    seen = 0
    j = i
    while j < len(lines) and seen < SUBTITLE_LINES:
        text = " ".join(lines[j].split())
        if text:
            if len(text.split()) > MAX_SUBTITLE_WORDS:
                return None
            if j > i and (text.lower() in AUTHOR_INTROS or is_byline(text)):
                block = read_block(lines, j)
                return None if block.empty or not block.authors else block
            seen += 1
        j += 1
    return None


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _is_block_start(lines: list[str], i: int) -> bool:
    """Does line i end a wrapped title: a Source line, a byline or the start of a block?"""
    stripped = " ".join(lines[i].split())
    return (bool(SOURCE_RE.match(stripped)) or stripped.lower() in AUTHOR_INTROS
            or is_byline(stripped) or block_date(lines, i) is not None)
