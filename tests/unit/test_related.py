"""Related articles (site/related.py): weighted, bounded, deterministic, never the article
itself; and the quick rebuild's facts from the cache choose what the full build chose."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.incremental.cache import CACHE_PATH, BuildCache
from archivegen.incremental.heads import Heads
from archivegen.incremental.neighbours import home_members
from archivegen.incremental.related_pages import CachedFacts, affected
from archivegen.site.related import SHOWN, WINDOW, SiteFacts, related, term_weight
from conftest import FIXTURES

REPORT, AUTHOR, THEME, REGION = "/reports/r/", "/authors/a/", "/themes/t/", "/regions/x/"


def facts(listings: dict[str, list[str]], days: dict[str, int | None]) -> SiteFacts:
    return SiteFacts(list(listings.items()), days)


def test_term_weights_follow_the_taxonomy() -> None:
    assert [term_weight(u) for u in (REPORT, AUTHOR, THEME, REGION, "/tags/x/")] == [
        4, 3, 2, 1, 1]
    assert [term_weight(u) for u in ("/publishers/p/", "/sources/s/", "/", "/2020/",
                                     "/2020/01/", "/regions/x/page/2/")] == [0] * 6


def test_shared_weight_ranks_first_then_the_nearer_date_then_the_key() -> None:
    days = {"me": 100, "report": 50, "region-near": 99, "region-far": 10, "tie-b": 90,
            "tie-a": 110}
    listings = {REGION: ["tie-a", "me", "region-near", "tie-b", "region-far"],
                REPORT: ["me", "report"]}
    chosen = related("me", facts(listings, days))
    # The report (4) beats every region-only article (1); among those, the nearest date;
    # "tie-a" and "tie-b" are both 10 days away: the key decides.
    assert chosen == ("report", "region-near", "tie-a", "tie-b")
    assert len(chosen) == SHOWN


def test_undated_articles_come_after_dated_ones_of_the_same_score() -> None:
    days = {"me": 100, "undated": None, "dated": 5}
    assert related("me", facts({REGION: ["me", "undated", "dated"]}, days)) == (
        "dated", "undated")


def test_candidates_are_only_the_neighbours_in_each_listing() -> None:
    keys = [f"k{n:03d}" for n in range(100)]
    days = dict.fromkeys(keys, 1)
    chosen = related("k050", facts({REGION: keys}, days))
    assert set(chosen) <= {f"k{n:03d}" for n in range(50 - WINDOW, 50 + WINDOW + 1)}


def test_an_article_alone_in_its_terms_has_none() -> None:
    assert related("me", facts({REGION: ["me"], "/publishers/p/": ["me", "x"]},
                               {"me": 1, "x": 1})) == ()


def test_random_archives_choose_deterministically_and_never_the_article_itself() -> None:
    rng = random.Random(16)
    for _ in range(50):
        keys = [f"a{n}" for n in range(rng.randint(1, 40))]
        days = {k: rng.choice([None, *range(30)]) for k in keys}
        terms = [f"/{tax}/{n}/" for tax in ("reports", "authors", "themes", "regions", "tags")
                 for n in range(3)]
        listings = {t: [k for k in keys if rng.random() < 0.3] for t in terms}
        listings = {t: m for t, m in listings.items() if m}
        one = facts(listings, days)
        shuffled = list(listings.items())
        rng.shuffle(shuffled)
        other = SiteFacts(shuffled, days)
        for key in keys:
            chosen = related(key, one)
            assert key not in chosen and len(chosen) == len(set(chosen)) <= SHOWN
            assert chosen == related(key, other)
            shared = one.terms(key)
            assert all(set(one.terms(c)) & set(shared) for c in chosen)


# --- the quick rebuild's facts, from the cache -------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("related")
    shutil.copytree(FIXTURES / "archive", project / "articles")
    build(project, SiteConfig(input="articles", output="site"))
    return project


def _shown_related(page: Path) -> list[str]:
    html = page.read_text()
    block = html.split('<ul class="related">', 1)[1].split("</ul>", 1)[0] if (
        '<ul class="related">' in html) else ""
    return [(page.parent / href).resolve().as_posix() for href in re.findall(r'href="([^"]+)"',
                                                                              block)]


def test_the_cache_chooses_what_the_full_build_showed(built: Path) -> None:
    cache = BuildCache.open(built / CACHE_PATH)
    try:
        heads = Heads(cache, {})
        cached = CachedFacts(cache, heads)
        members = home_members(cache)
        assert members is not None and len(members) > 20
        with_related = 0
        for key in members:
            page = built / "site" / heads[key].site_url.strip("/") / "index.html"
            shown = _shown_related(page)
            chosen = [(built / "site" / s.url.strip("/")).resolve().as_posix() + "/"
                      for s in cached.related(key)]
            assert [s.rstrip("/") for s in chosen] == [s.rstrip("/") for s in shown], key
            assert page.parent.resolve().as_posix() + "/" not in chosen
            with_related += bool(shown)
        assert with_related > len(members) // 2
        # The pages an edit may change: near the article in its terms' listings, never it.
        key = members[len(members) // 2]
        near = affected([key], {"before": cached, "after": cached})
        assert near is not None and key not in near
        showing = [other for other in members if key in related(other, cached)]
        assert showing and set(showing) <= near
    finally:
        cache.close()
