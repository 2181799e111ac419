"""Bylines: the authors and contributors one scraped byline names, in several languages.

A byline is read in four steps, all linear in the length of the text:

1. Clean: Markdown links keep only their text (images are dropped), emphasis markers (``*``,
   and ``_`` at the edges of a word) go, whitespace is collapsed, and one leading
   ``Copyright ©``/year and one leading ``By``/``With``/``Por``/``Par``/``Written by``/
   ``Reporting by`` (any case, optional colon) or lowercase ``de`` are removed (a capitalised
   ``De`` is kept: it often begins a surname).
2. Cut into clauses: a parenthesis is a clause of its own (an aside), and the main text is cut
   into sentences at a ``.`` that ends a word which is not an abbreviation or an initial
   (``Dr.``, ``Jr.``, ``J.``, ``Ph.D.``, ``Inc.`` ... do not end a sentence; a lone letter
   does when a contributor marker follows it: ``By A and B. Translated by C``).
3. Contributor markers (``introduction by``, ``translated by``, ``traducción de``,
   ``traduit par``, ``edited by``, ``photos by``, ``additional reporting by`` ..., optionally
   preceded by ``with an``) switch the names that follow to that role until the next marker
   or the end of the sentence or aside. Only the first sentence names authors: an aside or a
   later sentence is read only for contributor markers, the rest of it is ignored.
4. Names are split on ``,``, ``;``, `` and `` (also ``And``/``AND``), `` & ``, and lowercase
   `` y ``/`` et `` (a capital ``Y`` may be an initial); an Oxford comma gives no empty name.
   A leading ``and``/``with``/``by`` is dropped from a name, pieces with no letter are
   dropped, and duplicates keep their first place.

A title in front of a name (``Prof.``, ``Professor``, ``Dr.``, ``Mr.``, ``Mrs.``, ``Ms.``) is
dropped: bylines write the same person with and without it (``by Prof. Michel Chossudovsky``,
``by Michel Chossudovsky``), and one person must be one author. Names are otherwise kept
exactly as given: diacritics and case stay. A tail is part of a name only if no comma
separates it (``Jane Roe PhD``); after a comma it is a name of its own (``Jane Roe, Reuters``
gives two names), except a bare degree or generation suffix (``PhD``, ``Jr.``, ``MD``,
``III`` ...), which is dropped rather than made into an author. Organisations are names like
any other (``Global Research News``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archivegen.model import Contributor


@dataclass(frozen=True, slots=True, kw_only=True)
class Byline:
    """The people one byline credits: writers, then others with their role, in text order."""

    authors: tuple[str, ...]
    contributors: tuple[Contributor, ...]


# is_byline: the most words after the leading "By" that still read as a list of names.
MAX_BYLINE_WORDS = 16

# Bounded repetition keeps a line full of unmatched brackets linear.
_LINK_RE = re.compile(r"(!?)\[([^\[\]\n]{0,300})\]\(([^()\n]{0,1000})\)")
_COPYRIGHT_RE = re.compile(
    r"^(?:copyright(?!\w)\s*(?:©|\(c\))?|©)\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?[\s,]*",
    re.IGNORECASE)
_BYLINE_START_RE = re.compile(r"^(?:(?i:by|with|por|par|de)|di|von)(?:\s*:\s*|\s+)")
# Removed from the start of a byline; "de" and "di" only in lowercase, as "De" and "Di" may
# begin a surname.
_PREFIX_RE = re.compile(
    r"^(?:(?i:(?:written|reporting)\s+by|by|with|por|par)|de|di|von)(?:\s*:\s*|\s+)")
_PAREN_RE = re.compile(r"[()]")
_WORD_RE = re.compile(r"\S+")
_ROLE_PATTERNS = (
    ("introduction", r"introduc(?:tion|ción|cion)", r"by|de|por|par"),
    ("translator", r"translated(?:\s+from\s+(?:the\s+)?\w+)?|translation|traducci[oó]n"
                   r"|traducid[oa]|traduit(?:es?|s)?|traduction|traduzione|tradotto",
     r"by|de|di|da|por|par"),
    ("editor", r"edited|editing|editad[oa]|édité(?:e|s|es)?", r"by|de|por|par"),
    ("photographer", r"photos?|photographs?|photography|fotos?|fotografías?", r"by|de|por|par"),
    ("contributor", r"additional\s+reporting|contributions?", r"by|from"),
)
_MARKER_RE = re.compile(
    r"(?<!\w)(?:with\s+(?:an?\s+|the\s+)?)?(?:"
    + "|".join(rf"(?P<{role}>(?:{words})\s+(?:{after}))" for role, words, after in _ROLE_PATTERNS)
    + r")(?!\w)",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"\s*[,;]\s*|\s+(?:&|and|And|AND|y|et)\s+")
_LEADING_CONNECTOR_RE = re.compile(r"^(?:(?:[Aa]nd|AND|[Ww]ith|[Bb]y|&|y|et)\s+)+")
_EDGE_CHARS = " \"\u201c\u201d«»|•·:\u2013\u2014"
# Pieces that are never a name on their own: any case, and exactly as written.
_NOT_NAMES_ANY_CASE = frozenset({"and", "with", "by", "por", "par"})
_NOT_NAMES = frozenset({"&", "de", "y", "et"})
# Degree and generation suffixes dropped when a comma cut them off a name.
_TAILS = frozenset({"jr", "sr", "phd", "ph.d", "md", "m.d", "esq", "mba", "msc", "ii", "iii",
                    "iv"})
# Words whose final "." does not end a sentence (compared lowercased, without the dot).
_ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "jr", "sr", "sra", "dra", "rev", "fr", "gen",
    "col", "capt", "lt", "sgt", "hon", "mt", "inc", "ltd", "co", "corp", "no", "vs", "mme",
    "mlle", "esq",
})
# Lowercase words allowed inside a name by is_byline: particles and organisation glue.
_PARTICLES = frozenset({
    "de", "da", "das", "do", "dos", "du", "des", "del", "della", "der", "den", "di", "la", "le",
    "van", "von", "ter", "ten", "bin", "ibn", "al", "el", "y", "e", "zu", "af", "av",
    "of", "for", "on", "the", "in", "at",
})
# A title before a name, dropped when a name follows it.
_TITLE_RE = re.compile(r"^(?:(?:Prof|Dr|Mr|Mrs|Ms)\.?|Professor|Doctor)\s+(?=\S+)")
_PARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|d|l)['\u2019-]")


def parse_byline(text: str) -> Byline:
    """Authors and contributors named by one byline (one or a few lines joined by spaces)."""
    authors: list[str] = []
    contributors: list[Contributor] = []
    state = "authors"  # "authors", a contributor role, or "" for text that names no one
    for clause, aside, ends_sentence in _clauses(_protect_acronyms(_clean(text))):
        if aside:
            _read_clause(clause, "", authors, contributors)
        else:
            state = _read_clause(clause, state, authors, contributors)
            if ends_sentence:
                state = ""
    if not _LINK_RE.search(text):  # a link's text is a whole name, as written
        authors = _shared_surname(authors)
    return Byline(authors=tuple(dict.fromkeys(_restore(a) for a in authors)),
                  contributors=tuple(dict.fromkeys(
                      Contributor(role=c.role, name=_restore(c.name)) for c in contributors)))


_AGENCY_WORDS = frozenset({"reuters", "bloomberg", "xinhua", "tass", "sputnik", "staff"})


def _shared_surname(authors: list[str]) -> list[str]:
    """'Bill and Kathy Christison': a couple sharing the surname the last name ends with. Only
    for two names, the first a single word that reads as a given name (capital, then lower
    case letters), the second a given name and a surname."""
    if len(authors) != 2:
        return authors
    first, second = authors[0], authors[1].split()
    if (len(second) == 2 and " " not in first and 2 <= len(first) <= 12 and first.isalpha()
            and first.lower() not in _AGENCY_WORDS
            and first[0].isupper() and first[1:].islower() and second[1][:1].isupper()):
        return [f"{first} {second[1]}", authors[1]]
    return authors


# "Kuala Lumpur War Crimes Commission (KLWCC)": a parenthesis that abbreviates the words before
# it is part of the name, not an aside. Private-use characters stand in for its brackets while
# the text is cut into clauses.
_ACRONYM_RE = re.compile(r"(?<=\S)\s\((?P<acronym>[A-Z][A-Za-z]{1,11})\)(?=[\s,;]|$)")
_OPEN, _CLOSE = "\ue000", "\ue001"


def _protect_acronyms(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        acronym = match["acronym"]
        capitals = [w[0] for w in text[:match.start()].split() if w[:1].isupper()]
        if "".join(capitals[-len(acronym):]).upper() == acronym.upper():
            return f" {_OPEN}{acronym}{_CLOSE}"
        return match[0]
    return _ACRONYM_RE.sub(keep, text) if "(" in text else text


def _restore(name: str) -> str:
    return name.replace(_OPEN, "(").replace(_CLOSE, ")")


def is_byline(line: str) -> bool:
    """True if the line reads as a byline: starts with by/with/por/par/de (case-insensitive,
    followed by a name), or 'By [Name](...)'.

    The heuristic, so that a body sentence such as "By the end of the year, prices rose." is
    not taken for a byline: after the leading word (and an optional colon) the text must start
    with a Markdown link or an uppercase letter, hold at most MAX_BYLINE_WORDS words, and name
    at least one author. Unless it starts with a link, every word of every author must also
    look like part of a name: start with an uppercase letter or a non-letter, or be a
    lowercase particle ("de", "van", "bin", "al-Assad", "of", "the" ...). A line that starts
    with a contributor marker ("Introduction by X") is not a byline by this test.
    """
    text = _strip_emphasis(line)
    match = _BYLINE_START_RE.match(text)
    if match is None:
        return False
    rest = text[match.end():]
    if not rest:
        return False
    linked = _LINK_RE.match(rest) is not None
    if not linked and not rest[0].isupper():
        return False
    if len(_unlink(rest).split()) > MAX_BYLINE_WORDS:
        return False
    authors = parse_byline(text).authors
    if not authors:
        return False
    return linked or all(_looks_like_name(author) for author in authors)


def _clean(text: str) -> str:
    text = " ".join(_strip_emphasis(_unlink(text)).split())
    text = _COPYRIGHT_RE.sub("", text, count=1)
    if not _MARKER_RE.match(text):  # "With an introduction by X": "With" is the marker's own
        text = _PREFIX_RE.sub("", text, count=1)
    return text


def _unlink(text: str) -> str:
    return _LINK_RE.sub(lambda m: "" if m[1] else f" {m[2]} ", text)


def _strip_emphasis(text: str) -> str:
    """Drop every "*" and the "_" at the edges of words; keep "_" inside a word."""
    words = text.replace("*", "").split()
    return " ".join(w for w in (w.strip("_") for w in words) if w)


def _clauses(text: str) -> Iterator[tuple[str, bool, bool]]:
    """(clause, is_aside, ends_sentence) in reading order."""
    for segment, aside in _paren_segments(text):
        if aside:
            yield segment, True, True
            continue
        words: list[str] = []
        for match in _WORD_RE.finditer(segment):
            word = match[0]
            core = word.rstrip(".")
            if core != word and _ends_sentence(core, segment, match.end()):
                if core:
                    words.append(core)
                yield " ".join(words), False, True
                words = []
            else:
                words.append(word)
        if words:
            yield " ".join(words), False, False


def _ends_sentence(core: str, segment: str, end: int) -> bool:
    """Whether a word that was `core` before its final dots ends a sentence.

    Abbreviations and dotted words (Dr., Jr., Inc., Ph.D.) never do. A lone letter is an
    initial ("J. Smith", "John F.") unless a contributor marker follows it
    ("By A and B. Translated by C").
    """
    if "." in core or core.lower() in _ABBREVIATIONS:
        return False
    if len(core) == 1 and core.isalpha():
        return _MARKER_RE.match(segment, end + 1) is not None
    return True


def _paren_segments(text: str) -> Iterator[tuple[str, bool]]:
    """Text outside and inside (outermost) parentheses, in order; a stray ")" only cuts the
    text and an unclosed "(" runs to the end."""
    depth = 0
    start = 0
    for match in _PAREN_RE.finditer(text):
        i = match.start()
        if match[0] == "(":
            if depth == 0:
                yield text[start:i], False
                start = i + 1
            depth += 1
        elif depth == 0:
            yield text[start:i], False
            start = i + 1
        else:
            depth -= 1
            if depth == 0:
                yield _PAREN_RE.sub(" ", text[start:i]), True
                start = i + 1
    yield _PAREN_RE.sub(" ", text[start:]), depth > 0


def _read_clause(clause: str, state: str, authors: list[str],
                 contributors: list[Contributor]) -> str:
    """Add the clause's names to authors or contributors; return the state after it."""
    position = 0
    for marker in _MARKER_RE.finditer(clause):
        _add_names(clause[position:marker.start()], state, authors, contributors)
        state = marker.lastgroup or ""
        position = marker.end()
    _add_names(clause[position:], state, authors, contributors)
    return state


def _add_names(text: str, state: str, authors: list[str],
               contributors: list[Contributor]) -> None:
    if state == "authors":
        authors.extend(_split_names(text))
    elif state:
        contributors.extend(Contributor(role=state, name=name) for name in _split_names(text))


def _split_names(text: str) -> Iterator[str]:
    for piece in _SPLIT_RE.split(text):
        name = " ".join(_LEADING_CONNECTOR_RE.sub("", piece.strip(_EDGE_CHARS)).split())
        if not any(char.isalpha() for char in name):
            continue
        lowered = name.lower()
        if lowered in _NOT_NAMES_ANY_CASE or name in _NOT_NAMES or lowered.rstrip(".") in _TAILS:
            continue
        yield _TITLE_RE.sub("", name)


def _looks_like_name(name: str) -> bool:
    return all(not (word[0].isalpha() and word[0].islower())
               or word in _PARTICLES or _PARTICLE_PREFIX_RE.match(word) is not None
               for word in name.split())
