"""The scraped Global Research layout.

    <title>
    By [Author](#) and [Author](#)          (optional; "Translated by [X](#)" lines too)
    Publisher, Month D, YYYY                (optional; any date form dateparse reads)
    [Author](#) and [Author](#)              (optional author line: the byline's names again)
    [Original source](#)                    (optional lone link)
    Region: [..](#)   Theme: [..](#), [..](#)   In-depth Report: [..](#)   Tags: ..
                                            (label lines, each optional)
    <body paragraphs>
    <footer: donation appeal, "The original source of this article is ...", copyright,
     disclaimer — any subset, any order>

Header lines may be separated by blank lines. A file may hold several pieces: a later title
line followed by a byline and a dateline starts a new article.

Lines made only of links (joined by ",", "and", "&", with or without ** emphasis):
- naming the byline's authors (and at most the people it credits): the author line, consumed
  as header (its names are the byline's; it is never body and never a source);
- with no byline, before the labels: the authors (rule gr.author-line) when the footer's
  "Articles by:" names them, when the line names two or more people, or when it names one and
  the footer states another original source; otherwise a single link is the source, as below;
- a single link before the labels, not the author line: the original source (gr.source-link),
  unless the footer states one.

The footer is boilerplate of the publishing site, not the article: it is kept in provenance and
never shown as article text. Its one explicit statement of a field, "The original source of
this article is X", gives original_source (rule gr.footer-source; it wins over a header link).

A header line not understood does not end the header when label lines follow it before the
body's first real paragraph (a line of more than MAX_HEADER_WORDS words, or a sentence): the
labels are read, and the line not understood is kept as the start of the body, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.dateparse import parse_date
from archivegen.load.layouts.grfooter import NO_FOOTER, Footer, footer_facts, footer_start
from archivegen.load.layouts.text import LINK_RE, clean_name, other_dates
from archivegen.load.names import is_byline, parse_byline
from archivegen.model import Article, Contributor, FieldOrigin, Provenance, Source
from archivegen.partial_date import PartialDate

LAYOUT = "global-research"

BYLINE_RE = re.compile(r"^By\s+\S", re.IGNORECASE)
CONTRIBUTOR_LINE_RE = re.compile(r"(?i)^(?:with\s+an?\s+)?(?:introduction|translated|translation|"
                                 r"edited|photos?|photographs?)\s+by\s+\S")
DATELINE_RE = re.compile(r"^(?P<publisher>[^,\[\]]{2,80}),\s+(?P<date>[^,\[\]]{4,40}"
                         r"(?:,\s*\d{4})?)$")
LONE_LINK_RE = re.compile(r"^\[(?P<text>[^\]\n]+)\]\([^)\n]*\)$")
LABEL_RE = re.compile(r"^(?P<label>Region|Regions|Theme|Themes|In-depth Report|In-depth Reports"
                      r"|Tag|Tags):\s*(?P<value>.*)$", re.IGNORECASE)
LABEL_FIELDS = {"region": "regions", "regions": "regions", "theme": "themes", "themes": "themes",
                "in-depth report": "reports", "in-depth reports": "reports", "tag": "tags",
                "tags": "tags"}
# Label lines that mark the layout: "Tags:" is common to many layouts, so it is no mark.
LAYOUT_LABELS = frozenset({"regions", "themes", "reports"})
YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")
# What may stand between the links of a line made only of links: "[A](#), [B](#) and **[C](#)**".
LINK_JOINERS_RE = re.compile(r"(?:\s|,|&|\*\*|\band\b)*", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)*_]*$")
HEADER_SCAN_LINES = 40
MAX_TITLE_CHARS = 300
MAX_LABEL_CHARS = 120
# A line of more words than this is a paragraph, never a header line (see _is_paragraph).
MAX_HEADER_WORDS = 15
# Header lines not understood that may stand before labels, and lines looked ahead for them.
MAX_UNKNOWN_HEADER_LINES = 3
LABEL_LOOKAHEAD_LINES = 8


def sniff(text: str, path: str) -> bool:
    """Two or more of the layout's marks within the first lines."""
    head = [line.strip() for line in text.split("\n", HEADER_SCAN_LINES)[:HEADER_SCAN_LINES]]
    # Cheapest first, and no more once two are found: parsing datelines costs the most.
    marks: tuple[Callable[[], bool], ...] = (
        lambda: "The original source of this article is" in text,
        lambda: any(LONE_LINK_RE.match(line) for line in head),
        lambda: any(BYLINE_RE.match(line) and LINK_RE.search(line) for line in head),
        lambda: any((m := LABEL_RE.match(line))
                    and LABEL_FIELDS[m["label"].lower()] in LAYOUT_LABELS for line in head),
        lambda: any(_dateline(line) for line in head),
    )
    found = 0
    for mark in marks:
        found += mark()
        if found == 2:
            return True
    return False


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
    # Keys of the byline's author names, to know the author line when it comes.
    byline_keys: frozenset[str] = frozenset()
    author_line_read: bool = False
    # The first header line not understood, when labels follow it: the body starts there, and
    # the header lines read after it (`lifted`) are blanked out of the body.
    unknown: int | None = None
    unknown_count: int = 0
    lifted: list[int] = field(default_factory=list)
    # Fields stated over many lines grow in place (`fields` holds these very objects): a
    # header of thousands of label lines costs time linear in their number.
    terms: dict[str, dict[str, None]] = field(default_factory=dict)  # ordered sets, by field
    contributors: list[Contributor] = field(default_factory=list)

    def set(self, name: str, value: object, line: int, rule: str) -> None:
        self.fields[name] = value
        self.origins.append(FieldOrigin(name=name, line=line, rule=rule))


def load(text: str, source: Source, diags: Diagnostics) -> list[Article]:
    lines = text.split("\n")
    start = _skip_blank(lines, 0)
    if start >= len(lines):
        diags.error("AG002", "file holds no article", SourceLocation(path=source.path, line=1))
        return []
    footer_begins = footer_start(lines, start)
    piece_starts = [start, *_later_pieces(lines, start, footer_begins)]
    ends = [*piece_starts[1:], footer_begins]
    footer = "\n".join(lines[footer_begins:]).strip()
    facts = footer_facts(lines, footer_begins)
    articles = []
    for n, (begin, end) in enumerate(zip(piece_starts, ends, strict=True)):
        # The footer ends the file: it is the last piece's, and speaks only for that one.
        last = n == len(piece_starts) - 1
        article = _load_piece(lines, begin, end, footer if last else "",
                              facts if last else NO_FOOTER, source, diags)
        if len(piece_starts) > 1:
            article = replace(article, provenance=replace(article.provenance, piece=n + 1))
            if n == 1:
                diags.warning("AG023", f"file holds {len(piece_starts)} articles (a title, byline "
                              f"and dateline start each); built as separate pages",
                              SourceLocation(path=source.path, line=begin + 1, col=1))
        articles.append(article)
    return articles


def _load_piece(lines: list[str], start: int, end: int, footer: str, facts: Footer,
                source: Source, diags: Diagnostics) -> Article:
    header = _Header()
    header.set("title", clean_name(lines[start].lstrip("#"))[:MAX_TITLE_CHARS], start + 1,
               "gr.first-line")
    body_start = _read_header(lines, start + 1, end, header, source.path, diags, facts)
    if facts.source:
        _take_footer_source(header, facts, source.path, diags)
    body_lines = lines[body_start:end]
    if header.lifted:  # header lines read after one not understood: blanked, lines kept
        body_lines = [("" if body_start + k in header.lifted else line)
                      for k, line in enumerate(body_lines)]
    body = "\n".join(body_lines).strip("\n")
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
        tags=tuple(f.get("tags", ())),  # type: ignore[arg-type]
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
                 diags: Diagnostics, footer: Footer = NO_FOOTER) -> int:
    """Consume header lines after the title; return the index of the first body line."""
    while True:
        i = _skip_blank(lines, i)
        if i >= end:
            break
        if _read_header_line(lines, i, header, path, diags, footer):
            if header.unknown is not None:
                header.lifted.append(i)
        elif (header.unknown_count < MAX_UNKNOWN_HEADER_LINES
              and not _is_paragraph(lines[i].strip()) and _labels_ahead(lines, i + 1, end)):
            # Not understood, but labels follow before any paragraph: still the header.
            if header.unknown is None:
                header.unknown = i
            header.unknown_count += 1
        else:
            break
        i += 1
    return i if header.unknown is None else header.unknown


def _read_header_line(lines: list[str], i: int, header: _Header, path: str,
                      diags: Diagnostics, footer: Footer) -> bool:
    """Read lines[i] into the header if it is a header line; False if it is not one."""
    f = header.fields
    line = lines[i].strip()
    lineno = i + 1
    # is_byline: "By the end of 2016, ..." opening the body is not a byline.
    if "authors" not in f and "date" not in f and is_byline(line) and (
            byline := parse_byline(line)).authors:
        header.set("authors", byline.authors, lineno, "gr.byline")
        if byline.contributors:
            header.contributors[:] = byline.contributors
            header.set("contributors", header.contributors, lineno, "gr.byline")
        # The link texts too: the author line repeats them as written.
        credited = {_name_key(c.name) for c in byline.contributors}
        header.byline_keys = frozenset(
            {_name_key(a) for a in byline.authors}
            | {_name_key(clean_name(m.group(1))) for m in LINK_RE.finditer(line)} - credited)
    elif CONTRIBUTOR_LINE_RE.match(line) and (byline := parse_byline(line)).contributors:
        header.contributors.extend(byline.contributors)
        header.set("contributors", header.contributors, lineno, "gr.credit-line")
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
        # After a line not understood, only values shaped like labels are labels.
        if header.unknown is not None and not _label_like(m["value"]):
            return False
        name = LABEL_FIELDS[m["label"].lower()]
        terms = header.terms.setdefault(name, {})
        terms.update(dict.fromkeys(_label_values(m["value"])))
        if terms:
            header.set(name, terms, lineno, "gr.label")
    elif (names := _link_names(line)) is not None:
        return _read_name_line(names, lineno, header, footer)
    else:
        return False
    return True


def _read_name_line(names: tuple[str, ...], lineno: int, header: _Header,
                    footer: Footer) -> bool:
    """A line made only of links: the author line, the authors, the source, or none of these
    (False). The rules are in the module's docstring."""
    f = header.fields
    keys = {_name_key(n) for n in names}
    before_labels = not {"regions", "themes", "reports", "tags"} & set(f)
    if not header.author_line_read and keys & header.byline_keys:
        # The byline's authors again (with, at most, the people it credits): the byline is
        # where they were read from, so the line adds no field.
        known: tuple[Contributor, ...] = tuple(f.get("contributors", ()))  # type: ignore[arg-type]
        if keys <= header.byline_keys | {_name_key(c.name) for c in known}:
            header.author_line_read = True
            return True
    if "authors" not in f and before_labels and (
            len(names) > 1 or keys == footer.author_keys()
            or (footer.source and keys != {_name_key(footer.source)})):
        header.author_line_read = True
        header.set("authors", names, lineno, "gr.author-line")
        return True
    if len(names) == 1 and "original_source" not in f and before_labels:
        header.set("original_source", names[0], lineno, "gr.source-link")
        return True
    return False


def _take_footer_source(header: _Header, footer: Footer, path: str,
                        diags: Diagnostics) -> None:
    """The footer's explicit statement of the original source wins over a header link."""
    stated = header.fields.get("original_source")
    if stated is not None and _name_key(str(stated)) != _name_key(footer.source):
        line = next(o.line for o in header.origins if o.name == "original_source")
        diags.warning("AG021", f"the link '{stated}' on line {line} is not the original source "
                      f"the footer states ('{footer.source}', line {footer.source_line}); the "
                      "footer's is kept", SourceLocation(path=path, line=line, col=1))
    header.origins = [o for o in header.origins if o.name != "original_source"]
    header.set("original_source", footer.source, footer.source_line, "gr.footer-source")


def _name_key(name: str) -> str:
    """A cleaned name (clean_name, or as names.py gives it) compared regardless of case."""
    return name.casefold()


def _link_names(line: str) -> tuple[str, ...] | None:
    """Link texts of a line made only of links ("[A](#), [B](#) and **[C](#)**"), else None."""
    if not line.startswith(("[", "**[")):  # cheap test first: most lines are not links
        return None
    names = []
    last = 0
    for m in LINK_RE.finditer(line):
        if not LINK_JOINERS_RE.fullmatch(line, last, m.start()):
            return None
        names.append(clean_name(m.group(1)))
        last = m.end()
    if not names or not LINK_JOINERS_RE.fullmatch(line, last):
        return None
    found = tuple(dict.fromkeys(n for n in names if n))
    return found or None


def _is_paragraph(line: str) -> bool:
    """Body text, not a header line: many words, or a sentence of a few."""
    words = len(line.split())
    return words > MAX_HEADER_WORDS or (words >= 4 and SENTENCE_END_RE.search(line) is not None)


def _label_like(value: str) -> bool:
    """A label value as the layout writes one: links only, or a short list of short names;
    never a sentence ("Theme: the war has ... ." opening a body is body text)."""
    value = value.strip()
    if not value or _link_names(value) is not None:
        return True
    if LINK_RE.search(value) or SENTENCE_END_RE.search(value):
        return False
    return len(value) <= MAX_LABEL_CHARS and all(
        len(item.split()) <= 6 for item in value.split(","))


def _labels_ahead(lines: list[str], i: int, end: int) -> bool:
    """True if a label line comes within a few lines from i, before any paragraph."""
    seen = 0
    while i < end and seen < LABEL_LOOKAHEAD_LINES:
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        seen += 1
        if (m := LABEL_RE.match(line)):
            return _label_like(m["value"])
        if _is_paragraph(line):
            return False
    return False


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
