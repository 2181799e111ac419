"""The pages a build wrote, kept in the build state: a build into an empty output folder (a CI
run whose `.archivegen/` came back from its cache) copies them instead of rendering them.

Each process that writes pages appends them to a pack file of its own, and one line per page
to the pack's index: the page's path, the fingerprint it was made from (site/plan.py: its
inputs, templates, settings and the code's version), where its bytes are in the pack, and
their sha256. A later build that plans a page with the same path and fingerprint and finds no
such file in the output folder takes the bytes from the pack, checked against the sha256: a
damaged or cut pack (a cache restored halfway) costs a render, never a wrong page.

Packs are append-only and written by one process each, so writers need no lock. When packs
hold much more than the pages a build plans (pages rewritten by later builds), the build
copies the pages it still plans into one new pack and drops the others (`compact`).

The bytes are not compressed: zlib took 190 µs a page here (3 CPU-seconds of a 10^4-article
build, a tenth of it) for a third of the size, and a CI cache step compresses the folder
anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from archivegen.slotted import quick_pickle

STORE_FOLDER = "pages"  # inside the build state folder (.archivegen/)
_PACK = ".pack"
_INDEX = ".idx"
_NAME_RE = re.compile(r"[0-9]{1,10}-[0-9a-f]{12}")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_NEW_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
              | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
# Packs hold at most this many times the bytes of the pages still planned (plus the slack)
# before a build compacts them: rewriting them all costs about as much as writing the site.
_WASTE_FACTOR = 2
_WASTE_SLACK = 8 * 2**20


@quick_pickle
@dataclass(frozen=True, slots=True)
class StoredPage:
    """Where a page's bytes are kept, and what they must hash to."""

    path: str  # relative to the output folder
    fingerprint: str
    pack: str  # the pack's name (no folder, no suffix)
    offset: int
    length: int
    sha256: str
    origin: str = ""  # the page's source, for diagnostics (set when it is restored)


class PackWriter:
    """Appends pages to a pack of its own, made on the first page. A store that cannot be
    written (a full disk, no permission) stops storing: the pages themselves are written
    all the same, and a later build renders what it does not find."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = f"{os.getpid()}-{secrets.token_hex(6)}"
        self._pack = self._index = -1
        self._offset = 0
        self.broken = False

    def add(self, path: str, fingerprint: str, content: bytes) -> None:
        if self.broken or not fingerprint:
            return
        try:
            if self._pack < 0:
                self._open()
            write_all(self._pack, content)
            line = json.dumps([path, fingerprint, self._offset, len(content),
                               hashlib.sha256(content).hexdigest()], ensure_ascii=False)
            # The bytes first: an index line names only bytes that were written whole.
            write_all(self._index, (line + "\n").encode("utf-8", "surrogatepass"))
            self._offset += len(content)
        except OSError:
            self.broken = True

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if stat.S_ISLNK(os.lstat(self.folder).st_mode):
            raise OSError("the page store's folder is a symlink")
        self._pack = os.open(self.folder / (self.name + _PACK), _NEW_FLAGS, 0o644)
        self._index = os.open(self.folder / (self.name + _INDEX), _NEW_FLAGS, 0o644)

    def close(self) -> None:
        for fd in (self._pack, self._index):
            if fd >= 0:
                os.close(fd)
        self._pack = self._index = -1


def write_all(fd: int, data: bytes) -> None:
    """All of `data` written to `fd` (os.write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class PackReader:
    """Reads stored pages, each checked against its sha256; packs opened once each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: dict[str, int] = {}

    def read(self, page: StoredPage) -> bytes | None:
        """The page's bytes, or None: its pack is gone or refused, or the bytes are not
        those stored."""
        try:
            fd = self._open.get(page.pack)
            if fd is None:
                fd = self._open[page.pack] = _open_pack(self.folder, page.pack)
            content = os.pread(fd, page.length, page.offset)
        except OSError:
            return None
        if len(content) != page.length or hashlib.sha256(content).hexdigest() != page.sha256:
            return None
        return content

    def close(self) -> None:
        for fd in self._open.values():
            os.close(fd)
        self._open.clear()


def _open_pack(folder: Path, name: str) -> int:
    if not _NAME_RE.fullmatch(name):
        raise OSError(f"not a pack name: {name!r}")
    fd = os.open(folder / (name + _PACK), _OPEN_FLAGS)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"pack {name} is not a regular file")
    return fd


def holds_pages(folder: Path) -> bool:
    """Is there any pack in the store (a first build asks before gathering what it wants)?"""
    return bool(_packs(folder))


def stored_pages(folder: Path, wanted: Mapping[str, str]) -> dict[str, StoredPage]:
    """The stored page of each path of `wanted` whose fingerprint is the one given (path ->
    fingerprint); paths with none are left out. Only what is wanted is kept in memory."""
    found: dict[str, StoredPage] = {}
    for page in _entries(folder):
        if wanted.get(page.path) == page.fingerprint and page.path not in found:
            found[page.path] = page
    return found


def _entries(folder: Path) -> Iterator[StoredPage]:
    """Every well-formed index line of every pack, whose bytes lie inside its pack."""
    for name, size in sorted(_packs(folder).items()):
        try:
            fd = os.open(folder / (name + _INDEX), _OPEN_FLAGS)
        except OSError:
            continue
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            for raw in handle:
                page = _parse(raw, name)
                if page is not None and page.offset + page.length <= size:
                    yield page


def _parse(raw: bytes, pack: str) -> StoredPage | None:
    try:
        path, fingerprint, offset, length, sha = json.loads(raw.decode("utf-8",
                                                                       "surrogatepass"))
    except (ValueError, TypeError):
        return None  # a line cut short by a build that was killed, or not ours
    if not (isinstance(path, str) and isinstance(fingerprint, str) and isinstance(sha, str)
            and isinstance(offset, int) and isinstance(length, int)
            and offset >= 0 and length >= 0):
        return None
    return StoredPage(path, fingerprint, pack, offset, length, sha)


def _packs(folder: Path) -> dict[str, int]:
    """The packs in the store (regular files with our names), with their sizes."""
    try:
        if stat.S_ISLNK(os.lstat(folder).st_mode):
            return {}
        names = os.listdir(folder)
    except OSError:
        return {}
    packs = {}
    for entry in names:
        name, suffix = os.path.splitext(entry)
        if suffix != _PACK or not _NAME_RE.fullmatch(name):
            continue
        try:
            st = os.lstat(folder / entry)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            packs[name] = st.st_size
    return packs


def compact(folder: Path, planned: Mapping[str, str]) -> None:
    """Drop the packs none of whose pages is planned (path -> fingerprint), and when the
    packs hold over twice the bytes of the planned pages, copy those into one new pack and
    drop the rest. Also removes what killed builds left (index files without a pack)."""
    packs = _packs(folder)
    if not packs:
        return
    # A first pass only counts (at 10^5 pages, holding every entry took tens of MiB at the
    # end of a build); a page stored twice is counted twice, which only delays compacting.
    kept = 0
    live_packs: set[str] = set()
    for page in _entries(folder):
        if planned.get(page.path) == page.fingerprint:
            kept += page.length
            live_packs.add(page.pack)
    if sum(packs.values()) > _WASTE_FACTOR * kept + _WASTE_SLACK and kept:
        live: dict[str, StoredPage] = {}
        for page in _entries(folder):
            if planned.get(page.path) == page.fingerprint and page.path not in live:
                live[page.path] = page
        _copy_into_new_pack(folder, sorted(live.values(), key=_place))  # (raises: none lost)
        _remove(folder, packs)
    else:
        _remove(folder, [name for name in packs if name not in live_packs])
    _remove_orphan_indexes(folder)


def _place(page: StoredPage) -> tuple[str, int]:
    return page.pack, page.offset


def _copy_into_new_pack(folder: Path, pages: Iterable[StoredPage]) -> None:
    reader = PackReader(folder)
    writer = PackWriter(folder)
    try:
        for page in pages:
            content = reader.read(page)
            if content is not None:
                writer.add(page.path, page.fingerprint, content)
    finally:
        reader.close()
        writer.close()
    if writer.broken:
        raise OSError("the page store could not be compacted")


def _remove(folder: Path, names: Iterable[str]) -> None:
    for name in names:
        for suffix in (_INDEX, _PACK):  # the index first: a pack without one is never read
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / (name + suffix))


def _remove_orphan_indexes(folder: Path) -> None:
    packs = _packs(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for entry in names:
        name, suffix = os.path.splitext(entry)
        if suffix == _INDEX and _NAME_RE.fullmatch(name) and name not in packs:
            with contextlib.suppress(OSError):
                os.unlink(folder / entry)
