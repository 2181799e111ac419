"""Credits stated in running text: lead tags, a site naming itself, author boxes at the end.

Newspaper-style extraction keeps the article's first paragraph and its last lines but loses the
page's metadata. Some of it survives as text, in recognisable kinds of sentences:

- a lead tag: "(NaturalNews) If you thought ..." (the site's own tag: publisher), or a wire
  dateline "AMES, IOWA (The Borowitz Report)—..." (a place, then who filed it: original
  source); a news agency's tag is always the original source;
- a site naming itself: "Subscribe to Canada Free Press", "Donate to Global Research",
  "All Global Research articles ...", "... to VDARE.COM readers", "21st Century Wire says…";
- an author box at the end: "Older articles by Judi McLeod", "RSS Feed for X",
  "X is the author of ...", "X is an award-winning journalist ...";
- "Reprinted with permission from X", "Originally published at X" (credits.read_attribution).

Each rule returns candidates (see candidates.py) with a low weight: a byline or a dateline in
the page head wins over all of them.
"""

from __future__ import annotations

import re

from ..names import is_byline, parse_byline
from ..outlets import outlet_name
from .candidates import WEAK, Candidates
from .credits import read_attribution

NEWS_AGENCIES = frozenset({
    "ap", "associated press", "reuters", "afp", "agence france-presse", "upi", "bloomberg",
    "xinhua", "tass", "itar-tass", "ansa", "efe", "dpa", "kyodo", "ips", "irna", "sana",
})
_NAME = r"[A-Z0-9][\w'\u2019&.-]*(?:\s+(?:of|the|and|&|for|on|[A-Z0-9][\w'\u2019&.-]*)){0,5}"
_LEAD_TAG_RE = re.compile(rf"^\((?P<site>{_NAME})\)\s*[-\u2013\u2014:]?\s*\S")
_WIRE_DATELINE_RE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .,'-]{{1,40}}?)\s*\((?P<agency>{_NAME})\)\s*[-\u2013\u2014:]")
_HOUSE_INTRO_RE = re.compile(rf"^(?P<site>{_NAME})\s+says\s*(?:…|\.\.\.)$")
_SELF_REFERENCE_RES = (
    re.compile(rf"\b(?:[Dd]onate|[Cc]ontribute)\s+to\s+(?P<site>{_NAME})\s*[.!]*$"),
    re.compile(rf"\b[Aa]ll\s+(?P<site>{_NAME})\s+articles\b"),
    re.compile(rf"\b(?P<site>{_NAME})[\u2019']s\s+(?:[Dd]aily\s+|[Ww]eekly\s+)?[Nn]ewsletter\b"),
    re.compile(rf"\bto\s+(?P<site>{_NAME})\s+readers\b"),
    re.compile(rf"^(?:[Ss]ubscribe|[Ss]ign\s+up)\s+(?:to|for)\s+(?P<site>{_NAME}?)"
               rf"(?:\s+(?:for\s+free|FOR\s+FREE|today|now))?[.!]*$"),
)
_AUTHOR_BOX_RES = (
    re.compile(r"^(?:Older|More|Other|Recent|Latest)\s+(?:articles|posts|stories)\s+by\s+"
               r"(?P<name>.+?)\.?$", re.IGNORECASE),
    re.compile(r"^RSS\s+[Ff]eed\s+for\s+(?P<name>.+?)\.?$"),
    re.compile(r"^(?P<name>[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3})\s+(?:is\s+the\s+author\s+of"
               r"|needs\s+no\s+introduction|writes\s+for|is\s+an?\s+(?:[\w-]+\s+){0,3}"
               r"(?:journalist|writer|columnist|author|reporter|correspondent|blogger|editor"
               r"|contributor)\b)"),
)
_DOMAIN_BRAND_RE = re.compile(r"^(?P<brand>[A-Z0-9-]{2,})\.(?:COM|ORG|NET)$")


def _site(value: str) -> str:
    """A self-named site as one name: 'VDARE.COM' is the brand 'VDARE'."""
    value = value.strip().rstrip(".")
    if (m := _DOMAIN_BRAND_RE.match(value)) is not None:
        value = m["brand"]
    return outlet_name(value)


def is_house_intro(line: str) -> bool:
    """'21st Century Wire says…': a site's standing introduction, not a headline."""
    return _HOUSE_INTRO_RE.match(" ".join(line.split())) is not None


def lead_tag(line: str, lineno: int, found: Candidates) -> None:
    """The first paragraph's lead tag or wire dateline."""
    text = " ".join(line.split())
    if (m := _WIRE_DATELINE_RE.match(text)) is not None:
        found.add("original_source", outlet_name(m["agency"]), lineno, "page.wire-dateline",
                  WEAK)
    elif (m := _LEAD_TAG_RE.match(text)) is not None:
        site = m["site"]
        if site.lower() in NEWS_AGENCIES:
            found.add("original_source", outlet_name(site), lineno, "page.lead-tag", WEAK)
        else:
            found.add("publisher", outlet_name(site), lineno, "page.lead-tag", WEAK)


def self_reference(line: str, lineno: int, found: Candidates) -> None:
    """A site naming itself in its boilerplate: its name is the publisher."""
    text = " ".join(line.split())
    if (m := _HOUSE_INTRO_RE.match(text)) is not None:
        found.add("publisher", _site(m["site"]), lineno, "page.house-intro", WEAK)
        return
    for pattern in _SELF_REFERENCE_RES:
        if (m := pattern.search(text)) is not None and m["site"].lower() not in ("our", "the"):
            found.add("publisher", _site(m["site"]), lineno, "page.self-reference", WEAK)
            return


def author_box(line: str, lineno: int, found: Candidates) -> None:
    """An author box or bio line naming the writer."""
    text = " ".join(line.split())
    for pattern in _AUTHOR_BOX_RES:
        if (m := pattern.match(text)) is not None and is_byline("By " + m["name"]):
            authors = parse_byline("By " + m["name"]).authors
            if len(authors) == 1:
                found.add("authors", authors, lineno, "page.author-box", WEAK)
            return


def tail_credits(lines: list[str], tail: list[int], found: Candidates) -> None:
    """Credits in the last lines of a text (the 0-based indices in `tail`)."""
    for index in tail:
        line = lines[index].strip()
        if not line or len(line.split()) > 40:
            continue
        if (credit := read_attribution(line)) is not None:
            found.add("original_source", credit.outlet, index + 1, "page.attribution", WEAK)
            found.add("date", credit.date, index + 1, "page.attribution", WEAK - 1)
        author_box(line, index + 1, found)
        self_reference(line, index + 1, found)
