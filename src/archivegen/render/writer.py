"""Write the output tree: atomic per file, unchanged bytes left alone, stale files pruned.

The writer owns only what it wrote: a manifest in the output folder lists those files, and
pruning never touches anything else. After a build with errors nothing is pruned, so a page
that failed to rebuild stays published until its source is fixed.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Protocol, TypeVar

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.model import RenderedFile
from archivegen.render.file_stats import FileStats
from archivegen.render.page_store import PackWriter, write_all
from archivegen.slotted import quick_pickle

MANIFEST_NAME = ".archivegen-manifest.json"
# The build's own files in the output folder (the manifest, the staging folder) are never
# followed through a symlink: one planted there could point anywhere (AG061).
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))
# A temporary file is always a new one: O_EXCL refuses whatever is at its name (a file a
# killed build left, a planted FIFO or symlink, dangling or not), so what is opened is a
# regular file of ours, and no stat is needed to check it.
_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
# What a web server must be able to read, whatever the umask.
_PAGE_MODE = 0o644
# Errors that mean this one file's name cannot be used here (past NAME_MAX or PATH_MAX,
# or refused by the file system): they cost that file, not the build (AG007).
_NAME_ERRORS = frozenset({errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL})
# Temporary files of a build's writes, renamed into place when complete. One folder, emptied
# when a build starts: a build killed between writing and renaming leaves nothing elsewhere.
STAGING_NAME = ".archivegen-tmp"
_temp_names = itertools.count()


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    kept_stale: int
    rendered: int = 0  # files received from the renderer (written or byte-identical)
    # Size, mtime and inode of each file received and in place, as `file_stat` gives them: a
    # later build compares them to notice a page edited or replaced by hand.
    stats: FileStats = field(default_factory=FileStats)
    restored: int = 0  # files copied from the page store instead of rendered


class _Claim(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def origin(self) -> str: ...


ClaimT = TypeVar("ClaimT", bound=_Claim)


def write_atomic_chunks(target: Path, chunks: Iterable[bytes],
                        staging: Path | None = None) -> bool:
    """write_atomic for content made piece by piece: `chunks` are consumed one at a time
    into the temporary file, so a large file is never whole in memory. False (and the
    target left alone, mtime and all) if it already held these bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return install_temporary(_write_temporary(target, chunks, staging)[0], target)


def install_temporary(tmp: str, target: Path) -> bool:
    """Put the complete temporary file `tmp` (on the target's file system: the staging
    folder) in place of `target` by a rename, or remove it if `target` already holds its
    bytes (False: the target left alone, mtime and all)."""
    try:
        if _same_bytes(tmp, target):
            os.unlink(tmp)
            return False
        os.replace(tmp, target)  # a symlink at `target` is replaced, never written through
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _holds(target: Path, content: bytes) -> bool:
    """Is `target` a regular file holding `content`? Read without following a symlink or
    waiting on a FIFO: what a link there names is no page of ours (it is replaced)."""
    try:
        fd = os.open(target, _READ_FLAGS)
    except OSError:
        return False
    with open(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(content):
            return False
        return handle.read(len(content) + 1) == content


def read_regular_file(target: Path) -> bytes | None:
    """The bytes of the regular file `target`, or None (missing, unreadable, or not a
    regular file). Read without following a symlink or waiting on a FIFO."""
    try:
        fd = os.open(target, _READ_FLAGS)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        try:
            st = os.fstat(fd)
            return handle.read(st.st_size + 1) if stat.S_ISREG(st.st_mode) else None
        except OSError:
            return None


def _same_bytes(tmp: str, target: Path) -> bool:
    """Does the regular file `target` hold the bytes of `tmp`? Read without following a
    symlink or waiting on a FIFO (filecmp does both)."""
    try:
        fd = os.open(target, _READ_FLAGS)
    except OSError:
        return False
    with open(fd, "rb") as theirs, open(tmp, "rb") as ours:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != os.fstat(ours.fileno()).st_size:
            return False
        while True:
            mine = ours.read(1 << 16)
            if mine != theirs.read(1 << 16):
                return False
            if not mine:
                return True


def drop_collisions(files: Iterable[ClaimT], diags: Diagnostics) -> list[ClaimT]:
    """One file per output path; a second claimant is an error naming both origins."""
    by_path: dict[str, ClaimT] = {}
    for f in sorted(files, key=lambda f: (f.path, f.origin)):
        first = by_path.get(f.path)
        if first is None:
            by_path[f.path] = f
        else:
            diags.error("AG040", f"'{f.origin}' and '{first.origin}' both produce {f.path}",
                        SourceLocation(path=f.origin))
    return list(by_path.values())


def safe_target(output_dir: Path, rel_path: str) -> Path:
    """The absolute path for `rel_path`, refusing anything that would land outside the folder."""
    return SafeTargets(output_dir).target(rel_path)


class SafeTargets:
    """safe_target for many files: the output folder is resolved once, and each folder below
    it is checked once (one lstat per folder, not a realpath per file)."""

    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir.resolve()
        self._top = os.fspath(self.root)
        self._inside: dict[str, bool] = {}

    def target(self, rel_path: str) -> Path:
        # Check the raw segments: PurePosixPath would quietly normalise "a/./b" and "a//b".
        parts = rel_path.split("/")
        if "\\" in rel_path or "\x00" in rel_path or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"unsafe output path {rel_path!r}")
        if not self._folder_inside(parts[:-1]):
            raise ValueError(f"output path {rel_path!r} leaves the output folder")
        return self.root.joinpath(*parts)

    def _folder_inside(self, folders: list[str]) -> bool:
        """No folder on the way is a symlink out of the output folder."""
        prefix = ""
        for name in folders:
            prefix = f"{prefix}/{name}" if prefix else name
            inside = self._inside.get(prefix)
            if inside is None:
                path = os.path.join(self._top, prefix)
                try:
                    mode = os.lstat(path).st_mode
                except OSError:  # not there yet (or under a file): made by us, as a folder
                    return True
                inside = (not stat.S_ISLNK(mode)
                          or Path(path).resolve().is_relative_to(self.root))
                self._inside[prefix] = inside
            if not inside:
                return False
        return True


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenFile:
    """A file already put in place (by a render worker, or by write_tree): what the build
    records of it. Workers send this instead of the page's bytes."""

    path: str
    origin: str
    written: bool = False  # False: the file already held these bytes
    stat: str = ""  # file_stat after writing
    refused: str = ""  # why the path was refused (AG041); nothing was written
    unwritable: str = ""  # why the file system refused its name (AG007); nothing was written
    restored: bool = False  # copied from the page store, not rendered


def staging_folder(output_dir: Path) -> Path:
    return output_dir / STAGING_NAME


class TreeWriter:
    """Puts files into the output folder: paths checked by SafeTargets, each file written
    atomically through the staging folder, folders made once. One per process: render
    workers write their own pages, so page bytes never travel back to the build process."""

    def __init__(self, output_dir: Path, store: PackWriter | None = None) -> None:
        self.targets = SafeTargets(output_dir)
        self.staging = staging_folder(output_dir)
        self.store = store

    def put(self, path: str, content: bytes, origin: str, fingerprint: str = "",
            *, restored: bool = False) -> WrittenFile:
        """Write the file; with a `fingerprint`, keep its bytes in the page store too."""
        try:
            target = self.targets.target(path)
        except ValueError as exc:
            return WrittenFile(path=path, origin=origin, refused=str(exc))
        try:
            new_stat = _replace_file(target, content, self.staging)
        except OSError as exc:
            if exc.errno not in _NAME_ERRORS:
                raise  # a full disk, no permission: the whole build stops (cli says why)
            return WrittenFile(path=path, origin=origin,
                               unwritable=f"page {path} cannot be written: {exc.strerror}")
        if self.store is not None and fingerprint and not restored:
            self.store.add(path, fingerprint, content)
        return WrittenFile(path=path, origin=origin, written=new_stat is not None,
                           stat=(_stat_text(new_stat) if new_stat is not None
                                 else file_stat(os.fspath(target))),
                           restored=restored)


def write_atomic(target: Path, content: bytes, staging: Path | None = None) -> bool:
    """Write via a temporary file and rename; False (and no write) if the bytes are the same.
    The temporary file goes in `staging` (a folder on the same file system) if given, else
    beside the target. With `staging`, the target's folder is made only when the rename finds
    it missing: no mkdir per file, and no set of every folder made (10^5 strings at scale)."""
    return _replace_file(target, content, staging) is not None


def _replace_file(target: Path, content: bytes, staging: Path | None) -> os.stat_result | None:
    """write_atomic, giving the new file's stat (None: not written). The stat is taken from
    the temporary file: a rename keeps its size, mtime and inode, and a cold build then
    needs no stat per page."""
    if _holds(target, content):
        return None
    if staging is None:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp, new_stat = _write_temporary(target, content, staging)
    try:
        try:
            os.replace(tmp, target)
        except FileNotFoundError:
            if staging is None:
                raise
            _make_folder(os.path.dirname(target))
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return new_stat


def _make_folder(folder: str) -> None:
    """Make `folder` and what is missing above it. Most often only the folder itself is
    missing (an article's own folder): one mkdir, not makedirs' stat of its parent first."""
    try:
        os.mkdir(folder)
    except FileExistsError:  # made meanwhile by the other worker, or a file is in the way
        if not os.path.isdir(folder):
            raise
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _write_temporary(target: Path, content: bytes | Iterable[bytes], staging: Path | None
                     ) -> tuple[str, os.stat_result]:
    """`content` (bytes, or chunks of them) in a new temporary file for `target` (in
    `staging`, if given, else beside it), readable by a web server: its path, and its stat
    once written. Nothing is left behind if writing fails."""
    # The temporary name is ours alone (this process, this target), and mkstemp's random
    # names cost more than the write on 10^4 small files.
    if staging is not None:
        tmp = os.path.join(staging, f"{os.getpid()}-{next(_temp_names)}.part")
    else:
        tmp = os.path.join(target.parent, f".tmp-{os.getpid()}-{target.name}.part")
    try:
        fd = _create(tmp)
        try:
            if isinstance(content, bytes):  # a page: one write, no buffered file object
                write_all(fd, content)
            else:
                with os.fdopen(fd, "wb", closefd=False) as out:
                    out.writelines(content)
            written = os.fstat(fd)
            if written.st_mode & _PAGE_MODE != _PAGE_MODE:  # a umask took the read bits
                os.fchmod(fd, _PAGE_MODE)  # (size, mtime and inode stay as stat'ed)
        finally:
            os.close(fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp, written


def _create(tmp: str) -> int:
    """Open the new file `tmp`. A regular file at its name (a killed build's) is replaced;
    anything else there (a symlink, a FIFO: planted) is refused, never followed."""
    try:
        return os.open(tmp, _TEMP_FLAGS, _PAGE_MODE)
    except FileExistsError:
        if not stat.S_ISREG(os.lstat(tmp).st_mode):
            raise OSError(errno.EEXIST, "a temporary file's name is taken", tmp) from None
        os.unlink(tmp)
        return os.open(tmp, _TEMP_FLAGS, _PAGE_MODE)


# A manifest larger than this is not read (a planted one could fill memory): 10^6 articles
# make about 100 MB of it. Then nothing is pruned, and this build's manifest replaces it.
MAX_MANIFEST_BYTES = 256 * 2**20
_MANIFEST_BATCH = 4096  # names joined per write


def read_manifest(output_dir: Path) -> set[str]:
    """The files the last build wrote; none if the manifest is missing, garbled, larger than
    MAX_MANIFEST_BYTES, or not a regular file (a symlink is not followed: what it names
    could list files to prune)."""
    try:
        fd = os.open(output_dir / MANIFEST_NAME, _READ_FLAGS)
    except OSError:
        return set()
    try:
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return set()
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
            if len(raw) > MAX_MANIFEST_BYTES:
                return set()
            data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files", []) if isinstance(data, dict) else []
    return {f for f in files if isinstance(f, str)}


def write_tree(output_dir: Path, files: Iterable[RenderedFile | WrittenFile],
               diags: Diagnostics,
               *, prune: bool | Callable[[], bool], unchanged_paths: Iterable[str] = (),
               planned: Iterable[str] | None = None, store: PackWriter | None = None,
               store_key: Callable[[str], str] | None = None) -> WriteReport:
    """Write `files` (consumed one at a time: it may render as it goes); `unchanged_paths` are
    outputs this build also owns but did not re-render, so they are neither rewritten nor
    pruned. `planned` names every output in advance; without it `files` is read up front.
    `prune` may be a function, asked after the last file (rendering can still fail).
    Files it writes itself go into `store` too, under the fingerprint `store_key` gives
    their path ("": not stored)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    refused = manifest_refused(output_dir, diags)
    previous = read_manifest(output_dir)
    kept = set(unchanged_paths)
    if planned is None:
        files = list(files)
        planned = [f.path for f in files]
    staging = _empty_staging(output_dir, diags)
    # Record the intent first: a build killed while writing still owns what it wrote.
    # (The manifest is a function of its set of names: an equal set is not written again.)
    # Each name maps to itself: a file's stat is kept under the name's one string, not the
    # one each file brings back from a render worker (10^5 strings at scale).
    listed = dict.fromkeys(previous)
    listed.update(dict.fromkeys(kept))
    listed.update((name, name) for name in planned)
    if not refused and (listed.keys() != previous
                        or not (output_dir / MANIFEST_NAME).is_file()):
        _write_manifest(output_dir, listed, staging)
    tree = TreeWriter(output_dir, store)
    written = rendered = restored = 0
    unchanged = len(kept)
    # Every file this build received and put in place, with its stat; with `kept`, what
    # the build owns now.
    stats = FileStats()
    for f in files:
        done = f if isinstance(f, WrittenFile) else tree.put(
            f.path, f.content, f.origin, store_key(f.path) if store_key else "",
            restored=f.restored)
        if done.restored:
            restored += 1
        else:
            rendered += 1
        if done.refused:
            diags.error("AG041", done.refused, SourceLocation(path=done.origin))
            continue
        if done.unwritable:
            diags.error("AG007", f"{done.unwritable}; skipped", SourceLocation(path=done.origin))
            continue
        if done.written:
            written += 1
        else:
            unchanged += 1
        stats.add(listed.get(done.path) or done.path, done.stat)

    def owned_now(name: str) -> bool:
        return name in stats or name in kept

    stale = sorted(name for name in previous if not owned_now(name))
    removed = 0
    pruned = prune() if callable(prune) else prune
    if pruned:
        for rel in stale:
            removed += _remove_owned(output_dir, rel)
    kept_stale = 0 if pruned else len(stale)
    # The manifest again if what is owned now is not what it lists (a page that failed, a
    # stale file removed): kept and received files, and stale ones not pruned.
    unpruned = set() if pruned else set(stale)
    if not refused and (any(name not in listed for name in stats)
                        or any(not owned_now(name) and name not in unpruned
                               for name in listed)):
        _write_manifest(output_dir, [*kept, *stats.keys() - kept, *unpruned], staging)
    shutil.rmtree(staging, ignore_errors=True)  # (rmtree never follows a symlink)
    return WriteReport(written=written, unchanged=unchanged, removed=removed,
                       kept_stale=kept_stale, rendered=rendered, stats=stats,
                       restored=restored)


def replace_owned(output_dir: Path, files: Iterable[RenderedFile],
                  gone: Collection[str] = ()) -> tuple[list[WrittenFile], int]:
    """Write new versions of files and remove the owned files `gone` (a page that moved): for
    a rebuild that knows exactly what changed. The manifest lists new names before they are
    written and drops removed ones after (unchanged when no name comes or goes). The files
    written, and how many of `gone` were removed."""
    files = list(files)
    staging = _empty_staging(output_dir)
    refused = manifest_refused(output_dir)
    try:
        previous = read_manifest(output_dir)
        listed = previous | {f.path for f in files}
        if listed != previous and not refused:
            _write_manifest(output_dir, listed, staging)
        tree = TreeWriter(output_dir)
        written = [tree.put(f.path, f.content, f.origin) for f in files]
        removed = sum(_remove_owned(output_dir, rel) for rel in gone
                      if rel in listed and not refused)  # refused: what it owns is unknown
        if listed & set(gone) and not refused:
            _write_manifest(output_dir, listed - set(gone), staging)
        return written, removed
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def claim_files(output_dir: Path, paths: Iterable[str]) -> bool:
    """Before files are put in place ahead of a build's own writing (pages copied from the
    page store while the build plans): the manifest lists them with what it listed, so a
    build killed meanwhile still owns them, and the staging folder is ready. False (and
    nothing done) if the manifest is refused or the folder cannot be made."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        if manifest_refused(output_dir):
            return False
        staging = _empty_staging(output_dir)
        _write_manifest(output_dir, read_manifest(output_dir).union(paths), staging)
    except OSError:
        return False
    return True


def manifest_refused(output_dir: Path, diags: Diagnostics | None = None) -> bool:
    """Is the manifest a symlink or something else than a regular file? Then it is neither
    read nor written (AG061): nothing is pruned, since what this build owns is unknown."""
    path = output_dir / MANIFEST_NAME
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False  # not there yet
    if stat.S_ISREG(mode):
        return False
    if diags is not None:
        kind = "a symlink" if stat.S_ISLNK(mode) else "not a regular file"
        diags.warning("AG061", f"the output's list of the files it wrote is {kind}; not read "
                      "or written, so nothing is pruned (remove it to let builds prune again)",
                      SourceLocation(path=str(path)))
    return True


def _empty_staging(output_dir: Path, diags: Diagnostics | None = None) -> Path:
    """The staging folder, emptied of what a killed build left. A symlink (or a file) there
    is removed itself and replaced by a folder: never followed, its target left alone."""
    staging = staging_folder(output_dir)
    try:
        mode = os.lstat(staging).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        shutil.rmtree(staging)
    elif mode is not None:
        if diags is not None and stat.S_ISLNK(mode):
            diags.warning("AG061", "the staging folder is a symlink; not followed: the link "
                          "is replaced by a folder (what it names is left alone)",
                          SourceLocation(path=str(staging)))
        staging.unlink()
    staging.mkdir()
    return staging


def file_stat(path: str) -> str:
    """Size, mtime and inode of an output file ("" if missing): unchanged means untouched."""
    try:
        return _stat_text(os.stat(path))
    except OSError:
        return ""


def _stat_text(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def file_stats(folder: Path, paths: Iterable[str]) -> Iterator[str]:
    """file_stat of each of `paths` (relative to `folder`), a third faster: looked up from
    the open folder, not from the root each time (no-op and quick rebuilds check every
    output)."""
    if os.stat not in os.supports_dir_fd:
        top = os.fspath(folder)
        yield from (file_stat(os.path.join(top, path)) for path in paths)
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield from ("" for _ in paths)
        return
    try:
        for path in paths:
            try:
                yield _stat_text(os.stat(path, dir_fd=fd))
            except (OSError, ValueError):
                yield ""
    finally:
        os.close(fd)


def _write_manifest(output_dir: Path, owned: Iterable[str], staging: Path) -> None:
    """The manifest, a line per file, written in batches as it is made: at 10^5 files
    json.dumps with an indent (the pure-Python encoder) held tens of MiB of pieces. Each name
    goes through json's C string encoder, the one json.dumps uses (a quick rebuild whose page
    moved writes the manifest twice: a call per name was most of its cost)."""
    files = sorted(owned)
    write_atomic_chunks(output_dir / MANIFEST_NAME, _manifest_chunks(files), staging=staging)


def _manifest_chunks(files: list[str]) -> Iterator[bytes]:
    yield b'{\n"generator": "archivegen",\n"files": [' + (b"\n" if files else b"")
    for start in range(0, len(files), _MANIFEST_BATCH):
        batch = ",\n".join(map(encode_basestring_ascii, files[start:start + _MANIFEST_BATCH]))
        last = start + _MANIFEST_BATCH >= len(files)
        yield (batch + ("\n" if last else ",\n")).encode("utf-8")
    yield b"]\n}\n"


def _remove_owned(output_dir: Path, rel: str) -> int:
    if any(part.startswith(".") for part in rel.split("/")):
        # No page has a hidden name: the build's own files (the manifest, the staging
        # folder) and the user's (.git/, .htaccess, .well-known/) are never pruned, whatever
        # a tampered manifest lists.
        return 0
    try:
        target = safe_target(output_dir, rel)
    except ValueError:
        return 0  # a tampered manifest never makes us delete outside the folder
    try:
        target.unlink()
    except OSError:
        # Gone, or a folder (or something we may not remove) where a page was: a folder is
        # not ours to empty, and it must not stop every later build (it is dropped from the
        # manifest).
        return 0
    root = output_dir.resolve()
    parent = target.parent
    while parent != root:
        try:
            parent.rmdir()  # only succeeds when empty
        except OSError:
            break
        parent = parent.parent
    return 1
