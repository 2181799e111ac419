"""writer.py: safe output paths, atomic writes, the manifest and pruning, collisions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics, Level
from archivegen.model import RenderedFile
from archivegen.render import writer
from archivegen.render.writer import (
    MANIFEST_NAME,
    TreeWriter,
    drop_collisions,
    file_stat,
    read_manifest,
    replace_owned,
    safe_target,
    staging_folder,
    write_atomic,
    write_tree,
)


def rf(path: str, content: bytes = b"x", origin: str = "src.txt") -> RenderedFile:
    return RenderedFile(path=path, content=content, origin=origin)


def files_below(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def manifest_files(out: Path) -> list[str]:
    return json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]


# --- safe_target -------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["../x", "/abs", "/", "a/../../b", "a/../b", "..", "a\\b",
                                 "..\\x", "", ".", "a/./b", "./a", "a//b", "a/", "a\x00b",
                                 "x/.."])
def test_safe_target_rejects(tmp_path, rel):
    with pytest.raises(ValueError):
        safe_target(tmp_path / "out", rel)


@pytest.mark.parametrize("rel", ["index.html", "2017/05/30/slug/index.html", "static/site.css",
                                 ".archivegen-manifest.json", "a..b/c"])
def test_safe_target_accepts(tmp_path, rel):
    out = tmp_path / "out"
    out.mkdir()
    assert safe_target(out, rel) == out.resolve() / rel


def test_safe_target_rejects_path_through_symlink_leaving_folder(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        safe_target(out, "link/x.html")
    with pytest.raises(ValueError):
        safe_target(out, "link/deeper/x.html")


def test_safe_target_allows_symlink_inside_folder(tmp_path):
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    (out / "alias").symlink_to(out / "real", target_is_directory=True)
    assert safe_target(out, "alias/x.html").parent.resolve() == (out / "real").resolve()


# --- write_atomic ------------------------------------------------------------------------------

def test_write_atomic_creates_parents_and_writes(tmp_path):
    target = tmp_path / "a" / "b" / "c.html"
    assert write_atomic(target, b"hello") is True
    assert target.read_bytes() == b"hello"
    assert files_below(tmp_path) == {"a/b/c.html"}


def test_write_atomic_through_staging_makes_missing_folders(tmp_path):
    # With a staging folder the target's folder is made only when the rename finds it
    # missing; an existing one is written into as it is.
    staging = tmp_path / "staging"
    staging.mkdir()
    deep = tmp_path / "out" / "2017" / "05" / "30" / "a" / "index.html"
    assert write_atomic(deep, b"one", staging) is True
    assert write_atomic(deep.parent.parent / "b" / "index.html", b"two", staging) is True
    assert write_atomic(deep, b"one", staging) is False
    assert deep.read_bytes() == b"one"
    assert files_below(tmp_path / "out") == {"2017/05/30/a/index.html",
                                             "2017/05/30/b/index.html"}
    assert list(staging.iterdir()) == []


def test_write_atomic_through_staging_cleans_up_under_a_file(tmp_path):
    # A file where a folder must go: the error reaches the caller, no temporary is left.
    staging = tmp_path / "staging"
    staging.mkdir()
    (tmp_path / "out").write_bytes(b"a file")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "out" / "page" / "index.html", b"x", staging)
    assert list(staging.iterdir()) == []


def test_tree_writer_reports_the_stat_a_later_build_reads(tmp_path):
    # The stat of a written page comes from its temporary file (a rename keeps size, mtime
    # and inode); it must be what file_stat finds, or the next build rewrites every page.
    out = tmp_path / "out"
    out.mkdir()
    staging_folder(out).mkdir()
    tree = TreeWriter(out)
    first = tree.put("a/b/index.html", b"<p>one</p>", "a.md")
    again = tree.put("a/b/index.html", b"<p>one</p>", "a.md")
    other = tree.put("a/c/index.html", b"<p>two, longer</p>", "c.md")
    assert (first.written, again.written, other.written) == (True, False, True)
    assert first.stat == again.stat == file_stat(os.fspath(out / "a/b/index.html"))
    assert other.stat == file_stat(os.fspath(out / "a/c/index.html"))
    assert first.stat.split(":")[0] == "10"


def test_write_atomic_same_bytes_is_a_no_op(tmp_path):
    target = tmp_path / "f.html"
    target.write_bytes(b"same")
    os.utime(target, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    inode = target.stat().st_ino
    assert write_atomic(target, b"same") is False
    st = target.stat()
    assert st.st_mtime_ns == 1_000_000_000_000_000_000
    assert st.st_ino == inode
    assert files_below(tmp_path) == {"f.html"}


def test_write_atomic_different_bytes_of_same_length(tmp_path):
    target = tmp_path / "f.html"
    target.write_bytes(b"aaaa")
    assert write_atomic(target, b"bbbb") is True
    assert target.read_bytes() == b"bbbb"


def test_write_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "d" / "f.html"
    for content in (b"1", b"22", b"22", b"", b"333"):
        write_atomic(target, content)
    assert target.read_bytes() == b"333"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]


def test_write_atomic_cleans_temp_file_when_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "f.html"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(writer.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert files_below(tmp_path) == {"f.html"}


def test_write_atomic_replaces_a_symlink_instead_of_writing_through_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    (out / "page.html").symlink_to(victim)
    write_atomic(safe_target(out, "page.html"), b"new page")
    assert victim.read_bytes() == b"precious"
    assert (out / "page.html").read_bytes() == b"new page"


# --- write_tree --------------------------------------------------------------------------------

def test_write_tree_writes_files_and_manifest(tmp_path):
    out = tmp_path / "out"
    diags = Diagnostics()
    report = write_tree(out, [rf("index.html", b"home"), rf("a/b/index.html", b"page")], diags,
                        prune=True)
    assert not diags.items
    assert (report.written, report.unchanged, report.removed, report.kept_stale) == (2, 0, 0, 0)
    assert (out / "index.html").read_bytes() == b"home"
    assert (out / "a/b/index.html").read_bytes() == b"page"
    assert manifest_files(out) == ["a/b/index.html", "index.html"]
    assert read_manifest(out) == {"a/b/index.html", "index.html"}
    assert files_below(out) == {"index.html", "a/b/index.html", MANIFEST_NAME}


def test_second_identical_write_changes_nothing(tmp_path):
    out = tmp_path / "out"
    files = [rf("index.html", b"home"), rf("a/index.html", b"a")]
    write_tree(out, files, Diagnostics(), prune=True)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = write_tree(out, files, Diagnostics(), prune=True)
    assert (report.written, report.unchanged, report.removed) == (0, 2, 0)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes


def test_write_tree_prunes_stale_files_and_empty_dirs(tmp_path):
    out = tmp_path / "out"
    write_tree(out, [rf("index.html"), rf("2017/05/30/old/index.html"),
                     rf("2017/05/31/kept/index.html")], Diagnostics(), prune=True)
    report = write_tree(out, [rf("index.html"), rf("2017/05/31/kept/index.html")],
                        Diagnostics(), prune=True)
    assert report.removed == 1
    assert report.kept_stale == 0
    assert not (out / "2017/05/30").exists()
    assert (out / "2017/05/31/kept/index.html").exists()
    assert files_below(out) == {"index.html", "2017/05/31/kept/index.html", MANIFEST_NAME}
    assert manifest_files(out) == ["2017/05/31/kept/index.html", "index.html"]


@pytest.mark.parametrize("count", [0, 1, writer._MANIFEST_BATCH, writer._MANIFEST_BATCH + 1,
                                   2 * writer._MANIFEST_BATCH + 7])
def test_manifest_bytes_are_one_sorted_name_per_line(tmp_path, count):
    # Written in batches: the same bytes whatever the count, names escaped as json.dumps does.
    names = {f"p{n:05d}/index.html" for n in range(count)} | ({"\u00e9/\"q\\"} if count else set())
    out = tmp_path / "out"
    out.mkdir()
    writer._write_manifest(out, names, writer._empty_staging(out))
    lines = [json.dumps(name) for name in sorted(names)]
    expected = ('{\n"generator": "archivegen",\n"files": [' + ("\n" if lines else "")
                + ",\n".join(lines) + ("\n" if lines else "") + "]\n}\n")
    assert (out / MANIFEST_NAME).read_bytes() == expected.encode("ascii")
    assert read_manifest(out) == names


def test_replace_owned_moves_a_page_and_keeps_the_manifest_true(tmp_path):
    """A quick rebuild's page that moved: the new file is listed and written, the old one
    removed (with its empty folders) and unlisted; other files stay untouched."""
    out = tmp_path / "out"
    write_tree(out, [rf("index.html", b"home"), rf("2017/05/30/old/index.html", b"old")],
               Diagnostics(), prune=True)
    home_mtime = (out / "index.html").stat().st_mtime_ns
    written, removed = replace_owned(out, [rf("2017/05/30/new/index.html", b"new")],
                                     gone=["2017/05/30/old/index.html"])
    assert removed == 1 and [w.written for w in written] == [True]
    assert files_below(out) == {"index.html", "2017/05/30/new/index.html", MANIFEST_NAME}
    assert manifest_files(out) == ["2017/05/30/new/index.html", "index.html"]
    assert (out / "index.html").stat().st_mtime_ns == home_mtime


def test_replace_owned_never_removes_a_file_the_manifest_does_not_list(tmp_path):
    out = tmp_path / "out"
    write_tree(out, [rf("index.html")], Diagnostics(), prune=True)
    (out / "mine.txt").write_text("the user's")
    manifest = (out / MANIFEST_NAME).read_bytes()
    _, removed = replace_owned(out, [rf("index.html", b"new")], gone=["mine.txt", "../x"])
    assert removed == 0 and (out / "mine.txt").exists()
    assert (out / MANIFEST_NAME).read_bytes() == manifest  # no name came or went


def test_prune_removes_whole_empty_chain_but_not_output_dir(tmp_path):
    out = tmp_path / "out"
    write_tree(out, [rf("a/b/c/index.html")], Diagnostics(), prune=True)
    write_tree(out, [], Diagnostics(), prune=True)
    assert out.is_dir()
    assert [p.name for p in out.iterdir()] == [MANIFEST_NAME]
    assert manifest_files(out) == []


def test_prune_never_deletes_user_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "CNAME").write_bytes(b"example.org")
    write_tree(out, [rf("index.html"), rf("old/index.html")], Diagnostics(), prune=True)
    (out / "old" / "notes.txt").write_bytes(b"mine")
    report = write_tree(out, [rf("index.html")], Diagnostics(), prune=True)
    assert report.removed == 1
    assert (out / "CNAME").read_bytes() == b"example.org"
    assert (out / "old" / "notes.txt").read_bytes() == b"mine"
    assert not (out / "old" / "index.html").exists()
    assert "CNAME" not in manifest_files(out)


def test_no_prune_keeps_stale_and_remembers_them(tmp_path):
    out = tmp_path / "out"
    write_tree(out, [rf("index.html"), rf("old/index.html")], Diagnostics(), prune=True)
    report = write_tree(out, [rf("index.html")], Diagnostics(), prune=False)
    assert (report.removed, report.kept_stale) == (0, 1)
    assert (out / "old/index.html").exists()
    assert manifest_files(out) == ["index.html", "old/index.html"]
    # a later pruning build still knows the stale file is ours
    report = write_tree(out, [rf("index.html")], Diagnostics(), prune=True)
    assert report.removed == 1
    assert not (out / "old").exists()


def test_a_planned_page_that_never_comes_is_not_owned(tmp_path):
    # Planned (so listed first), then not rendered: the manifest is written again without it,
    # keeping the unchanged page, the one received and (not pruning) the stale one; the
    # stats are those of the received page only, under the planned name.
    out = tmp_path / "out"
    write_tree(out, [rf("index.html"), rf("kept.html"), rf("old.html")], Diagnostics(),
               prune=True)
    planned = ["index.html", "kept.html", "failed.html"]
    report = write_tree(out, [rf("index.html", b"new")], Diagnostics(), prune=False,
                        unchanged_paths=["kept.html"], planned=planned)
    assert manifest_files(out) == ["index.html", "kept.html", "old.html"]
    assert (report.written, report.unchanged, report.kept_stale) == (1, 1, 1)
    assert list(report.stats) == ["index.html"]
    assert next(iter(report.stats)) is planned[0]
    assert report.stats["index.html"] == file_stat(str(out / "index.html"))
    # Pruning, the stale page goes from the folder and the manifest.
    report = write_tree(out, [rf("index.html", b"new")], Diagnostics(), prune=True,
                        unchanged_paths=["kept.html"], planned=planned)
    assert manifest_files(out) == ["index.html", "kept.html"]
    assert (report.removed, report.kept_stale) == (1, 0)
    assert not (out / "old.html").exists()


def test_tampered_manifest_never_deletes_outside(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_bytes(b"keep me too")
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / MANIFEST_NAME).write_text(json.dumps({"files": [
        "../outside.txt", str(outside), "link/victim.txt", "a/../../outside.txt",
        "..\\outside.txt", 42, None]}), "utf-8")
    diags = Diagnostics()
    report = write_tree(out, [rf("index.html")], diags, prune=True)
    assert report.removed == 0
    assert outside.read_bytes() == b"keep me"
    assert (elsewhere / "victim.txt").read_bytes() == b"keep me too"
    assert (out / "link").is_symlink()
    assert manifest_files(out) == ["index.html"]


def test_corrupt_manifest_is_treated_as_empty(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json", "utf-8")
    (out / "user.html").write_bytes(b"u")
    assert read_manifest(out) == set()
    write_tree(out, [rf("index.html")], Diagnostics(), prune=True)
    assert (out / "user.html").exists()
    (out / MANIFEST_NAME).write_text('["user.html"]', "utf-8")
    assert read_manifest(out) == set()


def test_unsafe_rendered_path_is_ag041_and_not_written(tmp_path):
    out = tmp_path / "out"
    diags = Diagnostics()
    report = write_tree(out, [rf("../escape.html", origin="evil.txt"), rf("ok.html")], diags,
                        prune=True)
    assert [(d.code, d.level, d.location.path) for d in diags.items] == [
        ("AG041", Level.ERROR, "evil.txt")]
    assert report.written == 1
    assert not (tmp_path / "escape.html").exists()
    assert manifest_files(out) == ["ok.html"]


# --- drop_collisions ---------------------------------------------------------------------------

def test_drop_collisions_reports_both_origins():
    diags = Diagnostics()
    files = [rf("a/index.html", b"2", origin="z.txt"), rf("b/index.html", origin="b.txt"),
             rf("a/index.html", b"1", origin="y.txt")]
    kept = drop_collisions(files, diags)
    assert [(f.path, f.origin) for f in kept] == [("a/index.html", "y.txt"),
                                                  ("b/index.html", "b.txt")]
    assert len(diags.items) == 1
    d = diags.items[0]
    assert (d.code, d.level) == ("AG040", Level.ERROR)
    assert "y.txt" in d.message and "z.txt" in d.message and "a/index.html" in d.message
    assert d.location.path == "z.txt"


def test_drop_collisions_independent_of_order():
    files = [rf("p", b"1", origin="b"), rf("p", b"2", origin="a"), rf("p", b"3", origin="c")]
    results = []
    for order in (files, files[::-1], files[1:] + files[:1]):
        diags = Diagnostics()
        results.append((drop_collisions(order, diags), diags.sorted()))
    assert results[0] == results[1] == results[2]
    kept, diags_sorted = results[0]
    assert [f.origin for f in kept] == ["a"]
    assert [d.location.path for d in diags_sorted] == ["b", "c"]


def test_drop_collisions_without_collisions():
    diags = Diagnostics()
    files = [rf("b"), rf("a")]
    assert [f.path for f in drop_collisions(files, diags)] == ["a", "b"]
    assert not diags.items


def test_file_stats_agree_with_file_stat(tmp_path: Path) -> None:
    from archivegen.render.writer import file_stat, file_stats

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x")
    (tmp_path / "b.xml").write_text("yy")
    paths = ["a/index.html", "b.xml", "missing.html", "a/index.html/below"]
    assert list(file_stats(tmp_path, paths)) == [file_stat(str(tmp_path / p)) for p in paths]
    assert list(file_stats(tmp_path, paths))[:2] != ["", ""]
    assert list(file_stats(tmp_path / "gone", paths)) == ["", "", "", ""]


def test_an_unchanged_manifest_is_not_made_again(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = [RenderedFile(path="a/index.html", content=b"a", origin="a"),
             RenderedFile(path="b.xml", content=b"b", origin="b")]
    writer.write_tree(tmp_path, files, Diagnostics(), prune=True)
    made: list[set[str]] = []
    real = writer._write_manifest
    monkeypatch.setattr(writer, "_write_manifest",
                        lambda out, owned, staging: (made.append(set(owned)),
                                                     real(out, owned, staging)))
    writer.write_tree(tmp_path, files, Diagnostics(), prune=True)
    assert made == []
    writer.write_tree(tmp_path, files[:1], Diagnostics(), prune=True)
    assert made == [{"a/index.html"}]
    assert writer.read_manifest(tmp_path) == {"a/index.html"}
