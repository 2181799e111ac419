"""A build into an empty output folder with the build state of an earlier build (what a CI
cache step restores) copies the pages it kept instead of rendering them: the same bytes as a
clean build, whatever was changed, moved or damaged in between."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from incremental_helpers import (
    OLD,
    age,
    assert_like_a_clean_build,
    clean_build,
    edit_body,
    phase_names,
    run,
)

from archivegen.incremental.cache import CACHE_PATH
from archivegen.render.page_store import STORE_FOLDER
from conftest import tree_bytes

STORE = CACHE_PATH.parent / STORE_FOLDER
CHECKED_OUT = OLD + 86_400  # the mtime a fresh checkout gives every file


def entries(folder: Path) -> list[str]:
    """Every file and folder below `folder`."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def fresh_checkout(project: Path) -> None:
    """What a CI job starts from: the build state restored, no output folder, and every
    file of the archive touched (the same bytes, a new mtime)."""
    shutil.rmtree(project / "site")
    age(project, CHECKED_OUT)


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


def test_a_fresh_checkout_of_an_unchanged_archive_is_put_back_not_built(project: Path) -> None:
    first = run(project)
    built = tree_bytes(project / "site")
    folders = entries(project / "site")
    fresh_checkout(project)
    report = run(project)
    assert tree_bytes(project / "site") == built
    assert entries(project / "site") == folders  # (no staging folder left behind)
    # The pages copied back, then a replay: nothing loaded, planned or rendered.
    assert phase_names(report) == ["restore", "check"]
    assert (report.rendered, report.written, report.restored, report.unchanged) == (
        0, first.written, first.written, 0)
    assert (report.articles, report.pages, report.diagnostics) == (
        first.articles, first.pages, first.diagnostics)
    # The state now describes this checkout: the next build is a no-op.
    again = run(project)
    assert phase_names(again) == ["check"]
    assert (again.written, again.unchanged) == (0, first.written)


def test_a_fresh_checkout_with_an_edited_article_is_a_quick_rebuild(project: Path,
                                                                   tmp_path: Path) -> None:
    first = run(project)
    fresh_checkout(project)
    article = sorted((project / "articles").glob("gr_0*.txt"))[3]
    edit_body(article)
    os.utime(article, (CHECKED_OUT, CHECKED_OUT))
    report = run(project)
    assert_like_a_clean_build(project, tmp_path)
    assert phase_names(report)[0] == "restore" and phase_names(report)[-1] == "quick"
    assert 0 < report.rendered < first.written // 4  # its page, feeds, neighbours, search
    assert report.restored + report.rendered == first.written
    assert report.written == first.written


def test_a_fresh_checkout_with_a_new_article_builds_only_what_changed(project: Path,
                                                                     tmp_path: Path) -> None:
    first = run(project)
    fresh_checkout(project)
    new = project / "articles" / "zz_new.txt"  # its author, region and themes exist
    new.write_text("Harbour Pilots Report Longer Waits at the Straits\n\nBy [Daniel Okafor](#)\n\n"
                   "Strategic Culture, June 2, 2017\n\nRegion: [Europe](#)\n\n"
                   "Theme: [Militarization and WMD](#)\n\nPilots at two harbours said ships "
                   "waited up to a day longer for a berth this week, after a change of the "
                   "rules for vessels carrying fuel through the straits.\n")
    os.utime(new, (CHECKED_OUT, CHECKED_OUT))
    report = run(project)
    assert_like_a_clean_build(project, tmp_path)
    assert "restore" in phase_names(report) and "load" in phase_names(report)
    assert 0 < report.rendered < first.written // 2
    assert report.restored > first.written // 2


def test_a_fresh_checkout_with_an_edited_template_renders_its_pages(project: Path,
                                                                   tmp_path: Path) -> None:
    from archivegen.config import SiteConfig, theme_dirs

    default_theme = theme_dirs(project, SiteConfig())[-1]
    (project / "templates").mkdir()
    terms = (default_theme / "terms.html").read_text()
    (project / "templates" / "terms.html").write_text(terms)
    first = run(project)
    fresh_checkout(project)
    (project / "templates" / "terms.html").write_text(terms.replace("<h1", "<h1 class=t", 1))
    report = run(project)
    assert "restore" in phase_names(report) and report.full_because
    assert 0 < report.rendered < first.written // 2
    elsewhere = tmp_path / "clean-project"  # a clean build with the same override
    shutil.copytree(project / "templates", elsewhere / "templates")
    assert tree_bytes(project / "site") == clean_build(project, elsewhere)


def test_a_fresh_checkout_with_a_touched_template_is_still_put_back(project: Path) -> None:
    from archivegen.config import SiteConfig, theme_dirs

    (project / "templates").mkdir()
    terms = (theme_dirs(project, SiteConfig())[-1] / "terms.html").read_text()
    (project / "templates" / "terms.html").write_text(terms)
    age(project / "templates")
    first = run(project)
    fresh_checkout(project)  # (the template too: same bytes, new mtime)
    report = run(project)
    assert phase_names(report) == ["restore", "check"]
    assert report.restored == first.written


def test_a_restore_that_breaks_off_leaves_the_build_to_make_the_rest(project: Path,
                                                                    tmp_path: Path,
                                                                    monkeypatch) -> None:
    """A restoring worker killed halfway (BrokenProcessPool): the build goes on, makes
    what is missing, and the site is a clean build's."""
    from concurrent.futures.process import BrokenProcessPool

    from archivegen.render.restore import RestoreWorkers

    first = run(project)
    real = RestoreWorkers.copied

    def breaks_off(self: RestoreWorkers):  # type: ignore[no-untyped-def]
        for done, copied in enumerate(real(self)):
            if done == 20:
                raise BrokenProcessPool("a restoring worker died")
            yield copied

    monkeypatch.setattr(RestoreWorkers, "copied", breaks_off)
    fresh_checkout(project)
    report = run(project)
    assert report.errors == 0 and "restore" not in phase_names(report)
    assert report.full_because  # not trusted as restored: the full build checks every page
    # (The pages the worker did copy are found holding the stored bytes: "unchanged".)
    assert report.written + report.unchanged == first.written
    assert_like_a_clean_build(project, tmp_path)
