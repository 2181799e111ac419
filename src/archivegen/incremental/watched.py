"""The input scan kept between the builds of a process that watches the inputs (serve).

Listing every folder and stat-ing every article file costs 0.15 s at 10^4 files, and a
watcher already knows which paths changed. `ScanMemory` keeps the last scan and patches it
from those paths into the scan a full one would give: each reported article file (or
sidecar) stat-ed again, added or dropped; files whose stat was too recent to trust stat-ed
again every time. When the paths cannot say what a full scan would find (a folder added,
removed or renamed, a symlink on the way, a name that is not valid UTF-8, a folder the last
scan could not list) it answers None, and the caller scans in full.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Collection
from pathlib import Path

from archivegen.incremental.uptodate import Scan, scan_inputs, stat_signature
from archivegen.load.filenames import SIDECAR_SUFFIX, is_article_path


class ScanMemory:
    """The last input scan of one input folder, and how to bring it up to date."""

    def __init__(self) -> None:
        self._input_dir: Path | None = None
        self._entries: dict[str, str | None] = {}  # path -> stat signature, as a Scan has

    def forget(self) -> None:
        """The next scan is a full one (the watcher may have missed changes)."""
        self._input_dir = None
        self._entries = {}

    def full(self, input_dir: Path) -> Scan:
        """A full scan of `input_dir`, remembered."""
        scan = scan_inputs(input_dir)
        self.remember(input_dir, scan)
        return scan

    def remember(self, input_dir: Path, scan: Scan) -> None:
        """`scan`, just made of `input_dir`, is the one to patch next time (not one with
        folders it could not list: their files would be missing from every patched scan)."""
        if scan.problems:
            self.forget()
            return
        self._input_dir = input_dir
        self._entries = dict(scan)

    def patched(self, input_dir: Path, changed: Collection[str]) -> Scan | None:
        """The scan a full one of `input_dir` would give now, from the last one and the
        absolute `changed` paths (every path changed since it, as the watcher reports them;
        paths outside the folder are ignored); None when they cannot tell."""
        if self._input_dir != input_dir:
            return None
        top = os.fspath(input_dir)
        redo = {rel for rel, signature in self._entries.items() if signature is None}
        for path in changed:
            rel = _relative(path, top)
            if rel is None:
                continue
            if rel == "" or not _plain(rel):
                return None
            names = rel.split("/")
            if any(name.startswith(".") for name in names):
                continue  # the scan skips hidden files and folders, and all below them
            if not _real_folders(top, names[:-1]):
                return None  # a folder gone, renamed or turned into a symlink
            if names[-1].endswith(SIDECAR_SUFFIX) and is_article_path(
                    names[-1][:-len(SIDECAR_SUFFIX)]):
                redo.add(rel[:-len(SIDECAR_SUFFIX)])
            if is_article_path(names[-1]):
                redo.add(rel)
            elif not _plain_file_or_gone(os.path.join(top, rel), rel, self._entries):
                return None  # a folder (its files are not reported one by one)
        entries = dict(self._entries)
        now_ns = time.time_ns()
        for rel in redo:
            try:
                found = _scanned(top, rel, now_ns)
            except _Unknown:
                return None
            if found is None:
                entries.pop(rel, None)
            else:
                entries[rel] = found[0]
        scan = Scan(sorted(entries.items(), key=lambda item: item[0]))
        self._entries = dict(scan)
        return scan


def _relative(path: str, top: str) -> str | None:
    """`path` relative to `top`, with "/" between names; None if it is outside."""
    if path == top:
        return ""
    if not path.startswith(top + os.sep):
        return None
    return path[len(top) + 1:].replace(os.sep, "/")


def _plain(rel: str) -> bool:
    """A name the scan gives as the watcher does: valid UTF-8 (the scan keeps undecodable
    bytes as surrogates, a watcher may replace them), no empty or dot segment."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\ufffd" not in rel and all(name not in ("", ".", "..") for name in rel.split("/"))


def _real_folders(top: str, names: list[str]) -> bool:
    """Is each folder on the way from `top` a folder, not a symlink (the scan does not
    follow one)?"""
    folder = top
    for name in names:
        folder = os.path.join(folder, name)
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return False
        except OSError:
            return False
    return True


def _plain_file_or_gone(path: str, rel: str, entries: dict[str, str | None]) -> bool:
    """Is the path (not an article) a file, or gone and no folder of known articles? A
    folder's files come and go without a report of their own."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        prefix = rel + "/"
        return not any(known.startswith(prefix) for known in entries)
    except OSError:
        return False


class _Unknown(Exception):
    """What the scan finds at a path cannot be told without it."""


def _scanned(top: str, rel: str, now_ns: int) -> tuple[str | None] | None:
    """What the scan finds at the article path `rel`: (its signature,), or None if nothing
    (gone, or a symlink). _Unknown for a folder of that name or a stat error (the scan
    reports it)."""
    path = os.path.join(top, rel)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        raise _Unknown from None
    if stat.S_ISLNK(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        raise _Unknown
    try:
        side: os.stat_result | None = os.lstat(path + SIDECAR_SUFFIX)
    except FileNotFoundError:
        side = None
    except OSError:
        raise _Unknown from None
    if side is not None and stat.S_ISLNK(side.st_mode):
        side = None
    return (stat_signature(st, side, now_ns),)
