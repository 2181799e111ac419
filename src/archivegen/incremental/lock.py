"""One build at a time per project and per output folder: advisory locks that are never
followed through a symlink."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archivegen.errors import ArchivegenError
from archivegen.incremental.cache import state_path

# Held while a build runs: two builds of one project would interleave writes and cache updates.
LOCK_PATH = Path(".archivegen") / "build.lock"


# The lock is created, never followed: a symlink there (dangling, it would even create the
# file it names) stops the build. Not opened for reading, so a FIFO cannot block it either.
_LOCK_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
_FOLDER_FLAGS = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_CLOEXEC", 0))


# In the output folder: builds of other projects (another state folder) writing into the
# same output are refused too; they pruned each other's pages. Hidden: never pruned.
OUTPUT_LOCK_NAME = ".archivegen-lock"


@contextmanager
def build_lock(project_dir: Path, output_dir: Path) -> Iterator[None]:
    """An exclusive lock on the project's build and one on its output folder; a second build
    of either is refused, not interleaved. The locks are advisory (fcntl): where that does
    not exist (Windows), builds are not locked. A symlink at .archivegen or at a lock stops
    the build (AG061): every build state file lives in that folder, and none is used
    through a link."""
    path = state_path(project_dir, LOCK_PATH)
    try:
        import fcntl
    except ImportError:
        yield
        return
    with contextlib.ExitStack() as held:
        if not path.is_relative_to(output_dir):  # never put the project's lock in the site
            _hold(held, fcntl, path, "another build of this project is running")
        _hold(held, fcntl, output_dir / OUTPUT_LOCK_NAME,
              "another build is writing into this output folder")
        yield


def _hold(held: contextlib.ExitStack, fcntl: Any, path: Path, busy: str) -> None:
    handle = held.enter_context(os.fdopen(_create_lock(path), "r+b"))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ArchivegenError(f"{busy} (it holds {path}); wait for it to finish") from None


def _create_lock(path: Path) -> int:
    """The lock file's descriptor, opened in its folder's descriptor (so neither can be
    swapped for a symlink between the checks and the open)."""
    try:
        with contextlib.suppress(FileExistsError):  # (or a symlink, even dangling: below)
            os.makedirs(path.parent, exist_ok=True)
        folder = os.open(path.parent, _FOLDER_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise ArchivegenError(_refused_lock(path.parent, "is a symlink or not a folder")
                                  ) from None
        raise ArchivegenError(f"cannot create the build lock {path}: {exc}") from exc
    try:
        fd = os.open(path.name, _LOCK_FLAGS, 0o644, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ArchivegenError(_refused_lock(path, "is a symlink")) from None
        raise ArchivegenError(f"cannot create the build lock {path}: {exc}") from exc
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchivegenError(_refused_lock(path, "is not a regular file"))
    return fd


def _refused_lock(path: Path, what: str) -> str:
    return (f"{path} {what}; a build never follows one there, and cannot run without its lock: "
            "remove it [AG061]")
