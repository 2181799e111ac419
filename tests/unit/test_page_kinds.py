"""plan.PAGE_KINDS: each kind of page declared once, and what the build does with that
declaration (templates, fingerprint bases, workers, what a quick rebuild may make)."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import pytest

from archivegen.build import WORKER_KINDS
from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.incremental import quick
from archivegen.incremental.relist import RELISTED_KINDS
from archivegen.report import Declined
from archivegen.site import plan
from archivegen.site.plan import PAGE_KINDS, PAGE_TEMPLATES, KindSpec, PageBases

ARTICLE = "---\ntitle: {title}\ndate: 2020-01-02\n---\n\nBody of {title}.\n"
OLD = 1_600_000_000  # an mtime long past: a stat a build may trust


def test_every_kind_with_a_template_has_a_fingerprint_basis_and_a_template_file() -> None:
    assert {f.name for f in fields(PageBases)} == set(PAGE_TEMPLATES)
    theme = Path(__file__).resolve().parents[2] / "templates"
    for name in PAGE_TEMPLATES.values():
        assert (theme / name).is_file(), name
    bases = PageBases.of("base", lambda name: f"digest of {name}")
    assert len({getattr(bases, f.name) for f in fields(PageBases)}) == len(PAGE_TEMPLATES)


def test_article_and_listing_pages_and_feeds_render_in_workers() -> None:
    assert {"article", "listing", "feed"} == WORKER_KINDS


def test_a_quick_rebuild_makes_every_shipped_kind() -> None:
    assert quick.unhandled_kinds() == []
    listed = {k for k, spec in PAGE_KINDS.items() if spec.on_edit == "listed"}
    assert listed == RELISTED_KINDS


@pytest.mark.parametrize("spec", [KindSpec("sitemap.xml", False, "whole_site"),
                                  KindSpec("sitemap.xml", False, "listed"),
                                  KindSpec("sitemap.xml", True, "own")])
def test_a_new_kind_no_quick_rule_makes_turns_quick_rebuilds_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: KindSpec) -> None:
    (tmp_path / "in").mkdir()
    page = tmp_path / "in" / "a.md"
    page.write_text(ARTICLE.format(title="A"))
    os.utime(page, (OLD, OLD))
    config = SiteConfig(input="in", output="site")
    build(tmp_path, config)
    page.write_text(ARTICLE.format(title="A2"))
    os.utime(page, (OLD + 10, OLD + 10))
    assert not isinstance(quick.rebuild(tmp_path, config), Declined)  # as shipped: quick
    page.write_text(ARTICLE.format(title="A3"))
    os.utime(page, (OLD + 20, OLD + 20))
    monkeypatch.setitem(plan.PAGE_KINDS, "sitemap", spec)  # type: ignore[index]
    assert quick.unhandled_kinds() == ["sitemap"]
    declined = quick.rebuild(tmp_path, config)
    assert isinstance(declined, Declined) and "sitemap" in declined.reason
