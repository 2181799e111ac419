"""Incremental builds and their cache: a build with nothing to do writes nothing (and
replays the last build's diagnostics, importing none of the pipeline), an edit rewrites only
what it changes, and a deleted article, a corrupt or outdated cache, swapped files, pages
edited by hand or a running build's lock never make the result differ from a clean build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from incremental_helpers import (
    NOOP_IMPORTS,
    OLD,
    age,
    clean_build,
    run,
)

from archivegen.errors import ArchivegenError
from conftest import FIXTURES, REPO, tree_bytes

pytestmark = pytest.mark.slow  # each test builds the fixture archive several times


def test_second_build_renders_and_writes_nothing(project: Path) -> None:
    first = run(project)
    assert first.rendered == first.written > 150
    second = run(project)
    assert (second.rendered, second.written, second.removed) == (0, 0, 0)
    assert second.unchanged == first.written


def changed_files(was: dict[str, bytes], now: dict[str, bytes]) -> dict[str, list[str]]:
    """The files that differ, by what they are: pages, feeds, search index files."""
    found: dict[str, list[str]] = {"pages": [], "feeds": [], "search": []}
    for path in sorted(was.keys() | now.keys()):
        if was.get(path) != now.get(path):
            kind = ("search" if path.startswith("search/")
                    else "feeds" if path.endswith("feed.xml") else "pages")
            found[kind].append(path)
    return found


def test_editing_the_end_of_a_body_rewrites_only_that_article(project: Path) -> None:
    """Its page; and, since they carry its body and its words, the feeds holding it and the
    search index's files of the words it changed. No listing or other page."""
    run(project)
    was = tree_bytes(project / "site")
    article = project / "articles" / "gr_001_border-tension.txt"
    if not article.exists():
        article = sorted((project / "articles").glob("gr_*.txt"))[0]
    text = article.read_text()
    marker = "The original source of this article is"
    article.write_text(text.replace(marker, "A new closing paragraph.\n\n" + marker, 1))
    age(project / "articles")
    report = run(project)
    changed = changed_files(was, tree_bytes(project / "site"))
    assert len(changed["pages"]) == 1 and changed["feeds"] and changed["search"]
    assert all(b"A new closing paragraph." in (project / "site" / feed).read_bytes()
               for feed in changed["feeds"])
    total = sum(map(len, changed.values()))
    assert (report.rendered, report.written) == (total, total)


def test_editing_a_title_updates_the_listings_it_is_on(project: Path, tmp_path: Path) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[0]
    article.write_text(article.read_text().replace("title:", "title: Renamed —", 1))
    age(project / "articles")
    report = run(project)
    assert 1 < report.rendered < 60  # its page, its listings; not all 182 files
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


def test_editing_a_template_rerenders_only_pages_that_use_it(project: Path) -> None:
    first = run(project)
    (project / "templates").mkdir()
    listing = (REPO / "templates" / "terms.html").read_text()
    (project / "templates" / "terms.html").write_text(listing.replace("<h1>", "<h1 class='x'>"))
    report = run(project)
    taxonomy_indexes = 7
    assert report.rendered == taxonomy_indexes
    assert report.unchanged == first.written - taxonomy_indexes


def test_a_deleted_article_leaves_nothing_behind(project: Path, tmp_path: Path) -> None:
    run(project)
    victim = sorted((project / "articles").glob("md_*.md"))[-1]
    victim.unlink()
    run(project)
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


def test_a_corrupt_cache_means_a_clean_build(project: Path, tmp_path: Path) -> None:
    run(project)
    cache = next((project / ".archivegen").glob("cache-*.sqlite"))
    cache.write_bytes(b"this is not a database" * 100)
    report = run(project)
    assert report.errors == 0
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


def test_caches_of_other_schema_versions_are_removed(project: Path) -> None:
    """An upgrade leaves no stale cache behind (each is over a gigabyte at 10^5 articles),
    nor templates compiled by older code; files that only look alike are left alone."""
    from archivegen.incremental.cache import CACHE_PATH, code_version

    folder = project / ".archivegen"
    folder.mkdir()
    old = [folder / "cache-v1.sqlite", folder / "cache-v2.sqlite-journal"]
    kept = [folder / "cache-v3.sqlite.bak", folder / "notes.txt"]
    for path in old + kept:
        path.write_bytes(b"old")
    compiled = folder / "jinja" / "0.0.1+0123456789abcdef" / "__jinja2_x.cache"
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes(b"templates compiled by other code")
    run(project)
    assert (project / CACHE_PATH).is_file()
    assert [path.exists() for path in old + kept] == [False, False, True, True]
    assert not compiled.parent.exists()
    assert [p.name for p in (folder / "jinja").iterdir()] == [code_version()]


def test_nothing_changed_replays_diagnostics_and_notices_missing_outputs(
        tmp_path: Path) -> None:
    shutil.copytree(FIXTURES.parent.parent / "seeds", tmp_path / "articles")
    age(tmp_path / "articles")
    first = run(tmp_path)
    second = run(tmp_path)
    assert [name for name, _ in second.phases] == ["check"]  # stats alone said: nothing to do
    assert second.diagnostics == first.diagnostics and second.warnings == 1
    assert (second.written, second.unchanged) == (0, first.written)
    (tmp_path / "site" / "index.html").unlink()
    third = run(tmp_path)
    # Copied back from the build state's page store, not rendered: the page is as planned.
    assert (third.rendered, third.restored, third.written) == (0, 1, 1)
    assert (tmp_path / "site" / "index.html").is_file()


def test_files_swapped_by_name_with_equal_size_and_mtime_are_noticed(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    for name, title in (("a.md", "First"), ("b.md", "Other")):
        (tmp_path / "articles" / name).write_text(f"---\ntitle: {title}\n---\n\nBody.\n")
    age(tmp_path / "articles")
    run(tmp_path)
    a, b = tmp_path / "articles" / "a.md", tmp_path / "articles" / "b.md"
    a.rename(tmp_path / "t.md")
    b.rename(a)
    (tmp_path / "t.md").rename(b)
    age(tmp_path / "articles")  # the same size and mtime as before the swap
    run(tmp_path)
    assert tree_bytes(tmp_path / "site") == clean_build(tmp_path, tmp_path / "x")


def test_computed_include_names_are_fingerprinted(project: Path, tmp_path: Path) -> None:
    (project / "templates" / "parts").mkdir(parents=True)
    article = (REPO / "templates" / "article.html").read_text()
    (project / "templates" / "article.html").write_text(article.replace(
        "<article class=\"article\">",
        "{% set part = 'extra' %}{% include 'parts/' ~ part ~ '.html' %}"
        "<article class=\"article\">{% include 'missing.html' ignore missing %}"))
    (project / "templates" / "parts" / "extra.html").write_text("v1")
    assert run(project).errors == 0
    (project / "templates" / "parts" / "extra.html").write_text("v2")
    report = run(project)
    assert report.rendered == 50
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


def test_link_warnings_survive_incremental_builds(project: Path) -> None:
    """--strict must fail incrementally exactly when it fails on a clean build."""
    bad = sorted((project / "articles").glob("md_*.md"))[0]
    bad.write_text(bad.read_text() + "\nSee [this](javascript:alert(1)) for more.\n")
    age(project / "articles")
    assert [d.code for d in run(project).diagnostics] == ["AG031"]
    other = sorted((project / "articles").glob("md_*.md"))[1]
    other.write_text(other.read_text().replace("title:", "title: Changed", 1))
    age(project / "articles", OLD + 5)
    report = run(project)
    assert report.rendered > 0  # not the no-op path: pages were re-rendered, the bad one not
    assert [d.code for d in report.diagnostics] == ["AG031"]


@pytest.mark.parametrize("inputs_changed", [False, True])
def test_pages_edited_by_hand_are_restored(project: Path, tmp_path: Path,
                                           inputs_changed: bool) -> None:
    """The site is output, not a place to edit: a page changed, truncated or replaced by hand
    is rebuilt, whether or not any input changed meanwhile."""
    run(project)
    site = project / "site"
    (site / "index.html").write_text("edited by hand")
    page = next(p for p in sorted(site.rglob("index.html")) if p.parent.name != "site")
    page.write_bytes(page.read_bytes()[:100])
    if inputs_changed:
        article = sorted((project / "articles").glob("md_*.md"))[0]
        article.write_text(article.read_text() + "\nOne more line.\n")
        age(project / "articles", OLD + 10)
    report = run(project)
    assert report.written >= 2
    assert tree_bytes(site) == clean_build(project, tmp_path)


def test_an_incremental_build_reads_back_only_the_records_it_renders(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Heads are enough for listings; whole records (bodies) come from the cache only for the
    article pages rendered (by the full build: a quick rebuild, off here, reads none)."""
    from archivegen.incremental import cache, quick

    monkeypatch.setattr(quick, "QUICK_MAX_FILES", 0)
    run(project)
    read: list[str] = []
    original = cache.RecordReader.article

    def counting(self: cache.RecordReader, source_path: str, key: str):  # type: ignore[no-untyped-def]
        read.append(key)
        return original(self, source_path, key)

    monkeypatch.setattr(cache.RecordReader, "article", counting)
    was = tree_bytes(project / "site")
    article = sorted((project / "articles").glob("md_*.md"))[0]
    article.write_text(article.read_text() + "\nOne more line.\n")
    age(project / "articles", OLD + 10)
    report = run(project)
    changed = changed_files(was, tree_bytes(project / "site"))
    assert len(changed["pages"]) == 1 and changed["feeds"]
    assert report.rendered == sum(map(len, changed.values()))
    # Its record for its page, then those of the entries of each feed made again (a feed
    # carries its articles' bodies), and no other.
    key = article.relative_to(project / "articles").as_posix()
    assert read[0] == key and read.count(key) == 1 + len(changed["feeds"])
    assert len(read) <= 1 + 20 * len(changed["feeds"])


def test_a_second_build_of_the_same_project_is_refused_while_one_runs(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    from archivegen.cli import main

    lock = project / ".archivegen" / "build.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        with pytest.raises(ArchivegenError, match="another build of this project is running"):
            run(project)
        os.chdir(project)
        assert main(["build", "-q", "--input", "articles", "--output", "site"]) == 2
        assert "another build of this project is running" in capsys.readouterr().err
        assert not (project / "site").exists()  # nothing was written meanwhile
    assert run(project).errors == 0  # released: the next build runs


def test_a_build_with_nothing_to_do_does_not_import_the_pipeline(project: Path) -> None:
    """Most of a no-op build's time would be importing Jinja, Markdown and numpy."""
    first = subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)],
                           capture_output=True, text=True, check=True)
    assert "archivegen.build" in first.stdout  # the first build runs the pipeline
    proc = subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "imported:"
    (project / "articles" / "new.md").write_text("---\ntitle: New\n---\n\nBody.\n")
    age(project / "articles", OLD + 10)
    proc = subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)],
                          capture_output=True, text=True, check=True)
    assert "archivegen.build" in proc.stdout  # a change: the pipeline runs


def test_the_api_and_the_cli_share_one_build_state(project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`build()` given relative folders and the CLI (which resolves them) build the same
    site: switching between them renders nothing again."""
    from archivegen.cli import main

    run(project)
    os.chdir(project)
    capsys.readouterr()
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    assert ": 0 rendered, 0 written," in capsys.readouterr().out
