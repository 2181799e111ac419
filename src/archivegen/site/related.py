"""Related articles: the few other articles an article's page suggests.

Candidates are the articles near it (WINDOW places either side, newest first) in each listing
of its weighted terms, so the choice costs a few dozen comparisons per article, never one per
pair of the archive. Each candidate scores the weights of every term the two share (an in-depth
report says most, a region least); ties go to the nearer date, then to the article key. The
full build and a quick rebuild (incremental/related_pages.py) choose with the same function
from the same facts, read from the whole index or from the cache.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from archivegen.partial_date import PartialDate

# How much sharing a term of each taxonomy says two articles are related (publishers and
# original sources say nothing: thousands of articles share one).
WEIGHTS: Mapping[str, int] = {"reports": 4, "authors": 3, "themes": 2, "regions": 1, "tags": 1}
WINDOW = 4  # candidates: this many articles either side in each weighted term's listing
SHOWN = 4  # related articles on a page
_FAR = 10**9  # the date distance to or from an undated article


def term_weight(listing_url: str) -> int:
    """The weight of a term, by its listing's first-page URL ("/reports/x/"); 0 for any other
    listing."""
    return WEIGHTS.get(listing_url.split("/", 2)[1], 0) if listing_url.count("/") == 3 else 0


def day_number(date: PartialDate | None) -> int | None:
    """A date as a day count (a month or year as its first day), for date distances."""
    if date is None:
        return None
    return dt.date(date.year, date.month or 1, date.day or 1).toordinal()


class Facts(Protocol):
    """What the choice reads: listings, and each article's terms and date."""

    def members(self, listing_url: str) -> Sequence[str]:
        """A weighted term's articles, in listing order."""

    def position(self, listing_url: str, key: str) -> int:
        """Where `key` is in that listing."""

    def terms(self, key: str) -> Collection[str]:
        """The URLs of the weighted terms' listings an article is on."""

    def day(self, key: str) -> int | None:
        """The article's day_number."""


def related(key: str, facts: Facts) -> tuple[str, ...]:
    """The keys of the articles shown as related to `key`, best first (never `key`)."""
    mine = frozenset(facts.terms(key))
    weights = {url: term_weight(url) for url in mine}
    candidates: set[str] = set()
    for url in mine:
        members = facts.members(url)
        at = facts.position(url, key)
        candidates.update(members[max(0, at - WINDOW):at + WINDOW + 1])
    candidates.discard(key)
    day = facts.day(key)

    def rank(other: str) -> tuple[int, int, str]:
        score = sum(map(weights.__getitem__, mine.intersection(facts.terms(other))))
        when = facts.day(other)
        distance = abs(when - day) if when is not None and day is not None else _FAR
        return -score, distance, other

    return tuple(sorted(candidates, key=rank)[:SHOWN])


class SiteFacts:
    """Facts from a whole site's listings (the full build): every weighted term listing's
    members, with each article's terms and places in them indexed once.

    Kept small: at 10^5 articles there are over half a million (article, listing) pairs. An
    article's terms are a tuple of listing URLs (the strings the listings already hold) and
    its places an array aligned with it, not a set per article and a dict per listing."""

    def __init__(self, listings: Sequence[tuple[str, Sequence[str]]],
                 days: Mapping[str, int | None]) -> None:
        """`listings`: (first-page URL, member keys in order) of every listing; `days`: each
        article's day_number."""
        self._members: dict[str, Sequence[str]] = {}
        terms: dict[str, list[str]] = {}
        self._places: dict[str, array[int]] = {}
        for url, members in listings:
            if term_weight(url):
                self._members[url] = members
                for at, key in enumerate(members):
                    terms.setdefault(key, []).append(url)
                    places = self._places.get(key)
                    if places is None:
                        places = self._places[key] = array("l")
                    places.append(at)
        self._terms = {key: tuple(urls) for key, urls in terms.items()}
        self._days = days

    def members(self, listing_url: str) -> Sequence[str]:
        return self._members[listing_url]

    def position(self, listing_url: str, key: str) -> int:
        terms = self._terms[key]
        if listing_url not in terms:
            raise KeyError(listing_url)
        # (a listing names an article once: its place comes from where it first is)
        return self._places[key][terms.index(listing_url)]

    def terms(self, key: str) -> Collection[str]:
        return self._terms.get(key, ())

    def day(self, key: str) -> int | None:
        return self._days[key]
