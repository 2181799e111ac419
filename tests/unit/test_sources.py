"""sources.py: walking the input folder and reading theme static files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics, Level
from archivegen.limits import Limits
from archivegen.load.sources import (
    file_time,
    iter_article_paths,
    prefetch,
    read_source,
    read_sources,
    read_static_files,
)


def touch(root: Path, rel: str, data: bytes = b"x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for rel in ["z.txt", "a.md", "b.markdown", "notes.html", "data.yaml", "Readme",
                "2017/05/b.txt", "2017/05/a.txt", "2017/index.md", "2016/x.txt",
                ".hidden.txt", ".git/config.txt", "2017/.drafts/d.txt", "2017/05/.swp.md",
                "sub/deeper/deepest/e.TXT", "img/pic.png"]:
        touch(root, rel)
    outside = tmp_path / "outside"
    touch(outside, "secret.txt")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    (root / "linked.txt").symlink_to(outside / "secret.txt")
    (root / "2017" / "inner-link.md").symlink_to(root / "a.md")
    return root


def test_iter_article_paths_skips_hidden_symlinks_and_other_suffixes(archive):
    paths = list(iter_article_paths(archive))
    assert set(paths) == {"z.txt", "a.md", "b.markdown", "2017/05/a.txt", "2017/05/b.txt",
                          "2017/index.md", "2016/x.txt", "sub/deeper/deepest/e.TXT"}
    assert len(paths) == len(set(paths))


def test_iter_article_paths_is_sorted(archive):
    paths = list(iter_article_paths(archive))
    assert paths == sorted(paths)


def test_iter_article_paths_sorted_within_a_folder(tmp_path):
    for rel in ["c.txt", "a.txt", "b.md", "B.txt"]:
        touch(tmp_path, rel)
    assert list(iter_article_paths(tmp_path)) == ["B.txt", "a.txt", "b.md", "c.txt"]


def test_iter_article_paths_uses_posix_relative_paths(archive):
    for path in iter_article_paths(archive):
        assert not path.startswith(("/", "./"))
        assert "\\" not in path
        assert (archive / path).is_file()


def test_iter_article_paths_empty_folder(tmp_path):
    assert list(iter_article_paths(tmp_path)) == []


def test_read_source_hashes_bytes(tmp_path):
    data = "Gearóid Ó Colmáin\r\n".encode()
    touch(tmp_path, "d/a.txt", data)
    source = read_source(tmp_path, "d/a.txt", Diagnostics())
    assert source is not None
    assert (source.path, source.data, source.sha256) == ("d/a.txt", data,
                                                         hashlib.sha256(data).hexdigest())


def test_read_source_missing_file_is_ag003(tmp_path):
    diags = Diagnostics()
    assert read_source(tmp_path, "gone.txt", diags) is None
    assert [(d.code, d.level, d.location.path) for d in diags.items] == [
        ("AG003", Level.ERROR, "gone.txt")]


def test_read_source_of_a_folder_is_ag003(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    diags = Diagnostics()
    assert read_source(tmp_path, "folder.txt", diags) is None
    assert [(d.code, d.location.path) for d in diags.items] == [("AG003", "folder.txt")]


def test_read_sources_reads_every_article(archive):
    diags = Diagnostics()
    sources = read_sources(archive, diags)
    assert not diags.items
    assert [s.path for s in sources] == list(iter_article_paths(archive))


def test_read_static_files_first_theme_overrides_second(tmp_path):
    first, second = tmp_path / "override", tmp_path / "default"
    touch(first, "static/site.css", b"override css")
    touch(first, "static/extra/only-first.js", b"first")
    touch(second, "static/site.css", b"default css")
    touch(second, "static/logo.svg", b"<svg/>")
    touch(second, "static/extra/only-second.js", b"second")
    touch(second, "static/.hidden", b"h")
    touch(first, "base.html", b"not static")
    found = read_static_files([first, second])
    assert found == {"extra/only-first.js": b"first", "extra/only-second.js": b"second",
                     "logo.svg": b"<svg/>", "site.css": b"override css"}
    assert list(found) == sorted(found)


def test_read_static_files_order_matters(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    touch(first, "static/site.css", b"one")
    touch(second, "static/site.css", b"two")
    assert read_static_files([first, second])["site.css"] == b"one"
    assert read_static_files([second, first])["site.css"] == b"two"


def test_read_static_files_skips_missing_static_and_symlinks(tmp_path):
    theme = tmp_path / "theme"
    touch(theme, "static/a.css", b"a")
    secret = touch(tmp_path, "secret.txt", b"secret")
    (theme / "static" / "link.txt").symlink_to(secret)
    assert read_static_files([tmp_path / "no-such-theme", theme]) == {"a.css": b"a"}
    assert read_static_files([]) == {}


def test_read_source_skips_a_fifo_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # opened for reading, it would wait for a writer
    diags = Diagnostics()
    assert read_source(tmp_path, "pipe.txt", diags) is None
    assert [(d.code, d.level, d.message) for d in diags.items] == [
        ("AG006", Level.WARNING, "file is not a regular file (a FIFO); not read")]


def test_read_source_refuses_files_over_the_size_limit(tmp_path):
    touch(tmp_path, "a.txt", b"x" * 11)
    touch(tmp_path, "a.txt.yaml", b"y" * 11)
    touch(tmp_path, "b.txt", b"x" * 10)
    touch(tmp_path, "b.txt.yaml", b"y" * 11)
    diags = Diagnostics()
    assert read_source(tmp_path, "a.txt", diags, Limits(article_bytes=10)) is None
    source = read_source(tmp_path, "b.txt", diags, Limits(article_bytes=10))
    assert source is not None and source.sidecar is None and source.sidecar_path == ""
    assert [(d.code, d.location.path, d.message) for d in diags.items] == [
        ("AG005", "a.txt", "file is 11 bytes, over the article size limit of 10 bytes "
                           "(limits.article_bytes); not read"),
        ("AG005", "b.txt.yaml", "sidecar is 11 bytes, over the article size limit of 10 "
                                "bytes (limits.article_bytes); not read")]


@pytest.mark.parametrize(("size", "limit", "read"), [(40, 100, True), (40, 39, False)])
def test_read_source_reads_all_of_a_file_that_grew_since_its_stat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, limit: int,
        read: bool) -> None:
    """The read is sized from the fstat; a file that grew after it is still read whole,
    and still refused past the limit."""
    import archivegen.load.sources as sources

    touch(tmp_path, "a.txt", b"x" * size)
    real_fstat = os.fstat

    def smaller(fd: int) -> os.stat_result:  # as if taken before the file grew
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid,
                               st.st_gid, 10, int(st.st_atime), int(st.st_mtime),
                               int(st.st_ctime)))

    monkeypatch.setattr(sources.os, "fstat", smaller)
    diags = Diagnostics()
    source = read_source(tmp_path, "a.txt", diags, Limits(article_bytes=limit))
    if read:
        assert source is not None and source.data == b"x" * size and not diags.items
    else:
        assert source is None and [d.code for d in diags.items] == ["AG005"]


def test_read_source_does_not_follow_a_file_swapped_for_a_symlink(tmp_path):
    secret = touch(tmp_path, "secret.txt", b"secret")
    (tmp_path / "a.txt").symlink_to(secret)  # the scan skips symlinks; this one came later
    diags = Diagnostics()
    assert read_source(tmp_path, "a.txt", diags) is None
    assert [(d.code, d.level) for d in diags.items] == [("AG006", Level.WARNING)]
    # Named on the command line (check), a symlink is followed to its regular file.
    assert read_source(tmp_path, "a.txt", Diagnostics(), follow=True) is not None


def test_read_source_gives_no_time_a_date_cannot_hold(tmp_path):
    touch(tmp_path, "a.txt")
    st = os.stat(tmp_path / "a.txt")
    assert file_time(st) == st.st_mtime
    fake = os.stat_result((st.st_mode, 0, 0, 1, 0, 0, 1, 0, -62_167_219_200, 0))
    assert file_time(fake) is None  # year 0
    fake = os.stat_result((st.st_mode, 0, 0, 1, 0, 0, 1, 0, 10**17, 0))
    assert file_time(fake) is None


def test_prefetch_opens_only_regular_files(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-ahead advice is asked for regular files only: a FIFO, a symlink, a folder or a
    missing path is neither opened nor reported (read_regular reports them when loading)."""
    import archivegen.load.sources as sources

    if sources._WILLNEED is None:
        pytest.skip("no posix_fadvise on this system: prefetch does nothing")
    touch(tmp_path, "a.txt", b"a")
    touch(tmp_path, "b.md", b"b")
    os.mkfifo(tmp_path / "pipe.txt")  # opened for reading, it could wait for a writer
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "folder.txt").mkdir()
    opened: list[str] = []
    advised: list[tuple[int, int, int]] = []
    real_open = os.open

    def recording_open(path: str, flags: int, *args: int) -> int:
        opened.append(os.path.basename(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(sources.os, "open", recording_open)
    monkeypatch.setattr(sources.os, "posix_fadvise",
                        lambda fd, offset, length, advice: advised.append(
                            (offset, length, advice)))
    before = sorted(os.listdir("/proc/self/fd"))
    prefetch(str(tmp_path / name) for name in
             ["a.txt", "pipe.txt", "link.txt", "folder.txt", "gone.txt", "b.md"])
    assert opened == ["a.txt", "b.md"]
    assert advised == [(0, 0, os.POSIX_FADV_WILLNEED)] * 2
    assert sorted(os.listdir("/proc/self/fd")) == before  # each descriptor closed


def test_prefetch_survives_a_refused_advice(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system that refuses the advice costs nothing but the advice."""
    import archivegen.load.sources as sources

    if sources._WILLNEED is None:
        pytest.skip("no posix_fadvise on this system: prefetch does nothing")
    touch(tmp_path, "a.txt", b"a")
    refused: list[int] = []

    def refuse(*args: int) -> None:
        refused.append(1)
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(sources.os, "posix_fadvise", refuse)
    before = sorted(os.listdir("/proc/self/fd"))
    prefetch([str(tmp_path / "a.txt")])
    assert refused == [1]
    assert sorted(os.listdir("/proc/self/fd")) == before
    assert read_source(tmp_path, "a.txt", Diagnostics()) is not None
