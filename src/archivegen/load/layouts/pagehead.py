"""The head of a scraped text: what each of its first lines is, and which is the headline.

Every non-blank line of the head (the first HEAD_LINES) gets one kind, looked at alone: page
chrome (chrome.py), a meta line, a byline, a date line, a dateline, an attribution
(credits.py), a label, a credit line (first line only), an outlet line, a headline-like line,
prose, or "other" (no letters). `choose_title` then reads the headline from the kinds:

- the first headline-like line, unless a wrapped paragraph starts there (a headline may still
  wrap onto one more line when credits follow it);
- after a blog's name and its post date (the name is the publisher);
- a title-case headline after a sentence-case deck;
- on a page that starts with chrome, the headline just above the article's byline.

A byline, a credit line, a timestamp or prose first means the text has no title line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivegen.load.layouts import attributions, chrome
from archivegen.load.layouts.candidates import PLAIN, Candidates
from archivegen.load.layouts.credits import (
    is_outlet_line,
    read_attribution,
    read_byline,
    read_credit_line,
    read_date_line,
    read_dateline,
    read_pipe_byline,
)

HEAD_LINES = 40  # non-blank lines searched for the headline and its credits
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200
MIN_PROSE_WORDS = 12
MIN_DECK_WORDS = 8  # a deck (standfirst) is a sentence; a headline after it has a few words
MIN_HEADLINE_WORDS = 4
MAX_WRAPPED_TITLE_WORDS = 20
TIMESTAMP_RE = re.compile(r"(?i)^(?:updated|last updated|posted|published|modified)\b.*"
                          r"\b\d{1,2}[:.]\d\d\b")
LABEL_RE = re.compile(r"^(?P<label>Region|Regions|Theme|Themes|In-depth Report|In-depth "
                      r"Reports|Tags?)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
OPENING_MARKS = "\"'\u201c\u2018(\u00ab\u00bf\u00a1"


@dataclass(slots=True)
class Head:
    """The head's lines (0-based indices) by kind, filled in one pass."""

    units: list[int] = field(default_factory=list)
    kind: dict[int, str] = field(default_factory=dict)


def title_case_ratio(line: str) -> float:
    """Share of the words of four letters or more that start with a capital."""
    long_words = [w for w in line.split() if sum(c.isalpha() for c in w) >= 4]
    if not long_words:
        return 0.0
    return sum(1 for w in long_words if w.lstrip(OPENING_MARKS)[:1].isupper()) / len(long_words)


def looks_like_title(line: str) -> bool:
    """Short, and not a finished sentence unless in title case: a headline rather than the
    start of a paragraph."""
    line = line.strip()
    count = len(line.split())
    return (0 < len(line) <= MAX_TITLE_CHARS and count <= MAX_TITLE_WORDS
            and (not line.endswith(".") or count <= 12 or title_case_ratio(line) >= 0.75)
            and any(c.isalpha() for c in line))


ATTRIBUTION_WORDS = ("originally", "first ", "reprint", "republish", "repost", "posted",
                     "appeared", "cross-post")
MAX_CREDIT_CHARS = 300  # a longer line is prose, whatever it starts with


def line_kind(line: str, first: bool) -> str:
    text = " ".join(line.split())
    if len(text) > MAX_CREDIT_CHARS:
        return "prose"
    # Cheap tests guard the costly readings: most lines hold no bar, no "by", no digit.
    lowered = text.lower()
    digits = any(c.isdigit() for c in text)
    if ("|" in text or " / " in text) and read_pipe_byline(text) is not None:
        return "pipe-byline"
    if chrome.is_chrome(text) or TIMESTAMP_RE.match(text) or attributions.is_house_intro(text):
        return "chrome"
    if ("by" in lowered or "von " in lowered or "por " in lowered or "par " in lowered
            or "di " in lowered) and read_byline(text) is not None:
        return "byline"
    if digits and read_date_line(text) is not None:
        return "date"
    if digits and read_dateline(text) is not None:
        return "dateline"
    if any(w in lowered for w in ATTRIBUTION_WORDS) and read_attribution(text) is not None:
        return "attribution"
    if LABEL_RE.match(text):
        return "label"
    if first and read_credit_line(text) is not None:
        return "credit"
    if is_outlet_line(text):
        return "outlet"
    if text.lower() in ("by", "by:"):
        return "chrome"  # an empty byline: the name was lost in the scrape
    if looks_like_title(text):
        return "title"
    return "prose" if len(text.split()) >= MIN_PROSE_WORDS or text[:1].isalpha() else "other"


MIN_WRAPPED_WORDS = 8


def scan_head(lines: list[str], start: int) -> Head:
    head = Head()
    i = start
    while i < len(lines) and len(head.units) < HEAD_LINES:
        if lines[i].strip():
            head.units.append(i)
            head.kind[i] = line_kind(lines[i], first=not head.units[:-1])
        i += 1
    # Hard-wrapped paragraphs: their short lines look like headlines one by one. A line that
    # a sentence runs on from, or onto, is prose; so are the lines it runs on into.
    for u in head.units:
        if head.kind[u] != "title":
            continue
        runs_on = wrapped_prose(lines, u) and len(lines[u].split()) >= MIN_WRAPPED_WORDS
        before = lines[u - 1].split() if u > 0 else []
        continued = u - 1 in head.kind and head.kind[u - 1] == "prose" and bool(before) and (
            lines[u].lstrip(OPENING_MARKS)[:1].islower() or before[-1].lower() in FUNCTION_WORDS)
        if runs_on or continued:
            head.kind[u] = "prose"
    return head


MAX_PROSE_BEFORE_BYLINE = 2


def anchor_window(head: Head) -> list[int]:
    """The head lines where the article's byline may stand: on a page that starts with chrome,
    all of them; otherwise up to the third line of prose (a 'Posted by X on <date>' caption
    further down belongs to something the article embeds)."""
    if head.units and head.kind[head.units[0]] == "chrome":
        return head.units
    window: list[int] = []
    prose = 0
    for u in head.units:
        if head.kind[u] == "prose":
            prose += 1
            if prose > MAX_PROSE_BEFORE_BYLINE:
                break
        window.append(u)
    return window


def full_byline(line: str) -> bool:
    """'By Jane Roe, Some Tribune, September 26, 2018:' further down a text that quotes the
    article it introduces: a 'By' line with an outlet or a date. ('Posted by X on <date>' down
    there is the caption of an embedded post.)"""
    credit = read_byline(line)
    return (credit is not None and line.lstrip().lower().startswith("by ")
            and bool(credit.outlet or credit.date))


def next_unit(head: Head, i: int) -> int | None:
    later = [u for u in head.units if u > i]
    return later[0] if later else None


def blank_before(lines: list[str], i: int) -> bool:
    return i == 0 or not lines[i - 1].strip()


FUNCTION_WORDS = frozenset({"of", "the", "and", "to", "in", "a", "an", "for", "with", "at",
                            "by", "from", "that", "as", "is", "was", "were", "are", "its",
                            "their", "his", "her", "this", "which", "who", "or", "but"})


def wrapped_prose(lines: list[str], i: int) -> bool:
    """Is line i the first line of a hard-wrapped paragraph rather than a headline? Its next
    line follows with no blank line and goes on with the sentence: it starts in lower case,
    or line i ends on a word that cannot end a headline ("of", "the"), or line i is a long
    line in sentence case."""
    if i + 1 >= len(lines) or not lines[i + 1].strip() or lines[i].lstrip().startswith("#"):
        return False  # a Markdown heading is a heading, whatever follows it
    nxt = lines[i + 1].strip().lstrip(OPENING_MARKS)
    words = lines[i].split()
    return (nxt[:1].islower() or words[-1].lower() in FUNCTION_WORDS
            or (len(words) >= 10 and title_case_ratio(lines[i]) < 0.5))


# Words of headings and sentences that no personal name is made of ("What Happens Next").
HEADING_WORDS = frozenset({
    "a", "about", "after", "against", "all", "also", "an", "and", "are", "as", "at", "be",
    "before", "between", "but", "by", "can", "could", "did", "do", "does", "down", "during",
    "each", "few", "for", "from", "had", "has", "have", "he", "her", "here", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "just", "more", "most", "my", "new", "next", "no",
    "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "out", "over",
    "own", "part", "chapter", "introduction", "conclusion", "update", "updated", "breaking",
    "video", "photo", "photos", "watch", "read", "note", "editor", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you",
    "your", "happens", "happened", "says", "said", "first", "last", "two", "three",
    "today", "news", "report",
})


def two_line_title(lines: list[str], head: Head, i: int) -> bool:
    """A headline hard-wrapped onto a second line: together short, not a finished sentence,
    and followed by a blank line or by credits rather than more of a paragraph."""
    joined = f"{lines[i].strip()} {lines[i + 1].strip()}"
    if not looks_like_title(joined) or len(joined.split()) > MAX_WRAPPED_TITLE_WORDS:
        return False
    after = i + 2
    return after >= len(lines) or not lines[after].strip() or head.kind.get(after) in (
        "byline", "credit", "date", "dateline", "attribution", "chrome", "pipe-byline",
        "outlet")


def choose_title(lines: list[str], head: Head, anchor: int | None,
                  found: Candidates) -> tuple[tuple[int, int] | None, bool]:
    """((first, last) line of the headline, or None; whether the text is a saved web page)."""
    units, kind = head.units, head.kind
    web_page = bool(units) and kind[units[0]] == "chrome"
    # A post date above the headline (a blog's date header) does not hide the headline.
    firsts = [u for u in units if kind[u] not in ("chrome", "date")]
    if not firsts:
        return None, web_page
    if (crumb := _breadcrumb_headline(lines, head)) is not None:
        return (crumb, crumb), True
    if web_page and anchor is not None:
        above = [u for u in units if u < anchor and kind[u] == "title"]
        if above:
            return (above[-1], above[-1]), True
    first = firsts[0]
    if wrapped_prose(lines, first) and looks_like_title(lines[first]):
        if two_line_title(lines, head, first):
            return (first, first + 1), web_page
        return None, web_page
    if kind[first] != "title" or _a_list(lines, head, first):
        return None, web_page
    nxt = next_unit(head, first)
    # A blog: its name, the post's date, then the post's title (not the same line again).
    if nxt is not None and kind[nxt] == "date":
        after = next_unit(head, nxt)
        if (after is not None and kind[after] == "title"
                and same_text(lines[after], lines[first]) is False):
            found.add("publisher", " ".join(lines[first].split()), first + 1,
                      "page.site-header", PLAIN)
            return (after, after), True
    # A deck in sentence case, then the headline in title case.
    if (nxt is not None and kind[nxt] == "title" and blank_before(lines, nxt)
            and (nxt + 1 >= len(lines) or not lines[nxt + 1].strip())
            and len(lines[first].split()) >= MIN_DECK_WORDS
            and len(lines[nxt].split()) >= MIN_HEADLINE_WORDS
            and next_unit(head, nxt) is not None):
        deck, headline = title_case_ratio(lines[first]), title_case_ratio(lines[nxt])
        if headline >= 0.8 and deck <= headline - 0.3:
            return (nxt, nxt), web_page
    return (first, first), web_page


def _breadcrumb_headline(lines: list[str], head: Head) -> int | None:
    """The line a breadcrumb's last step names ('Home > News > The Headline' and then 'The
    Headline' further down): the page's headline, past whatever chrome stands between."""
    for u in head.units:
        if head.kind[u] == "chrome" and (tail := chrome.breadcrumb_tail(lines[u])) is not None:
            return next((v for v in head.units if v > u and head.kind[v] == "title"
                         and same_text(lines[v], tail)), None)
    return None


MAX_LIST_ITEM_WORDS = 4


def _a_list(lines: list[str], head: Head, first: int) -> bool:
    """Short lines one after another ('Fermented vegetables' / 'Kefir' / 'Kombucha'): a list
    the text opens with, not a headline (a headline is not followed by more like it)."""
    run = [first]
    while (u := next_unit(head, run[-1])) is not None and head.kind[u] == "title":
        run.append(u)
    return len(run) >= 3 and all(len(lines[v].split()) <= MAX_LIST_ITEM_WORDS
                                 and not lines[v].rstrip().endswith((".", "!", "?"))
                                 for v in run)


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
