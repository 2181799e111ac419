"""Hostile files and build state (issue #14): one bad file costs one article, never the build;
nothing under .archivegen/ or the output's own state is followed through a symlink; a full
disk under the cache costs the cache, not the build.

Each case is built or checked through the CLI, in a project folder of its own (the working
folder, see conftest), as a user would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archivegen.cli import main
from archivegen.incremental import cache as cache_module
from archivegen.limits import DEFAULT_LIMITS
from archivegen.model import TAXONOMIES, ListingSpec, Term
from archivegen.render import writer
from archivegen.site.indexer import ListingState
from archivegen.urls import listing_url
from conftest import HARBOUR_ARTICLE, run_build, tree_bytes, two_article_project

ARTICLE = HARBOUR_ARTICLE
OLD = 1_600_000_000  # an mtime far in the past: stats are trusted (not "racy")


class Hung(BaseException):
    """Not an OSError (as TimeoutError is): the code under test must not catch it."""


@contextmanager
def deadline(seconds: int = 60) -> Iterator[None]:
    """Fail instead of hanging forever (a FIFO opened for reading blocks until a writer)."""
    def hung(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The working folder (the project) with in/ holding two ordinary articles."""
    return two_article_project(tmp_path)


def build(project: Path, *extra: str) -> int:
    with deadline():
        return run_build(project / "in", project / "out", *extra)


def pages(project: Path) -> list[str]:
    """The article pages built (their folder names, i.e. slugs)."""
    return sorted(p.parent.name for p in (project / "out").glob("**/index.html")
                  if (p.parent.parent.name.isdigit() or p.parent.parent.name == "undated")
                  and not p.parent.name.isdigit() and p.parent.name != "page")


def report(project: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((project / ".archivegen" / "build-report.json").read_text())


def codes(text: str, code: str) -> list[str]:
    return [line for line in text.splitlines() if line.endswith(f"[{code}]")]


def check(*paths: Path) -> int:
    with deadline():
        return main(["check", *map(str, paths)])


# --- regular files only -------------------------------------------------------------------


def test_fifo_is_skipped_with_a_warning_not_opened(project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(project / "in" / "pipe.txt")
    os.mkfifo(project / "in" / "harbour.txt.yaml")  # a sidecar that is a FIFO too
    assert build(project) == 0
    err = capsys.readouterr().err
    assert any(line.startswith("pipe.txt: warning:") for line in codes(err, "AG006")), err
    assert any(line.startswith("harbour.txt.yaml: warning:") for line in codes(err, "AG006"))
    assert "harbour-reopens-after-the-storm" in pages(project)
    assert check(project / "in") == 0
    assert codes(capsys.readouterr().out, "AG006")
    assert check(project / "in" / "pipe.txt") == 0


def test_device_node_is_skipped_not_read(project: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # /dev/null's numbers (a /dev/zero would be read until memory runs out): before the fix it
    # was read, and reported as an empty article (AG002), not as a device.
    try:
        os.mknod(project / "in" / "device.txt", stat.S_IFCHR | 0o644, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert build(project) == 0
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in codes(err, "AG006")] == ["device.txt"], err
    assert not codes(err, "AG002")
    assert check(project / "in" / "device.txt") == 0
    assert codes(capsys.readouterr().out, "AG006")


def test_socket_is_skipped_with_a_warning(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("in/socket.txt")  # relative: a socket's path is limited to 108 bytes
        assert build(project) == 0
    finally:
        server.close()
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in codes(err, "AG006")] == ["socket.txt"], err
    assert not codes(err, "AG003")


def test_oversized_article_and_sidecar_are_not_read(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    limit = DEFAULT_LIMITS.article_bytes
    (project / "in" / "huge.txt").write_bytes(b"Huge\n\n" + b"word " * (limit // 5))
    (project / "in" / "harbour.txt.yaml").write_bytes(b"# " + b"x" * limit + b"\n")
    assert build(project) == 0
    err = capsys.readouterr().err
    found = codes(err, "AG005")
    assert [line.split(":")[0] for line in found] == ["harbour.txt.yaml", "huge.txt"], err
    assert all(f"{limit:,}" in line for line in found), found
    assert f"{limit + 6:,}" in found[1]  # the file's own size
    assert "harbour-reopens-after-the-storm" in pages(project)  # built, without its sidecar
    assert check(project / "in" / "huge.txt") == 0
    assert codes(capsys.readouterr().out, "AG005")


# --- file names and times ------------------------------------------------------------------


def test_a_255_byte_name_costs_at_most_that_article(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    longest = "x" * 251 + ".txt"  # NAME_MAX: its sidecar's name cannot even exist
    (project / "in" / longest).write_text("no title here, just words\n\nAnd a body.\n")
    (project / "in" / ("y" * 251 + ".txt")).write_text("Words of another\n\nBody text.\n")
    assert build(project) == 0, capsys.readouterr().err
    assert len(pages(project)) == 4  # slugs are bounded: every article has its page
    assert all(len(name) <= 80 for name in pages(project))
    assert check(project / "in" / longest) == 0


def test_a_page_path_too_long_for_the_file_system_costs_that_article(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "short.txt").write_text("A\n\nBody of a short one.\n")
    title = " ".join(["Longword"] * 12)  # an 80-character slug
    (tmp_path / "in" / "long.txt").write_text(f"{title}\n\nBody of a long one.\n")
    # An output folder so deep that paths below it of up to 59 bytes fit within PATH_MAX
    # (4096): "undated/a/index.html" and the staging folder's files do, and
    # "undated/<71 characters>/index.html" does not.
    out = tmp_path
    while len(os.fsencode(out)) < 4036 - 200:
        out /= "d" * 200
    out /= "e" * (4036 - len(os.fsencode(out)) - 1)
    os.makedirs(out)
    with deadline():
        code = run_build(tmp_path / "in", out)
    err = capsys.readouterr().err
    assert code == 1, err
    assert [line.split(":")[0] for line in codes(err, "AG007")] == ["long.txt"], err
    assert "Traceback" not in err
    assert (out / "undated" / "a" / "index.html").is_file()  # the rest is built and written
    assert (out / "index.html").is_file()


LONG_NAME = "z" * 240 + ".txt"


def _folders_past_path_max(top: Path) -> tuple[list[str], str]:
    """Folders below `top` whose paths pass PATH_MAX (4096), made through folder handles (a
    path that long cannot be named whole), each holding `a.txt` and a file named LONG_NAME.
    Returns what a build must report as too long, as `path: kind`: the files whose paths
    pass the limit in folders that can be listed, then the first folder that cannot."""
    names: list[str] = []
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while len(os.fsencode(top)) + sum(len(n) + 1 for n in names) < 4096 + 200:
            name = f"{len(names):02d}" + "d" * 198
            os.mkdir(name, dir_fd=fd)
            fd_below = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = fd_below
            names.append(name)
            for file in ("a.txt", LONG_NAME):
                with open(os.open(file, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
                    f.write(f"Level {len(names)} {file[0]}\n\nA body.\n")
    finally:
        os.close(fd)
    length = [len(os.fsencode(top)) + sum(len(n) + 1 for n in names[:k])
              for k in range(len(names) + 1)]
    unlisted = next(k for k in range(len(names) + 1) if length[k] >= 4096)
    files = [f"{'/'.join(names[:k])}/{file}: file"
             for k in range(1, unlisted) for file in ("a.txt", LONG_NAME)
             if length[k] + 1 + len(file) >= 4096]
    return files, f"{'/'.join(names[:unlisted])}: folder"


def test_a_folder_past_the_path_limit_is_an_error_naming_it(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder that cannot be listed (or a file whose path is too long to read) was
    skipped in silence: its articles were missing from the site and nothing said so. Now
    an error (AG007 here) naming each; the rest is built, and a build with nothing changed
    says it again (replayed)."""
    files, folder = _folders_past_path_max(project / "in")
    assert files  # (the deepest folder listed holds a file too long to read)
    too_long = [f"{where} name too long for the file system; not read [AG007]"
                for where in [*files, folder]]
    try:
        for _ in range(2):
            assert build(project) == 1
            err = capsys.readouterr().err
            assert sorted(line.replace(": error: ", ": ")
                          for line in codes(err, "AG007")) == sorted(too_long)
            assert "Traceback" not in err
        built = pages(project)
        assert {"level-1-a", "level-1-z", "harbour-reopens-after-the-storm"} <= set(built)
        assert check(project / "in") == 1
        shown = capsys.readouterr()
        found = codes(shown.out + shown.err, "AG007")
        assert len(found) == len(too_long) and found[0].strip().startswith(f"{project / 'in'}/")
        assert main(["check", "--summary", str(project / "in")]) == 1
        assert "AG007" in capsys.readouterr().out
    finally:  # pytest's clean-up cannot name these paths either
        shutil.rmtree(project / "in")


def test_a_folder_that_cannot_be_listed_is_an_error_and_the_rest_builds(
        project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """No permission to list a folder (tests run as root, which may list any: its listing
    is made to fail as the system would). When it can be listed again, its articles are
    built: the folders not listed are part of what a build compares."""
    (project / "in" / "locked").mkdir()
    (project / "in" / "locked" / "inside.txt").write_text("Inside the folder\n\nA body.\n")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if isinstance(path, str) and path.endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    with monkeypatch.context() as patched:
        patched.setattr(os, "scandir", scandir)
        assert build(project) == 1
        assert codes(capsys.readouterr().err, "AG003") == [
            "locked: error: cannot read folder: Permission denied [AG003]"]
        assert "inside-the-folder" not in pages(project)
    assert build(project) == 0
    assert "inside-the-folder" in pages(project)


def test_names_with_undecodable_bytes_or_controls_cost_at_most_their_article(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each costs at most its own article, and what the terminal is told about one stays on
    its line: the reason a quick rebuild declined, naming the file, printed its newline raw
    (a line of its own, that could pass for a diagnostic)."""
    folder = os.fsencode(project / "in")
    story = b" story\n\nThe same body, word for word, in two files of the folder.\n"
    for name, title in ((b"bad\xff\xfename.txt", b"Undecodable name"),
                        (b"esc\x1b[2J\x07name.txt", b"Escape sequence name"),
                        (b"nl\n\x1b[2Jname.txt", b"Newline name"),
                        (b"tab\tname.txt", b"Newline name")):  # a copy of the one above
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(title + (story if title == b"Newline name" else b" story\n\n" + name))
        os.utime(os.path.join(folder, name), (OLD, OLD))
    for _ in range(2):  # the second build reads the cache (keys are file names)
        code = build(project)
        err = capsys.readouterr().err
        assert code == 1, err  # the name that is not UTF-8 is an error, for that file alone
        assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
        named = [line for line in err.splitlines() if line.startswith("bad")]
        assert len(named) == 1 and ": error:" in named[0], err
    assert pages(project) == sorted([
        "breaking-situation-escalates-at-syrian-iraqi-border-towards-a-dangerous-standoff",
        "escape-sequence-name-story", "harbour-reopens-after-the-storm", "newline-name-story"])
    sources = [a["source"] for a in report(project)["articles"]]
    assert "esc\x1b[2J\x07name.txt" in sources and "nl\n\x1b[2Jname.txt" in sources
    os.unlink(os.path.join(folder, b"bad\xff\xfename.txt"))  # (never cached: no quick rebuild)
    assert build(project) == 0
    with open(os.path.join(folder, b"nl\n\x1b[2Jname.txt"), "wb") as handle:
        handle.write(b"Newline name, retitled" + story)  # a copy's title: the full build
    os.utime(os.path.join(folder, b"nl\n\x1b[2Jname.txt"), (OLD + 60, OLD + 60))
    with deadline():
        assert main(["build", "--input", "in", "--output", "out"]) == 0
    out = capsys.readouterr().out
    assert "full build: 'nl\\n\\x1b[2Jname.txt' has the body of another article" in out, out
    assert all(line.startswith(("built ", "build report: ", "phases: ", "full build: "))
               for line in out.splitlines()), out


@pytest.fixture
def wide_times() -> Iterator[Path]:
    """A folder whose file system keeps any mtime (tmpfs; ext4 with small inodes clamps
    them to 1901..2446): /dev/shm where there is one."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("no tmpfs at /dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("seconds", [-62_167_219_200, 10**17])  # year 0; year 3*10^9
def test_out_of_range_mtime_does_not_cost_the_build(
        project: Path, wide_times: Path, seconds: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = wide_times / "in"
    shutil.copytree(project / "in", folder)
    (folder / "undated.txt").write_text("Undated report\n\nNobody said when.\n")
    os.utime(folder / "undated.txt", (OLD, seconds))
    if os.stat(folder / "undated.txt").st_mtime != seconds:
        pytest.skip("this file system cannot hold that time")
    (project / "archivegen.yaml").write_text("dates_from_file_times: true\n")
    for _ in range(2):  # the second build reads the cache
        with deadline():
            code = run_build(folder, project / "out")
        err = capsys.readouterr().err
        assert code == 0, err
        assert "Traceback" not in err and "error" not in err
    assert (project / "out" / "undated" / "undated-report" / "index.html").is_file()
    assert check(folder) == 0


# --- build state is never followed through a symlink ---------------------------------------


VICTIM = b"a file of the user's, outside the project\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "precious.txt"
    path.parent.mkdir()
    path.write_bytes(VICTIM)
    os.utime(path, (OLD, OLD))
    return path


def untouched(path: Path) -> bool:
    st = os.lstat(path)
    return path.read_bytes() == VICTIM and st.st_mtime == OLD


STATE = Path(".archivegen")
CACHE = cache_module.CACHE_PATH


@pytest.mark.parametrize("name", [CACHE.name, CACHE.name + "-journal", CACHE.name + "-wal",
                                  CACHE.name + "-shm", "build-report.json"])
def test_state_file_symlink_is_refused_and_its_target_kept(
        project: Path, victim: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project) == 0  # a cache and a report to start from
    if name.endswith(("-journal", "-wal", "-shm")):
        (project / "in" / "harbour.txt").write_text(ARTICLE + "\nAn edit.\n")  # writes the cache
    link = project / STATE / name
    link.unlink(missing_ok=True)
    link.symlink_to(victim)
    capsys.readouterr()
    assert build(project) == 0
    err = capsys.readouterr().err
    assert untouched(victim)
    assert link.is_symlink() and link.resolve() == victim
    assert any(name in line for line in codes(err, "AG061")), err
    assert "harbour-reopens-after-the-storm" in pages(project)


def test_dangling_state_symlinks_create_nothing(project: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "elsewhere" / "created.txt"
    target.parent.mkdir()
    (project / STATE).mkdir()
    for name in (CACHE.name, "build-report.json"):
        (project / STATE / name).symlink_to(target)
    assert build(project) == 0
    assert not target.exists()
    assert len(codes(capsys.readouterr().err, "AG061")) == 2


@pytest.mark.parametrize("dangling", [False, True])
def test_build_lock_symlink_stops_the_build(project: Path, victim: Path, dangling: bool,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (project / STATE).mkdir()
    target = victim.with_name("lock-target") if dangling else victim
    (project / STATE / "build.lock").symlink_to(target)
    assert build(project) == 2
    assert "AG061" in capsys.readouterr().err
    assert untouched(victim)
    assert not victim.with_name("lock-target").exists()
    assert not (project / "out").exists()


def test_state_folder_symlink_stops_the_build(project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / STATE).symlink_to(elsewhere, target_is_directory=True)
    assert build(project) == 2
    assert "AG061" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_compiled_template_folder_symlink_is_refused(project: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / STATE).mkdir()
    (project / STATE / "jinja").symlink_to(elsewhere, target_is_directory=True)
    assert build(project) == 0
    assert any("jinja" in line for line in codes(capsys.readouterr().err, "AG061"))
    assert list(elsewhere.iterdir()) == []
    assert "harbour-reopens-after-the-storm" in pages(project)


def test_manifest_symlink_is_refused_and_nothing_it_names_is_pruned(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out"
    out.mkdir()
    (out / "CNAME").write_text("example.org\n")  # the user's own file
    victim = tmp_path / "elsewhere.json"
    victim.write_text('{"generator": "archivegen", "files": ["CNAME"]}\n')
    before = victim.read_bytes()
    (out / ".archivegen-manifest.json").symlink_to(victim)
    assert build(project) == 0
    assert any(".archivegen-manifest.json" in line
               for line in codes(capsys.readouterr().err, "AG061"))
    assert (out / "CNAME").read_text() == "example.org\n"
    assert victim.read_bytes() == before
    assert "harbour-reopens-after-the-storm" in pages(project)


def test_a_manifest_over_its_size_limit_is_not_read_and_nothing_is_pruned(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted manifest was read whole (and parsed): one of gigabytes filled memory. Over
    writer.MAX_MANIFEST_BYTES (256 MB; lowered here to 4 KB) it is not read: nothing it
    names is pruned, and the build's own manifest replaces it."""
    monkeypatch.setattr(writer, "MAX_MANIFEST_BYTES", 4096)
    out = project / "out"
    out.mkdir()
    (out / "CNAME").write_text("example.org\n")
    manifest = out / ".archivegen-manifest.json"
    padding = [f"gone/{n}.html" for n in range(400)]  # (not there: nothing to prune)
    manifest.write_text(json.dumps({"generator": "archivegen", "files": ["CNAME", *padding]}))
    assert manifest.stat().st_size > 4096
    read = []
    real_read = writer.read_manifest
    monkeypatch.setattr(writer, "read_manifest", lambda d: read.append(real_read(d)) or read[-1])
    assert build(project) == 0
    assert read[0] == set()  # not read
    assert (out / "CNAME").read_text() == "example.org\n"
    listed = json.loads(manifest.read_text())["files"]
    assert "CNAME" not in listed and "index.html" in listed


def test_staging_folder_symlink_is_refused(project: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(VICTIM)
    (project / "out").mkdir()
    (project / "out" / ".archivegen-tmp").symlink_to(elsewhere, target_is_directory=True)
    assert build(project) == 0
    assert any(".archivegen-tmp" in line for line in codes(capsys.readouterr().err, "AG061"))
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]
    assert (elsewhere / "keep.txt").read_bytes() == VICTIM


def test_a_symlink_at_a_page_is_replaced_never_read(project: Path, victim: Path) -> None:
    """The victim holds the very bytes the page will have: read through the link, the page
    was found "unchanged" and the link left in place, the site serving the user's file."""
    assert build(project) == 0
    page = (project / "out" / "404.html").read_bytes()
    victim.write_bytes(page)
    os.utime(victim, (OLD, OLD))
    shutil.rmtree(project / "out")
    shutil.rmtree(project / STATE)
    (project / "out").mkdir()
    (project / "out" / "404.html").symlink_to(victim)
    assert build(project) == 0
    assert not (project / "out" / "404.html").is_symlink()
    assert (project / "out" / "404.html").read_bytes() == page
    assert victim.read_bytes() == page and os.stat(victim).st_mtime == OLD


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_temporary_file_name_taken_is_never_followed_nor_waited_on(
        project: Path, victim: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The report's temporary file (the build runs in this process: its pid names it)."""
    (project / STATE).mkdir()
    planted = project / STATE / f".tmp-{os.getpid()}-build-report.json.part"
    if kind == "symlink":
        planted.symlink_to(victim)
    else:
        os.mkfifo(planted)  # opened for writing, it waited for a reader: forever
    assert build(project) == 0
    err = capsys.readouterr().err
    assert any("build-report.json" in line for line in codes(err, "AG061")), err
    assert untouched(victim)
    assert "harbour-reopens-after-the-storm" in pages(project)


def test_a_temporary_file_a_killed_build_left_is_replaced(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A regular file at the temporary name (a build killed between writing and renaming) is
    no reason to lose the report: it is replaced."""
    (project / STATE).mkdir()
    left = project / STATE / f".tmp-{os.getpid()}-build-report.json.part"
    left.write_bytes(b"half a report")
    assert build(project) == 0
    assert not codes(capsys.readouterr().err, "AG061")
    assert not left.exists()
    assert json.loads((project / STATE / "build-report.json").read_bytes())


# --- a full disk or an unwritable cache ----------------------------------------------------


@pytest.mark.parametrize("method", ["put_source", "commit", "_set_meta"])
def test_cache_write_failure_is_a_warning_and_the_site_is_built(
        project: Path, monkeypatch: pytest.MonkeyPatch, method: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    def full(*args: object, **kw: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache_module.BuildCache, method, full)
    assert build(project) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any("disk is full" in line for line in codes(err, "AG061")), err
    assert "harbour-reopens-after-the-storm" in pages(project)
    monkeypatch.undo()
    assert build(project) == 0  # and the next build uses the cache again
    assert not codes(capsys.readouterr().err, "AG061")


def test_cache_read_failure_is_a_warning(project: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project) == 0
    (project / "in" / "harbour.txt").write_text(ARTICLE + "\nAn edit.\n")

    def failing(*args: object, **kw: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(cache_module.BuildCache, "source_stats", failing)
    monkeypatch.setattr(cache_module.BuildCache, "sources", failing)
    capsys.readouterr()
    assert build(project) == 0
    err = capsys.readouterr().err
    assert any("disk I/O error" in line for line in codes(err, "AG061")), err


@pytest.fixture
def tiny_state_disk(project: Path) -> Iterator[Path]:
    """.archivegen/ on a 64 KiB tmpfs (needs root): the cache fills it."""
    state = project / STATE
    state.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(state)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield state
    finally:
        subprocess.run(["umount", "-l", str(state)], check=False)


def test_disk_full_under_the_cache(project: Path, tiny_state_disk: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(40):  # over 64 KiB of records
        (project / "in" / f"copy{n:02d}.txt").write_text(
            f"Dispatch number {n}\n\n" + f"Paragraph {n} of the news. " * 60 + "\n")
    assert build(project) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert codes(err, "AG061"), err
    assert len(pages(project)) == 42


# --- what the cache keeps is read back exactly -----------------------------------------------


def test_the_cache_reads_back_exactly_what_it_stored(tmp_path: Path) -> None:
    """Lone surrogates (YAML "\\ud800" escapes) and a pair as two code points, which json's
    ensure_ascii escapes would join; listing members are file names, newlines and all."""
    texts = ["lone \ud800 high", "lone \udcff low", "pair \ud83d\ude00 as two",
             "joined \U0001f600", "plain", "caf\u00e9"]
    for text in texts:  # one meta row, read back by a new connection each time
        cache = cache_module.BuildCache.open(tmp_path / "cache.sqlite")
        cache.set_loader_options(text)
        cache.commit()
        cache.close()
        assert cache_module.BuildCache.open(tmp_path / "cache.sqlite").loader_options() == text
    cache = cache_module.BuildCache.open(tmp_path / "cache.sqlite")
    term = Term(taxonomy="themes", name="Trade \ud800", slug="trade")
    state = ListingState(spec=ListingSpec(kind="term", title="Theme: \ud83d\ude00", term=term,
                                          taxonomy=TAXONOMIES[1]),
                         members=("nl\nname.txt", "a.md#2", "tab\tname.txt"),
                         spellings=(("Trade \ud800", 1),))
    assert TAXONOMIES[1].key == "themes"
    cache.put_listings([state], every=True)
    cache.commit()
    cache.close()
    cache = cache_module.BuildCache.open(tmp_path / "cache.sqlite")
    url = listing_url(state.spec)
    assert cache.listing_states([url]) == {url: state}
    cache.close()


def front_matter(title: str, theme: str = "Water", body: str = "Body.") -> str:
    """An article whose title and theme are YAML-escaped (so surrogates reach them)."""
    def escaped(text: str) -> str:
        return text.encode("ascii", "backslashreplace").decode("ascii")

    return (f'---\ntitle: "{escaped(title)}"\ndate: 2020-01-02\n'
            f'themes: [Water, "{escaped(theme)}"]\n---\n\n{body}\n')


def test_a_cached_build_of_surrogates_gives_the_bytes_of_a_clean_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lone.md").write_text(front_matter("Lone \ud800 title", "T\udcff"))
    (tmp_path / "in" / "pair.md").write_text(front_matter("Pair \ud83d\ude00 title"))
    (tmp_path / "in" / "plain.md").write_text(front_matter("Plain title"))
    with deadline():
        assert run_build(tmp_path / "in", tmp_path / "cached") == 0  # rendered from the cache
        assert run_build(tmp_path / "in", tmp_path / "clean", "--no-cache") == 0
    assert "Traceback" not in capsys.readouterr().err
    cached, clean = tree_bytes(tmp_path / "cached"), tree_bytes(tmp_path / "clean")
    assert cached.keys() == clean.keys() and cached == clean
    assert any("Pair \U0001f600 title".encode() in page for page in clean.values())


STORIES = ["The harbour reopened on Monday after a week of storms and repairs.",
           "Farmers in the valley report the earliest harvest in forty years.",
           "The council voted to rebuild the old bridge across the river."]


def test_a_newline_in_a_file_name_keeps_quick_rebuilds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Listing members are file names: kept newline-separated, one holding a newline was
    two members, and every quick rebuild declined ("listings do not match")."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(front_matter("Alpha", body=STORIES[0]))
    (folder / "nl\nname.md").write_text(front_matter("Middle one", body=STORIES[1]))
    (folder / "z.md").write_text(front_matter("Zulu", body=STORIES[2]))
    for path in folder.iterdir():
        os.utime(path, (OLD, OLD))
    with deadline():
        assert run_build(folder, tmp_path / "out") == 0
        (folder / "nl\nname.md").write_text(front_matter("Middle renamed", body=STORIES[1]))
        os.utime(folder / "nl\nname.md", (OLD + 60, OLD + 60))
        capsys.readouterr()
        assert main(["build", "--input", str(folder), "--output", str(tmp_path / "out")]) == 0
        out = capsys.readouterr().out
        assert "quick" in out and "full build" not in out, out
        assert run_build(folder, tmp_path / "clean", "--no-cache") == 0
    built = tree_bytes(tmp_path / "out")
    built.pop(".archivegen-manifest.json")
    # The retitled article's old URL is a redirect page the clean build (no memory of
    # earlier builds) has no reason for (tests/e2e/test_redirects.py).
    assert b'http-equiv="refresh"' in built.pop("2020/01/02/middle-one/index.html")
    clean = tree_bytes(tmp_path / "clean")
    clean.pop(".archivegen-manifest.json")
    assert built == clean


def test_a_file_removed_after_it_could_not_be_read_leaves_no_stale_diagnostic(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The FIFO's warning stayed in every later build's report: quick rebuilds compared the
    cache's files (which never held it) with the folder's, and then replayed."""
    for path in (project / "in").iterdir():
        os.utime(path, (OLD, OLD))
    os.mkfifo(project / "in" / "pipe.txt")
    assert build(project) == 0
    assert codes(capsys.readouterr().err, "AG006")
    (project / "in" / "pipe.txt").unlink()
    (project / "in" / "harbour.txt").write_text(ARTICLE + "\nAn edit.\n")
    os.utime(project / "in" / "harbour.txt", (OLD + 60, OLD + 60))
    for _ in range(2):  # the build after it replays what it found
        assert build(project) == 0
        assert not codes(capsys.readouterr().err, "AG006")
    assert not [d for d in report(project)["diagnostics"] if d["code"] == "AG006"]
