"""relist (incremental/relist.py) against the cache of a small built project: an edited
article's listing pages, feeds, taxonomy index pages and the date archive are replanned from
the cached listings, those whose fingerprint changed are returned with the fingerprints a full
build of the edited input gives them, the others are not; and the edits whose pages it cannot
tell (a listing appearing, emptied, changing its number of pages or its term's name) are
declined with the reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from incremental_unit_helpers import (
    CONFIG,
    built_project,
    copy_inputs,
    open_cache,
    write_article,
)

from archivegen.dispatch import build
from archivegen.incremental.relist import Change, Relisted, relist
from archivegen.partial_date import PartialDate
from archivegen.site.indexer import ListingState
from archivegen.urls import article_url, output_file

ARTICLE_PAGES = ("2019/06/0", "2020/01/0")  # article pages: /yyyy/mm/dd/slug/


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once for the module: relist only reads the cache."""
    path = tmp_path_factory.mktemp("relist") / "p"
    built_project(path)
    return path


def change(project: Path, name: str, **head: object) -> Change:
    """The article `name` as the cache holds it, and with `head` changed (its URL follows)."""
    cache = open_cache(project)
    try:
        old = cache.heads({f"{name}.md"})[f"{name}.md"]
    finally:
        cache.close()
    new_head = replace(old.head, **head)  # type: ignore[arg-type]
    return Change(old=old, new=replace(old, head=new_head, site_url=article_url(new_head)))


def relisted(project: Path, *changes: Change,
             shas: dict[str, str] | None = None) -> tuple[Relisted | str, dict[str, str]]:
    """relist's answer, and the fingerprint of every output the last build wrote; `shas`:
    the edited files' new hashes (the feeds holding them carry their bodies)."""
    cache = open_cache(project)
    try:
        basis = cache.quick_basis()
        assert basis is not None
        outputs = cache.outputs()
        done = relist(list(changes), cache, outputs, basis.bases, CONFIG,
                      [c.new for c in changes], shas)
        return done, {path: fp for path, (fp, _) in outputs.items()}
    finally:
        cache.close()


def full_build_fingerprints(project: Path, elsewhere: Path, name: str,
                            **edit: object) -> tuple[dict[str, str], str]:
    """The output fingerprints a full build gives the project's input with `name` edited,
    and the edited file's hash."""
    copy_inputs(project, elsewhere)
    write_article(elsewhere, name, **edit)
    build(elsewhere, CONFIG)
    cache = open_cache(elsewhere)
    try:
        source = cache.source(f"{name}.md")
        assert source is not None
        return {path: fp for path, (fp, _) in cache.outputs().items()}, source.sha256
    finally:
        cache.close()


def is_article_page(path: str) -> bool:
    return path.startswith(ARTICLE_PAGES) and path.count("/") == 4


# (article, head changes, the same edit in its file, the pages that change besides its own)
SHOWN_EDITS = {
    "a new title": (
        "alpha", dict(title="Alpha Report Revised"), dict(title="Alpha Report Revised"),
        {"index.html", "feed.xml", "2020/index.html", "2020/01/index.html",
         "regions/syria/index.html", "regions/syria/feed.xml",
         "themes/economy/index.html", "themes/economy/feed.xml"}),
    "a new date within its listings": (
        "alpha", dict(date=PartialDate(year=2020, month=1, day=2)), dict(date="2020-01-02"),
        {"index.html", "feed.xml", "2020/index.html", "2020/01/index.html",
         "regions/syria/index.html", "regions/syria/feed.xml",
         "themes/economy/index.html", "themes/economy/feed.xml"}),
    "an existing theme added": (
        "gamma", dict(themes=("Economy",)), dict(themes=("Economy",)),
        # (and the feeds holding gamma: they carry its body, from the edited file)
        {"themes/economy/index.html", "themes/economy/feed.xml", "themes/index.html",
         "feed.xml", "regions/iraq/feed.xml"}),
    "a date in another year": (
        "alpha", dict(date=PartialDate(year=2019, month=6, day=3)), dict(date="2019-06-03"),
        {"index.html", "feed.xml", "2020/index.html", "2020/01/index.html",
         "2019/index.html", "2019/06/index.html", "archive/index.html",
         "regions/syria/index.html", "regions/syria/feed.xml",
         "themes/economy/index.html", "themes/economy/feed.xml"}),
}


@pytest.mark.parametrize("edit", sorted(SHOWN_EDITS))
def test_relist_returns_the_pages_that_change_with_a_full_builds_fingerprints(
        project: Path, tmp_path: Path, edit: str) -> None:
    name, head, in_file, expected = SHOWN_EDITS[edit]
    # A full build of the edited input, first: its file's new hash goes to relist.
    full, sha = full_build_fingerprints(project, tmp_path / "full", name, **in_file)
    done, stored = relisted(project, change(project, name, **head), shas={f"{name}.md": sha})
    assert isinstance(done, Relisted), done
    paths = [page.path for page in done.pages]
    assert len(paths) == len(set(paths))
    assert set(paths) == expected
    assert all(page.fingerprint != stored[page.path] for page in done.pages)
    # The full build gives these pages these fingerprints, and changes no other page but
    # the article's own (and the search index: quick.py patches it).
    assert {page.path: page.fingerprint for page in done.pages} == {
        path: full[path] for path in expected}
    changed = {path for path in full.keys() | stored.keys()
               if full.get(path) != stored.get(path) and not is_article_page(path)
               and not path.startswith("search/")}
    assert changed == expected


def test_a_title_edit_leaves_the_listings_other_pages_and_index_pages_alone(
        project: Path) -> None:
    done, _ = relisted(project, change(project, "alpha", title="Alpha Report Revised"))
    assert isinstance(done, Relisted)
    paths = {page.path for page in done.pages}
    # alpha is on the home page's first page: its second, with the same articles, stays.
    assert "page/2/index.html" not in paths and "index.html" in paths
    assert not paths & {"archive/index.html", "regions/index.html", "themes/index.html",
                        "regions/iraq/index.html", "2019/index.html"}
    assert done.states == []  # every listing holds the same articles in the same order
    kinds = {page.path: page.kind for page in done.pages}
    assert kinds["index.html"] == "listing" and kinds["feed.xml"] == "feed"
    home = next(page for page in done.pages if page.path == "index.html")
    assert [s.title for s in home.data.articles] == [  # type: ignore[union-attr]
        "Alpha Report Revised", "Beta Report", "Gamma Report"]
    assert home.data.articles[0].url == "/2020/01/05/alpha-report-revised/"  # type: ignore[union-attr]


def test_a_date_edit_reorders_the_stored_listings(project: Path) -> None:
    done, _ = relisted(project, change(project, "alpha",
                                       date=PartialDate(year=2020, month=1, day=2)))
    assert isinstance(done, Relisted)
    members = {output_file(_listing_url(state)): state.members for state in done.states}
    assert members == {
        "index.html": ("beta.md", "alpha.md", "gamma.md", "epsilon.md", "delta.md"),
        "2020/index.html": ("beta.md", "alpha.md", "gamma.md"),
        "2020/01/index.html": ("beta.md", "alpha.md", "gamma.md"),
        "regions/syria/index.html": ("beta.md", "alpha.md", "epsilon.md"),
        "themes/economy/index.html": ("beta.md", "alpha.md"),
    }


def test_a_date_edit_into_another_year_moves_it_between_listings(project: Path) -> None:
    done, _ = relisted(project, change(project, "alpha",
                                       date=PartialDate(year=2019, month=6, day=3)))
    assert isinstance(done, Relisted)
    members = {_listing_url(state): state.members for state in done.states}
    assert members["/2020/"] == ("beta.md", "gamma.md")
    assert members["/2019/06/"] == ("alpha.md", "epsilon.md", "delta.md")
    archive = next(page for page in done.pages if page.kind == "archive")
    years, undated = archive.data  # type: ignore[misc]
    assert [(y.year, y.count) for y in years] == [(2020, 2), (2019, 3)]
    assert undated == 0
    assert "page/2/index.html" not in {page.path for page in done.pages}


def test_an_added_existing_term_updates_its_count_on_the_index_page(project: Path) -> None:
    done, _ = relisted(project, change(project, "gamma", themes=("Economy",)))
    assert isinstance(done, Relisted)
    [terms] = [page for page in done.pages if page.kind == "terms"]
    taxonomy, counts = terms.data  # type: ignore[misc]
    assert taxonomy.key == "themes"
    assert [(t.term.name, t.count) for t in counts] == [("Economy", 3), ("Health", 1)]
    assert [_listing_url(state) for state in done.states] == ["/themes/economy/"]


def test_an_article_as_it_was_changes_no_page(project: Path) -> None:
    done, _ = relisted(project, change(project, "beta"))
    assert isinstance(done, Relisted)
    assert done.pages == [] and done.states == []


@pytest.mark.parametrize("name, head, reason", [
    ("gamma", dict(regions=("Iraq", "Lebanon")), "an edit adds the listing /regions/lebanon/"),
    ("delta", dict(date=PartialDate(year=2019, month=7, day=1)),
     "an edit adds the listing /2019/07/"),
    ("delta", dict(themes=()), "an edit empties the listing /themes/health/"),
    ("gamma", dict(regions=("Iraq", "Syria")),
     "an edit changes the number of pages of /regions/syria/"),
    ("alpha", dict(regions=("SYRIA",)), "an edit changes the name shown for the term 'Syria'"),
])
def test_relist_declines_what_changes_other_pages_and_says_why(
        project: Path, name: str, head: dict[str, object], reason: str) -> None:
    done, _ = relisted(project, change(project, name, **head))
    assert done == reason


def test_a_term_spelt_another_way_by_fewer_articles_keeps_its_name(project: Path) -> None:
    """Syria: twice "Syria", once "SYRIA"; a third "Syria" keeps the name, so it relists."""
    done, _ = relisted(project, change(project, "epsilon", regions=("Syria", "Iraq")))
    assert isinstance(done, Relisted), done
    assert [(_listing_url(s), s.spellings) for s in done.states] == [
        ("/regions/syria/", (("Syria", 3),))]


def test_a_change_the_stored_listings_do_not_match_is_declined(project: Path) -> None:
    """The head as relist is told it was claims a listing that does not hold it."""
    edit = change(project, "alpha", title="Alpha Report Revised")
    claimed = replace(edit.old, head=replace(edit.old.head, regions=("Syria", "Iraq")))
    done, _ = relisted(project, replace(edit, old=claimed,
                                        new=replace(edit.new, head=replace(
                                            edit.new.head, regions=("Syria", "Iraq")))))
    assert done == "the cache's listings do not match the articles it holds"


def _listing_url(state: ListingState) -> str:
    """The first-page URL of a stored listing (as urls.listing_url gives it)."""
    spec = state.spec
    if spec.kind == "term":
        assert spec.term is not None
        return f"/{spec.term.taxonomy}/{spec.term.slug}/"
    if spec.kind == "year":
        return f"/{spec.year:04d}/"
    if spec.kind == "month":
        return f"/{spec.year:04d}/{spec.month:02d}/"
    return "/undated/" if spec.kind == "undated" else "/"
