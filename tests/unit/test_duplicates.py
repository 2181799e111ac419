"""Folding: which grouped copies lose their page, by the evidence each kind of match needs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dedupe.detect import sketch_text
from archivegen.dedupe.fold import collapse_duplicates
from archivegen.dispatch import build
from archivegen.errors import Diagnostics
from archivegen.incremental.cache import BuildCache
from archivegen.load.loaded import CachedArticle, CachedSource
from archivegen.model import ArticleHead, DuplicateRef
from archivegen.partial_date import PartialDate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_dedupe import CHROME, change_words, page_excerpt, prose, words_of

ARTICLE = prose(400, words=3000)


def head(key: str, title: str = "", date: PartialDate | None = None,
         authors: tuple[str, ...] = (), publisher: str = "") -> ArticleHead:
    return ArticleHead(key=key, source_path=key, layout="text", title=title, slug="", date=date,
                       authors=authors, publisher=publisher, original_source="", url="",
                       regions=(), themes=(), tags=(), reports=(), summary="")


def day(year: int, month: int, number: int) -> PartialDate:
    return PartialDate(year=year, month=month, day=number)


def collapse(*articles: tuple[ArticleHead, str], with_bodies: bool = True,
             ) -> tuple[list[str], dict[str, tuple[DuplicateRef, ...]], frozenset[str], list[str]]:
    """(keys kept, copies folded per canonical, keys grouped, AG024 messages)."""
    bodies = {h.key: text for h, text in articles}
    diags = Diagnostics()
    kept, also, grouped = collapse_duplicates(
        [(h, sketch_text(text)) for h, text in articles], diags,
        bodies.__getitem__ if with_bodies else None)
    return ([h.key for h in kept], also, grouped,
            [d.message for d in diags.items if d.code == "AG024"])


def test_an_excerpt_is_folded_whatever_its_title_and_date_say() -> None:
    """A repost dated 2013 of a 2009 article, a page titled with the first half of the
    title: an excerpt's own title and date do not keep it apart."""
    full = head("full.md", "The Tower of Basel - Secretive Plans for the Issuing of a Global "
                "Currency", day(2013, 4, 17), ("Ellen Brown",), "Biblioteca Pleyades")
    page = head("page.txt", "The Tower of Basel", day(2009, 4, 18), ("ELLEN BROWN",))
    kept, also, grouped, messages = collapse((full, ARTICLE), (page, page_excerpt(ARTICLE)))
    assert kept == ["full.md"]
    (ref,) = also["full.md"]
    assert (ref.key, ref.kind) == ("page.txt", "excerpt")
    assert 0.8 < ref.similarity < 1.0
    assert grouped == {"full.md", "page.txt"}
    assert len(messages) == 1 and messages[0].startswith("excerpt (")
    assert "of 'full.md'" in messages[0]


def test_an_excerpt_by_other_authors_is_not_folded() -> None:
    full = head("full.md", "A", authors=("Ellen Brown", "Jo Smith"))
    for other in [("Andrew Gavin Marshall",), ("Ellen Browning",), ("Jo Smithers", "X. Brwon")]:
        page = head("page.txt", "B", authors=other)
        kept, also, grouped, messages = collapse((full, ARTICLE), (page, page_excerpt(ARTICLE)))
        assert (kept, also, messages) == (["full.md", "page.txt"], {}, []), other
    assert grouped == {"full.md", "page.txt"}  # an author edit could fold it
    # one shared surname is enough (misspelt by a letter, too), as is a side that states none
    for authors in [("Jo SMITH",), ("José Smíth",), ("Ellen Brow",), ("Jo Smiths",), ()]:
        page = head("page.txt", "B", authors=authors)
        assert collapse((full, ARTICLE), (page, page_excerpt(ARTICLE)))[0] == ["full.md"]


def test_the_canonical_is_the_whole_text_even_when_the_excerpt_states_more() -> None:
    full = head("z-full.md")
    page = head("a-page.txt", "Title", day(2009, 4, 18), ("Ellen Brown",), "Blog")
    kept, also, _, _ = collapse((full, ARTICLE), (page, page_excerpt(ARTICLE)))
    assert kept == ["z-full.md"]
    assert [r.key for r in also["z-full.md"]] == ["a-page.txt"]


def test_near_copies_keep_the_title_and_date_rule() -> None:
    body = prose(401, words=600)
    copy = change_words(body, 3, 1)
    same = collapse((head("a.md", "Title", PartialDate(year=2010)), body),
                    (head("b.md", "TITLE!"), copy))
    assert same[0] == ["a.md"] and same[1]["a.md"][0].kind == "near"
    retitled = collapse((head("a.md", "Title"), body), (head("b.md", "Other title"), copy))
    redated = collapse((head("a.md", date=PartialDate(year=2010)), body),
                       (head("b.md", date=PartialDate(year=2011)), copy))
    assert retitled[:2] == redated[:2] == (["a.md", "b.md"], {})


def test_different_articles_with_the_same_title_are_not_folded() -> None:
    last = "\nReprinted with permission from Consortiumnews.com.\n"
    kept, also, grouped, _ = collapse(
        (head("a.txt", "Julian Assange"), prose(402, words=400) + last),
        (head("b.txt", "Julian Assange"), prose(403, words=2000) + last))
    assert (kept, also, grouped) == (["a.txt", "b.txt"], {}, frozenset())


def test_an_excerpt_whose_container_is_not_folded_stays_apart() -> None:
    """The shorter page excerpt is most of the longer one (same chrome), which is by another
    author: neither is folded into the article."""
    full = head("full.md", authors=("Ellen Brown",))
    long = head("long.txt", authors=("Someone Else",))
    short = head("short.txt")
    kept, also, grouped, _ = collapse((full, ARTICLE), (long, page_excerpt(ARTICLE, 450)),
                                      (short, page_excerpt(ARTICLE, 250)))
    assert (kept, also) == (["full.md", "long.txt", "short.txt"], {})
    assert len(grouped) == 3


def test_without_bodies_no_excerpt_is_found() -> None:
    kept, also, grouped, _ = collapse((head("full.md"), ARTICLE),
                                      (head("page.txt"), page_excerpt(ARTICLE)),
                                      with_bodies=False)
    assert (kept, also, grouped) == (["full.md", "page.txt"], {}, frozenset())


def test_the_cache_keeps_lead_sketches(tmp_path: Path) -> None:
    cache = BuildCache.open(tmp_path / "cache.sqlite")
    sketches = [sketch_text(ARTICLE), sketch_text("A short body."), sketch_text("")]
    articles = tuple(CachedArticle(head=head(f"a.md#{n}"), sketch=s, excerpt="", heading="",
                                   site_url=f"/{n}/") for n, s in enumerate(sketches))
    cache.put_source("a.md", CachedSource(stat="1", sha256="x", diagnostics=(),
                                          articles=articles), "[]")
    cache.commit()
    assert [a.sketch for a in cache.sources()["a.md"].articles] == sketches
    assert list(cache.sketches_except(["b.md"])) == [(s.digest, s.values, s.lead)
                                                     for s in sketches]
    assert sketches[0].lead and not sketches[1].lead


def write_archive(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "full.md").write_text(
        "---\ntitle: The Tower of Basel\nauthors: Ellen Brown\ndate: 2013-04-17\n---\n\n"
        + ARTICLE, encoding="utf-8")
    (folder / "page.txt").write_text(
        "Bill Totten's Weblog\n\n" + CHROME + words_of(ARTICLE, 0, 300), encoding="utf-8")
    (folder / "other.md").write_text("---\ntitle: Other\n---\n\n" + prose(404, words=800),
                                     encoding="utf-8")


def folded(project: Path) -> dict[str, list[tuple[str, str]]]:
    report = json.loads((project / ".archivegen" / "build-report.json").read_text("utf-8"))
    return {a["source"]: [(d["path"], d["kind"]) for d in a["also_archived_as"]]
            for a in report["articles"] if a["also_archived_as"]}


def test_builds_fold_excerpts_with_bodies_from_memory_or_the_cache(tmp_path: Path) -> None:
    expected = {"full.md": [("page.txt", "excerpt")]}
    project = tmp_path / "project"
    write_archive(project / "articles")
    config = SiteConfig(input="articles", output="site")
    build(project, config, use_cache=False)  # bodies in memory
    assert folded(project) == expected
    build(project, config)  # cold, with a cache: bodies read back from it
    assert folded(project) == expected
    (project / "articles" / "more.md").write_text("---\ntitle: More\n---\n\n" + prose(405),
                                                  encoding="utf-8")
    report = build(project, config)  # incremental: only more.md is loaded again
    assert report.full_because
    assert folded(project) == expected
    assert not (project / "site" / "page").exists()
