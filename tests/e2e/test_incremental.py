"""Incremental builds: only what changed is rendered and written, and the result always equals
a clean build, byte for byte."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.config import SiteConfig, parse_config
from archivegen.dispatch import build
from archivegen.errors import ArchivegenError, Diagnostics
from archivegen.incremental.cache import CACHE_PATH
from conftest import FIXTURES, REPO, tree_bytes

ARCHIVE = FIXTURES / "archive"
OLD = 1_600_000_000  # an mtime far in the past, so stats are trusted (not "racy")


def age(folder: Path, seconds: int = OLD) -> None:
    """Set every mtime to `seconds`, so stats are trusted (not "racy"); each step of an edit
    sequence uses a later time, as real edits do."""
    for path in folder.rglob("*"):
        os.utime(path, (seconds, seconds))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with its own cache: articles/ in, site/ out."""
    shutil.copytree(ARCHIVE, tmp_path / "articles")
    age(tmp_path / "articles")
    return tmp_path


def run(project: Path, **config: object):
    return build(project, SiteConfig(input="articles", output="site", **config))  # type: ignore[arg-type]


def clean_build(project: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    build(tmp, SiteConfig(input=str(project / "articles"), output=str(out)), use_cache=False)
    return {k: v for k, v in tree_bytes(out).items()}


def test_second_build_renders_and_writes_nothing(project: Path) -> None:
    first = run(project)
    assert first.rendered == first.written > 150
    second = run(project)
    assert (second.rendered, second.written, second.removed) == (0, 0, 0)
    assert second.unchanged == first.written


def test_editing_the_end_of_a_body_rewrites_only_that_article(project: Path) -> None:
    run(project)
    article = project / "articles" / "gr_001_border-tension.txt"
    if not article.exists():
        article = sorted((project / "articles").glob("gr_*.txt"))[0]
    text = article.read_text()
    marker = "The original source of this article is"
    article.write_text(text.replace(marker, "A new closing paragraph.\n\n" + marker, 1))
    age(project / "articles")
    report = run(project)
    assert (report.rendered, report.written) == (1, 1)


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


# Kills the build process (SIGKILL) when the writer has taken in the Nth file: pages that
# workers render are already written by then (workers write their own pages), the others
# are written by the build process; the workers die with it.
KILLER = """
import os, signal, sys
import archivegen.build as build
import archivegen.incremental.quick as quick
import archivegen.workers as workers
workers.RENDER_PARALLEL_MIN = 1  # pages render in worker processes, as at scale
quick.QUICK_MAX_FILES = 0  # the full build, whatever changed
real = build.write_tree
def dying_write_tree(output_dir, files, *rest, **kw):
    def counted():
        for number, f in enumerate(files, start=1):
            if number == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)
            yield f
    return real(output_dir, counted(), *rest, **kw)
build.write_tree = dying_write_tree
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("kill_at", [2, 40, 150])
def test_a_killed_build_is_repaired_by_the_next(project: Path, tmp_path: Path,
                                                kill_at: int) -> None:
    run(project, page_size=7)  # the killed build (default page size) rewrites every page
    # Change enough that the killed build has many files to write.
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(project), str(kill_at)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    run(project)
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


EDITS = st.lists(st.tuples(st.sampled_from(["body", "title", "date", "day", "theme",
                                            "known-theme", "author", "layout", "piece",
                                            "delete", "add", "rename", "sidecar", "config",
                                            "template", "copy", "link"]),
                           st.integers(min_value=0, max_value=1000)),
                 min_size=1, max_size=4)


def apply_edit(project: Path, kind: str, n: int) -> None:
    articles = sorted(p for p in (project / "articles").iterdir() if p.suffix in (".md", ".txt"))
    if not articles:
        kind = "add"
    target = articles[n % len(articles)] if articles else None
    if kind == "add":
        (project / "articles" / f"new_{n}.md").write_text(
            f"---\ntitle: New article {n}\ndate: 2020-0{1 + n % 9}-1{n % 10}\n"
            f"themes: [Theme {n % 3}]\n---\n\nBody of new article {n}.\n")
    elif kind == "delete":
        target.unlink()
    elif kind == "rename":
        target.rename(target.with_name(f"renamed_{n}_{target.name}"))
    elif kind == "sidecar":
        Path(str(target) + ".yaml").write_text(f"tags: [sidecar-{n % 4}]\n")
    elif kind == "config":
        (project / "archivegen.yaml").write_text(f"page_size: {3 + n % 5}\n")
    elif kind == "piece":  # the title of the second piece of the file that has one
        for path in articles:
            if "Grain Prices In The Valley" in path.read_text():
                path.write_text(path.read_text().replace(
                    "Grain Prices In The Valley", f"Grain Prices In The Valley {n}", 1))
    elif kind == "layout":
        plain = project / "articles" / PLAIN_NAME
        if plain.exists():
            text = plain.read_text()
            plain.write_text(text.partition("\n---\n")[2] if text.startswith("---\n") else
                             f"---\ntitle: {PLAIN_TITLE}\n---\n\n{PLAIN_BODY}")
    elif kind == "template":
        (project / "templates").mkdir(exist_ok=True)
        base = (REPO / "templates" / "base.html").read_text()
        (project / "templates" / "base.html").write_text(base.replace("</footer>",
                                                                      f"<!-- {n} --></footer>"))
    else:
        text = target.read_text()
        if kind == "body":
            text += f"\n\nAn added paragraph {n}.\n"
        elif kind == "link":
            text += f"\n\nSee [item {n}](javascript:alert({n})).\n"
        elif kind == "copy":  # the body of the next article, after this one's own head
            other = articles[(n + 1) % len(articles)].read_text()
            text = text[:body_start(text)] + other[body_start(other):]
        elif kind == "title":
            lines = text.split("\n")
            i = next(i for i, line in enumerate(lines) if line.strip() and line != "---")
            if lines[i].startswith("title:"):  # front matter: keep the YAML valid
                title = yaml.safe_load(lines[i])["title"]
                lines[i] = "title: " + json.dumps(f"{title} {n}")
            else:
                lines[i] = lines[i] + f" {n}"
            text = "\n".join(lines)
        elif kind == "date":
            text = text.replace("2019", "2021").replace("2017", "2016")
        elif kind == "day":  # another day of the same month: its URL and place change
            day = 1 + n % 28
            text = re.sub(r"^(date: \d{4}-\d{2})-\d{2}$", rf"\g<1>-{day:02d}", text,
                          count=1, flags=re.M)
            text = re.sub(r"^(Global Research, [A-Z][a-z]+ )\d{1,2}(, \d{4})$",
                          rf"\g<1>{day}\g<2>", text, count=1, flags=re.M)
        elif kind == "known-theme":  # a theme other articles have: no listing appears
            text = text.replace("Theme: [", "Theme: [Economy](#), [").replace(
                "themes: [", "themes: [Economy, ")
        elif kind == "theme":
            text = text.replace("Theme: [", f"Theme: [Extra {n % 3}](#), [").replace(
                "themes: [", f"themes: [Extra {n % 3}, ")
        elif kind == "author":
            text = text.replace("By [", f"By [Author {n % 4}](#) and [").replace(
                "authors: [", f"authors: [Author {n % 4}, ")
        target.write_text(text)


def body_start(text: str) -> int:
    """Where the body starts, after front matter or the byline block's short lines."""
    if text.startswith("---\n"):
        return text.index("\n---\n", 4) + 5
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if len(line) > 120)
    return len("\n".join(lines[:first])) + 1


def config_of(project: Path) -> SiteConfig:
    path = project / "archivegen.yaml"
    text = path.read_text() if path.exists() else ""
    config = parse_config(text, str(path), Diagnostics())
    return dataclasses.replace(config, input="articles", output="site")


def small_archive(dest: Path) -> None:
    """Twelve articles of both formats, one file of them in two pieces, and an undated plain
    text: enough for every page type, quick to build often."""
    dest.mkdir()
    names = sorted(p.name for p in ARCHIVE.iterdir() if p.suffix in (".md", ".txt"))
    for name in names[:6] + names[-6:]:
        shutil.copy(ARCHIVE / name, dest / name)
    first = dest / names[0]
    assert first.name.startswith("gr_") and PIECE_MARK in first.read_text()
    first.write_text(first.read_text().replace(PIECE_MARK, SECOND_PIECE + PIECE_MARK, 1))
    (dest / PLAIN_NAME).write_text(f"{PLAIN_TITLE}\n\n{PLAIN_BODY}")
    age(dest)


# The undated plain-text article of small_archive; the "layout" edit gives it front matter
# (or takes it away) under the same title.
PLAIN_NAME, PLAIN_TITLE = "zz_ferry.txt", "River Ferry Stops Again"
PLAIN_BODY = ("The river ferry that links the two halves of the old town stopped running on "
              "Monday after its engine failed again, and residents say the council has not "
              "said when it will be repaired or replaced this year.\n")
PIECE_MARK = "The original source of this article is"


# AG_PROPERTY_EXAMPLES=150 for a longer run than CI's.
@settings(max_examples=int(os.environ.get("AG_PROPERTY_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_incremental_output_equals_a_clean_build(tmp_path_factory: pytest.TempPathFactory,
                                                 edits: list[tuple[str, int]]) -> None:
    project = tmp_path_factory.mktemp("project")
    small_archive(project / "articles")
    build(project, config_of(project))
    for step, (kind, n) in enumerate(edits, start=1):
        apply_edit(project, kind, n)
        age(project / "articles", OLD + step)
        config = config_of(project)
        report = build(project, config)
        assert report.errors == 0  # after errors, stale pages are kept on purpose
        elsewhere = tmp_path_factory.mktemp("clean")  # a report of its own
        clean = dataclasses.replace(config, input=str(project / "articles"),
                                    output=str(elsewhere / "site"),
                                    theme_dir=str(project / config.theme_dir))
        build(elsewhere, clean)  # (a cache of its own: the listings a full build stores)
        assert tree_bytes(project / "site") == tree_bytes(elsewhere / "site"), (kind, n)
        assert report_file(project) == report_file(elsewhere), (kind, n)
        if quick_basis(project):  # what the next quick rebuild will start from
            assert listings_table(project) == listings_table(elsewhere), (kind, n)


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
    assert (third.rendered, third.written) == (1, 1)
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


def test_an_interrupted_build_is_never_replayed(project: Path, tmp_path: Path) -> None:
    (project / "archivegen.yaml").write_text("title: Old Title\n")
    run_old = SiteConfig(input="articles", output="site", title="Old Title")
    build(project, run_old)
    killer = KILLER.replace('main(["build", "-q", "--input", "articles", "--output", "site"])',
                            'main(["build", "-q", "--config", "new.yaml"])')
    (project / "new.yaml").write_text("title: New Title\ninput: articles\noutput: site\n")
    proc = subprocess.run([sys.executable, "-c", killer, str(project), "100"],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    build(project, run_old)  # back to the old config: stats alone would say "nothing changed"
    build(project, dataclasses.replace(run_old, output=str(tmp_path / "clean")), use_cache=False)
    assert tree_bytes(project / "site") == tree_bytes(tmp_path / "clean")


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
    article = sorted((project / "articles").glob("md_*.md"))[0]
    article.write_text(article.read_text() + "\nOne more line.\n")
    age(project / "articles", OLD + 10)
    report = run(project)
    assert report.rendered == 1
    assert read == [article.relative_to(project / "articles").as_posix()]


def test_a_killed_build_leaves_no_worker_processes(project: Path, tmp_path: Path) -> None:
    """Render workers exit when the build process is killed, instead of waiting for work
    forever (holding the terminal, or a caller's pipes, open)."""
    run(project)
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    log = (tmp_path / "killed.log").open("wb")
    mark = f"ARCHIVEGEN_TEST_MARK={project}"  # inherited by every process the build starts
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(project), "2"],
                            stdout=log, stderr=log,
                            env={**os.environ, "ARCHIVEGEN_TEST_MARK": str(project)})
    assert proc.wait(timeout=120) == -signal.SIGKILL
    for _ in range(100):
        left = processes_with(mark)
        if not left:
            break
        time.sleep(0.1)
    assert left == []


def processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds `variable` ("NAME=value", read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # exited meanwhile
            continue
    return found


KILL_BEFORE_RENAME = """
import os, signal, sys
real = os.replace
count = [0]
def dying(src, dst, *rest, **kw):
    if str(src).endswith(".part"):
        count[0] += 1
        if count[0] == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)  # the temporary file is written, not renamed
    return real(src, dst, *rest, **kw)
os.replace = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("kill_at", [1, 30])
def test_a_build_killed_before_a_rename_leaves_no_temporary_files(
        project: Path, tmp_path: Path, kill_at: int) -> None:
    run(project)
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    proc = subprocess.run([sys.executable, "-c", KILL_BEFORE_RENAME, str(project),
                           str(kill_at)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert list((project / "site").rglob("*.part"))  # the kill did leave one behind
    run(project)
    assert not list((project / "site").rglob("*.part"))
    assert not (project / "site" / ".archivegen-tmp").exists()
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


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


NOOP_IMPORTS = """
import os, sys
from archivegen.cli import main
os.chdir(sys.argv[1])
assert main(["build", "-q", "--input", "articles", "--output", "site"]) == 0
print("imported:", *(m for m in ("jinja2", "markdown_it", "numpy", "archivegen.build",
                                  "yaml", "archivegen.dedupe.detect", "importlib.resources")
                     if m in sys.modules))
"""


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
    assert main(["build", "-q", "--input", "articles", "--output", "site"]) == 0
    assert ": 0 rendered, 0 written," in capsys.readouterr().out


# --- quick rebuilds (quick.py): a few changed bodies, nothing else planned again ---------

def phase_names(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for name, _ in report.phases]


def report_file(project: Path) -> dict[str, object]:
    """The build report without its summary (counts and seconds differ between builds)."""
    data = json.loads((project / ".archivegen" / "build-report.json").read_text("utf-8"))
    del data["summary"]
    return data


def assert_like_a_clean_build(project: Path, tmp_path: Path) -> None:
    """The site and the report's diagnostics and articles equal a clean build's (made in
    a folder of its own: the report is written to the project folder)."""
    elsewhere = tmp_path / "clean-project"
    shutil.rmtree(elsewhere, ignore_errors=True)
    elsewhere.mkdir()
    assert tree_bytes(project / "site") == clean_build(project, elsewhere)
    assert report_file(project) == report_file(elsewhere)


def edit_body(path: Path, added: str = "A sentence added at the end.") -> None:
    path.write_text(path.read_text() + f"\n\n{added}\n")


def test_a_body_edit_renders_its_page_without_planning_the_site(project: Path,
                                                                tmp_path: Path) -> None:
    first = run(project)
    article = sorted((project / "articles").glob("gr_*.txt"))[3]
    edit_body(article)
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert (report.rendered, report.written, report.removed) == (1, 1, 0)
    assert report.unchanged == first.written - 1
    assert (report.articles, report.pages) == (first.articles, first.pages)
    assert_like_a_clean_build(project, tmp_path)
    again = run(project)  # and the next build has nothing to do
    assert phase_names(again) == ["check"] and again.written == 0


def quick_basis(project: Path) -> str:
    with sqlite3.connect(project / CACHE_PATH) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'quick_basis'").fetchone()
        return str(row[0]) if row else ""


def listings_table(project: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(project / CACHE_PATH) as db:
        return sorted(db.execute("SELECT url, count, spec, members FROM listings"))


def assert_listings_like_a_full_build(project: Path, tmp_path: Path) -> None:
    """The listings the cache keeps for quick rebuilds are those a full build stores."""
    elsewhere = tmp_path / "full-project"
    shutil.rmtree(elsewhere, ignore_errors=True)
    elsewhere.mkdir()
    build(elsewhere, SiteConfig(input=str(project / "articles"), output="site"))
    assert listings_table(project) == listings_table(elsewhere)


# Edits of what listings show, within listings that exist: (pattern, replacement) for the
# front matter of the first article matching, then of the next one.
SHOWN_EDITS = {
    "title": [(r"^title: (.*)$", r"title: Retitled \1")] * 2,
    "theme": [(r"^themes: \[", "themes: [Economy, "), (r"^themes: \[", "themes: [History, ")],
    "author": [(r"^authors: ([^\[\n]+)$", r"authors: [Farah Siddiqui, \1]")] * 2,
    # the same month, another day (its URL and place change); then into another month
    "date": [(r"^date: 2019-03-14$", "date: 2019-03-02"),
             (r"^date: 2019-03-14$", "date: 2020-03-14")],
}


@pytest.mark.parametrize("kind", sorted(SHOWN_EDITS))
def test_edits_other_pages_show_render_just_those_pages(project: Path, tmp_path: Path,
                                                        kind: str) -> None:
    """Its listings, their feeds, its taxonomies' index pages: from the cached listings."""
    run(project)
    for step, (pattern, replacement) in enumerate(SHOWN_EDITS[kind], start=1):
        article = next(p for p in sorted((project / "articles").glob("md_*.md"))
                       if re.search(pattern, p.read_text(), flags=re.M))
        article.write_text(re.sub(pattern, replacement, article.read_text(), count=1,
                                  flags=re.M))
        age(project / "articles", OLD + step)
        report = run(project)
        assert phase_names(report) == ["check", "quick"], report.full_because
        assert_like_a_clean_build(project, tmp_path)
        assert_listings_like_a_full_build(project, tmp_path)


SECOND_PIECE = ("Second Piece About Grain Prices In The Valley\n\nBy [Owen Clarke](#)\n\n"
                "Global Research, May 30, 2017\n\nGrain prices in the valley rose sharply this "
                "week as traders reported shortages of seed and fuel, and farmers said they could "
                "not plan the coming season without clearer guidance from the ministry about "
                "subsidies and import quotas for the spring.\n\n")


@pytest.mark.parametrize("piece", [1, 2])
def test_editing_one_piece_of_a_file_of_several(project: Path, tmp_path: Path,
                                                piece: int) -> None:
    """The file's other piece is read back from the cache as it was: the edited one must
    keep its new head (its listings showed the old title, linking to a page gone)."""
    source = project / "articles" / "gr_001_aid-convoys-checkpoint.txt"
    source.write_text(source.read_text().replace(PIECE_MARK, SECOND_PIECE + PIECE_MARK, 1))
    age(project / "articles")
    run(project)
    keys = [a["source"] for a in report_file(project)["articles"]]  # type: ignore[union-attr]
    assert {f"{source.name}#1", f"{source.name}#2"} <= set(keys)
    title = ("Aid Convoys Held at Eastern Desert Checkpoint as Border Talks Stall" if piece == 1
             else "Second Piece About Grain Prices In The Valley")
    source.write_text(source.read_text().replace(title, title + " Again", 1))
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    assert_like_a_clean_build(project, tmp_path)
    assert_listings_like_a_full_build(project, tmp_path)


def test_a_layout_change_that_keeps_the_url_is_in_the_report(project: Path,
                                                            tmp_path: Path) -> None:
    body = ("The river ferry that links the two halves of the old town stopped running on "
            "Monday after its engine failed again, and residents say the council has not said "
            "when it will be repaired or replaced this year.\n")
    article = project / "articles" / "zz_ferry.txt"
    article.write_text("River Ferry Stops Again\n\n" + body)
    age(project / "articles")
    run(project)
    article.write_text("---\ntitle: River Ferry Stops Again\n---\n\n" + body)
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    assert_like_a_clean_build(project, tmp_path)  # (its report too: the layout it names)


def test_a_title_edit_moves_the_page_and_renders_only_what_shows_it(project: Path,
                                                                    tmp_path: Path) -> None:
    first = run(project)
    before = tree_bytes(project / "site")
    article = sorted((project / "articles").glob("md_*.md"))[4]
    old_url = next(a["url"] for a in report_file(project)["articles"]  # type: ignore[union-attr]
                   if a["source"] == article.name)
    article.write_text(article.read_text().replace("title:", "title: Retitled", 1))
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert report.removed == 1 and not (project / "site" / old_url.strip("/")).exists()
    after = tree_bytes(project / "site")
    changed = {path for path, data in after.items() if before.get(path) != data}
    # Every page rendered changed (its page, the listing pages and feeds showing it), and
    # nothing else did: the index pages show counts, not titles.
    assert report.rendered == report.written == len(changed) - 1  # (the manifest)
    assert ".archivegen-manifest.json" in changed
    assert not {"archive/index.html", "themes/index.html", "authors/index.html"} & changed
    assert (report.articles, report.pages) == (first.articles, first.pages)
    assert_like_a_clean_build(project, tmp_path)
    assert phase_names(run(project)) == ["check"]


def test_a_body_edited_into_a_copy_of_another_takes_the_full_build(project: Path,
                                                                    tmp_path: Path) -> None:
    """Duplicate detection then groups it with another article, which can change pages
    beyond its own. Its stated summary keeps its head unchanged: only that sends the edit
    to the full build."""
    first, second = sorted((project / "articles").glob("md_*.md"))[2:4]
    first.write_text(first.read_text().replace("---\n", "---\nsummary: A stated summary.\n", 1))
    age(project / "articles")
    run(project)
    edit_body(first)
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]  # an ordinary edit is quick
    front, _, _ = first.read_text()[4:].partition("\n---\n")
    first.write_text("---\n" + front + "\n---\n" + second.read_text()[4:].partition("\n---\n")[2])
    age(project / "articles", OLD + 2)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)
    first.write_text("---\n" + front + "\n---\n\nA story of its own, told in its own words.\n")
    age(project / "articles", OLD + 3)
    assert "quick" not in phase_names(run(project))  # it was grouped: not any more
    assert_like_a_clean_build(project, tmp_path)


def test_a_title_edit_that_makes_two_copies_one_article_takes_the_full_build(
        project: Path, tmp_path: Path) -> None:
    """Two bodies alike under different titles are two articles; give them one title and
    they fold into one page. The edit keeps every body as it was: only the cached groups of
    duplicate detection can tell."""
    a, b = sorted((project / "articles").glob("md_*.md"))[2:4]
    front_a, _, body_a = a.read_text()[4:].partition("\n---\n")
    front_b = b.read_text()[4:].partition("\n---\n")[0]
    date_a = re.search(r"^date: .*$", front_a, flags=re.M)
    assert date_a is not None
    b.write_text("---\n" + re.sub(r"^date: .*$", date_a[0], front_b, flags=re.M)
                 + "\n---\n" + body_a)
    age(project / "articles")
    assert "AG024" not in [d.code for d in run(project).diagnostics]  # titles differ
    title_a = re.search(r"^title: .*$", front_a, flags=re.M)
    assert title_a is not None
    b.write_text(re.sub(r"^title: .*$", title_a[0], b.read_text(), count=1, flags=re.M))
    age(project / "articles", OLD + 1)
    report = run(project)
    assert "quick" not in phase_names(report)
    assert "has the body of another article" in report.full_because
    assert "AG024" in [d.code for d in report.diagnostics]
    assert_like_a_clean_build(project, tmp_path)


def test_a_body_edit_of_an_article_with_copies_takes_the_full_build(project: Path,
                                                                    tmp_path: Path) -> None:
    article = sorted((project / "articles").glob("gr_*.txt"))[5]
    shutil.copy(article, article.with_name("zz_copy_" + article.name))
    age(project / "articles")
    assert "AG024" in [d.code for d in run(project).diagnostics]
    edit_body(article)
    age(project / "articles", OLD + 1)
    report = run(project)
    assert "quick" not in phase_names(report)
    assert_like_a_clean_build(project, tmp_path)


def test_quick_rebuilds_report_the_warnings_of_what_they_load(project: Path,
                                                              tmp_path: Path) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[1]
    original = article.read_text()
    edit_body(article, "See [this](javascript:alert(1)) for more.")
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert [d.code for d in report.diagnostics] == ["AG031"]
    assert_like_a_clean_build(project, tmp_path)
    article.write_text(original)
    age(project / "articles", OLD + 2)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert report.diagnostics == ()
    assert_like_a_clean_build(project, tmp_path)


@pytest.mark.parametrize("damage", ["report deleted", "report edited", "page edited",
                                    "summary garbled", "summary mistyped"])
def test_a_quick_rebuild_trusts_only_what_the_last_build_left(project: Path, tmp_path: Path,
                                                              damage: str) -> None:
    run(project)
    report_path = project / ".archivegen" / "build-report.json"
    if damage == "report deleted":
        report_path.unlink()
    elif damage == "report edited":
        report_path.write_text(report_path.read_text().replace('"url"', '"URL"'))
    elif damage.startswith("summary"):
        garble_summary(project, damage)
    else:
        page = next((project / "site").glob("archive/index.html"))
        page.write_text("edited by hand")
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[0])
    age(project / "articles", OLD + 1)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)


def garble_summary(project: Path, how: str) -> None:
    import sqlite3

    from archivegen.incremental.cache import CACHE_PATH

    text = ('{' if how == "summary garbled" else
            '{"articles": 1, "pages": 1, "files": 1, '
            '"diagnostics": [["warning", "AG031", "m", ["a list"], 1, 1]]}')
    with sqlite3.connect(project / CACHE_PATH) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'summary'", (text,))


@pytest.mark.parametrize("how", ["summary garbled", "summary mistyped"])
def test_a_garbled_summary_with_nothing_changed_means_a_build(project: Path, tmp_path: Path,
                                                              how: str) -> None:
    run(project)
    garble_summary(project, how)
    assert phase_names(run(project)) != ["check"]
    assert_like_a_clean_build(project, tmp_path)


QUICK_KILLER = """
import os, signal, sys
import archivegen.incremental.quick as quick
real = quick.replace_owned
def dying(output_dir, files, gone=()):
    real(output_dir, list(files)[:1])
    os.kill(os.getpid(), signal.SIGKILL)
quick.replace_owned = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


def test_a_quick_rebuild_killed_after_writing_is_repaired_by_the_next(
        project: Path, tmp_path: Path) -> None:
    run(project)
    for article in sorted((project / "articles").glob("gr_*.txt"))[:3]:
        edit_body(article)
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", QUICK_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    run(project)
    assert_like_a_clean_build(project, tmp_path)


PLANNING_KILLER = """
import os, signal, sys
import archivegen.build as build
def dying(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
build.make_site = dying  # after the loaded sources are committed, before any page changes
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


def test_a_build_killed_while_planning_is_not_followed_by_a_quick_rebuild(
        project: Path, tmp_path: Path) -> None:
    """The killed build cached a new term; its listings were never written. A body edit
    after it must not be taken for the only change."""
    run(project)
    titled, edited = sorted((project / "articles").glob("md_*.md"))[:2]
    titled.write_text(titled.read_text().replace("themes: [", "themes: [Brand new, ", 1))
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", PLANNING_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    edit_body(edited)
    age(project / "articles", OLD + 2)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)


def unreadable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make reading the file `name` fail as it would without permission (tests run as
    root here, where chmod 000 does not stop a read). Builds of the fixture load in-process."""
    real = os.open

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(os.fsdecode(path)) == name:
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def test_a_file_unreadable_for_one_build_is_loaded_again_after(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its cache entry went with it: the copy it was is folded again, not taken for touched."""
    original = sorted((project / "articles").glob("gr_*.txt"))[7]
    copy = original.with_name("zz_copy_" + original.name)
    shutil.copy(original, copy)
    age(project / "articles")
    assert "AG024" in [d.code for d in run(project).diagnostics]
    with monkeypatch.context() as patch:
        unreadable(patch, copy.name)
        os.utime(copy, (OLD + 1, OLD + 1))
        assert [d.code for d in run(project).diagnostics] == ["AG003"]
    os.utime(copy, (OLD + 2, OLD + 2))
    assert [d.code for d in run(project).diagnostics] == ["AG024"]
    assert_like_a_clean_build(project, tmp_path)


@pytest.mark.parametrize("quick_rebuilds", [True, False])
def test_an_unreadable_sidecar_is_reported_by_every_kind_of_build(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        quick_rebuilds: bool) -> None:
    """The article's bytes are unchanged: it is not only touched, it lost its sidecar."""
    from archivegen.incremental import quick

    if not quick_rebuilds:
        monkeypatch.setattr(quick, "QUICK_MAX_FILES", 0)
    run(project)
    article = sorted((project / "articles").glob("gr_*.txt"))[2]
    sidecar = Path(str(article) + ".yaml")
    sidecar.write_text("tags: [added]\n")
    age(project / "articles", OLD + 1)
    unreadable(monkeypatch, sidecar.name)
    assert [d.code for d in run(project).diagnostics] == ["AG003"]
    assert_like_a_clean_build(project, tmp_path)


def test_a_theme_sees_term_counts_in_the_same_order_in_quick_rebuilds(
        project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    base = (REPO / "templates" / "base.html").read_text()
    (project / "templates" / "base.html").write_text(
        base.replace("</footer>", "{{ term_counts | list | join(',') }}</footer>"))
    age(project)
    run(project)
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[4])
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    elsewhere = tmp_path / "clean-project"
    elsewhere.mkdir()
    shutil.copytree(project / "templates", elsewhere / "templates")
    assert tree_bytes(project / "site") == clean_build(project, elsewhere)


REPORT_KILLER = """
import os, signal, sys
import archivegen.build as build
import archivegen.incremental.quick as quick
def dying(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
build.write_report = dying  # the site and its fingerprints are committed, the report not
quick.write_report = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("edit", [("title:", "title: Retitled"),  # a quick rebuild
                                  ("themes: [", "themes: [Brand new, ")])  # a full one
def test_a_build_killed_before_its_report_is_not_replayed(project: Path, tmp_path: Path,
                                                          edit: tuple[str, str]) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[3]
    article.write_text(article.read_text().replace(*edit, 1))
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", REPORT_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert phase_names(run(project)) != ["check"]
    assert_like_a_clean_build(project, tmp_path)


def test_a_quick_rebuild_from_the_cli_does_not_import_the_full_build(project: Path) -> None:
    subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)], check=True,
                   capture_output=True)
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[1])
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)],
                          capture_output=True, text=True, check=True)
    imported = proc.stdout.splitlines()[-1].split()[1:]
    assert "archivegen.build" not in imported and "jinja2" in imported  # it rendered a page
    report = json.loads((project / ".archivegen" / "build-report.json").read_text())
    assert report["summary"]["written"] == 1


@pytest.mark.parametrize("edit, because", [
    ("term", "an edit adds the listing /themes/brand-new/"),
    ("add", "article files were added, removed or renamed"),
    ("config", "settings, templates or archivegen itself changed"),
    ("copy", "is, or was, a copy of another article"),
])
def test_a_full_build_says_why_it_was_not_quick(project: Path, edit: str, because: str) -> None:
    first, second = sorted((project / "articles").glob("md_*.md"))[5:7]
    first.write_text(first.read_text().replace("---\n", "---\nsummary: Stated.\n", 1))
    age(project / "articles")
    run(project)
    if edit == "term":
        first.write_text(first.read_text().replace("themes: [", "themes: [Brand new, ", 1))
    elif edit == "add":
        (project / "articles" / "zz_new.md").write_text("---\ntitle: New\n---\n\nBody.\n")
    elif edit == "config":
        (project / "archivegen.yaml").write_text("page_size: 4\n")
        os.utime(project / "archivegen.yaml", (OLD, OLD))
    else:  # the body of another article under this one's front matter (same head)
        front = first.read_text()[4:].partition("\n---\n")[0]
        body = second.read_text()[4:].partition("\n---\n")[2]
        first.write_text("---\n" + front + "\n---\n" + body)
    age(project / "articles", OLD + 1)
    report = build(project, config_of(project))
    assert "quick" not in phase_names(report)
    assert because in report.full_because
    if edit == "copy":
        assert first.name in report.full_because


def test_the_cli_prints_why_a_build_was_not_quick(project: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.cli import main

    monkeypatch.chdir(project)
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    article = sorted((project / "articles").glob("md_*.md"))[0]
    (project / "articles" / "zz_new.md").write_text("---\ntitle: New\n---\n\nBody.\n")
    age(project / "articles", OLD + 1)
    capsys.readouterr()
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    out = capsys.readouterr().out
    assert "full build: article files were added, removed or renamed" in out
    edit_body(article)
    age(project / "articles", OLD + 2)
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    out = capsys.readouterr().out
    assert "phases: check" in out and "quick" in out and "full build:" not in out
