"""Scraped text without a structured header: plain text, body-only text and saved web pages.

The head of the text (its first non-blank lines) is read line by line into kinds, and the
headline chosen from them, in pagehead.py. From there this module decides:

- **the headline's text**: a mailing list's tag and the author's name pasted after it go; a
  ' | Site' suffix is the publisher. No headline means no title (AG014), never a made-up one.
- **the credits**: the byline's authors, date and outlet; a dateline or date line after it;
  a post timestamp, mail Date header or date line in the head; a site header, a subscription
  call, a lead tag, an author box or an attribution in the last lines (attributions.py). Each
  is a weighted candidate (candidates.py); the strongest statement of a field wins.
- **the body**: from the headline (or the first line) on, with page chrome, the byline and the
  credit lines after it blanked out (line numbers stay true for later diagnostics); lines
  before the headline are page chrome. Both go to the page's provenance, not the body.

The layout is named after what was found: "web-page" (chrome before the article),
"plain-text" (a title line) or "body-only" (no title line).
"""

from __future__ import annotations

import re

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.layouts import attributions, chrome
from archivegen.load.layouts.candidates import (
    PLAIN,
    STRONG,
    WEAK,
    Candidates,
    chosen_contributors,
    chosen_date,
    chosen_names,
    chosen_text,
)
from archivegen.load.layouts.credits import (
    read_attribution,
    read_byline,
    read_credit_line,
    read_date_line,
    read_dateline,
    read_pipe_byline,
)
from archivegen.load.layouts.leftovers import LOOKED_AT_LINES
from archivegen.load.layouts.pagehead import (
    HEADING_WORDS,
    LABEL_RE,
    MIN_PROSE_WORDS,
    Head,
    anchor_window,
    choose_title,
    full_byline,
    next_unit,
    same_text,
    scan_head,
)
from archivegen.load.layouts.text import other_dates
from archivegen.load.outlets import is_known_outlet, outlet_name, outlet_of_url
from archivegen.model import Article, Provenance, Source

TAIL_LINES = 8  # last non-blank lines searched for credits
MIN_ARTICLE_WORDS = 30
PUBLISHER_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s+\|\s+(?P<publisher>[^|]{2,80})$")
# A " | Section" suffix names a part of the site, not the site.
SECTION_WORDS = frozenset({"articles", "article", "news", "opinion", "blog", "home", "analysis",
                           "commentary", "features", "politics", "world", "latest", "video"})
_ERROR_PAGE_RE = re.compile(r"(?i)^(?:error|\d{3}|page not found|not found|access denied"
                            r"|forbidden|server error)\b")
CREDIT_KINDS = frozenset({"date", "dateline", "attribution", "label", "pipe-byline"})
LEAD_TAG_LINES = 2
LEAD_TAG_SCAN = 8


def _read_credits(lines: list[str], head: Head, title: tuple[int, int] | None,
                  anchor: int | None, found: Candidates) -> tuple[int, set[int]]:
    """Add the head's credits to `found`; return the body's first line and the lines the
    credits were read from (they leave the body)."""
    used: set[int] = set()
    units, kind = head.units, head.kind
    firsts = [u for u in units if kind[u] not in ("chrome", "date")]
    body_start = title[1] + 1 if title is not None else (firsts[0] if firsts else len(lines))
    if title is None and firsts and kind[firsts[0]] == "credit":
        credit = read_credit_line(lines[firsts[0]])
        if credit is not None:
            found.add("authors", credit.authors, firsts[0] + 1, "page.credit-line", PLAIN)
            found.add("original_source", credit.outlet, firsts[0] + 1, "page.credit-line",
                      PLAIN)
            used.add(firsts[0])
    if anchor is not None:
        credit = read_byline(lines[anchor]) or read_pipe_byline(lines[anchor])
        assert credit is not None
        found.add("authors", credit.authors, anchor + 1, "page.byline", STRONG)
        found.add("contributors", credit.contributors, anchor + 1, "page.byline", STRONG)
        found.add("date", credit.date, anchor + 1, "page.byline", STRONG)
        found.add("original_source", credit.outlet, anchor + 1, "page.byline", STRONG)
        used.add(anchor)
        # Credit lines right after the byline: a dateline, a date, an attribution, the
        # outlet's name alone ("Global Research" under the GR print layout's byline), chrome.
        for u in units:
            if u > anchor:
                if _outlet_alone(lines[u], kind[u]):
                    found.add("original_source", outlet_name(lines[u]), u + 1,
                              "page.outlet-line", PLAIN + 5)
                elif kind[u] not in ("dateline", "date", "attribution", "chrome"):
                    break
                used.add(u)
    elif title is not None:
        _name_line(lines, head, title[1], found, used)
    # The head ends where the body's prose begins, after the headline and the byline.
    last = max(x for x in (title[1] if title else None, anchor, -1) if x is not None)
    for u in units:
        if u > last and kind[u] == "prose":
            break
        _read_head_line(lines, u, kind[u], anchor, title, found)
        if kind[u] in CREDIT_KINDS or (
                title is not None and u > title[1] and same_text(lines[u], lines[title[0]])):
            used.add(u)  # read: its statement is a field now, not article text
    return body_start, used


def _credited(lines: list[str], head: Head, anchors: list[int]) -> int | None:
    """The article's byline among the head's: the first that carries a date or an outlet, or
    that the GR print layout's outlet or date lines follow ('By Paul Roe' under a blog post's
    date is the poster's; 'By Jane Roe' / 'Global Research' / 'April 13, 2013' the article's);
    else the first."""
    for u in anchors:
        credit = read_byline(lines[u]) or read_pipe_byline(lines[u])
        after = next_unit(head, u)
        if credit is not None and (credit.date or credit.outlet or (after is not None and (
                head.kind[after] in ("date", "dateline", "outlet")
                or _outlet_alone(lines[after], head.kind[after])))):
            return u
    return anchors[0] if anchors else None


def _outlet_alone(line: str, kind: str) -> bool:
    return kind == "title" and is_known_outlet(line)


def _name_line(lines: list[str], head: Head, title_end: int, found: Candidates,
               used: set[int]) -> None:
    """A line holding only a person's name right under the headline is its byline (no 'By'):
    two to four capitalised words that read as a name, then the text or its date."""
    nxt = next_unit(head, title_end)
    while nxt is not None and head.kind[nxt] == "chrome":
        nxt = next_unit(head, nxt)
    if nxt is None or head.kind[nxt] != "title":
        return
    text = " ".join(lines[nxt].split())
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words) or any(
            w.lower().strip(".,:;!?") in HEADING_WORDS for w in words):
        return
    after = next_unit(head, nxt)
    if after is not None and head.kind[after] == "title" and len(lines[after].split()) <= 3:
        after = next_unit(head, after)  # "Jane Roe" / "Some Money" / "October 26, 2013"
        if after is None or head.kind[after] not in ("date", "dateline"):
            return
    if after is not None and head.kind[after] not in ("prose", "date", "dateline"):
        return
    if (credit := read_byline("By " + text)) is not None and len(credit.authors) == 1 \
            and not credit.outlet and not is_known_outlet(text):
        found.add("authors", credit.authors, nxt + 1, "page.name-line", PLAIN)
        used.add(nxt)


def _read_head_line(lines: list[str], u: int, kind: str, anchor: int | None,
                    title: tuple[int, int] | None, found: Candidates) -> None:
    """The credits one head line states (dates, outlets, a site naming itself)."""
    text = " ".join(lines[u].split())
    after_anchor = anchor is not None and u > anchor
    masthead = title is not None and u < title[0]  # the site's own name above the headline
    if kind == "date" and (date := read_date_line(text)) is not None:
        found.add("date", date, u + 1, "page.date-line", PLAIN + (5 if after_anchor else 0))
    elif kind == "dateline" and (dated := read_dateline(text)) is not None:
        found.add("date", dated[1], u + 1, "page.dateline", STRONG - (0 if after_anchor else 5))
        found.add("original_source", dated[0], u + 1, "page.dateline",
                  PLAIN + (5 if after_anchor else 0))
    elif kind == "attribution" and (credit := read_attribution(text)) is not None:
        found.add("original_source", credit.outlet, u + 1, "page.attribution", PLAIN + 6)
        found.add("date", credit.date, u + 1, "page.attribution", PLAIN - 2)
        found.add("authors", credit.authors, u + 1, "page.attribution", PLAIN)
    elif kind == "pipe-byline" and u != anchor and (credit := read_pipe_byline(text)):
        found.add("authors", credit.authors, u + 1, "page.meta-line", PLAIN)
        found.add("date", credit.date, u + 1, "page.meta-line", PLAIN)
    elif kind == "label":
        _label(text, u + 1, found)
    elif kind == "outlet" and not masthead:
        found.add("original_source", outlet_name(text.split(",")[0]), u + 1, "page.outlet-line",
                  WEAK)
    elif (kind == "chrome" and chrome.is_url_line(text) and title is not None and anchor
          is not None and title[1] < u < anchor):
        # A bare address between the headline and the byline: where the article came from.
        found.add("original_source", _host_or_text(text), u + 1, "page.source-address", WEAK)
    elif kind in ("title", "chrome") and is_known_outlet(_host_or_text(text)):
        name = outlet_name(_host_or_text(text))
        if masthead:
            found.add("publisher", name, u + 1, "page.masthead", PLAIN)
        elif kind == "title":
            found.add("original_source", name, u + 1, "page.outlet-line", WEAK)
    if kind == "chrome":
        if (site := chrome.subscribed_site(text)) is not None:
            found.add("publisher", site, u + 1, "page.self-reference", WEAK)
        if (header := chrome.mail_header(text)) is not None and header[0] == "Date":
            found.add("date", read_date_line(header[1]), u + 1, "page.mail-date", PLAIN - 1)
    attributions.self_reference(text, u + 1, found)


def _host_or_text(text: str) -> str:
    """A bare address names its site ('www.globalresearch.ca'); other text is itself."""
    return outlet_of_url(text if "://" in text else "http://" + text) if (
        chrome.is_url_line(text)) else text


def _labels_in_first_lines(lines: list[str], start: int, skipped: set[int],
                           found: Candidates) -> set[int]:
    """Label lines ('Tags: a, b') among the body's first lines state terms: read them (the
    same lines AG025 would otherwise report as metadata left in the body)."""
    read: set[int] = set()
    seen = 0
    for n in range(start, len(lines)):
        if not lines[n].strip() or n in skipped:
            continue
        seen += 1
        if seen > LOOKED_AT_LINES:
            break
        if (m := LABEL_RE.match(lines[n].strip())) and any(c.isalpha() for c in m["value"]):
            _label(lines[n], n + 1, found)
            read.add(n)
    return read


def _label(line: str, lineno: int, found: Candidates) -> None:
    """'Region: A, B' in the head: the terms, split on commas (links were stripped)."""
    if (m := LABEL_RE.match(line.strip())) is None:
        return
    name = {"region": "regions", "theme": "themes", "in-depth report": "reports",
            "tag": "tags"}.get(m["label"].lower().rstrip("s"), "")
    values = tuple(v for v in (" ".join(x.split()) for x in m["value"].split(",")) if v)
    if name:
        found.add(name, values, lineno, "page.label", PLAIN)


# A mailing list's tag in front of a subject: "[News] ", "[OPE] ".
LIST_TAG_RE = re.compile(r"^\[[\w .-]{1,20}\]\s+")
_TITLE_BYLINE_RE = re.compile(r"(?i)\s*(?:/|[-\u2013\u2014|])?\s*by\s+(?P<names>[^/|]+)$")


def _without_byline(title: str, authors: tuple[str, ...]) -> str:
    """'Headline by Jane Roe' or 'Headline/ By Prof. Jane Roe' -> 'Headline', when the names
    are the article's own authors (read from its byline): a blog pasted them into the title."""
    m = _TITLE_BYLINE_RE.search(title)
    if m is None or not authors or m.start() == 0:
        return title
    credit = read_byline("By " + m["names"])
    if credit is None or set(credit.authors) != set(authors):
        return title
    return title[:m.start()].rstrip()


def _split_title(title: str, line: int, found: Candidates) -> str:
    """'Headline | Site' -> 'Headline' (publisher Site); '| Articles' names a section only."""
    if (m := PUBLISHER_SUFFIX_RE.match(title)) is None:
        return title
    suffix = m["publisher"].strip()
    if suffix.lower() not in SECTION_WORDS:
        found.add("publisher", suffix, line, "plain.title-suffix", STRONG)
    return m["title"].strip()


def _is_error_page(lines: list[str], head: Head) -> bool:
    total = sum(len(line.split()) for line in lines)
    return (total < MIN_ARTICLE_WORDS and bool(head.units)
            and bool(_ERROR_PAGE_RE.match(lines[head.units[0]].strip())))


def read_scraped(text: str, source: Source, diags: Diagnostics) -> Article | None:
    lines = text.split("\n")
    start = next((n for n, line in enumerate(lines) if line.strip()), 0)
    head = scan_head(lines, start)
    if _is_error_page(lines, head):
        diags.warning("AG002", "holds no article: the text reads as an error page",
                      SourceLocation(path=source.path, line=start + 1, col=1))
        return None
    found = Candidates()
    early = anchor_window(head)
    anchors = ([u for u in early if head.kind[u] == "byline"]
               or [u for u in early if head.kind[u] == "pipe-byline"]
               or [u for u in head.units if u not in early and full_byline(lines[u])])
    anchor = _credited(lines, head, anchors)
    title_lines, web_page = choose_title(lines, head, anchor, found)
    firsts = [u for u in head.units if head.kind[u] != "chrome"]
    if title_lines is None and firsts and head.kind[firsts[0]] == "other":
        # Neither a headline nor prose (a table of numbers, say): read the first line as the
        # title, as plain text is, and say the layout was not recognised.
        diags.warning("AG020", "layout not recognised; read as plain text (first line is the "
                      "title)", SourceLocation(path=source.path, line=firsts[0] + 1, col=1))
        title_lines = (firsts[0], firsts[0])
    if anchor is not None and title_lines is not None and anchor < title_lines[0]:
        anchor = None  # a byline above the headline belongs to the page, not the article
    if title_lines is not None:
        first, last = title_lines
        title = " ".join(" ".join(lines[first:last + 1]).lstrip("#").split())
        title = _split_title(LIST_TAG_RE.sub("", title), first + 1, found)
        if anchor is not None and (credit := read_byline(lines[anchor])) is not None:
            title = _without_byline(title, credit.authors)
        found.add("title", title, first + 1,
                  "page.headline" if web_page else "plain.first-line", STRONG)
    body_start, used = _read_credits(lines, head, title_lines, anchor, found)
    used |= _labels_in_first_lines(lines, body_start, used | {
        u for u in head.units if head.kind[u] == "chrome"}, found)
    # The lead tag opens the first paragraph: a category line, a list or the byline may stand
    # above it, so the first lines and the first line of prose are tried.
    firsts = [i for i in range(body_start, len(lines)) if lines[i].strip()
              and i not in used and head.kind.get(i) != "chrome"]
    prose = [i for i in firsts[:LEAD_TAG_SCAN] if len(lines[i].split()) >= MIN_PROSE_WORDS][:1]
    for first_body in dict.fromkeys([*firsts[:LEAD_TAG_LINES], *prose]):
        attributions.lead_tag(lines[first_body], first_body + 1, found)
        attributions.glued_byline(lines[first_body], first_body + 1, found)
    tail = [n for n in range(body_start, len(lines))
            if lines[n].strip() and n not in used][-TAIL_LINES:]
    attributions.tail_credits(lines, tail, found)
    return _article(lines, source, diags, found, head, title_lines, body_start, used,
                    web_page, start)


def _article(lines: list[str], source: Source, diags: Diagnostics, found: Candidates,
             head: Head, title_lines: tuple[int, int] | None, body_start: int, used: set[int],
             web_page: bool, start: int) -> Article:
    chosen = found.best()
    # Chrome in the head and the credit lines leave the body; blank lines keep numbering.
    removed = set(used) | {u for u in head.units if head.kind[u] == "chrome" and u >= body_start}
    body_lines = ["" if n in removed else line
                  for n, line in enumerate(lines[body_start:], start=body_start)]
    first = next((n for n, line in enumerate(body_lines) if line.strip()), len(body_lines))
    body = "\n".join(body_lines[first:]).strip("\n")
    title_set = set(range(title_lines[0], title_lines[1] + 1)) if title_lines else set()
    # What the page showed around the article: the lines above the headline and chrome.
    # Credit lines are not in it: their statements are fields, each with its line.
    before = [n for n in range(start, body_start) if lines[n].strip() and n not in title_set]
    boilerplate = "\n".join(lines[n] for n in sorted((set(before) | removed) - used))
    if title_lines is None and body:
        diags.warning("AG014", "no title line: the text starts with body text; the page "
                      "shows a heading derived from the first words",
                      SourceLocation(path=source.path, line=body_start + first + 1, col=1))
    layout = "web-page" if web_page else "plain-text" if title_lines else "body-only"

    return Article(
        title=chosen_text(chosen, "title"),
        authors=chosen_names(chosen, "authors"),
        contributors=chosen_contributors(chosen),
        publisher=chosen_text(chosen, "publisher"),
        date=chosen_date(chosen),
        original_source=chosen_text(chosen, "original_source"),
        regions=chosen_names(chosen, "regions"),
        themes=chosen_names(chosen, "themes"),
        reports=chosen_names(chosen, "reports"),
        tags=chosen_names(chosen, "tags"),
        body=body,
        body_line=body_start + first + 1,
        provenance=Provenance(
            source_path=source.path, sha256=source.sha256, layout=layout,
            fields=tuple(found.origins(chosen)), footer=boilerplate,
            other_dates=other_dates(lines, start, len(lines),
                                    chosen["date"].line if "date" in chosen else None)),
    )


LAYOUT = "scraped"  # the loader's name; each record is named plain-text, body-only or web-page


def sniff(text: str, path: str) -> bool:
    """Any text: this reader takes what the structured layouts do not."""
    return True


def load(text: str, source: Source, diags: Diagnostics) -> Article | None:
    return read_scraped(text, source, diags)
