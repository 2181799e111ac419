"""Is the site up to date? Answered from file stats and the build cache alone.

A rebuild with nothing changed must cost next to nothing on a 10^5-file archive, so this
module imports only what that answer needs (no Jinja, Markdown or numpy): the CLI asks it
before importing the build pipeline. It also holds what every build shares with it: the
input scan, the project's build lock and the cache location.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from archivegen.config import SiteConfig, settings_key, theme_dirs
from archivegen.digest import fingerprint
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics
from archivegen.incremental.cache import (
    BuildCache,
    Summary,
    code_version,
    open_cache,
)
from archivegen.incremental.lock import build_lock
from archivegen.load.assets import assets_fresh
from archivegen.load.sources import scan_article_files
from archivegen.render.writer import file_stats, read_manifest
from archivegen.report import BuildReport

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


def context_content(input_dir: Path, output_dir: Path, config: SiteConfig,
                    themes: Sequence[Path], strict: bool) -> str:
    """context_state made from the theme files' bytes instead of their stats: equal to the
    last build's, everything but the article files is as it was, though a fresh checkout
    gave every file a new stat (a theme is a few dozen small files: read in milliseconds)."""
    parts = [code_version(), str(input_dir), str(output_dir), settings_key(config), str(strict)]
    for theme in themes:
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                parts.append(f"{path}\0{hashlib.sha256(path.read_bytes()).hexdigest()}")
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


def outputs_as_built(project_dir: Path, config: SiteConfig) -> bool:
    """Is every output of the last build there as it was written (outputs_intact)? False
    when that cannot be told (no cache, a build under way). Serve asks between builds, so
    that its next quick rebuild need not stat every output (0.1 s at 10^4 pages)."""
    output_dir = (project_dir / config.output).resolve()
    try:
        with build_lock(project_dir, output_dir):
            cache = open_cache(project_dir, output_dir, Diagnostics())
            if cache is None:
                return False
            try:
                return outputs_intact(cache.outputs(), output_dir)
            finally:
                cache.close()
    except (ArchivegenError, OSError, sqlite3.Error):  # (another build holds the lock)
        return False


def unchanged_site(cache: BuildCache, state: str | None, output_dir: Path,
                   input_dir: Path | None = None) -> Summary | None:
    """The last build's summary if the input state is the same, every file the articles
    reference (in `input_dir`) is as their articles were loaded with, and every output is
    intact."""
    if state is None or cache.input_state() != state:
        return None
    if input_dir is not None and not all_assets_fresh(cache, input_dir):
        return None
    summary = cache.summary()
    if summary is None or not outputs_intact(cache.outputs(), output_dir):
        return None
    return summary


def all_assets_fresh(cache: BuildCache, input_dir: Path) -> bool:
    """Is every path the cached articles' references named as it was when they were loaded
    (an asset edited, added or removed is not, though no article file changed)? One query,
    and a stat per path: sources without references have no row."""
    top = os.fspath(input_dir)
    return all(assets_fresh(top, looked) for looked in cache.asset_stats().values())


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


def up_to_date(project_dir: Path, config: SiteConfig, *, strict: bool = False,
               scan: Scan | None = None) -> Freshness:
    """The report of a no-op build if nothing changed since the last one, else the input
    scan a real build starts from. Cheap to import and to run: no page is planned. `scan`:
    the input scan if the caller has it (serve, from what its watcher saw)."""
    start = time.perf_counter()
    input_dir = (project_dir / config.input).resolve()
    output_dir = (project_dir / config.output).resolve()
    with build_lock(project_dir, output_dir):
        cache = open_cache(project_dir, output_dir, Diagnostics())  # the build warns
        if cache is None:
            return Freshness(report=None, scan=scan)
        try:
            scan = scan if scan is not None else scan_inputs(input_dir)
            state = input_state(scan, context_state(input_dir, output_dir, config,
                                                    theme_dirs(project_dir, config), strict))
            summary = unchanged_site(cache, state, output_dir, input_dir)
        except sqlite3.Error:  # a failing disk: the build says so (AG061), without the cache
            return Freshness(report=None, scan=scan)
        finally:
            cache.close()
    if summary is None:
        return Freshness(report=None, scan=scan)
    return Freshness(report=replayed(summary, start, (("check", time.perf_counter() - start),)),
                     scan=scan)


