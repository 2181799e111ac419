"""Walk and read the input folder and the theme's static files (the input edge of the build)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.filenames import SIDECAR_SUFFIX, is_article_path
from archivegen.model import Source


def iter_article_paths(root: Path, diags: Diagnostics | None = None, shown: str = ""
                       ) -> list[str]:
    """Article files below `root` as sorted relative POSIX paths; hidden entries are skipped,
    and so are symlinks, which could point outside the archive. A folder that cannot be
    listed is an error in `diags` (AG003, AG007 for a path too long), its path shown
    relative to `root` after `shown`."""
    return [rel for rel, _, _ in scan_article_files(root, diags, shown)]


ScannedFile = tuple[str, os.stat_result, os.stat_result | None]  # path, stat, sidecar's stat


def scan_article_files(root: Path, diags: Diagnostics | None = None, shown: str = ""
                       ) -> list[ScannedFile]:
    """iter_article_paths with each file's stat and its sidecar's (None if it has none).

    One directory listing per folder and one stat per file: a build checks every file of a
    10^5-file archive this way before deciding there is nothing to do.
    """
    found: list[ScannedFile] = []
    # Folders still to scan, a stack and not recursion: an archive nested thousands of
    # folders deep must not end the build with RecursionError.
    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            _scan_folder(folder, prefix, found, folders, diags, shown)
        except OSError as exc:  # no permission, or a path past the system's limit
            if diags is not None:  # (its articles are missing from the site: say so)
                where = shown + prefix.rstrip("/") if prefix else os.fspath(root)
                _cannot_read(exc, where, diags, "folder")
    found.sort(key=lambda item: item[0])  # "a.txt" before "a/b.txt", as a plain sort
    return found


def _scan_folder(folder: str, prefix: str, found: list[ScannedFile],
                 folders: list[tuple[str, str]], diags: Diagnostics | None, shown: str) -> None:
    with os.scandir(folder) as listing:
        entries = {entry.name: entry for entry in listing if not entry.name.startswith(".")}
    for name in sorted(entries):
        entry = entries[name]
        try:
            if entry.is_symlink():  # could point outside the archive
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{prefix}{name}/"))
            elif is_article_path(name):
                sidecar = entries.get(name + SIDECAR_SUFFIX)
                side_stat = None
                if sidecar is not None and not sidecar.is_symlink():
                    side_stat = sidecar.stat(follow_symlinks=False)
                found.append((prefix + name, entry.stat(follow_symlinks=False), side_stat))
        except OSError as exc:
            # Vanished while scanning: the next build sees it gone. Else (a path past the
            # system's limit) its article would be missing without a word.
            if diags is not None and exc.errno != errno.ENOENT:
                _cannot_read(exc, shown + prefix + name, diags, "file")


def read_source(root: Path, rel_path: str, diags: Diagnostics,
                limits: Limits = DEFAULT_LIMITS, *, follow: bool = False) -> Source | None:
    """The file and its sidecar, or None (with a diagnostic) if the file cannot be used. Only
    regular files are read, and only up to `limits.article_bytes` (see read_regular); a
    symlink only with `follow` (a file the user named)."""
    try:
        rel_path.encode("utf-8")
    except UnicodeEncodeError:  # os.walk hands undecodable names over as surrogates
        shown = rel_path.encode("utf-8", "replace").decode("utf-8")
        diags.error("AG007", "file name is not valid UTF-8; rename the file to build it",
                    SourceLocation(path=shown))
        return None
    path = os.path.join(root, rel_path)
    got = read_regular(path, rel_path, diags, limits, follow=follow)
    if got is None:
        return None
    data, st = got
    sidecar_path = rel_path + SIDECAR_SUFFIX
    sidecar = _read_sidecar(path + SIDECAR_SUFFIX, sidecar_path, diags, limits)
    return Source(path=rel_path, data=data, sha256=hashlib.sha256(data).hexdigest(),
                  sidecar_path=sidecar_path if sidecar is not None else "", sidecar=sidecar,
                  mtime=file_time(st))


# Opened without following a symlink, and without blocking: a FIFO opened for reading waits
# for a writer, forever. (Both are 0 where the system has no such flag.)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))

_WILLNEED: int | None = getattr(os, "POSIX_FADV_WILLNEED", None)

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISLNK, "a symlink"))


def prefetch(paths: Iterable[str]) -> None:
    """Ask the kernel to start reading these regular files now, all at once.

    Read one after another from a disk whose cache holds none of them (an archive's first
    build), each file waits for its own disk read: a quarter of a load worker's time at
    10^4-10^5 files. Asked for first, the reads run side by side while the worker parses,
    and the reads that follow mostly find the bytes in memory. Advice only: a file that
    cannot be opened here, or is not a regular file, is left for read_regular to report.
    Nothing is done where the system has no posix_fadvise."""
    if _WILLNEED is None:
        return
    for path in paths:
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue  # opening a device or FIFO can do more than read it
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def read_regular(path: str, shown: str, diags: Diagnostics, limits: Limits = DEFAULT_LIMITS,
                 what: str = "file", *, follow: bool = False
                 ) -> tuple[bytes, os.stat_result] | None:
    """The bytes and stat of the regular file at `path` (named `shown` in diagnostics), or
    None with a diagnostic: AG006 for anything else (a FIFO would hang the build, a device
    like /dev/zero would be read until memory runs out), AG005 for a file over the size
    limit, AG003 (AG007 for a name too long) if it cannot be read.

    Checked by lstat before opening, and again by fstat after: a file swapped for a FIFO or
    a symlink in between is not read either (the open neither blocks nor follows links).
    With `follow`, a symlink is followed to what it names, which must be a regular file."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
        if not _usable(st, shown, diags, limits, what):
            return None
        fd = os.open(path, _OPEN_FLAGS & ~_NOFOLLOW if follow else _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a symlink since the lstat
            diags.warning("AG006", f"{what} is not a regular file (a symlink); not read",
                          SourceLocation(path=shown))
        else:
            _cannot_read(exc, shown, diags, what)
        return None
    try:
        st = os.fstat(fd)
        if not _usable(st, shown, diags, limits, what):
            return None
        with open(fd, "rb", closefd=False) as handle:
            # A buffer of the file's size, not of the limit: allocating 5 MB for each read
            # cost twice the read of a 10 KB article.
            data = handle.read(min(st.st_size, limits.article_bytes) + 1)
            if len(data) > st.st_size:  # it grew since: read on, up to the limit
                data += handle.read(limits.article_bytes + 1 - len(data))
    except OSError as exc:
        _cannot_read(exc, shown, diags, what)
        return None
    finally:
        os.close(fd)
    if len(data) > limits.article_bytes:
        _too_large(len(data), shown, diags, limits, what)
        return None
    return data, st


def _usable(st: os.stat_result, shown: str, diags: Diagnostics, limits: Limits,
            what: str) -> bool:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        diags.error("AG003", f"cannot read {what}: it is a folder", SourceLocation(path=shown))
        return False
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "of an unknown kind")
        diags.warning("AG006", f"{what} is not a regular file ({kind}); not read",
                      SourceLocation(path=shown))
        return False
    if st.st_size > limits.article_bytes:
        _too_large(st.st_size, shown, diags, limits, what)
        return False
    return True


def _too_large(size: int, shown: str, diags: Diagnostics, limits: Limits, what: str) -> None:
    diags.warning("AG005", f"{what} is {size:,} bytes, over the article size limit of "
                  f"{limits.article_bytes:,} bytes (limits.article_bytes); not read",
                  SourceLocation(path=shown))


def _cannot_read(exc: OSError, shown: str, diags: Diagnostics, what: str) -> None:
    if exc.errno == errno.ENAMETOOLONG:  # a path past PATH_MAX (a name past NAME_MAX cannot exist)
        diags.error("AG007", f"{what} name too long for the file system; not read",
                    SourceLocation(path=shown))
    else:
        diags.error("AG003", f"cannot read {what}: {exc.strerror}", SourceLocation(path=shown))


def _read_sidecar(path: str, shown: str, diags: Diagnostics, limits: Limits) -> bytes | None:
    """The sidecar's bytes; None if there is none (a sidecar that is a symlink is ignored, as
    the scan ignores article symlinks) or it cannot be used (with a diagnostic)."""
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return None
    except OSError:  # none (or its name would be too long to exist: no sidecar either)
        return None
    got = read_regular(path, shown, diags, limits, what="sidecar")
    return got[0] if got is not None else None


# Modification times a date can hold (years 1 to 9999). A file system keeps times far
# outside it (year 0, or 10^17 seconds on tmpfs) that datetime and gmtime refuse: such a
# time is no date at all, so the file is read as having none.
_EARLIEST = -62_135_596_800
_LATEST = 253_402_300_799


def file_time(st: os.stat_result) -> float | None:
    """The file's modification time, or None if no calendar date can hold it."""
    return st.st_mtime if _EARLIEST <= st.st_mtime <= _LATEST else None


def read_sources(root: Path, diags: Diagnostics,
                 limits: Limits = DEFAULT_LIMITS) -> list[Source]:
    return [s for p in iter_article_paths(root, diags)
            if (s := read_source(root, p, diags, limits))]


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


def read_paths(paths: Sequence[Path], diags: Diagnostics,
               limits: Limits = DEFAULT_LIMITS) -> list[Source]:
    """Sources for files and folders named on the command line; each named as given. A
    symlink named there is followed (the user chose it); within folders they are skipped."""
    sources: list[Source] = []
    for given in paths:
        if given.is_dir():
            for rel in iter_article_paths(given, diags, given.as_posix() + "/"):
                source = read_source(given, rel, diags, limits)
                if source is not None:
                    sources.append(_renamed(source, (given / rel).as_posix()))
        else:
            source = read_source(given.parent, given.name, diags, limits, follow=True)
            if source is not None:
                sources.append(_renamed(source, given.as_posix()))
    return sources


def _renamed(source: Source, path: str) -> Source:
    sidecar = path + source.sidecar_path.removeprefix(source.path) if source.sidecar_path else ""
    return replace(source, path=path, sidecar_path=sidecar)


def source_signature(source: Source, *, file_time_dates: bool = False) -> str:
    """What a source's records are made from: its bytes and its sidecar's bytes, and its
    modification day when undated articles take their date from it."""
    digest = hashlib.sha256(source.sha256.encode())
    digest.update(b"\0" + (source.sidecar or b"") + b"\0" + source.sidecar_path.encode())
    if file_time_dates and source.mtime is not None:
        day = time.strftime("%Y-%m-%d", time.gmtime(source.mtime))
        digest.update(b"\0mtime-day:" + day.encode())
    return digest.hexdigest()


def content_unchanged(input_dir: Path, rel: str, cached_sha: str, *, file_time_dates: bool,
                      limits: Limits = DEFAULT_LIMITS) -> bool:
    """Does `rel` (touched since it was loaded) still hold what its records were made from
    (`cached_sha`, source_signature's)? Reads it; False whenever in doubt (it cannot be
    read, a sidecar cannot be), and reload_source then says why."""
    diags = Diagnostics()
    source = read_source(input_dir, rel, diags, limits)
    return (source is not None and not diags.items
            and source_signature(source, file_time_dates=file_time_dates) == cached_sha)


def unchanged_contents(input_dir: Path, files: Sequence[tuple[str, str]], *,
                       file_time_dates: bool, limits: Limits = DEFAULT_LIMITS) -> list[bool]:
    """Per (path, cached signature) of `files` (touched since they were loaded; a fresh
    checkout on CI touches every file): does it still hold what its records were made
    from? ("" as the signature: nothing is cached, False.) One file at a time: with the
    files in the page cache (a checkout just wrote them) it takes ~40 µs a file, and
    threads made it four times slower (they queue for the GIL between short calls)."""
    return [bool(cached_sha) and content_unchanged(input_dir, rel, cached_sha,
                                                   file_time_dates=file_time_dates,
                                                   limits=limits)
            for rel, cached_sha in files]
