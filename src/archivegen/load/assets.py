"""Files an article references by a relative path ("img/map.png", "files/report.pdf"): found
in the input folder when the article loads, hashed, and read again to be copied beside its
page.

Article text comes from the web, so a reference is a path chosen by a stranger. Only a file
in the article's own folder or below it is copied, never through a symlink, never a hidden
file, another article or its sidecar, and only a regular file of at most `limits.asset_bytes`.
The copy goes to the same relative path under the page's folder, so the link in the page
works unchanged (under any base path, and opened from disk). Whatever is refused or missing
is a warning naming the file, line and column of the reference; the link stays in the page.

What was looked at is recorded as a signature per path (`AssetStat`): a later build compares
it with the disk (`assets_fresh`) to notice an asset edited, added or removed without its
article changing. Cheap to import: the no-op check uses it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import stat
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.filenames import SIDECAR_SUFFIX, is_article_path
from archivegen.model import Asset

if TYPE_CHECKING:
    from archivegen.markdown.article import Reference

# (path relative to the input folder, its signature when the article was loaded)
AssetStat = tuple[str, str]

# A file modified this recently may change again without its stat changing (as
# uptodate.RACY_NS): its signature is never taken as unchanged.
RACY_NS = 2_000_000_000
_RACY = "?"
# The file the page itself is written to (urls.INDEX_FILE): a reference to it is never copied.
_PAGE_FILE = "index.html"
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))
_CHUNK = 1 << 20
_UNSAFE_CHARS = frozenset(chr(c) for c in (*range(0x20), 0x7f)) | {"\\"}
# The kinds of file copied, by suffix: images, documents, data, archives, audio and video
# (a name without a suffix is served as bytes to download). Not HTML, SVG, XML or scripts:
# served from the site's own address, a script in one (an input folder saved from a
# browser holds such files) would run as the site.
COPIED_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "tif", "tiff", "ico",
    "pdf", "txt", "csv", "tsv", "json", "rtf", "epub", "doc", "docx", "odt", "xls", "xlsx",
    "ods", "ppt", "pptx", "odp", "zip", "gz", "tgz", "bz2", "xz", "7z", "tar",
    "mp3", "m4a", "ogg", "oga", "opus", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov",
})


def find_assets(input_dir: str, article_path: str, refs: Sequence[Reference],
                diags: Diagnostics, limits: Limits = DEFAULT_LIMITS
                ) -> tuple[tuple[Asset, ...], tuple[AssetStat, ...]]:
    """The files `refs` (of the article at `article_path`, relative to `input_dir`) name
    that may be copied, each once, in the order of the text; and the signature of every
    path looked at on disk. Warnings AG035 (missing) and AG036 (refused) for the others,
    once per path."""
    folder = posixpath.dirname(article_path)
    assets: dict[str, Asset] = {}
    looked: dict[str, str] = {}
    warned: set[str] = set()
    for ref in refs:
        shown = f"{ref.kind} '{ref.url[:120]}'"
        path = posixpath.normpath(ref.path) if ref.path else ""
        if path in assets or path in warned:
            continue
        if ref.kind == "link" and (ref.path.endswith("/") or path in (".", "..")):
            continue  # a link to a page ("../other/"), not to a file
        why = _refusal(ref.url, ref.path, path)
        if why:
            warned.add(path)
            diags.warning("AG036", f"{shown} {why}; not copied", ref.location)
            continue
        rel = posixpath.join(folder, path) if folder else path
        signature = path_signature(input_dir, rel)
        looked[rel] = signature
        found = _hashed(os.path.join(input_dir, *rel.split("/")), shown, signature, limits,
                        ref.location, diags)
        if found is None:
            warned.add(path)
            continue
        sha, size = found
        assets[path] = Asset(path=path, source=rel, sha256=sha, size=size)
    return tuple(assets.values()), tuple(sorted(looked.items()))


def _refusal(url: str, decoded: str, path: str) -> str:
    """Why a reference may not be copied from what it says alone ("" if it may)."""
    lowered = url.split("?")[0].split("#")[0].lower()
    if "%2f" in lowered or "%5c" in lowered or any(c in _UNSAFE_CHARS for c in decoded):
        return "names a file with an unsafe name (an escaped '/', a backslash or a control)"
    if decoded.startswith("/"):
        return "names a file from the root of the disk"
    if path in ("", ".") or decoded.endswith("/"):
        return "names a folder, not a file"
    if path == ".." or path.startswith("../"):
        return "is outside the article's folder"
    if any(part.startswith(".") for part in path.split("/")):
        return "names a hidden file or folder"
    if is_article_path(path) or (path.endswith(SIDECAR_SUFFIX)
                                 and is_article_path(path[:-len(SIDECAR_SUFFIX)])):
        return "names an article file (an article is a page of its own)"
    if path == _PAGE_FILE:
        return "would take the place of the article's page"
    name = path.rpartition("/")[2]
    if "." in name and name.rpartition(".")[2].lower() not in COPIED_SUFFIXES:
        return ("is not a kind of file the site copies (images, documents, data, archives, "
                "audio and video: not HTML, SVG or scripts, which would run as the site)")
    return ""


def _hashed(full: str, shown: str, signature: str, limits: Limits,
            where: SourceLocation, diags: Diagnostics) -> tuple[str, int] | None:
    """The sha256 and size of the regular file at `full`, or None with a warning."""
    if signature.endswith("-"):
        diags.warning("AG035", f"{shown} not found next to the article", where)
        return None
    if signature.endswith(("l", "x")):
        diags.warning("AG036", f"{shown} is reached through a symlink or is not a file; "
                      "not copied", where)
        return None
    try:
        return read_asset(full, limits, hashed=True)[1]
    except _Refused as exc:
        diags.warning("AG036", f"{shown} {exc}; not copied", where)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            diags.warning("AG035", f"{shown} not found next to the article", where)
        else:
            diags.warning("AG036", f"{shown} cannot be read ({exc.strerror}); not copied",
                          where)
    return None


class _Refused(OSError):
    """The file is there but is no file to copy (a FIFO, too large)."""


def read_asset(full: str, limits: Limits = DEFAULT_LIMITS, *, hashed: bool = False
               ) -> tuple[bytes, tuple[str, int]]:
    """The bytes of the regular file at `full` (empty when `hashed`: then only its sha256
    and size are made, a chunk at a time), never through a symlink at its name nor
    waiting on a FIFO. OSError if it cannot be read or is not a regular file of at most
    `limits.asset_bytes` (its folders are checked by path_signature)."""
    fd = os.open(full, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("is not a regular file")
        if st.st_size > limits.asset_bytes:
            raise _Refused(f"is {st.st_size:,} bytes, over the limit of "
                           f"{limits.asset_bytes:,} (limits.asset_bytes)")
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        size = 0
        with open(fd, "rb", closefd=False) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > limits.asset_bytes:  # it grew since
                    raise _Refused(f"is over the limit of {limits.asset_bytes:,} bytes "
                                   "(limits.asset_bytes)")
                digest.update(chunk)
                if not hashed:
                    chunks.append(chunk)
        return b"".join(chunks), (digest.hexdigest(), size)
    finally:
        os.close(fd)


def asset_bytes(input_dir: str, source: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the asset at `source` (relative to `input_dir`) to copy, its folders
    checked again: none may have become a symlink since its article was loaded. OSError if
    it cannot be read as read_asset says."""
    signature = path_signature(input_dir, source)
    if signature.endswith(("l", "x", "-")):
        raise _Refused(errno.ENOENT, "it is no longer a file reached without a symlink")
    return read_asset(os.path.join(input_dir, *source.split("/")), limits)[0]


def path_signature(input_dir: str, rel: str, now_ns: int | None = None) -> str:
    """What the disk holds at `rel` (below `input_dir`), as one string: each folder on the
    way ("d/"; a symlink or anything else there ends it with "l" or "x"), then the file's
    size, mtime, inode and ctime, or "-" when nothing is there. A file modified in the last
    two seconds gets a mark that never compares equal (its stat cannot be trusted)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    parts = rel.split("/")
    signature = ""
    at = input_dir
    for n, part in enumerate(parts):
        at = os.path.join(at, part)
        try:
            st = os.lstat(at)
        except OSError:
            return signature + "-"
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            return signature + "l"
        if n < len(parts) - 1:
            if not stat.S_ISDIR(mode):
                return signature + "x"
            signature += "d/"
            continue
        if not stat.S_ISREG(mode):
            return signature + "x"
        mark = _RACY if st.st_mtime_ns > now_ns - RACY_NS else ""
        return f"{signature}{mark}{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"
    return signature + "-"


def assets_fresh(input_dir: str, looked: Sequence[AssetStat]) -> bool:
    """Is every path of `looked` as it was when recorded (none of them touched since)?"""
    now_ns = time.time_ns()
    return all(_RACY not in then and path_signature(input_dir, rel, now_ns) == then
               for rel, then in looked)
