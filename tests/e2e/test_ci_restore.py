"""A build into an empty output folder with the build state of an earlier build (what a CI
cache step restores) copies the pages it kept instead of rendering them: the same bytes as a
clean build, whatever was changed, moved or damaged in between."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from incremental_helpers import age, clean_build, run

from archivegen.incremental.cache import CACHE_PATH
from archivegen.render.page_store import STORE_FOLDER
from conftest import tree_bytes

STORE = CACHE_PATH.parent / STORE_FOLDER


def test_an_empty_output_is_filled_from_the_store(project: Path) -> None:
    first = run(project)
    assert first.errors == 0 and first.restored == 0
    built = tree_bytes(project / "site")
    shutil.rmtree(project / "site")
    again = run(project)
    assert tree_bytes(project / "site") == built
    assert again.restored == first.written == len(built) - 2  # not the manifest and lock
    assert again.rendered == 0


def test_a_restored_state_in_another_checkout_fills_another_output(project: Path,
                                                                  tmp_path: Path) -> None:
    """CI: a fresh clone (new folder, new mtimes) with `.archivegen/` restored."""
    first = run(project)
    built = tree_bytes(project / "site")
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copytree(project / "articles", clone / "articles")
    shutil.copytree(project / CACHE_PATH.parent, clone / CACHE_PATH.parent)
    age(clone / "articles", 1_700_000_000)
    report = run(clone)
    assert tree_bytes(clone / "site") == built
    assert report.rendered == 0 and report.restored == first.written


def test_a_damaged_page_is_rendered_again(project: Path) -> None:
    first = run(project)
    built = tree_bytes(project / "site")
    packs = sorted((project / STORE).glob("*.pack"), key=lambda p: p.stat().st_size)
    biggest = packs[-1]
    data = bytearray(biggest.read_bytes())
    data[len(data) // 2] ^= 0x20
    biggest.write_bytes(bytes(data))
    shutil.rmtree(project / "site")
    report = run(project)
    assert tree_bytes(project / "site") == built
    assert report.rendered == 1 and report.restored == first.written - 1


def test_an_edit_then_an_empty_output_renders_what_changed(project: Path,
                                                           tmp_path: Path) -> None:
    total = run(project).written
    article = sorted((project / "articles").rglob("*.txt"))[0]
    article.write_text(article.read_text() + "\n\nA paragraph added after the build.\n")
    os.utime(article, (1_650_000_000, 1_650_000_000))
    shutil.rmtree(project / "site")
    report = run(project)
    assert tree_bytes(project / "site") == clean_build(project, tmp_path / "clean")
    assert 0 < report.rendered < total // 2
    assert report.restored + report.rendered == total


def test_without_the_cache_nothing_is_stored(project: Path) -> None:
    from archivegen.config import SiteConfig
    from archivegen.dispatch import build

    report = build(project, SiteConfig(input="articles", output="site"), use_cache=False)
    assert report.errors == 0
    assert not (project / STORE).exists()


def test_a_page_no_longer_planned_is_not_left_behind(project: Path, tmp_path: Path) -> None:
    """The last build's pages are copied while the build plans: one of an article removed
    since is copied too, then pruned, as any stale file."""
    first = run(project)
    gone = sorted((project / "articles").rglob("*.txt"))[-1]
    gone.unlink()
    shutil.rmtree(project / "site")
    report = run(project)
    assert report.errors == 0 and report.removed > 0
    assert tree_bytes(project / "site") == clean_build(project, tmp_path / "clean")
    assert report.written < first.written
