"""A fresh checkout with the build state restored: the site put back before a build runs.

A CI job starts from a fresh checkout of the archive (every file with a new stat), with the
`.archivegen/` folder restored by a cache step and no output folder. Every file then looks
changed, and every page missing. `settle` makes such a checkout what it would be had the
last build run in it, without rendering anything:

- the last build's outputs are copied from the page store (render/restore.py) into the
  output folder by a worker process, the manifest naming them written first;
- meanwhile every article file whose stat is not the cached one is hashed: one holding
  the bytes its cached records were made from gets its new stat in the cache;
- if everything else a build reads is as the last full build had it (uptodate's
  context_content, made from bytes, not stats), that build's input state and quick basis
  are keyed to the new stats.

The build then goes on as it would have: nothing changed is a replay (uptodate), a few
edited articles a quick rebuild, anything else a full build that finds every unchanged
page in place. Nothing is trusted that was not checked: restored pages are the bytes stored
under the fingerprints the cache gives them (checked by sha256), and a source's stat is
renewed only when its bytes are the ones its records were made from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from archivegen.config import SiteConfig, theme_dirs
from archivegen.errors import Diagnostics
from archivegen.incremental.cache import (
    CACHE_PATH,
    BuildCache,
    open_cache,
    state_path,
    state_refusal,
)
from archivegen.incremental.lock import build_lock
from archivegen.incremental.uptodate import Scan, context_content, context_state, input_state
from archivegen.load.sources import unchanged_contents
from archivegen.processes import worker_count
from archivegen.render.file_stats import FileStats
from archivegen.render.page_store import STORE_FOLDER, holds_pages, stored_pages
from archivegen.render.restore import RestoreWorkers
from archivegen.render.writer import MANIFEST_NAME, claim_files, file_stats, staging_folder
from archivegen.report import BuildReport


@dataclass(frozen=True, slots=True)
class Settled:
    """What `settle` put back: each restored file's stat, and the time it took."""

    restored: FileStats
    seconds: float

    def into(self, report: BuildReport, output_dir: Path, began: float) -> BuildReport:
        """The report of the build that followed, counting the restored files it kept (a
        file it wrote again or removed has another stat now) as written and copied from
        the build state, not as unchanged; its time counted from `began`."""
        now = file_stats(output_dir, iter(self.restored))
        kept = sum(1 for (_, stat), found in zip(self.restored.pairs(), now, strict=True)
                   if found == stat)
        return replace(report, written=report.written + kept,
                       unchanged=max(0, report.unchanged - kept),
                       restored=report.restored + kept,
                       seconds=time.perf_counter() - began,
                       phases=(("restore", self.seconds), *report.phases))


def emptied(project_dir: Path, config: SiteConfig) -> bool:
    """Is there something for `settle` to do, by a look at two folders: the output folder
    has no manifest (it holds nothing a build wrote), and the page store holds pages?"""
    output_dir = (project_dir / config.output).resolve()
    store = state_path(project_dir, CACHE_PATH.parent / STORE_FOLDER)
    return not os.path.lexists(output_dir / MANIFEST_NAME) and holds_pages(store)


def settle(project_dir: Path, config: SiteConfig, *, strict: bool, scan: Scan
           ) -> Settled | None:
    """Put the last build's outputs back into an output folder that has none of them (no
    manifest), and renew the cache's stats of touched, unchanged files (see the module's
    text). None, with nothing done, when there is no such folder or nothing to restore."""
    began = time.perf_counter()
    input_dir = (project_dir / config.input).resolve()
    output_dir = (project_dir / config.output).resolve()
    if os.path.lexists(output_dir / MANIFEST_NAME):
        return None  # the output folder is the last build's (or another's): the build sees
    with build_lock(project_dir, output_dir):
        cache = open_cache(project_dir, output_dir, Diagnostics())  # the build warns
        if cache is None:
            return None
        try:
            restored = _restore(cache, input_dir, output_dir, scan, project_dir, config,
                                strict)
        except sqlite3.Error:  # a failing disk: the build says so (AG061)
            return None
        finally:
            cache.close()
    return Settled(restored, time.perf_counter() - began) if restored is not None else None


def _restore(cache: BuildCache, input_dir: Path, output_dir: Path, scan: Scan,
             project_dir: Path, config: SiteConfig, strict: bool) -> FileStats | None:
    store = cache.path.parent / STORE_FOLDER
    if (cache.output_dir() != str(output_dir) or state_refusal(store, folder=True)
            or not holds_pages(store)):
        return None
    last = {path: fingerprint for path, (fingerprint, _) in cache.outputs().items()}
    pages = stored_pages(store, last)
    del last
    if not pages or not claim_files(output_dir, pages):
        return None
    restored = FileStats()
    copying: RestoreWorkers | None = None
    try:
        # Every core: this process only hashes the touched files meanwhile.
        copying = RestoreWorkers(list(pages.values()), store, output_dir,
                                 workers=min(4, worker_count()))
        del pages
        every_file_same = _renew_touched(cache, input_dir, scan, config)
        rows = []
        for path, fingerprint, written in copying.copied():
            restored.add(path, written.stat)
            rows.append((path, (fingerprint, written.stat)))
        cache.put_outputs(rows)
        shutil.rmtree(staging_folder(output_dir), ignore_errors=True)  # (made by claim_files)
    except (OSError, BrokenExecutor):  # a full disk, a worker killed: the build goes on as
        if copying is not None:  # it would have, rendering what is missing (the pages
            copying.cancel()  # copied have no stat in the cache: they are made again)
        cache.commit()
        return None
    themes = theme_dirs(project_dir, config)
    content = context_content(input_dir, output_dir, config, themes, strict)
    context = context_state(input_dir, output_dir, config, themes, strict)
    if context is not None and content == cache.context_content():
        _rekey(cache, scan, context, every_file_same)
    cache.commit()
    return restored


def _renew_touched(cache: BuildCache, input_dir: Path, scan: Scan, config: SiteConfig) -> bool:
    """Give each article file whose bytes are unchanged, though its stat is not, its new
    stat in the cache. True if every file is the cache's, unchanged, and no other is."""
    cached = cache.source_stats()
    touched = [(rel, stat) for rel, stat in scan if rel in cached and cached[rel] != stat]
    shas = cache.source_shas([rel for rel, _ in touched])
    same = unchanged_contents(input_dir, [(rel, shas.get(rel, "")) for rel, _ in touched],
                              file_time_dates=config.dates_from_file_times,
                              limits=config.limits)
    for (rel, stat), unchanged in zip(touched, same, strict=True):
        if unchanged and stat is not None:
            cache.touch_source(rel, stat)
    return (not scan.problems and all(same) and len(scan) == len(cached)
            and all(rel in cached for rel, _ in scan))


def _rekey(cache: BuildCache, scan: Scan, context: str,
           every_file_same: bool) -> None:
    """The last full build's quick basis, and its input state if every article file is
    as it read them, keyed to the stats of now (`context`: uptodate.context_state)."""
    basis = cache.quick_basis()
    if basis is not None:
        cache.set_quick_basis(replace(basis, context=context))
    if every_file_same and cache.input_state():
        state = input_state(scan, context)
        if state is not None:
            cache.set_input_state(state)
