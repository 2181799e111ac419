"""The listing pages a quick rebuild renders when edited articles show differently elsewhere.

An edit to a title, URL, excerpt, date or terms changes what listings show (home, terms,
years, months), what feeds carry, and perhaps where an article sits in a listing or which
listings it is on. The full build plans every listing again. Here, from the listings the
last full build stored in the cache (indexer.ListingState: each listing's article keys in
order), only the listings the edited articles leave, join or stay on are updated:

- each edited article is taken out of its old listings and put into its new ones at the
  place newest_first gives it (a binary search over the cached heads);
- a page of such a listing is rendered again when its fingerprint (site/plan.py, as the
  full build computes it) is not the one its file was written with;
- so are its feed, its taxonomy's index page and the date archive, if what they show changed.

When a listing would appear, be emptied, gain or lose a page, or show its term under another
name, the pages that change are not only these, and the full build runs (`relist` says why).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from archivegen.config import SiteConfig
from archivegen.incremental.cache import BuildCache
from archivegen.incremental.heads import Heads
from archivegen.load.loaded import CachedHead
from archivegen.model import (
    TAXONOMIES,
    TermCount,
)
from archivegen.site.indexer import (
    FEED_KINDS,
    ListingState,
    listing_feed,
    listing_page,
    listings_of,
    term_name,
    term_order,
    years_counted,
)
from archivegen.site.paginate import paginate
from archivegen.site.plan import (
    Page,
    PageBases,
    plan_archive,
    plan_feed,
    plan_listing,
    plan_terms,
    summary_fingerprint,
)
from archivegen.site.timeline import period_of, timeline
from archivegen.urls import listing_url

# The kinds of page (plan.PAGE_KINDS) relist makes again when an edit changes what they show.
RELISTED_KINDS = frozenset({"listing", "feed", "terms", "archive"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """An edited article: its head as the cache holds it, and as it is now."""

    old: CachedHead
    new: CachedHead


@dataclass(frozen=True, slots=True, kw_only=True)
class Relisted:
    pages: list[Page]  # listing pages, feeds and index pages whose content changed
    states: list[ListingState]  # the listings whose stored state changed


def relist(changes: Sequence[Change], cache: BuildCache, outputs: dict[str, tuple[str, str]],
           bases: PageBases, config: SiteConfig,
           edited_heads: Sequence[CachedHead] = (),
           edited_shas: Mapping[str, str] | None = None) -> Relisted | str:
    """The pages `changes` change besides the articles' own, and the listing states to store;
    or why the full build must run. `edited_heads`: the new heads of every article of the
    edited files (changed or not); `edited_shas`: their files' new hashes by path (feeds
    carry the articles' bodies: a feed holding an edited article is made again)."""
    heads = Heads(cache, {h.head.key: h for h in (*edited_heads, *(c.new for c in changes))})
    before = {c.old.head.key: listings_of(c.old.head) for c in changes}
    after = {c.new.head.key: listings_of(c.new.head) for c in changes}
    periods = {c.old.head.key: (period_of(c.old.head.date), period_of(c.new.head.date))
               for c in changes}
    edited = set(before)
    affected = set().union(*before.values(), *after.values())
    states = cache.listing_states(affected)
    if affected - states.keys():
        return f"an edit adds the listing {min(affected - states.keys())}"
    pages: list[Page] = []
    changed_states: list[ListingState] = []
    shas = _Shas(cache, edited_shas or {})  # one for every feed: they share articles
    try:
        for url in sorted(affected):
            old = states[url]
            new = _updated(old, edited, before, after, heads, periods)
            if isinstance(new, str):
                return new
            if new != old:
                changed_states.append(new)
            found = _listing_pages(old, new, edited, heads, outputs, bases, config, shas)
            if isinstance(found, str):
                return found
            pages += found
    except KeyError:
        return "the cache's listings do not match the articles it holds"
    if any(len(new.members) != len(states[listing_url(new.spec)].members)
           for new in changed_states):
        pages += _index_pages(cache, changed_states, outputs, bases)
    return Relisted(pages=pages, states=changed_states)


def _updated(state: ListingState, edited: Collection[str],
             before: dict[str, dict[str, tuple[str, ...]]],
             after: dict[str, dict[str, tuple[str, ...]]],
             heads: Heads, periods: dict[str, tuple[str, str]]) -> ListingState | str:
    """`state` with the edited articles taken out and put back where they now belong;
    `periods`: each edited article's period (timeline.period_of) before and after."""
    url = listing_url(state.spec)
    members = [key for key in state.members if key not in edited]
    if len(members) != len(state.members) - sum(url in before[key] for key in edited):
        raise KeyError(url)  # the stored listing does not hold what the heads say it does
    for key in sorted(k for k in edited if url in after[k]):
        bisect.insort(members, key, key=heads.order)
    if not members:
        return f"an edit empties the listing {url}"
    spellings = Counter(dict(state.spellings))
    for key in edited:
        spellings.subtract(before[key].get(url, ()))
        spellings.update(after[key].get(url, ()))
    kept = tuple(sorted((name, n) for name, n in spellings.items() if n > 0))
    term = state.spec.term
    if term is not None and term_name(kept) != term.name:
        return f"an edit changes the name shown for the term '{term.name}'"
    if state.spec.kind != "term":  # (only a term's timeline counts its articles' periods)
        return replace(state, members=tuple(members), spellings=kept)
    counted = Counter(dict(state.periods))
    for key in edited:
        if url in before[key]:
            counted[periods[key][0]] -= 1
        if url in after[key]:
            counted[periods[key][1]] += 1
    return replace(state, members=tuple(members), spellings=kept,
                   periods=tuple(sorted((p, n) for p, n in counted.items() if n > 0)))


class _Shas:
    """Source files' hashes: the cache's, or the edited files' new ones."""

    def __init__(self, cache: BuildCache, edited: Mapping[str, str]) -> None:
        self._cache, self._known = cache, dict(edited)

    def __call__(self, paths: Sequence[str]) -> list[str]:
        missing = [p for p in paths if p not in self._known]
        if missing:
            self._known.update(self._cache.source_shas(missing))
        return [self._known[p] for p in paths]  # KeyError: a listed article's file is gone


def _listing_pages(old: ListingState, new: ListingState, edited: set[str],
                   heads: Heads, outputs: dict[str, tuple[str, str]], bases: PageBases,
                   config: SiteConfig, shas: _Shas) -> list[Page] | str:
    """The pages of one listing (and its feed) whose content the edits change."""
    spec = new.spec
    was, now = paginate(old.members, config.page_size), paginate(new.members, config.page_size)
    if len(was) != len(now):
        return f"an edit changes the number of pages of {listing_url(spec)}"
    total = len(new.members)
    pages: list[Page] = []
    # The same articles, none edited, the same counts: the same page.
    # The first page also shows the timeline.
    changed = [(number, chunk) for number, (chunk, earlier) in enumerate(zip(now, was,
                                                                             strict=True), 1)
               if total != len(old.members) or chunk != earlier or edited & set(chunk)
               or (number == 1 and new.periods != old.periods)]
    heads.load(key for _, chunk in changed for key in chunk)  # one query, not one per page
    chart = timeline(new.periods)
    for number, chunk in changed:
        page = listing_page(spec, number, len(now), heads.summaries(chunk), total, config,
                            chart=chart)
        pages += _if_changed(outputs, plan_listing(bases, page, list(map(summary_fingerprint,
                                                                         page.articles))))
    if config.feed_size > 0 and spec.kind in FEED_KINDS:
        head, earlier = new.members[:config.feed_size], old.members[:config.feed_size]
        if head != earlier or edited & set(head):
            feed = listing_feed(spec, heads.summaries(head), config)
            pages += _if_changed(outputs, plan_feed(
                bases, feed, list(map(summary_fingerprint, feed.articles)),
                shas([s.source_path for s in feed.articles])))
    return pages


def _index_pages(cache: BuildCache, changed: Sequence[ListingState],
                 outputs: dict[str, tuple[str, str]], bases: PageBases) -> list[Page]:
    """The taxonomy index pages and the date archive, when the counts they show changed."""
    counts = cache.listing_counts()
    counts.update({listing_url(s.spec): (s.spec, len(s.members)) for s in changed})
    pages: list[Page] = []
    for tax in TAXONOMIES:
        terms = sorted((TermCount(term=spec.term, count=count)
                        for spec, count in counts.values()
                        if spec.kind == "term" and spec.term is not None
                        and spec.term.taxonomy == tax.key),
                       key=lambda t: term_order(t.term))
        if terms:
            pages += _if_changed(outputs, plan_terms(bases, tax, terms))
    years = years_counted({s.year: n for s, n in counts.values() if s.kind == "year"},
                          {(s.year, s.month): n for s, n in counts.values()
                           if s.kind == "month"})
    undated = sum(n for s, n in counts.values() if s.kind == "undated")
    pages += _if_changed(outputs, plan_archive(bases, years, undated))
    return pages


def _if_changed(outputs: dict[str, tuple[str, str]], page: Page) -> list[Page]:
    """[page], unless its file was written with the fingerprint it has now."""
    return [] if outputs.get(page.path, ("", ""))[0] == page.fingerprint else [page]
