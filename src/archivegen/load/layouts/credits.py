"""Lines that credit an article: bylines with a date or an outlet, datelines, attributions.

Scraped pages write credits in many shapes; each function here reads one shape of one line and
returns what the line states, or None. None of them guesses: a part that is neither a name, a
date nor an outlet makes the whole line "not a credit".

    By Pam Martens and Russ Martens: April 4, 2016       read_byline
    by Andrew Gavin Marshall, 5 October 2010
    By Karista Baldwin, Conservative Tribune November 15, 2018:
    By Ellen Brown, "Global Research"
    Posted on July 29, 2016 by Baxter Dmitry in News, US // 0 Comments
    Chris Hedges, Truthdig                               read_credit_line (name, outlet)
    Global Research, October 5, 2010                     read_dateline (outlet, date)
    webofdebt.com (April 20 2009)
    www.globalresearch.ca 5 April 2004
    Originally posted on Global Research (April 18 2009) read_attribution
    Reprinted with permission from Consortiumnews.com.
    Note: Article originally published in 2014.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivegen.load.dateparse import DateMatch, find_dates, parse_date
from archivegen.load.names import is_byline, parse_byline
from archivegen.load.outlets import is_known_outlet, outlet_name
from archivegen.model import Contributor
from archivegen.partial_date import PartialDate

# Words that make a name an outlet's rather than a person's ("Conservative Tribune").
OUTLET_WORDS = frozenset({
    "news", "times", "post", "tribune", "press", "journal", "herald", "report", "wire", "daily",
    "magazine", "review", "voice", "guardian", "telegraph", "gazette", "observer", "globe",
    "chronicle", "research", "media", "network", "radio", "tv", "television", "agency",
    "monitor", "insider", "examiner", "dispatch", "digest", "bulletin", "weekly", "reporter",
    "standard", "independent", "mail", "express", "mirror", "blog", "weblog", "website",
    "newsletter", "online", "today", "world", "dig", "beast", "intercept", "hill", "atlantic",
})
DOMAIN_RE = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,13}/?$",
                       re.IGNORECASE)
_BY_RE = re.compile(r"(?i)^(?:written\s+by|posted\s+by|by|por|par|von|door)\s*:?\s+(?=\S)")
_POSTED_RE = re.compile(r"(?i)^(?:posted|published)\s+(?:on\s+)?(?P<date>.+?)\s+by\s+"
                        r"(?P<names>.+?)(?:\s+in\s+.*|\s+//.*)?$")
# Lower-case words an outlet's name may hold ("Correo del Orinoco International").
NAME_GLUE = frozenset({"the", "of", "and", "&", "for", "on", "in", "de", "del", "la", "le",
                       "du", "des", "di", "da", "el", "y"})
# A job title after a comma is not an author: "By Jane Roe, Staff Writer".
ROLE_WORDS = frozenset({
    "writer", "correspondent", "editor", "reporter", "contributor", "columnist", "staff",
    "intern", "fellow", "professor", "analyst", "producer", "director", "founder", "author",
    "journalist", "blogger", "chief", "senior", "special", "guest",
})
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
_TRAILING = " ,:;.|-\u2013\u2014"
_TRAILING_WORD_RE = re.compile(r"(?i)\s+(?:on|at|published|posted|updated|\|)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    """What one credit line states."""

    authors: tuple[str, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    date: PartialDate | None = None
    outlet: str = ""


def is_outlet_like(text: str, *, after_person: bool = False) -> bool:
    """Does `text` name an outlet? Quoted, registered, a domain, or holding an outlet word; a
    single capitalised word counts too when it follows a person's name ("Chris Hedges,
    Truthdig")."""
    value = text.strip()
    if not value or len(value.split()) > 6:
        return False
    if value[0] in _QUOTES and value[-1] in _QUOTES:
        return True
    if is_known_outlet(value) or DOMAIN_RE.match(value):
        return True
    words = value.split()
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in NAME_GLUE for w in words):
        return False
    if any(w.lower().strip(".") in OUTLET_WORDS for w in words):
        return True
    if after_person and words[0] == "The" and 2 <= len(words) <= 4:
        return True  # "Ruth Roe, The Progressive": a person is not "The ..."
    return after_person and len(words) == 1 and value[:1].isupper() and value.isalpha()


def _clean_outlet(text: str) -> str:
    return outlet_name(text.strip().strip(_QUOTES).strip().rstrip("."))


def _split_trailing_date(text: str) -> tuple[str, PartialDate | None]:
    """'X, 5 October 2010' -> ('X', date); the date must end the text."""
    value = text.rstrip(_TRAILING)
    found = find_credit_dates(value)
    if found and found[-1].end == len(value):
        rest = value[:found[-1].start].rstrip(_TRAILING)
        return _TRAILING_WORD_RE.sub("", rest).rstrip(_TRAILING), found[-1].date
    return text, None


def _names(text: str) -> tuple[str, ...] | None:
    """The people a byline's name part names, or None if it does not read as names."""
    text = text.strip().rstrip(_TRAILING)
    if not text or not is_byline("By " + text):
        return None
    return parse_byline("By " + text).authors or None


_POSTED_BY_RE = re.compile(r"(?i)^posted\s+by\s+(?P<names>.+?)\s+(?:on|at)\s+(?P<date>.+?)"
                           r"(?:\s+at\s+\d.*|\s*\|.*)?$")
_DATED_BY_RE = re.compile(r"^(?P<date>.{6,40}?)\s+by\s+(?P<rest>\S.*)$")
_OUTLET_BY_RE = re.compile(
    r"^(?P<outlet>[^,:|]{2,60}?)\s+[-\u2013\u2014|]\s+by\s+(?P<rest>\S.*)$", re.IGNORECASE)
_DASHED_OUTLET_RE = re.compile(
    r"^(?P<rest>.+?)\s+[\u2013\u2014|/-]\s+(?P<outlet>[^\u2013\u2014|/]+)$")


def read_byline(line: str) -> Credit | None:
    """A byline, with an optional date before or after it and an outlet after a comma or a
    dash, or before it ('Global Research - by Jane Roe:')."""
    line = " ".join(line.split()).rstrip(":")
    if (m := _POSTED_RE.match(line)) and (date := parse_date(m["date"].rstrip(","))):
        names = _names(m["names"])
        return Credit(authors=names, date=date) if names else None
    if (m := _POSTED_BY_RE.match(line)) and (date := read_date_line(m["date"])):
        names = _names(m["names"])
        return Credit(authors=names, date=date) if names else None
    if (m := _DATED_BY_RE.match(line)) and (date := read_date_line(m["date"])):
        credit = _credit_of("By " + m["rest"])  # "March 29th, 2023 by The Global Network"
        return Credit(authors=credit.authors, contributors=credit.contributors, date=date,
                      outlet=credit.outlet) if credit else None
    if (m := _OUTLET_BY_RE.match(line)) and is_outlet_like(m["outlet"]):
        credit = _credit_of("By " + m["rest"])
        return Credit(authors=credit.authors, contributors=credit.contributors,
                      date=credit.date, outlet=_clean_outlet(m["outlet"])) if credit else None
    return _credit_of(line)


def _credit_of(line: str) -> Credit | None:
    """'By <names>[, outlet][, job title][ - outlet][, date]'."""
    if not (m := _BY_RE.match(line)):
        return None
    rest, date = _split_trailing_date(line[m.end():])
    outlet = ""
    if (dashed := _DASHED_OUTLET_RE.match(rest)) and (
            is_outlet_like(dashed["outlet"]) or _is_proper_name(dashed["outlet"])) and (
            _names(dashed["rest"])):
        rest, outlet = dashed["rest"], _clean_outlet(dashed["outlet"])  # "by X - site.com"
    parts = [p.strip() for p in rest.split(",")]
    if len(parts) >= 2 and _is_job_title(parts[-1]):
        parts = parts[:-1]  # "By Jane Roe, Staff Writer"
    if not outlet and len(parts) >= 2 and is_outlet_like(
            parts[-1], after_person=len(parts[0].split()) >= 2):
        outlet = _clean_outlet(parts[-1])
        parts = parts[:-1]
    rest = ", ".join(parts)
    if not outlet and (suffix := outlet_suffix(rest)):
        rest, outlet = rest[:-len(suffix)].rstrip(" ,"), outlet_name(suffix)
    if not rest.strip():
        return None
    byline = parse_byline("By " + rest)
    if not byline.authors or not is_byline("By " + rest):
        return None
    return Credit(authors=byline.authors, contributors=byline.contributors, date=date,
                  outlet=outlet)


def outlet_suffix(names: str) -> str:
    """The registered outlet a run of names ends with ('Peter Roe Global Research' ->
    'Global Research'), or ''."""
    words = names.split()
    for n in range(min(5, len(words) - 1), 0, -1):
        if is_known_outlet(tail := " ".join(words[-n:])):
            return tail
    return ""


def _is_job_title(text: str) -> bool:
    words = text.lower().replace("-", " ").split()
    return 0 < len(words) <= 4 and any(w.strip(".") in ROLE_WORDS for w in words)


_SEGMENT_RE = re.compile(r"\s+[|/]\s+")


def read_pipe_byline(line: str) -> Credit | None:
    """A news site's meta line of segments between bars or slashes: 'Jane Roe | 06.10.2010
    20:42 | Topic | Topic' (a name, then the date and time, then topics), or 'site.com / By:
    Jane Roe, Outlet / 26 December 2017' (a byline segment and a date segment). A dotted
    numeric date is day first, as wherever it is used."""
    segments = _SEGMENT_RE.split(" ".join(line.split()))
    if len(segments) < 2:
        return None
    dates = [d for d in (_segment_date(s) for s in segments) if d is not None]
    bylines = [c for c in (read_byline(s) for s in segments) if c is not None]
    if bylines and (dates or len(segments) >= 3):
        byline = bylines[0]
        return Credit(authors=byline.authors, contributors=byline.contributors,
                      date=byline.date or (dates[0] if dates else None), outlet=byline.outlet)
    if len(segments) >= 3 and (names := _names(segments[0])) and (
            date := _segment_date(segments[1])) is not None:
        return Credit(authors=names, date=date)
    return None


def _segment_date(segment: str) -> PartialDate | None:
    if (date := read_date_line(segment)) is not None:
        return date
    m = _DOTTED_DATE_RE.match(segment)
    return _day_first(m) if m is not None else None


def is_outlet_line(line: str) -> bool:
    """'Project Censored, www.projectcensored.org': an outlet's name and address, nothing else."""
    parts = [p.strip() for p in " ".join(line.split()).split(",")]
    # The cheap tests first: most lines have many words or one in lower case.
    return (1 <= len(parts) <= 3 and all(0 < len(p.split()) <= 6 for p in parts)
            and all(_is_proper_name(p) or is_outlet_like(p) for p in parts)
            and any(DOMAIN_RE.match(p) or is_known_outlet(p) for p in parts))


def read_credit_line(line: str) -> Credit | None:
    """'Chris Hedges, Truthdig': a person's name (two words or more) and an outlet."""
    parts = [p.strip() for p in " ".join(line.split()).split(",")]
    if len(parts) != 2 or len(parts[0].split()) < 2:
        return None
    if not is_outlet_like(parts[1], after_person=True):
        return None
    names = _names(parts[0])
    if not names or len(names) != 1:
        return None
    return Credit(authors=names, outlet=_clean_outlet(parts[1]))


_DATELINE_RE = re.compile(r"^(?P<outlet>[^,\[\]()]{2,80}?),?\s+\(?(?P<date>[^()]{4,40}?)\)?$")


def read_dateline(line: str) -> tuple[str, PartialDate] | None:
    """'Global Research, October 5, 2010', 'webofdebt.com (April 20 2009)',
    'www.globalresearch.ca 5 April 2004': an outlet and the date it published the text."""
    line = " ".join(line.split()).rstrip(".")
    found = find_dates(line)
    if len(found) != 1 or found[0].end < len(line.rstrip(")")):
        return None
    before = line[:found[0].start]
    outlet = before.rstrip(" ,(")
    # "Outlet, date", "Outlet (date)" or "domain date": not "the BBC on July 23, 2014".
    separated = before.rstrip().endswith((",", "(")) or bool(DOMAIN_RE.match(outlet))
    if not outlet or not separated or outlet.lower() in WEEKDAYS or (
            not is_outlet_like(outlet) and not _is_proper_name(outlet)):
        return None
    return _clean_outlet(outlet), found[0].date


WEEKDAYS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "lunes", "martes", "miércoles",
    "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
})
_TIME_RE = re.compile(r"(?i)\b\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}T?)?")


_POSTED_WORD_RE = re.compile(r"(?i)^(?:date|posted|published|updated|gepostet|ver\u00f6ffentlicht"
                             r"|publicado|publi\u00e9|pubblicato)\s*:?\s+(?:on\s+|am\s+|el\s+|le\s+)?")
# "12.9.2001": dotted numeric dates are written day first wherever they are used.
_DOTTED_DATE_RE = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})")


def _day_first(m: re.Match[str]) -> PartialDate | None:
    try:
        return PartialDate(year=int(m["year"]), month=int(m["month"]), day=int(m["day"]))
    except ValueError:
        return None


# "3-25-2003", "25/03/2003": numbers in either order are a date only where one of them cannot
# be a month, so the order is not a guess.
_NUMERIC_DATE_RE = re.compile(r"(?<![\w/.-])(?P<a>\d{1,2})[-/](?P<b>\d{1,2})[-/](?P<year>\d{4})"
                              r"(?![\w/-])")


def numeric_dates(text: str) -> list[DateMatch]:
    """Numeric dates whose day and month cannot be swapped (one number is over 12)."""
    found = []
    for m in _NUMERIC_DATE_RE.finditer(text):
        a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
        if (a > 12) == (b > 12):
            continue  # both could be months (or neither can): the text does not say which
        month, day = (b, a) if a > 12 else (a, b)
        try:
            date = PartialDate(year=year, month=month, day=day)
        except ValueError:
            continue
        if 1800 <= year <= 2100:
            found.append(DateMatch(date=date, start=m.start(), end=m.end(), text=m[0]))
    return found


def find_credit_dates(text: str) -> list[DateMatch]:
    """Dates a credit line states: every form find_dates knows, and unambiguous numeric ones."""
    return sorted([*find_dates(text), *numeric_dates(text)], key=lambda d: d.start)


def read_date_line(line: str) -> PartialDate | None:
    """A line that is only a date, perhaps with its weekday and a time ('Thursday, April 23,
    2009', 'Mar 19, 2011, 9:38:52 AM', 'Date: Thu Apr 23 2009 - 09:16:54 EDT')."""
    value = " ".join(line.split())
    value = _POSTED_WORD_RE.sub("", value)
    if (m := _DOTTED_DATE_RE.fullmatch(value.rstrip("."))) is not None:
        return _day_first(m)
    if (numeric := numeric_dates(value)) and numeric[0].text == value.strip(" ,."):
        return numeric[0].date
    value = _TIME_RE.sub(" ", value)
    words = [w.strip(",.") for w in value.split()]
    while words and (words[0].lower() in WEEKDAYS or words[0] in ("", "-", "at")):
        words.pop(0)
    while words and (words[-1] in ("", "-", "at", "|") or words[-1].lower() in WEEKDAYS):
        words.pop()
    rest = " ".join(words)
    if (date := parse_date(rest)) is not None:
        return date
    found = find_dates(rest)
    # "Mar 19, 2011 AM3/19/11": the date first, then only digits and punctuation left over
    if found and found[0].start == 0 and not re.search(r"[^\W\d_]{3,}", rest[found[0].end:]):
        return found[0].date
    return None


def _is_proper_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() for w in words if len(w) > 3)


_ATTRIBUTION_RE = re.compile(
    r"(?i)^(?:(?:editor'?s?\s+)?note\s*:\s*)?(?:this\s+)?"
    r"(?:(?:article|story|post|piece|report|essay)\s+)?(?:was\s+)?"
    r"(?P<verb>originally\s+(?:posted|published|appeared)|first\s+(?:posted|published"
    r"|appeared)|reprinted|republished|reposted|re-published|cross-posted|posted)"
    r"(?:\s+with\s+permission)?\s+(?P<prep>on|at|in|by|from|with)\s+(?P<what>.+?)\.?$")


# WordPress syndication: "The post <title> appeared first on <Site>."
_APPEARED_FIRST_RE = re.compile(r"(?i)^the post .{1,200}? appeared first on (?P<what>\S.*?)\.?$")
_BY_AT_RE = re.compile(r"^(?P<names>.+?)\s+(?:at|on|in)\s+(?P<outlet>\S.*)$")


def read_attribution(line: str) -> Credit | None:
    """'Originally posted on X (date)', 'Reprinted with permission from X', 'Note: Article
    originally published in 2014', 'This report was originally published by Jane Roe at X':
    the outlet, date and writer a text says it first appeared with."""
    line = " ".join(line.split())
    if (first := _APPEARED_FIRST_RE.match(line)) is not None and _is_proper_name(first["what"]):
        return Credit(outlet=_clean_outlet(first["what"]))
    if len(line.split()) > 16 or not (m := _ATTRIBUTION_RE.match(line)):
        return None
    if m["verb"].lower() == "posted" and "permission" not in line.lower():
        return None  # "posted with permission from X" credits X; "posted on ..." is a date
    if m["prep"].lower() == "by" and (by_at := _BY_AT_RE.match(m["what"].strip())) and (
            names := _names(by_at["names"])) and _is_proper_name(by_at["outlet"].rstrip(".")):
        return Credit(authors=names, outlet=_clean_outlet(by_at["outlet"].rstrip(".")))
    what = m["what"].strip()
    if (date := parse_date(what)) is not None:
        return Credit(date=date)
    what, date = _split_trailing_date(what)
    what = what.strip().strip("()").strip()
    if (dated := read_dateline(m["what"].strip())) is not None:
        return Credit(outlet=dated[0], date=dated[1])
    # "Originally posted by <someone>" quotes a forum user; only an outlet counts after "by".
    if is_outlet_like(what) or (m["prep"].lower() != "by" and _is_proper_name(what)):
        return Credit(outlet=_clean_outlet(what), date=date)
    return Credit(date=date) if date else None
