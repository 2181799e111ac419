"""A build plans its pages twice (paths and fingerprints first, then each page again as it
is rendered): the pages rendered are exactly those the first pass kept, and where two pages
claim one path only the one that won it is rendered."""

from __future__ import annotations

from pathlib import Path

import archivegen.build as build
from archivegen.build import _planned_again, make_site, theme_dirs
from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics
from archivegen.load.source_file import load_articles
from archivegen.load.sources import read_sources, read_static_files
from archivegen.site.plan import Page
from archivegen.site.related import related
from conftest import FIXTURES, SEEDS


def test_the_second_pass_renders_what_the_first_planned() -> None:
    config = SiteConfig()
    themes = theme_dirs(Path("/nonexistent"), config)
    diags = Diagnostics()
    sources = read_sources(FIXTURES / "archive", diags) + read_sources(SEEDS, diags)
    site = make_site(load_articles(sources, diags), config, themes,
                     read_static_files(themes), diags)
    rendered = [f.path for f in site.files]
    assert sorted(rendered) == sorted(site.to_render) == sorted(site.fingerprints)
    assert len(set(rendered)) == len(rendered)  # each page once


def page(path: str, origin: str) -> Page:
    return Page(kind="listing", path=path, origin=origin, fingerprint="f", data=None)


def test_only_the_winner_of_a_path_and_only_planned_pages_come_again() -> None:
    pages = [page("a.html", "z.md"), page("a.html", "b.md"), page("b.html", "b.md"),
             page("c.html", "c.md"), page("a.html", "b.md")]
    winners = {"a.html": "b.md", "b.html": "b.md", "c.html": "c.md"}
    again = list(_planned_again(pages, {"a.html": "f", "b.html": "f", "c.html": "f"},
                                kept={"c.html"}, winners=winners))
    assert [(p.path, p.origin) for p in again] == [("a.html", "b.md"), ("b.html", "b.md")]
    # Without a collision, every planned page that is not kept.
    again = list(_planned_again(pages[2:4], {"b.html": "f", "c.html": "f"}, kept=set(),
                                winners=None))
    assert [p.path for p in again] == ["b.html", "c.html"]


def test_related_articles_are_chosen_once_and_the_second_pass_gets_the_same(
        monkeypatch) -> None:
    # Planning asks for each article's related articles in both passes; the second is
    # answered from the first's choices. Same pages either way, one choice per article.
    chosen: list[str] = []

    def counted(key, facts):
        chosen.append(key)
        return related(key, facts)

    config = SiteConfig()
    themes = theme_dirs(Path("/nonexistent"), config)

    def pages() -> dict[str, object]:
        diags = Diagnostics()
        sources = read_sources(FIXTURES / "archive", diags) + read_sources(SEEDS, diags)
        site = make_site(load_articles(sources, diags), config, themes,
                         read_static_files(themes), diags)
        return {f.path: f.content for f in site.files}

    monkeypatch.setattr(build, "related", counted)
    once = pages()
    articles = len(chosen)
    assert articles > 3 and len(set(chosen)) == articles  # each article once
    # Without the kept choices (a pass that asks out of order chooses again): same pages.
    monkeypatch.setattr(build._Related, "_chosen_for", _choose_each_time)
    chosen.clear()
    assert pages() == once
    assert len(chosen) == 2 * articles


def _choose_each_time(self, key):  # _Related without its kept choices
    return [self._row[k] for k in build.related(key, self._require_facts())]
