"""A build plans its pages twice (paths and fingerprints first, then each page again as it
is rendered): the pages rendered are exactly those the first pass kept, and where two pages
claim one path only the one that won it is rendered."""

from __future__ import annotations

from pathlib import Path

from archivegen.build import _planned_again, make_site, theme_dirs
from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics
from archivegen.load.source_file import load_articles
from archivegen.load.sources import read_sources, read_static_files
from archivegen.site.plan import Page
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
