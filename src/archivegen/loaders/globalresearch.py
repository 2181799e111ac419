"""The scraped Global Research layout.

    <title>
    By [Author](#)
    Publisher, Month D, YYYY
    [Original source](#)
    Region: [..](#)   Theme: [..](#), [..](#)   In-depth Report: [..](#)
    <body paragraphs>
    <footer: donation appeal, "The original source of this article is ...", copyright,
     disclaimer>

Header lines may be separated by blank lines. The footer is boilerplate of the publishing site,
not the article: it is kept in provenance and never shown as article text.
"""

from __future__ import annotations

import re

from ..dateparse import parse_date
from ..errors import Diagnostics, SourceLocation
from ..model import Article, FieldOrigin, Provenance, Source
from .text import LINK_RE, clean_name, link_texts

LAYOUT = "global-research"

BYLINE_RE = re.compile(r"^By\s+(?P<authors>.+)$")
DATELINE_RE = re.compile(r"^(?P<publisher>[^,\[\]]{2,80}),\s+"
                         r"(?P<date>[A-Za-z]+\s+\d{1,2},\s*\d{4})$")
LONE_LINK_RE = re.compile(r"^\[(?P<text>[^\]\n]+)\]\([^)\n]*\)$")
LABEL_RE = re.compile(r"^(?P<label>Region|Regions|Theme|Themes|In-depth Report|In-depth Reports)"
                      r":\s*(?P<value>.*)$", re.IGNORECASE)
LABEL_FIELDS = {"region": "regions", "regions": "regions", "theme": "themes", "themes": "themes",
                "in-depth report": "reports", "in-depth reports": "reports"}
FOOTER_RE = re.compile(r"^(The original source of this article is\b|Copyright ©|Copyright \(c\)"
                       r"|Articles by:|Disclaimer:|\[Comment on Global Research Articles)",
                       re.IGNORECASE)
# A paragraph that asks readers for money or membership, just before the footer.
APPEAL_RE = re.compile(r"(?i)\b(donate|donation|paypal|patreon|please support|support (the|our) "
                       r"(project|work)|become a (member|patron))")
HEADER_SCAN_LINES = 40


def sniff(text: str, path: str) -> bool:
    """Two or more of the layout's marks within the first lines."""
    head = text.split("\n", HEADER_SCAN_LINES)[:HEADER_SCAN_LINES]
    marks = 0
    if any(BYLINE_RE.match(line.strip()) and LINK_RE.search(line) for line in head):
        marks += 1
    if any(DATELINE_RE.match(line.strip()) for line in head):
        marks += 1
    if any(LABEL_RE.match(line.strip()) for line in head):
        marks += 1
    if FOOTER_RE.search(text) and "original source of this article" in text:
        marks += 1
    return marks >= 2


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    origins: list[FieldOrigin] = []
    fields: dict[str, object] = {}
    i = _skip_blank(lines, 0)
    if i >= len(lines):
        diags.error("AG002", "file holds no article", SourceLocation(path=source.path, line=1))
        return None
    fields["title"] = clean_name(lines[i].lstrip("#"))
    origins.append(FieldOrigin(name="title", line=i + 1, rule="gr.first-line"))
    i += 1
    i = _read_header(lines, i, fields, origins, source.path, diags)
    body_start = i
    footer_start = _footer_start(lines, body_start)
    body = "\n".join(lines[body_start:footer_start]).strip("\n")
    footer = "\n".join(lines[footer_start:]).strip()
    if not body.strip():
        diags.warning("AG002", "article has no body text",
                      SourceLocation(path=source.path, line=body_start + 1, col=1))
    return Article(
        title=str(fields["title"]),
        authors=tuple(fields.get("authors", ())),  # type: ignore[arg-type]
        publisher=str(fields.get("publisher", "")),
        date=fields.get("date"),  # type: ignore[arg-type]
        original_source=str(fields.get("original_source", "")),
        regions=tuple(fields.get("regions", ())),  # type: ignore[arg-type]
        themes=tuple(fields.get("themes", ())),  # type: ignore[arg-type]
        reports=tuple(fields.get("reports", ())),  # type: ignore[arg-type]
        body=body,
        body_line=body_start + 1 + _leading_blank(lines, body_start),
        provenance=Provenance(source_path=source.path, sha256=source.sha256, layout=LAYOUT,
                              fields=tuple(origins), footer=footer),
    )


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _leading_blank(lines: list[str], i: int) -> int:
    return _skip_blank(lines, i) - i


def _read_header(lines: list[str], i: int, fields: dict[str, object],
                 origins: list[FieldOrigin], path: str, diags: Diagnostics) -> int:
    """Consume header lines after the title; return the index of the first body line."""
    while True:
        i = _skip_blank(lines, i)
        if i >= len(lines):
            return i
        line = lines[i].strip()
        lineno = i + 1
        if "authors" not in fields and (m := BYLINE_RE.match(line)):
            fields["authors"] = link_texts(m["authors"])
            origins.append(FieldOrigin(name="authors", line=lineno, rule="gr.byline"))
        elif "date" not in fields and (m := DATELINE_RE.match(line)):
            date = parse_date(m["date"])
            if date is None:
                diags.warning("AG013", f"date '{m['date']}' cannot be understood; left empty",
                              SourceLocation(path=path, line=lineno,
                                             col=lines[i].index(m["date"]) + 1))
            else:
                fields["date"] = date
                origins.append(FieldOrigin(name="date", line=lineno, rule="gr.dateline"))
            fields["publisher"] = clean_name(m["publisher"])
            origins.append(FieldOrigin(name="publisher", line=lineno, rule="gr.dateline"))
        elif (m := LABEL_RE.match(line)):
            name = LABEL_FIELDS[m["label"].lower()]
            fields[name] = tuple(fields.get(name, ())) + link_texts(m["value"])  # type: ignore[arg-type]
            origins.append(FieldOrigin(name=name, line=lineno, rule="gr.label"))
        elif ("original_source" not in fields and "publisher" in fields and "regions" not in fields
              and "themes" not in fields and (m := LONE_LINK_RE.match(line))):
            # A lone link between the dateline and the labels names the original source.
            fields["original_source"] = clean_name(m["text"])
            origins.append(FieldOrigin(name="original_source", line=lineno, rule="gr.source-link"))
        else:
            return i
        i += 1


def _footer_start(lines: list[str], body_start: int) -> int:
    """Index of the first footer line, pulling in appeal paragraphs just before the footer."""
    start = next((j for j in range(body_start, len(lines)) if FOOTER_RE.match(lines[j].strip())),
                 len(lines))
    if start == len(lines):
        return start
    while True:
        end = start
        while end > body_start and not lines[end - 1].strip():
            end -= 1
        para_start = end
        while para_start > body_start and lines[para_start - 1].strip():
            para_start -= 1
        if para_start < end and APPEAL_RE.search(" ".join(lines[para_start:end])):
            start = para_start
        else:
            return start

