"""The repost layout: an article copied from another site with a byline block.

    # Title that may wrap
    onto a second line

    > Source: http://example.org/original

    by                      (also: with …, por …, par …)
    Jane Doe and John Roe
    translated by X         (contributors)
    May 3, 2012             (any language, any precision)
    from                    (also: desde, del Sitio Web, du Site Web)
    Example Website         ("Website" / "Sitio Web" is not part of the publisher's name)

    hard-wrapped body, bullets as lone "-" lines
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dateparse import parse_date
from ..dates import PartialDate
from ..errors import Diagnostics, SourceLocation
from ..model import Article, Contributor, FieldOrigin, Provenance, Source
from ..names import Byline, is_byline, parse_byline
from .text import other_dates

LAYOUT = "repost"

SOURCE_RE = re.compile(r"^>\s*(?:Source|Fuente|Source originale)\s*:\s*<?(?P<url>\S+?)>?\s*$",
                       re.IGNORECASE)
AUTHOR_INTRO = {"by", "with", "por", "par", "con", "avec"}
SITE_INTRO = {"from", "desde", "del sitio web", "del sitio", "de", "du site web", "du site",
              "depuis"}
SITE_SUFFIX_RE = re.compile(r"\s+(?:Web\s*Site|Website|Sitio\s+Web|Site\s+Web)$", re.IGNORECASE)
CONTRIBUTOR_RE = re.compile(r"(?i)^(?:with\s+an?\s+)?(?:introduction|introducción|translated|"
                            r"translation|traducción|traducido|traducida|traduit|traduction|"
                            r"edited|editado|editada|photos?|photographs?|fotos?)\b")
HEAD_LINES = 20


def sniff(text: str, path: str) -> bool:
    """A '# ' title followed within a few lines by a Source line or a byline block."""
    lines = [line.strip() for line in text.split("\n", HEAD_LINES)[:HEAD_LINES]]
    first = next((line for line in lines if line), "")
    if not first.startswith("# "):
        return False
    return any(SOURCE_RE.match(line) or line.lower() in AUTHOR_INTRO for line in lines)


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    origins: list[FieldOrigin] = []
    i = _skip_blank(lines, 0)
    title_line = i + 1
    title_parts = [lines[i].strip().lstrip("#").strip()]
    i += 1
    while i < len(lines) and lines[i].strip() and not _is_block_start(lines[i]):
        title_parts.append(lines[i].strip())  # a title wrapped onto the next line
        i += 1
    origins.append(FieldOrigin(name="title", line=title_line, rule="repost.title"))
    url = ""
    i = _skip_blank(lines, i)
    if i < len(lines) and (m := SOURCE_RE.match(lines[i].strip())):
        url = m["url"]
        origins.append(FieldOrigin(name="url", line=i + 1, rule="repost.source-line"))
        i = _skip_blank(lines, i + 1)
    block = _read_byline_block(lines, i, source.path, origins, diags)
    body_start = _skip_blank(lines, block.end)
    body = "\n".join(lines[body_start:]).strip("\n")
    return Article(
        title=" ".join(" ".join(title_parts).split()),
        authors=block.authors,
        contributors=block.contributors,
        publisher=block.publisher,
        date=block.date,
        url=url,
        body=body,
        body_line=body_start + 1,
        provenance=Provenance(
            source_path=source.path, sha256=source.sha256, layout=LAYOUT, fields=tuple(origins),
            other_dates=other_dates(lines, i, len(lines), block.date_line)),
    )


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _is_block_start(line: str) -> bool:
    stripped = line.strip()
    return bool(SOURCE_RE.match(stripped)) or stripped.lower() in AUTHOR_INTRO


@dataclass(slots=True)
class _Block:
    """What the byline block states; filled while reading it, then read by `load`."""

    authors: tuple[str, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    publisher: str = ""
    date: PartialDate | None = None
    date_line: int | None = None
    end: int = 0
    origins: list[FieldOrigin] = field(default_factory=list)


def _read_byline_block(lines: list[str], i: int, path: str, origins: list[FieldOrigin],
                       diags: Diagnostics) -> _Block:
    """Consecutive non-blank lines after the title and source line; stops at the first blank
    line (the body follows). A block that names no author, date or site is not a block."""
    block = _Block()
    mode = ""
    start = i
    while i < len(lines) and lines[i].strip():
        line = " ".join(lines[i].split())
        lower = line.lower().rstrip(":")
        lineno = i + 1
        if lower in AUTHOR_INTRO:
            mode = "authors"
        elif lower in SITE_INTRO:
            mode = "site"
        elif block.date is None and (date := parse_date(line)) is not None:
            block.date, block.date_line = date, lineno
            block.origins.append(FieldOrigin(name="date", line=lineno, rule="repost.date-line"))
        elif CONTRIBUTOR_RE.match(line):
            _add_byline(block, parse_byline(line), lineno)
        elif mode == "authors" or is_byline(line):
            prefix = "" if re.match(r"(?i)^(by|with|por|par)\s", line) else "By "
            _add_byline(block, parse_byline(prefix + line), lineno)
        elif mode == "site" or SITE_SUFFIX_RE.search(line):
            block.publisher = SITE_SUFFIX_RE.sub("", line).strip()
            block.origins.append(FieldOrigin(name="publisher", line=lineno,
                                             rule="repost.site-line"))
            mode = ""
        else:
            # Not a byline block after all ("With the election only weeks away, ..." opens
            # the body): read nothing from it, so no text is lost and no author made up.
            if i != start:
                diags.warning("AG021", f"line {lineno} does not belong to a byline block, so "
                              f"lines {start + 1}-{lineno} are read as body text",
                              SourceLocation(path=path, line=lineno, col=1))
            return _Block(end=start)
        i += 1
    block.end = i
    origins.extend(block.origins)
    return block


def _add_byline(block: _Block, byline: Byline, lineno: int) -> None:
    if byline.authors:
        block.authors = tuple(dict.fromkeys(block.authors + byline.authors))
        block.origins.append(FieldOrigin(name="authors", line=lineno, rule="repost.byline"))
    if byline.contributors:
        block.contributors = block.contributors + byline.contributors
        block.origins.append(FieldOrigin(name="contributors", line=lineno, rule="repost.byline"))
