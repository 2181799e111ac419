"""Related articles (site/related.py) for a quick rebuild: the same choice, made from the
cache's listings and heads, before and after the edits.

An article's related articles come from the articles near it in its weighted terms'
listings, scored by the terms they share and their dates. An edit to an article's title,
date, URL or terms can change the choice only for the articles near it in those listings,
before or after the edit, and for those between its old and new places there: at most
WINDOW + 1 places either side of it in each. Those pages are made again when what they show
changes (quick.py compares their fingerprints).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from archivegen.incremental.cache import BuildCache
from archivegen.incremental.heads import Heads
from archivegen.model import ArticleSummary
from archivegen.site.indexer import ListingState, listings_of
from archivegen.site.related import WINDOW, day_number, related, term_weight
from archivegen.urls import listing_url

# More pages than this whose related articles may change: the full build (an edit that moves
# an article far along a long listing shifts every article in between).
MAX_AFFECTED = 400


class SharedFacts:
    """What the facts before and after the edits may share: the terms of the articles not
    edited (theirs are the same), and where each article is in a listing the cache holds
    (the cache gives both the same members)."""

    def __init__(self) -> None:
        self.unedited_terms: dict[str, frozenset[str]] = {}
        self.positions: dict[str, tuple[Sequence[str], dict[str, int]]] = {}


class CachedFacts:
    """site/related.Facts from the cache: its listings (or those given, as an edit leaves
    them) and the articles' heads in `heads`. KeyError when the cache lacks one."""

    def __init__(self, cache: BuildCache, heads: Heads, states: Sequence[ListingState] = (),
                 shared: SharedFacts | None = None, edited: Collection[str] = ()) -> None:
        self._cache, self._heads = cache, heads
        self._members: dict[str, Sequence[str]] = {listing_url(s.spec): s.members
                                                   for s in states}
        self._shared = shared if shared is not None else SharedFacts()
        self._edited = frozenset(edited)
        self._terms: dict[str, frozenset[str]] = {}

    @property
    def heads(self) -> Heads:
        return self._heads

    def members(self, listing_url: str) -> Sequence[str]:
        if listing_url not in self._members:
            state = self._cache.listing_states([listing_url]).get(listing_url)
            if state is None:
                raise KeyError(listing_url)
            self._members[listing_url] = state.members
        return self._members[listing_url]

    def position(self, listing_url: str, key: str) -> int:
        # Indexed once per listing: an edit asks for a few hundred places in listings of
        # thousands of articles (the first place, as list.index gives, were one listed twice).
        members = self.members(listing_url)
        known = self._shared.positions.get(listing_url)
        if known is None or known[0] is not members:
            known = (members, {members[at]: at for at in range(len(members) - 1, -1, -1)})
            self._shared.positions[listing_url] = known
        return known[1][key]

    def terms(self, key: str) -> Collection[str]:
        memo = self._terms if key in self._edited else self._shared.unedited_terms
        if key not in memo:
            memo[key] = frozenset(url for url in listings_of(self._heads[key].head)
                                  if term_weight(url))
        return memo[key]

    def prefetch(self, keys: Collection[str]) -> None:
        """Read the heads the choices for `keys` need in two queries, not one per article."""
        self._heads.load(keys)
        wanted: set[str] = set()
        for key in keys:
            for url in self.terms(key):
                at = self.position(url, key)
                wanted.update(self.members(url)[max(0, at - WINDOW):at + WINDOW + 1])
        self._heads.load(wanted)

    def day(self, key: str) -> int | None:
        return day_number(self._heads[key].head.date)

    def related(self, key: str) -> tuple[ArticleSummary, ...]:
        """What the page of `key` shows as its related articles."""
        return tuple(self._heads.summaries(list(related(key, self))))


def affected(keys: Collection[str], facts: Mapping[str, CachedFacts]) -> set[str] | None:
    """The articles whose related articles the edits of `keys` may change (`facts`: before
    and after the edits), `keys` left out; None when there are more than MAX_AFFECTED."""
    found: set[str] = set()
    for key in keys:
        for url in set().union(*(f.terms(key) for f in facts.values())):
            lists, places = [], []
            for f in facts.values():
                members = f.members(url) if url in f.terms(key) else ()
                if members:
                    lists.append(members)
                    places.append(f.position(url, key))
            if not places:
                continue
            low, high = max(0, min(places) - WINDOW - 1), max(places) + WINDOW + 2
            for members in lists:
                found.update(members[low:high])
            if len(found) > MAX_AFFECTED:
                return None
    return found - set(keys)
