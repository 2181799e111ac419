"""cache.py: what quick rebuilds read back — heads by source, listings — in any number."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archivegen.dedupe.detect import sketch_text
from archivegen.incremental.cache import BuildCache
from archivegen.load.loaded import CachedArticle, CachedSource
from archivegen.model import TAXONOMIES, ArticleHead, ListingSpec, Term
from archivegen.partial_date import PartialDate
from archivegen.site.indexer import ListingState
from archivegen.urls import listing_url

THEMES = next(t for t in TAXONOMIES if t.key == "themes")


def head(path: str, n: int) -> ArticleHead:
    return ArticleHead(key=path, source_path=path, layout="front-matter", title=f"Title {n}",
                       slug="", date=PartialDate(year=2000 + n % 20, month=1 + n % 12, day=1),
                       authors=("A. Writer",), publisher="Press", original_source="",
                       url="", regions=(), themes=("Trade",), tags=(), reports=(), summary="")


def test_heads_of_more_sources_than_a_query_takes(tmp_path: Path) -> None:
    """A theme edit re-renders every page of a large listing: thousands of heads at once
    (SQLite before 3.32 allows 999 parameters per query)."""
    cache = BuildCache.open(tmp_path / "cache.sqlite")
    cache._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # as SQLite before 3.32
    paths = [f"{n:05d}.md" for n in range(2500)]
    sketch = sketch_text("a body of a few words for the sketch")
    for n, path in enumerate(paths):
        cache.put_source(path, CachedSource(
            stat="1", sha256="x", diagnostics=(),
            articles=(CachedArticle(head=head(path, n), sketch=sketch, excerpt=f"E{n}",
                                    heading="", site_url=f"/{path}/"),)), "[]")
    cache.commit()
    found = cache.heads(paths)
    assert sorted(found) == paths
    assert found["00007.md"].head == head("00007.md", 7)
    assert (found["00007.md"].excerpt, found["00007.md"].site_url) == ("E7", "/00007.md/")
    assert cache.heads(["missing.md"]) == {}


def test_listing_states_round_trip(tmp_path: Path) -> None:
    cache = BuildCache.open(tmp_path / "cache.sqlite")
    cache._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    states = [ListingState(spec=ListingSpec(kind="term", title="Theme: Trade",
                                            term=Term(taxonomy="themes", name="Trade",
                                                      slug=f"trade-{n}"), taxonomy=THEMES),
                           members=tuple(f"{n}-{m}.md" for m in range(n % 5)),
                           spellings=(("TRADE", 1), ("Trade", 2)))
              for n in range(1200)]
    states.append(ListingState(spec=ListingSpec(kind="month", title="May 2017", year=2017,
                                                month=5), members=("a.md#2",)))
    cache.put_listings(states, every=True)
    cache.commit()
    urls = [listing_url(s.spec) for s in states]
    assert cache.listing_states(urls) == dict(zip(urls, states, strict=True))
    assert cache.listing_counts()[urls[7]] == (states[7].spec, 2)
    cache.put_listings(states[:1], every=True)  # `every`: the others are gone
    assert list(cache.listing_counts()) == urls[:1]


def test_heads_a_build_keeps_share_their_dates_and_key_strings(tmp_path: Path) -> None:
    # At 10^5 articles, one date object per distinct day and no second copy of each path.
    from archivegen.incremental.rows import shared_terms

    sketch = sketch_text("a body of a few words for the sketch")
    made = [shared_terms(CachedArticle(head=head("".join(["a", str(n), ".md"]), n % 2),
                                       sketch=sketch, excerpt="", heading="", site_url=""))
            for n in range(4)]
    assert [a.head for a in made] == [head(f"a{n}.md", n % 2) for n in range(4)]
    assert made[0].head.date is made[2].head.date and made[1].head.date is made[3].head.date
    assert all(a.head.key is a.head.source_path for a in made)
    cache = BuildCache.open(tmp_path / "cache.sqlite")
    for n in range(4):
        cache.put_source(f"a{n}.md", CachedSource(stat="1", sha256="x", diagnostics=(),
                                                   articles=(made[n],)), "[]")
    cache.commit()
    kept = [cache.sources()[f"a{n}.md"].articles[0].head for n in range(4)]
    assert kept == [a.head for a in made]
    assert kept[0].date is kept[2].date and all(h.key is h.source_path for h in kept)
