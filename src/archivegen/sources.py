"""Walk and read the input folder and the theme's static files (the input edge of the build)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .errors import Diagnostics, SourceLocation
from .filenames import SIDECAR_SUFFIX, is_article_path
from .model import Source


def iter_article_paths(root: Path) -> list[str]:
    """Article files below `root` as sorted relative POSIX paths; hidden entries are skipped,
    and so are symlinks, which could point outside the archive."""
    return [rel for rel, _, _ in scan_article_files(root)]


ScannedFile = tuple[str, os.stat_result, os.stat_result | None]  # path, stat, sidecar's stat


def scan_article_files(root: Path) -> list[ScannedFile]:
    """iter_article_paths with each file's stat and its sidecar's (None if it has none).

    One directory listing per folder and one stat per file: a build checks every file of a
    10^5-file archive this way before deciding there is nothing to do.
    """
    found: list[ScannedFile] = []
    _scan_folder(os.fspath(root), "", found)
    found.sort(key=lambda item: item[0])  # "a.txt" before "a/b.txt", as a plain sort
    return found


def _scan_folder(folder: str, prefix: str, found: list[ScannedFile]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = {entry.name: entry for entry in listing if not entry.name.startswith(".")}
    except OSError:  # unreadable folder: as os.walk, skip it
        return
    for name in sorted(entries):
        entry = entries[name]
        try:
            if entry.is_symlink():  # could point outside the archive
                continue
            if entry.is_dir(follow_symlinks=False):
                _scan_folder(entry.path, f"{prefix}{name}/", found)
            elif is_article_path(name):
                sidecar = entries.get(name + SIDECAR_SUFFIX)
                side_stat = None
                if sidecar is not None and not sidecar.is_symlink():
                    side_stat = sidecar.stat(follow_symlinks=False)
                found.append((prefix + name, entry.stat(follow_symlinks=False), side_stat))
        except OSError:  # vanished or unreadable while scanning: leave it to the next build
            continue


def read_source(root: Path, rel_path: str, diags: Diagnostics) -> Source | None:
    try:
        rel_path.encode("utf-8")
    except UnicodeEncodeError:  # os.walk hands undecodable names over as surrogates
        shown = rel_path.encode("utf-8", "replace").decode("utf-8")
        diags.error("AG003", "file name is not valid UTF-8; rename the file to build it",
                    SourceLocation(path=shown))
        return None
    try:
        data = (root / rel_path).read_bytes()
        mtime = (root / rel_path).stat().st_mtime
    except OSError as exc:
        diags.error("AG003", f"cannot read file: {exc.strerror}", SourceLocation(path=rel_path))
        return None
    sidecar_path = rel_path + SIDECAR_SUFFIX
    sidecar_file = root / sidecar_path
    sidecar: bytes | None = None
    if sidecar_file.is_file() and not sidecar_file.is_symlink():
        try:
            sidecar = sidecar_file.read_bytes()
        except OSError as exc:
            diags.error("AG003", f"cannot read sidecar: {exc.strerror}",
                        SourceLocation(path=sidecar_path))
    return Source(path=rel_path, data=data, sha256=hashlib.sha256(data).hexdigest(),
                  sidecar_path=sidecar_path if sidecar is not None else "", sidecar=sidecar,
                  mtime=mtime)


def read_sources(root: Path, diags: Diagnostics) -> list[Source]:
    return [s for p in iter_article_paths(root) if (s := read_source(root, p, diags))]


def read_static_files(theme_dirs: Sequence[Path]) -> dict[str, bytes]:
    """Files under each theme folder's static/; an earlier folder overrides a later one."""
    found: dict[str, bytes] = {}
    for theme in reversed(theme_dirs):
        static = theme / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                found[path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))


def read_paths(paths: Sequence[Path], diags: Diagnostics) -> list[Source]:
    """Sources for files and folders named on the command line; each named as given."""
    sources: list[Source] = []
    for given in paths:
        if given.is_dir():
            for rel in iter_article_paths(given):
                source = read_source(given, rel, diags)
                if source is not None:
                    sources.append(_renamed(source, (given / rel).as_posix()))
        else:
            source = read_source(given.parent, given.name, diags)
            if source is not None:
                sources.append(_renamed(source, given.as_posix()))
    return sources


def _renamed(source: Source, path: str) -> Source:
    sidecar = path + source.sidecar_path.removeprefix(source.path) if source.sidecar_path else ""
    return replace(source, path=path, sidecar_path=sidecar)
