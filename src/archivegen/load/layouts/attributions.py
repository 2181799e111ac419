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

from archivegen.load.dateparse import find_dates, parse_date
from archivegen.load.layouts.candidates import PLAIN, STRONG, WEAK, Candidates
from archivegen.load.layouts.credits import DOMAIN_RE, read_attribution
from archivegen.load.names import is_byline, parse_byline
from archivegen.load.outlets import outlet_name

NEWS_AGENCIES = frozenset({
    "ap", "associated press", "reuters", "afp", "agence france-presse", "upi", "bloomberg",
    "xinhua", "tass", "itar-tass", "ansa", "efe", "dpa", "kyodo", "ips", "irna", "sana",
})
_NAME = r"[A-Z0-9][\w'\u2019&.-]*(?:\s+(?:of|the|and|&|for|on|[A-Z0-9][\w'\u2019&.-]*)){0,5}"
# "(Site) Text", "PLACE (Agency) - Text", "Place, Jan 24, 2018 / 04:26 am (Agency).- Text",
# "Park City, Utah (Agency)Text": a tag in brackets after at most a place and a date, then a
# dash or the text's first capital.
_LEAD_TAG_RE = re.compile(
    r"^(?P<prefix>[^()\n]{0,80}?)\s*\((?P<site>[A-Z0-9][^()\n]{0,40}?)\)"
    r"(?:\.?\s*[-\u2013\u2014:]+\s*|\s*(?=[A-Z\u201c\"]))")
# Words a dateline's place and date are made of.
_DATELINE_WORD_RE = re.compile(r"^(?:[A-Z][\w.'\u2019-]*|[\d/:.,-]+|am|pm|a\.m\.|p\.m\.|de|of)"
                               r"[,.]?$")
MAX_DATELINE_WORDS = 9
BUREAU_RE = re.compile(r",\s+[\w .'-]+\s+(?:Bureau|Desk|Office)$")
_HOUSE_INTRO_RE = re.compile(rf"^(?P<site>{_NAME})\s+says\s*(?:…|\.\.\.)$")
_SELF_REFERENCE_RES = (
    re.compile(rf"\b(?:[Dd]onate|[Cc]ontribute)\s+to\s+(?P<site>{_NAME})\s*[.!]*$"),
    re.compile(rf"\b[Aa]ll\s+(?P<site>{_NAME})\s+articles\b"),
    # Not "\b": it opens inside a token ("1-1-1-..."), and each start would scan the rest of it.
    re.compile(rf"(?<![\w'\u2019&.-])(?P<site>{_NAME})[\u2019']s\s+(?:[Dd]aily\s+|[Ww]eekly\s+)?"
               rf"[Nn]ewsletter\b"),
    re.compile(rf"\bto\s+(?P<site>{_NAME})\s+readers\b"),
    re.compile(rf"^(?P<site>{_NAME})\s+[Ee]ditor[\u2019'`]?s\s+[Nn]ote\s*:?$"),
    re.compile(rf"^(?:[Ss]ubscribe|[Ss]ign\s+up)\s+(?:to|for)\s+(?P<site>{_NAME}?)"
               rf"(?:\s+(?:for\s+free|FOR\s+FREE|today|now))?[.!]*$"),
)
_AUTHOR_BOX_RES = (
    re.compile(r"^(?:Older|More|Other|Recent|Latest)\s+(?:articles|posts|stories)\s+by\s+"
               r"(?P<name>.+?)\.?$", re.IGNORECASE),
    re.compile(r"^RSS\s+[Ff]eed\s+for\s+(?P<name>.+?)\.?$"),
    re.compile(r"^(?P<name>[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3})\s+(?:writes|reports)"
               r"\s*:$"),
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
    """The first paragraph's lead tag: the site's own ("(SiteName) ...": publisher), or a
    dateline's ("PLACE, date (Agency) - ...": who filed it, the original source; with the
    date when the dateline states a year). A news agency's tag is always the source."""
    text = " ".join(line.split())
    if (m := _LEAD_TAG_RE.match(text)) is None or not _is_site_tag(m["site"]):
        return
    prefix = m["prefix"].strip()
    words = prefix.split()
    if len(words) > MAX_DATELINE_WORDS or not all(_DATELINE_WORD_RE.match(w) for w in words):
        return  # "Her father (John Smith) - ..." is a sentence, not a dateline
    if prefix and not ("," in prefix or any(c.isdigit() for c in prefix) or prefix.isupper()
                       or (len(words) <= 3 and words[0] not in SENTENCE_STARTS
                           and _is_agency_like(m["site"]))):
        return  # a dateline is "PLACE", "Place, State", "Washington (CNN)" or dated
    site = outlet_name(BUREAU_RE.sub("", m["site"]))  # "The Adobo Chronicles, Washington Bureau"
    if prefix or site.lower() in NEWS_AGENCIES:
        found.add("original_source", site, lineno, "page.wire-dateline", WEAK)
        dates = find_dates(prefix)
        found.add("date", dates[0].date if dates else None, lineno, "page.wire-dateline", PLAIN)
    else:
        found.add("publisher", site, lineno, "page.lead-tag", WEAK)


SENTENCE_STARTS = frozenset({"The", "A", "An", "His", "Her", "Their", "Our", "My", "This",
                             "That", "These", "Those", "Its", "When", "If", "As"})


def _is_agency_like(text: str) -> bool:
    """'CNN', 'Reuters', 'SatireWire.com': an acronym, a news agency or an address."""
    return (text.isupper() or text.lower() in NEWS_AGENCIES
            or bool(DOMAIN_RE.match(text.strip())))


def _is_site_tag(text: str) -> bool:
    """'CNN', 'CNA/EWTN News', 'The Borowitz Report', 'SatireWire.com': a name, not a gloss."""
    words = text.split()
    return 1 <= len(words) <= 5 and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in ("of", "the", "and", "&")
        for w in words)


# "by Jane Roe from Global Research 25 November 2008 On Friday November 21, ...": the byline,
# its outlet and date run into the first sentence by the scrape.
_GLUED_BYLINE_RE = re.compile(
    r"^[Bb]y\s+(?P<names>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){1,3})\s+from\s+"
    r"(?P<outlet>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,4}?)\s+"
    r"(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})\s+\S")


def glued_byline(line: str, lineno: int, found: Candidates) -> None:
    """A byline run into the first sentence of the text ('by X from Outlet <date> Text')."""
    text = " ".join(line.split())
    if (m := _GLUED_BYLINE_RE.match(text)) is None or not is_byline("By " + m["names"]):
        return
    found.add("authors", parse_byline("By " + m["names"]).authors, lineno, "page.glued-byline",
              PLAIN)
    found.add("original_source", outlet_name(m["outlet"]), lineno, "page.glued-byline", PLAIN)
    found.add("date", parse_date(m["date"]), lineno, "page.glued-byline", STRONG - 5)


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
    """Credits in the last lines of a text (the 0-based indices in `tail`). The very last
    line, when it is only an address ('atimes.com'), credits the source."""
    if tail and DOMAIN_RE.match(lines[tail[-1]].strip()):
        found.add("original_source", lines[tail[-1]].strip().rstrip("/"), tail[-1] + 1,
                  "page.source-address", WEAK)
    for index in tail:
        line = lines[index].strip()
        if not line or len(line.split()) > 40:
            continue
        if (credit := read_attribution(line)) is not None:
            found.add("original_source", credit.outlet, index + 1, "page.attribution", WEAK)
            found.add("date", credit.date, index + 1, "page.attribution", WEAK - 1)
        author_box(line, index + 1, found)
        self_reference(line, index + 1, found)
