"""The scraped Global Research layout.

    <title>
    By [Author](#) and [Author](#)          (optional; "Translated by [X](#)" lines too)
    Publisher, Month D, YYYY                (optional; any date form dateparse reads)
    [Original source](#)                    (optional lone link)
    Region: [..](#)   Theme: [..](#), [..](#)   In-depth Report: [..](#)   (each optional)
    <body paragraphs>
    <footer: donation appeal, "The original source of this article is ...", copyright,
     disclaimer — any subset, any order>

Header lines may be separated by blank lines. The footer is boilerplate of the publishing site,
not the article: it is kept in provenance and never shown as article text, and it fills no
field. A file may hold several pieces: a later title line followed by a byline and a dateline
starts a new article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..dateparse import parse_date
from ..dates import PartialDate
from ..errors import Diagnostics, SourceLocation
from ..model import Article, Contributor, FieldOrigin, Provenance, Source
from ..names import is_byline, parse_byline
from .text import LINK_RE, clean_name, other_dates

LAYOUT = "global-research"

BYLINE_RE = re.compile(r"^By\s+\S", re.IGNORECASE)
CONTRIBUTOR_LINE_RE = re.compile(r"(?i)^(?:with\s+an?\s+)?(?:introduction|translated|translation|"
                                 r"edited|photos?|photographs?)\s+by\s+\S")
DATELINE_RE = re.compile(r"^(?P<publisher>[^,\[\]]{2,80}),\s+(?P<date>[^,\[\]]{4,40}"
                         r"(?:,\s*\d{4})?)$")
LONE_LINK_RE = re.compile(r"^\[(?P<text>[^\]\n]+)\]\([^)\n]*\)$")
LABEL_RE = re.compile(r"^(?P<label>Region|Regions|Theme|Themes|In-depth Report|In-depth Reports)"
                      r":\s*(?P<value>.*)$", re.IGNORECASE)
LABEL_FIELDS = {"region": "regions", "regions": "regions", "theme": "themes", "themes": "themes",
                "in-depth report": "reports", "in-depth reports": "reports"}
# Paragraphs of the site's footer; the footer is the run of them that ends the file.
FOOTER_PARAGRAPH_RE = re.compile(
    r"^(The original source of this article is\b|Copyright ©|Copyright \(c\)|Articles by:"
    r"|Disclaimer:|\[Comment on Global Research Articles|\[Become a Member of Global Research"
    r"|www\.globalresearch\.ca contains|For media inquiries:|Related Articles"
    r"|The Centre for Research on Globalization)", re.IGNORECASE)
STRONG_FOOTER_RE = re.compile(r"^(The original source of this article is\b|Copyright ©"
                              r"|Copyright \(c\))", re.IGNORECASE)
# Phrases of a donation appeal; a paragraph needs two different ones to count as an appeal.
APPEAL_RE = re.compile(r"(?i)\b(donate|donation|paypal|patreon|please support"
                       r"|support (?:the|our) (?:project|work)|become a (?:member|patron)"
                       r"|our work wouldn't be possible)")
YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")
HEADER_SCAN_LINES = 40
MAX_TITLE_CHARS = 300


def sniff(text: str, path: str) -> bool:
    """Two or more of the layout's marks within the first lines."""
    head = [line.strip() for line in text.split("\n", HEADER_SCAN_LINES)[:HEADER_SCAN_LINES]]
    marks = 0
    if any(BYLINE_RE.match(line) and LINK_RE.search(line) for line in head):
        marks += 1
    if any(_dateline(line) for line in head):
        marks += 1
    if any(LABEL_RE.match(line) for line in head):
        marks += 1
    if any(LONE_LINK_RE.match(line) for line in head):
        marks += 1
    if "The original source of this article is" in text:
        marks += 1
    return marks >= 2


def _dateline(line: str) -> tuple[str, PartialDate] | None:
    if (m := DATELINE_RE.match(line)) and (date := parse_date(m["date"])):
        return clean_name(m["publisher"]), date
    return None


@dataclass(slots=True)
class _Header:
    """What a piece's header states, with the line of each field; filled while reading."""

    fields: dict[str, object] = field(default_factory=dict)
    origins: list[FieldOrigin] = field(default_factory=list)
    date_line: int | None = None

    def set(self, name: str, value: object, line: int, rule: str) -> None:
        self.fields[name] = value
        self.origins.append(FieldOrigin(name=name, line=line, rule=rule))


def load(text: str, source: Source, diags: Diagnostics) -> list[Article]:
    lines = text.split("\n")
    start = _skip_blank(lines, 0)
    if start >= len(lines):
        diags.error("AG002", "file holds no article", SourceLocation(path=source.path, line=1))
        return []
    footer_start = _footer_start(lines, start)
    piece_starts = [start, *_later_pieces(lines, start, footer_start)]
    ends = [*piece_starts[1:], footer_start]
    footer = "\n".join(lines[footer_start:]).strip()
    articles = []
    for n, (begin, end) in enumerate(zip(piece_starts, ends, strict=True)):
        last = n == len(piece_starts) - 1
        article = _load_piece(lines, begin, end, footer if last else "", source, diags)
        if len(piece_starts) > 1:
            article = replace(article, provenance=replace(article.provenance, piece=n + 1))
            if n == 1:
                diags.warning("AG023", f"file holds {len(piece_starts)} articles (a title, byline "
                              f"and dateline start each); built as separate pages",
                              SourceLocation(path=source.path, line=begin + 1, col=1))
        articles.append(article)
    return articles


def _load_piece(lines: list[str], start: int, end: int, footer: str, source: Source,
                diags: Diagnostics) -> Article:
    header = _Header()
    header.set("title", clean_name(lines[start].lstrip("#"))[:MAX_TITLE_CHARS], start + 1,
               "gr.first-line")
    body_start = _read_header(lines, start + 1, end, header, source.path, diags)
    body = "\n".join(lines[body_start:end]).strip("\n")
    if not body.strip():
        diags.warning("AG002", "article has no body text",
                      SourceLocation(path=source.path, line=body_start + 1, col=1))
    f = header.fields
    return Article(
        title=str(f["title"]),
        authors=tuple(f.get("authors", ())),  # type: ignore[arg-type]
        contributors=tuple(f.get("contributors", ())),  # type: ignore[arg-type]
        publisher=str(f.get("publisher", "")),
        date=f.get("date"),  # type: ignore[arg-type]
        original_source=str(f.get("original_source", "")),
        regions=tuple(f.get("regions", ())),  # type: ignore[arg-type]
        themes=tuple(f.get("themes", ())),  # type: ignore[arg-type]
        reports=tuple(f.get("reports", ())),  # type: ignore[arg-type]
        body=body,
        body_line=_skip_blank(lines, body_start) + 1,
        provenance=Provenance(
            source_path=source.path, sha256=source.sha256, layout=LAYOUT,
            fields=tuple(header.origins), footer=footer,
            other_dates=other_dates(lines, start + 1, end, header.date_line)),
    )


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _label_values(value: str) -> tuple[str, ...]:
    """Terms of a label line: link texts, or comma-separated plain names. "Law and Justice" and
    "Police State & Civil Rights" are single themes, so plain values split on commas only."""
    value = value.strip()
    if LINK_RE.search(value):
        names = [m.group(1) for m in LINK_RE.finditer(value)]
    else:
        names = value.split(",")
    return tuple(dict.fromkeys(n for n in (clean_name(x) for x in names) if n))


def _read_header(lines: list[str], i: int, end: int, header: _Header, path: str,
                 diags: Diagnostics) -> int:
    """Consume header lines after the title; return the index of the first body line."""
    f = header.fields
    while True:
        i = _skip_blank(lines, i)
        if i >= end:
            return i
        line = lines[i].strip()
        lineno = i + 1
        # is_byline: "By the end of 2016, ..." opening the body is not a byline.
        if "authors" not in f and "date" not in f and is_byline(line) and (
                byline := parse_byline(line)).authors:
            header.set("authors", byline.authors, lineno, "gr.byline")
            if byline.contributors:
                header.set("contributors", byline.contributors, lineno, "gr.byline")
        elif CONTRIBUTOR_LINE_RE.match(line) and (byline := parse_byline(line)).contributors:
            known: tuple[Contributor, ...] = tuple(f.get("contributors", ()))  # type: ignore[arg-type]
            header.set("contributors", known + byline.contributors, lineno, "gr.credit-line")
        elif "date" not in f and "publisher" not in f and (m := DATELINE_RE.match(line)) and (
                (date := parse_date(m["date"])) or YEAR_RE.search(m["date"])):
            header.set("publisher", clean_name(m["publisher"]), lineno, "gr.dateline")
            if date is None:  # "Publisher, Febtember 30, 2017": keep the publisher, say why
                diags.warning("AG013", f"date '{m['date']}' cannot be understood; left empty",
                              SourceLocation(path=path, line=lineno,
                                             col=lines[i].index(m["date"]) + 1))
            else:
                header.set("date", date, lineno, "gr.dateline")
                header.date_line = lineno
        elif (m := LABEL_RE.match(line)):
            name = LABEL_FIELDS[m["label"].lower()]
            values = tuple(f.get(name, ())) + _label_values(m["value"])  # type: ignore[arg-type]
            if values:
                header.set(name, tuple(dict.fromkeys(values)), lineno, "gr.label")
        elif ("original_source" not in f and not {"regions", "themes", "reports"} & set(f)
              and (m := LONE_LINK_RE.match(line))):
            # A lone link between the byline/dateline and the labels names the original source.
            header.set("original_source", clean_name(m["text"]), lineno, "gr.source-link")
        else:
            return i
        i += 1


def _later_pieces(lines: list[str], start: int, end: int) -> list[int]:
    """Starts of further pieces: a title line followed (blank lines aside) by a `By` line and
    a dateline. A heading alone is not enough: it may be a section title of the same article."""
    starts = []
    first_publisher = next((found[0] for line in lines[start:min(end, start + HEADER_SCAN_LINES)]
                            if (found := _dateline(line.strip()))), None)
    i = _skip_blank(lines, start + 1)
    while i < end:
        title = lines[i].strip()
        if title and i > start + 1 and not lines[i - 1].strip():
            j = _skip_blank(lines, i + 1)
            # The cheap tests first: most paragraph starts are not followed by a `By` line,
            # and the dateline pattern is costly on a long paragraph.
            if j < end and len(title) <= MAX_TITLE_CHARS and BYLINE_RE.match(lines[j].strip()):
                k = _skip_blank(lines, j + 1)
                # A citation ("Further reading" / "By Mark Twain" / "The Guardian, June 3,
                # 2016") is not a piece: the byline must be a link, as the layout writes it,
                # and the dateline must name the first piece's publisher when that one has one.
                found = _dateline(lines[k].strip()) if k < end else None
                if (found and LINK_RE.search(lines[j]) and is_byline(lines[j].strip())
                        and (first_publisher is None or found[0] == first_publisher)
                        and _past_header(lines, start, i)):
                    starts.append(i)
                    start = i
        i += 1
    return starts


def _past_header(lines: list[str], start: int, i: int) -> bool:
    """True if there is body text between the current piece's start and line i."""
    header = _Header()
    body_start = _read_header(lines, start + 1, i, header, "", Diagnostics())
    return any(lines[k].strip() for k in range(body_start, i))


def _footer_start(lines: list[str], body_start: int) -> int:
    """Index of the first footer line: the trailing run of boilerplate paragraphs.

    Read from the end: the footer is the run of paragraphs at the end of the file that are all
    site boilerplate; it must hold a strong mark (the original-source line or a copyright line)
    or be at least two paragraphs long. A paragraph just before it is pulled in only when it
    is clearly a donation appeal (two different appeal phrases), so body text that mentions a
    donation stays body text.
    """
    paragraphs = _paragraph_spans(lines, body_start)
    first = len(paragraphs)
    while first > 0 and FOOTER_PARAGRAPH_RE.match(lines[paragraphs[first - 1][0]].strip()):
        first -= 1
    run = paragraphs[first:]
    if not run or (len(run) < 2 and not any(STRONG_FOOTER_RE.match(lines[begin].strip())
                                            for begin, _ in run)):
        return len(lines)  # one stray "Disclaimer:" paragraph is not a footer
    while first > 0:
        begin, end = paragraphs[first - 1]
        text = " ".join(lines[begin:end])
        if len({m.group(0).lower() for m in APPEAL_RE.finditer(text)}) < 2:
            break
        first -= 1
    return paragraphs[first][0]


def _paragraph_spans(lines: list[str], start: int) -> list[tuple[int, int]]:
    """(first line, end line) of each blank-line separated paragraph from `start` on."""
    spans = []
    i = start
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        begin = i
        while i < len(lines) and lines[i].strip():
            i += 1
        spans.append((begin, i))
    return spans
