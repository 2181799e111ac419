"""Is the site up to date? Answered from file stats and the build cache alone.

A rebuild with nothing changed must cost next to nothing on a 10^5-file archive, so this
module imports only what that answer needs (no Jinja, Markdown or numpy): the CLI asks it
before importing the build pipeline. It also holds what every build shares with it: the
input scan, the project's build lock and the cache location.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivegen.config import SiteConfig, settings_key, theme_dirs
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, SourceLocation
from archivegen.incremental.cache import (
    CACHE_PATH,
    BuildCache,
    StateRefused,
    bytecode_refusal,
    code_version,
)
from archivegen.load.sources import scan_article_files
from archivegen.records import diagnostic_from_json
from archivegen.render.writer import file_stats, read_manifest
from archivegen.report import BuildReport
from archivegen.site.plan import fingerprint

# Held while a build runs: two builds of one project would interleave writes and cache updates.
LOCK_PATH = Path(".archivegen") / "build.lock"

# A file modified this recently may be modified again within the file system's timestamp
# granularity without its stat changing (git's "racy" files): such files are always re-read.
RACY_NS = 2_000_000_000

class Scan(list[tuple[str, str | None]]):
    """(path, stat signature) per article file, and the errors of the folders that could not
    be listed (their articles are missing: a build reports them)."""

    problems: tuple[Diagnostic, ...] = ()


def stat_signature(st: os.stat_result, side: os.stat_result | None,
                   now_ns: int) -> str | None:
    """Size and mtime of a source and of its sidecar: equal means unchanged without reading.
    None when the stat cannot be trusted (modified in the last two seconds)."""
    newest = st.st_mtime_ns
    side_sig = "-"
    if side is not None:
        side_sig = f"{side.st_size}:{side.st_mtime_ns}:{side.st_ino}:{side.st_ctime_ns}"
        newest = max(newest, side.st_mtime_ns)
    if newest > now_ns - RACY_NS:
        return None
    # Inode and ctime as git does: files swapped by name, or restored with their old mtime
    # (cp -p, rsync -t), change them even when size and mtime match.
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}:{side_sig}"


def scan_inputs(input_dir: Path) -> Scan:
    """Every article file with its stat signature (None: too recent to trust, read it)."""
    now_ns = time.time_ns()
    unlisted = Diagnostics()
    scan = Scan((rel, stat_signature(st, side, now_ns))
                for rel, st, side in scan_article_files(input_dir, unlisted))
    scan.problems = tuple(unlisted.items)
    return scan


def scan_key(scan: Scan) -> str:
    """A fingerprint of the article files a scan found (their paths, not their stats) and
    of the folders it could not list."""
    return fingerprint(*(rel for rel, _ in scan), *(d.format() for d in scan.problems))


def context_state(input_dir: Path, output_dir: Path, config: SiteConfig,
                  themes: Sequence[Path], strict: bool) -> str | None:
    """A fingerprint of everything a build reads but the article files: code, folders,
    settings and every theme file, from stats alone; None if a theme file is too recent to
    trust its stat."""
    now_ns = time.time_ns()
    parts = [code_version(), str(input_dir), str(output_dir), settings_key(config), str(strict)]
    for theme in themes:
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                st = path.stat()
                if st.st_mtime_ns > now_ns - RACY_NS:
                    return None
                parts.append(f"{path}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}")
    return fingerprint(*parts)


def input_state(scan: Scan, context: str | None) -> str | None:
    """A fingerprint of everything a build reads (`context`, from context_state, and the
    article files' stats); None if a file is too recent to trust its stat. Equal to the last
    build's: nothing to do."""
    if context is None or any(stat is None for _, stat in scan):
        return None
    return fingerprint(context, *(f"{rel}\0{stat}" for rel, stat in scan),
                       *(d.format() for d in scan.problems))


def outputs_intact(outputs: dict[str, tuple[str, str]], output_dir: Path) -> bool:
    """Is every output of the last build (`outputs`: BuildCache.outputs) there as it was
    written, none edited by hand, and the manifest naming just these?"""
    if not outputs or set(outputs) != read_manifest(output_dir):
        return False
    return all(stat and now == stat for (_, stat), now
               in zip(outputs.values(), file_stats(output_dir, outputs), strict=True))


# What a build keeps of its result for the next one: counts and diagnostics.
Summary = tuple[dict[str, int], tuple[Diagnostic, ...]]


def last_summary(text: str | None) -> Summary | None:
    """The cached summary of the last build: its counts (articles, pages, files) and
    diagnostics, sorted; None if missing or garbled (then a build runs)."""
    try:
        data = json.loads(text or "")
        counts = {key: data[key] for key in ("articles", "pages", "files")}
        found = [diagnostic_from_json(d) for d in data["diagnostics"]]
        diagnostics = tuple(sorted(found, key=Diagnostic.sort_key))
        set(diagnostics)  # hashable, as a quick rebuild counts them
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    if not all(type(n) is int for n in counts.values()):
        return None
    return counts, diagnostics


def unchanged_site(cache: BuildCache, state: str | None, output_dir: Path) -> Summary | None:
    """The last build's summary if the input state is the same and every output is intact."""
    if state is None or cache.get_meta("input_state") != state:
        return None
    summary = last_summary(cache.get_meta("summary"))
    if summary is None or not outputs_intact(cache.outputs(), output_dir):
        return None
    return summary


def replayed(summary: Summary, start: float,
             phases: tuple[tuple[str, float], ...]) -> BuildReport:
    """The report of a build that had nothing to do: the last build's counts, no writes."""
    counts, diagnostics = summary
    return BuildReport(
        articles=counts["articles"], pages=counts["pages"], written=0,
        unchanged=counts["files"], removed=0, kept_stale=0, diagnostics=diagnostics,
        seconds=time.perf_counter() - start, phases=phases, report_path=None, rendered=0)


@dataclass(frozen=True, slots=True)
class Freshness:
    report: BuildReport | None  # nothing changed: the replayed report of a no-op build
    scan: Scan | None  # the input scan it was decided on, for the build that must run


def up_to_date(project_dir: Path, config: SiteConfig, *, strict: bool = False) -> Freshness:
    """The report of a no-op build if nothing changed since the last one, else the input
    scan a real build starts from. Cheap to import and to run: no page is planned."""
    start = time.perf_counter()
    input_dir = (project_dir / config.input).resolve()
    output_dir = (project_dir / config.output).resolve()
    with build_lock(project_dir, output_dir):
        cache = open_cache(project_dir, output_dir, Diagnostics())  # the build warns
        if cache is None:
            return Freshness(report=None, scan=None)
        try:
            scan = scan_inputs(input_dir)
            state = input_state(scan, context_state(input_dir, output_dir, config,
                                                    theme_dirs(project_dir, config), strict))
            summary = unchanged_site(cache, state, output_dir)
        except sqlite3.Error:  # a failing disk: the build says so (AG061), without the cache
            return Freshness(report=None, scan=None)
        finally:
            cache.close()
    if summary is None:
        return Freshness(report=None, scan=scan)
    return Freshness(report=replayed(summary, start, (("check", time.perf_counter() - start),)),
                     scan=scan)


def state_path(project_dir: Path, relative: Path) -> Path:
    """A build state file's absolute path. The project folder is resolved, the state path
    below it never is: resolving would follow a symlink planted there to its target."""
    return project_dir.resolve() / relative


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


def open_cache(project_dir: Path, output_dir: Path,
               diags: Diagnostics) -> BuildCache | None:
    """The project's build cache; None when it would sit inside the output folder, or
    cannot be used (a symlink, a full or failing disk: a warning in `diags`; the build
    then runs without it)."""
    path = state_path(project_dir, CACHE_PATH)
    if path.is_relative_to(output_dir):
        return None  # never keep build state inside the published folder
    try:
        cache = BuildCache.open(path)
    except StateRefused as exc:
        diags.warning("AG061", f"{exc}; not followed: building without the cache",
                      SourceLocation(path=str(path)))
        return None
    except sqlite3.Error as exc:
        diags.warning("AG061", f"the build cache cannot be used ({exc}); building without it",
                      SourceLocation(path=str(path)))
        return None
    except OSError as exc:
        raise ArchivegenError(f"cannot open the build cache {path}: {exc}") from exc
    if why := bytecode_refusal(path):
        diags.warning("AG061", f"{why}; not followed: templates are compiled as they are used",
                      SourceLocation(path=str(path.parent / "jinja")))
    return cache
