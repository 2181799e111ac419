"""Outlets (news sites, publishers) as scraped text writes them, and one name for each.

Reposts name the same outlet many ways: "GlobalResearch Website", "del Sitio Web /
GlobalResearch", "www.globalresearch.ca", "Centre for Research on Globalisation". A listing per
publisher or source is only useful if those are one term, so names go through `outlet_name`.
Only outlets registered here are renamed, and only the ones the archive's sources name in many
ways (Global Research, the repost site Biblioteca Pleyades); any other name is kept as written
(minus a trailing "Website" / "Sitio Web" / "Sito Web"), never guessed at.

A page's own address names the site it was saved from: `outlet_of_url` gives the registered
name of its host, or the host itself ("example.org") for a site not registered here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True, kw_only=True)
class Outlet:
    name: str
    # Other ways texts write it; compared without case, spaces or punctuation.
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


KNOWN_OUTLETS: tuple[Outlet, ...] = (
    Outlet(name="Global Research",
           aliases=("GlobalResearch", "Global Research.ca", "Centre for Research on Globalization",
                    "Centre for Research on Globalisation", "Center for Research on Globalization",
                    "Center for Research on Globalisation",
                    "Centre de recherche sur la mondialisation"),
           domains=("globalresearch.ca", "globalresearch.org", "mondialisation.ca")),
    Outlet(name="Biblioteca Pleyades", aliases=("Biblioteca Pleyades", "BibliotecaPleyades"),
           domains=("bibliotecapleyades.net",)),
)

# "<Name> Website" / "<Name> Sitio Web" / "<Name> Sito Web" / "<Name> Site Web": the word says
# it is a site, it is not part of the name.
# Also glued to the name or mistyped by the scrape ("GlobalResearchWebsite", "WEebsite").
WEBSITE_SUFFIX_RE = re.compile(r"(?:\s+|(?<=[a-z])|^)(?:W[a-z]?eb\s*site|Sitio\s+Web|Sito\s+Web"
                               r"|Site\s+Web|Webseite)$", re.IGNORECASE)
_NOT_ALNUM_RE = re.compile(r"[\W_]+")
_TLD_RE = re.compile(r"\.(?:com|org|net|info|ca|co\.uk|uk)$", re.IGNORECASE)


def _key(text: str) -> str:
    return _NOT_ALNUM_RE.sub("", text.casefold())


def _build_index() -> tuple[dict[str, str], dict[str, str]]:
    by_alias: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for outlet in KNOWN_OUTLETS:
        for alias in (outlet.name, *outlet.aliases):
            by_alias[_key(alias)] = outlet.name
        for domain in outlet.domains:
            by_domain[domain] = outlet.name
            by_alias[_key(domain)] = outlet.name
            by_alias[_key("www." + domain)] = outlet.name
    return by_alias, by_domain


_BY_ALIAS, _BY_DOMAIN = _build_index()
_ALIAS_LENGTHS = frozenset(len(alias) for alias in _BY_ALIAS)


def strip_website(text: str) -> str:
    """'GlobalResearch Website' -> 'GlobalResearch'; other text unchanged (whitespace folded)."""
    return " ".join(WEBSITE_SUFFIX_RE.sub("", " ".join(text.split())).split()).strip(" \"'“”")


_ASIDE_RE = re.compile(r"\s*\([^()]*\)")
_PLACE_RE = re.compile(r",\s*[^,]+$")


@lru_cache(maxsize=4096)  # the same few ways of writing an outlet come back in every file
def _registered(text: str) -> str | None:
    """The registered name for a way of writing an outlet: as written, without its top-level
    domain, without an aside ("(CRG)") or a trailing place (", Montréal"); a long name also
    with one letter mistyped, dropped, added or two swapped ("GlobalReserach")."""
    name = strip_website(text)
    bare = _ASIDE_RE.sub("", name).strip()
    forms = [_key(f) for f in (name, _TLD_RE.sub("", name), bare, _PLACE_RE.sub("", bare))]
    for form in forms:
        if (found := _BY_ALIAS.get(form)) is not None:
            return found
    for form in forms:
        if len(form) >= MIN_FUZZY_CHARS and (len(form) - 1 in _ALIAS_LENGTHS
                                             or len(form) in _ALIAS_LENGTHS
                                             or len(form) + 1 in _ALIAS_LENGTHS):
            for alias, found in _BY_ALIAS.items():
                if abs(len(alias) - len(form)) <= 1 and _one_edit_apart(alias, form):
                    return found
    return None


MIN_FUZZY_CHARS = 10  # shorter names are too alike for a typo to be told from another name


def _one_edit_apart(a: str, b: str) -> bool:
    """True if b is a with one letter changed, dropped, added, or two neighbours swapped."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(shorter)) if shorter[k] != longer[k]), len(shorter))
    return shorter[i:] == longer[i + 1:]


def outlet_name(text: str) -> str:
    """One name per registered outlet; any other name as written, minus 'Website'."""
    return _registered(text) or strip_website(text)


def is_known_outlet(text: str) -> bool:
    return _registered(text) is not None


def outlet_of_host(host: str) -> str:
    """The registered name of a host ('www.bibliotecapleyades.net' -> 'Biblioteca Pleyades'),
    else the host without 'www.'; '' for no host."""
    host = host.lower().strip(".")
    if host.startswith("www."):
        host = host[4:]
    parts = host.split(".")
    for start in range(len(parts) - 1):
        if (name := _BY_DOMAIN.get(".".join(parts[start:]))) is not None:
            return name
    return host


def outlet_of_url(url: str) -> str:
    """The site an address belongs to (see outlet_of_host); '' when it has no host."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # "http://[" and other malformed addresses
        return ""
    return outlet_of_host(host) if "." in host else ""
