"""A repost's byline block, read as a small grammar of line kinds.

Reposts put the credits of an article on short lines between the title and the body, in any
order, in several languages, often with no blank line before the body:

    by                         author intro alone (by, por, di, par, con, with, de)
    Jane Doe and John Roe      names: after an intro, or first in the block before a date
    18 Aprile                  a date, on one line or split (day month / year), possibly
    2013                         damaged by the scrape ("September 18, 2010n")
    Strategic Culture Foundation   an outlet named between the date and "from"
    Cuba Debate - 2010-07-11   an outlet with its own date
    from                       site intro alone (from, desde, del Sitio Web, dal Sito Web...)
    GlobalResearch             the site the repost was taken from, "Website" on this line
    Website                      or the next
    traduzione / di / X        credits (translated by, traducción de, edited by ...)
    Versión original           links to other language versions
    Part I                     part labels

Every line is classified on its own or from its neighbours; the block ends at the first line
that is none of these (the body's first line). Blank lines inside the block are ignored.
A name line is read only where the grammar expects one (after an intro, or first in the block
and followed by a date), so a short body line is never taken for a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivegen.load.dateparse import find_dates, parse_date
from archivegen.load.layouts.credits import (
    find_credit_dates,
    is_outlet_line,
    outlet_suffix,
    read_date_line,
)
from archivegen.load.names import is_byline, parse_byline
from archivegen.load.outlets import WEBSITE_SUFFIX_RE, outlet_name
from archivegen.model import Contributor, FieldOrigin, FoundDate
from archivegen.partial_date import PartialDate

AUTHOR_INTROS = frozenset({"by", "por", "di", "par", "con", "with", "avec", "de", "von", "door"})
SITE_INTROS = frozenset({
    "from", "from the", "desde", "desde el sitio web", "del sitio web", "del sitio",
    "dal sito web", "dal sito", "da", "du site web", "du site", "depuis", "depuis le site web",
    "do site", "do sítio web", "vom", "von der website", "aus webseite", "aus der webseite",
    "von der webseite", "aus"})
# "from GlobalResearch Website" on one line: the intro, then the site.
SITE_INTRO_PREFIX_RE = re.compile(
    r"(?i)^(?:from|desde(?: el sitio web)?|del sitio web|dal sito web|du site web"
    r"|depuis(?: le site web)?)\s+(?P<site>\S.*)$")
NAME_JOINERS = frozenset({"and", "y", "e", "et", "und", "&"})
# A credit word alone ("traduzione", "traducción de", "translated by"): names follow.
CREDIT_INTRO_RE = re.compile(
    r"(?i)^(?P<role>traduzione|traducci[oó]n|traduction|translation|translated|traducid[oa]"
    r"|traduit|übersetzung|edited|introduction|introducción|photos?|fotos?)"
    r"(?:\s+(?:de|di|by|por|par|von|from\s+\w+(?:\s+by)?))?\s*:?$")
CREDIT_LINE_RE = re.compile(
    r"(?i)^(?:with\s+an?\s+)?(?:introduction|introducción|translated|translation|traducción"
    r"|traduccion|traducido|traducida|traduit|traduction|traduzione|edited|editado|editada"
    r"|photos?|photographs?|fotos?)\b\S*\s+(?:by|de|di|por|par)\s+\S")
_ROLE_OF_INTRO = {"traduzione": "translator", "traducción": "translator",
                  "traduccion": "translator", "traduction": "translator",
                  "translation": "translator", "translated": "translator",
                  "traducido": "translator", "traducida": "translator", "traduit": "translator",
                  "übersetzung": "translator", "edited": "editor",
                  "introduction": "introduction", "introducción": "introduction",
                  "photo": "photographer", "photos": "photographer", "foto": "photographer",
                  "fotos": "photographer"}
# Links to the same text in other languages: "Versión original", "Spanish version",
# "Versione in spagnolo", "Versión en" / "Italiano".
VERSION_RE = re.compile(r"(?i)(?:^|\s)versi(?:on|ón|one|onen)\b|fassung\b")
PART_RE = re.compile(r"(?i)^(?:part|parte|partie|teil)\s+(?:[IVXLC]+|\d{1,2})\.?$")
YEAR_RE = re.compile(r"^(?:1[89]|20)\d\d$")
YEAR_RANGE_RE = re.compile(r"^(?P<start>(?:1[89]|20)\d\d)\s*[-\u2013]\s*(?:1[89]|20)\d\d$")
# "September 18, 2010n": a date with a letter or two glued to the year by the scrape.
DAMAGED_DATE_RE = re.compile(r"^(?P<date>.*\d{4})[^\W\d_]{1,2}$")
# "Cuba Debate - 2010-07-11": an outlet and the date it published the text.
OUTLET_DATE_RE = re.compile(r"^(?P<outlet>[^\d]{2,60}?)\s+[-\u2013\u2014,]\s+(?P<date>.{6,30})$")
MAX_BLOCK_LINE_WORDS = 12
MAX_NAME_WORDS = 8


@dataclass(slots=True)
class Block:
    """What the block states, with the line of each field; `end` is the body's first line."""

    # Ordered sets (keys only): a name stated twice is one name, and adding one costs the
    # same however many the block already holds.
    authors: dict[str, None] = field(default_factory=dict)
    contributors: dict[Contributor, None] = field(default_factory=dict)
    date: PartialDate | None = None
    date_line: int | None = None
    site: str = ""  # the outlet after "from": where the repost was taken from
    outlets: list[tuple[str, int]] = field(default_factory=list)  # other outlets named
    other_dates: list[FoundDate] = field(default_factory=list)
    origins: list[FieldOrigin] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what was repaired)
    start: int = 0
    end: int = 0

    @property
    def empty(self) -> bool:
        return not (self.authors or self.contributors or self.date or self.site or self.outlets)


def _norm(line: str) -> str:
    return " ".join(line.split())


def _intro(line: str) -> str:
    return _norm(line).lower().rstrip(":").strip()


def block_date(lines: list[str], i: int) -> tuple[PartialDate, int, str] | None:
    """A date starting at line i: (date, lines used, note). Handles "18 Aprile" + "2013" on two
    lines and a letter glued to the year ("2010n")."""
    line = _norm(lines[i])
    if not line or len(line.split()) > 8:
        return None
    if (date := parse_date(line)) is not None and not YEAR_RE.match(line):
        return date, 1, ""
    if (date := read_date_line(line)) is not None and not YEAR_RE.match(line):
        return date, 1, ""  # with its weekday or a time: "Friday, July 24, 2011"
    nxt = _norm(lines[i + 1]) if i + 1 < len(lines) else ""
    if YEAR_RE.match(nxt) and not YEAR_RE.match(line) and (
            date := parse_date(f"{line} {nxt}")) is not None:
        return date, 2, f"date split over two lines: '{line}' / '{nxt}'"
    if (m := DAMAGED_DATE_RE.match(line)) and (date := parse_date(m["date"])) is not None \
            and not YEAR_RE.match(m["date"]):
        return date, 1, f"stray letters after the date '{line}' ignored"
    return None


_DEGREE_RE = re.compile(r",?\s+(?:Ph\.?\s?D|M\.?D|Jr|Sr|Esq|MBA)\.?$")


def _looks_like_names(line: str) -> bool:
    """A short line that reads as a list of names (not a sentence, not a date); a degree or
    'Jr.' at its end is no full stop ('Judith H. Young, Ph.D.')."""
    line = _DEGREE_RE.sub("", line)
    words = line.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or find_dates(line) or line.endswith((".", ":")):
        return line.endswith(".") and len(words) <= 3 and is_byline("By " + line)
    return is_byline("By " + line)


def _is_site_name(line: str) -> bool:
    return 1 <= len(line.split()) <= 6 and not line.endswith((".", ",", ":")) and not find_dates(
        line)


def read_block(lines: list[str], start: int) -> Block:
    """The byline block starting at line `start` (0-based); empty with end == start if the
    lines there are not one."""
    block = Block(start=start, end=start)
    i = start
    expect = ""  # "names", "site", "website", "credit:<role>", "version"
    while i < len(lines):
        line = _norm(lines[i])
        if not line:
            i += 1
            continue
        used = _classify(lines, i, line, _intro(line), expect, block)
        if used is None:
            break
        step, expect = used
        i += step
        block.end = i
    return block


def _classify(lines: list[str], i: int, line: str, low: str, expect: str,
              block: Block) -> tuple[int, str] | None:
    """Read line i as part of the block: (lines used, what the next line may be), or None
    when the line is not part of a byline block."""
    lineno = i + 1
    words = line.split()
    if len(words) > MAX_BLOCK_LINE_WORDS:
        return None
    if expect == "website" and low in ("website", "web site", "sitio web", "sito web"):
        return 1, ""
    if expect.startswith("credit:") and low in AUTHOR_INTROS:
        return 1, expect  # "traduzione" / "di" / "Name"
    if expect.startswith("credit:") and _looks_like_names(line):
        role = expect.split(":", 1)[1]
        names = parse_byline("By " + line).authors
        _add_contributors(block, tuple(Contributor(role=role, name=n) for n in names), lineno)
        return 1, ""
    if expect == "names" and WEBSITE_SUFFIX_RE.search(line) and _is_site_name(line):
        _set_site(block, line, lineno)  # "by" / "GlobalResearch Website": a site, no name
        return 1, ""
    if expect == "names" and _looks_like_names(line):
        _add_byline(block, "By " + line, lineno, "repost.byline")
        return 1, "more-names"
    if expect == "more-names" and low in NAME_JOINERS:
        return 1, "names"  # "Jane Doe" / "and" / "John Roe"
    if expect == "site" and _is_site_name(line):
        _set_site(block, line, lineno)
        return 1, "" if WEBSITE_SUFFIX_RE.search(line) else "website"
    if low in AUTHOR_INTROS:
        return 1, "names"
    if low in SITE_INTROS:
        return 1, "site"
    if (m := SITE_INTRO_PREFIX_RE.match(line)) is not None and _is_site_name(m["site"]) and (
            WEBSITE_SUFFIX_RE.search(line) or _block_goes_on(lines, i + 1)
            or all(w[:1].isupper() for w in m["site"].split() if len(w) > 3)):
        _set_site(block, m["site"], lineno)
        return 1, "" if WEBSITE_SUFFIX_RE.search(line) else "website"
    if (m := CREDIT_INTRO_RE.match(line)) is not None:
        return 1, "credit:" + _ROLE_OF_INTRO.get(m["role"].lower(), "contributor")
    if CREDIT_LINE_RE.match(line):
        byline = parse_byline(line)
        if byline.contributors:
            _add_contributors(block, byline.contributors, lineno)
            return 1, ""
    if (dated := block_date(lines, i)) is not None:
        date, used, note = dated
        _add_date(block, date, lineno, line)
        if note:
            block.notes.append((lineno, note))
        return used, ""
    if YEAR_RE.match(line):
        _add_date(block, PartialDate(year=int(line)), lineno, line)
        return 1, ""
    if YEAR_RANGE_RE.match(line) and (years := parse_date(line)) is not None:
        _add_date(block, years, lineno, line)  # "2013-2014": the years a compilation covers
        return 1, ""
    if PART_RE.match(line):
        return 1, ""
    if VERSION_RE.search(line) and len(words) <= 6:
        return 1, "version"
    if expect == "version" and len(words) == 1 and line[:1].isupper():
        return 1, ""  # "Versión en" / "Italiano": a link text wrapped over two lines
    if (m := OUTLET_DATE_RE.match(line)) and (stated := parse_date(m["date"])) is not None:
        block.outlets.append((outlet_name(m["outlet"]), lineno))
        _add_date(block, stated, lineno, m["date"])
        return 1, ""
    if WEBSITE_SUFFIX_RE.search(line) and _is_site_name(line):
        _set_site(block, line, lineno)  # "GlobalResearch Website" without "from"
        return 1, ""
    if _read_one_line_block(line, lineno, block):
        return 1, ""
    if is_outlet_line(line) and not block.empty:  # "GlobalResearch.ca" under the name
        block.outlets.append((outlet_name(line.split(",")[0]), lineno))
        return 1, ""
    if _is_byline_line(line):
        _add_byline(block, line, lineno, "repost.byline")
        return 1, ""
    if _looks_like_names(line):
        nxt = _next_nonblank(lines, i + 1)
        if nxt is not None and not block.authors and not block.date and (
                block_date(lines, nxt) is not None):
            _add_byline(block, "By " + line, lineno, "repost.names-before-date")
            return 1, ""
        if nxt is not None and block.date is not None and _intro(lines[nxt]) in SITE_INTROS:
            block.outlets.append((outlet_name(line), lineno))  # outlet between date and "from"
            return 1, ""
    # A short line the grammar has no kind for ("Montreal, Centre St-Pierre", "Invierno Austral
    # 2015") inside a block that goes on after it: part of the block, read as nothing.
    if (not block.empty or expect) and len(words) <= 6 and line[:1].isupper() and (
            not line.endswith((".", "?", "!", ":")) and _block_goes_on(lines, i + 1)):
        block.notes.append((lineno, f"line '{line}' in the byline block read as nothing"))
        return 1, ""
    return None


# "by Jane Roe October 19, 2015 from GlobalResearch Website": a whole block on one line.
ONE_LINE_SITE_RE = re.compile(
    r"(?i)(?:^|\s)(?:from|desde|del sitio web|dal sito web|du site web|published on|posted on"
    r"|publicado en|pubblicato su)\s+(?P<site>\S.*)$")
ONE_LINE_INTRO_RE = re.compile(r"(?i)^(?:by|por|di|par|von|de)(?:\s+(?:el|la|le|the)(?=\s+\S+\.))?"
                               r"\s+")
# "by Jamie Roe The Observer - UK 3-25-2003 from Rense Website": an outlet run on after the
# name begins at "The" and may end with its country.
RUN_ON_OUTLET_RE = re.compile(
    r"\s+(?P<outlet>The\s+[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,3}"
    r"(?:\s+[-\u2013]\s+[A-Z]{2,3})?)$")


def _read_one_line_block(line: str, lineno: int, block: Block) -> bool:
    """Names, a date and the site, run together on one line; any part may be missing, but a
    date and a site are needed ('12 Noviembre 2015 del Sitio Web GlobalResearch'), or an
    author intro with one of them ('by Eva Roe 04 September 2017 from Some Website')."""
    site_match = ONE_LINE_SITE_RE.search(line)
    head = line[:site_match.start()].strip() if site_match else line
    dates = find_credit_dates(head)
    intro = ONE_LINE_INTRO_RE.match(head)
    if not dates or not (site_match or intro):
        return False
    before, after = head[:dates[0].start].strip(" ,"), head[dates[0].end:].strip(" ,")
    names = before[intro.end():] if intro else before
    outlets: list[str] = []
    # "by Steve Roe Global Research, April 18, 2007": the GR print layout run together.
    if alias := outlet_suffix(names):
        names, outlets = names[:-len(alias)].strip(" ,"), [outlet_name(alias)]
    elif (run_on := RUN_ON_OUTLET_RE.search(names)) is not None:
        names, outlets = names[:run_on.start()].strip(" ,"), [run_on["outlet"]]
    if names and not intro:
        return False
    if after and not _is_site_name(after):
        return False
    if names and _looks_like_names(names):
        _add_byline(block, "By " + names, lineno, "repost.one-line-block")
    elif names:  # "by ivadin Jovanovic ...": a damaged name is not read, the rest is
        block.notes.append((lineno, f"'{names}' does not read as a name; no author read"))
    _add_date(block, dates[0].date, lineno, dates[0].text)
    block.outlets.extend((outlet, lineno) for outlet in [*outlets, *([after] if after else [])])
    if site_match:
        _set_site(block, site_match["site"], lineno)
    return True


def _block_goes_on(lines: list[str], i: int) -> bool:
    """Is the next non-blank line from i one only a byline block has (a date, an intro)?"""
    nxt = _next_nonblank(lines, i)
    if nxt is None:
        return False
    low = _intro(lines[nxt])
    text = _norm(lines[nxt])
    return (low in SITE_INTROS or low in AUTHOR_INTROS or block_date(lines, nxt) is not None
            or bool(WEBSITE_SUFFIX_RE.search(text))
            or bool(ONE_LINE_SITE_RE.search(text) and find_dates(text)))


def _is_byline_line(line: str) -> bool:
    return bool(re.match(r"(?i)^(?:by|por|di|par|con|with|von)\s", line)) and is_byline(line)


def _next_nonblank(lines: list[str], i: int) -> int | None:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i if i < len(lines) else None


def _add_byline(block: Block, text: str, lineno: int, rule: str) -> None:
    if suffix := outlet_suffix(text):  # "by Peter Roe Global Research"
        text = text[:-len(suffix)].rstrip(" ,")
        block.outlets.append((outlet_name(suffix), lineno))
    byline = parse_byline(text)
    if byline.authors:
        block.authors.update(dict.fromkeys(byline.authors))
        block.origins.append(FieldOrigin(name="authors", line=lineno, rule=rule))
    if byline.contributors:
        _add_contributors(block, byline.contributors, lineno)


def _add_contributors(block: Block, contributors: tuple[Contributor, ...], lineno: int) -> None:
    if contributors:
        block.contributors.update(dict.fromkeys(contributors))
        block.origins.append(FieldOrigin(name="contributors", line=lineno,
                                         rule="repost.byline"))


def _add_date(block: Block, date: PartialDate, lineno: int, text: str) -> None:
    """The first date of the block is the article's; a later, more precise date inside the
    first ("2010" then "August 23, 2010") refines it; others are kept as other dates."""
    current = block.date
    if current is None or (current.precision == "year" and date.year == current.year
                           and date.precision != "year"):
        if current is not None and block.date_line is not None:
            block.other_dates.append(FoundDate(date=current, line=block.date_line,
                                               text=str(current.year)))
            block.origins = [o for o in block.origins if o.name != "date"]
        block.date, block.date_line = date, lineno
        block.origins.append(FieldOrigin(name="date", line=lineno, rule="repost.date-line"))
    else:
        block.other_dates.append(FoundDate(date=date, line=lineno, text=text))


def _set_site(block: Block, line: str, lineno: int) -> None:
    name = outlet_name(line)
    if name and not block.site:
        block.site = name
        block.origins.append(FieldOrigin(name="original_source", line=lineno,
                                         rule="repost.site-line"))


DATE_BELOW_LINES = 6


def date_below_block(lines: list[str], end: int) -> tuple[PartialDate, int] | None:
    """A block with no date: a line that is only a date among the next few lines (under a
    part label and a subtitle, say) dates the page. (date, 1-based line) or None."""
    seen = 0
    i = end
    while i < len(lines) and seen < DATE_BELOW_LINES:
        if lines[i].strip():
            seen += 1
            if (dated := block_date(lines, i)) is not None:
                return dated[0], i + 1
        i += 1
    return None
