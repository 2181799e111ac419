"""The build's worker processes: files loaded and pages rendered on every core.

Loading (one source file: read, parse, repair, render its body) and page rendering run in
process pools when there is enough to do (PARALLEL_MIN_FILES files, RENDER_PARALLEL_MIN
pages); below that, in the build's own process. Workers are spawned, not forked (a forked
worker would hold the build's whole index again), ignore Ctrl-C (the build decides) and
exit when the build process dies. Results come back in order, with at most a window of
them pending, so memory stays bounded whatever the archive's size.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from archivegen.config import SiteConfig
from archivegen.errors import Diagnostic, Diagnostics
from archivegen.incremental.cache import RecordReader, template_bytecode_dir
from archivegen.incremental.rows import encode_records
from archivegen.limits import Limits
from archivegen.load.loaded import CachedSource, Record
from archivegen.markdown.engine import SafeMarkdown, make_markdown
from archivegen.model import ArticleHead, ArticleSummary, RenderedFile, Taxonomy
from archivegen.processes import exit_with_parent, spawn_context, worker_count
from archivegen.render.messages import Messages
from archivegen.render.page_store import PackReader, PackWriter, StoredPage
from archivegen.render.pages import Renderer
from archivegen.render.restore import Unrestored, restore_page
from archivegen.render.templates import make_environment, messages_of
from archivegen.render.writer import TreeWriter, WrittenFile
from archivegen.report import Progress
from archivegen.site.plan import Page
from archivegen.slotted import quick_pickle


class RecordFetcher:
    """Whole records from the cache, opened on first use (most builds render few pages)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._reader: RecordReader | None = None

    def __call__(self, head: ArticleHead | ArticleSummary) -> Record:
        if self._path is None:
            raise KeyError(f"no record in memory or cache for {head.key}")
        if self._reader is None:
            self._reader = RecordReader(self._path)
        return self._reader.article(head.source_path, head.key)


# Set in each render worker process by its initializer: the worker's Renderer, records,
# the writer of its pages (None: pages go back to the build process) and the page store's
# reader (None: no store).
_worker_state: list[tuple[Renderer, RecordFetcher, TreeWriter | None, PackReader | None]] = []


# Files copied from the input folder as they are: the page store does not keep them (the
# input is there whenever the store is of use).
UNSTORED_KINDS = frozenset({"asset"})


def store_fingerprint(page: Page) -> str:
    """The fingerprint a page is kept in the page store under ("": not kept)."""
    return "" if page.kind in UNSTORED_KINDS else page.fingerprint


def _init_render_worker(build_pid: int, themes: Sequence[Path], config: SiteConfig,
                        messages: Messages, nav: tuple[Taxonomy, ...],
                        term_counts: dict[str, int], records: Path | None,
                        write_into: Path | None, store: Path | None) -> None:
    exit_with_parent(build_pid)
    # The build's messages, not read again: the pages' fingerprints were made with them.
    renderer = Renderer(env=make_environment(themes, template_bytecode_dir(records), messages),
                        md=make_markdown(config.limits), config=config,
                        nav=nav, term_counts=term_counts)
    writer = (TreeWriter(write_into, PackWriter(store) if store is not None else None)
              if write_into is not None else None)
    reader = PackReader(store) if store is not None else None
    _worker_state.append((renderer, RecordFetcher(records), writer, reader))


Rendered = RenderedFile | WrittenFile | Unrestored | None


def _render_job(job: Page | StoredPage) -> tuple[Rendered, tuple[Diagnostic, ...]]:
    renderer, fetch, writer, reader = _worker_state[-1]
    if isinstance(job, StoredPage):
        return (restore_page(job, reader, writer) if reader is not None
                else Unrestored(job.path)), ()
    local = Diagnostics()
    page = renderer.page(job, local, fetch)
    if page is not None and writer is not None:
        # Written here: the page's bytes need not be sent to, and held by, the build process.
        return (writer.put(page.path, page.content, page.origin, store_fingerprint(job)),
                tuple(local.items))
    return page, tuple(local.items)


# Pages rendered ahead of the writer, at most: bounds memory when workers outrun the disk.
RENDER_WINDOW = 256
RENDER_CHUNK = 16  # pages sent to a worker at a time


def _render_pool(themes: Sequence[Path], renderer: Renderer, records: Path | None,
                 write_into: Path | None, store: Path | None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=worker_count(), mp_context=spawn_context(),
                               initializer=_init_render_worker,
                               initargs=(os.getpid(), list(themes), renderer.config,
                                         messages_of(renderer.env),
                                         renderer.nav, renderer.term_counts, records,
                                         write_into, store))


def _started() -> None:
    """A first task: it makes the pool spawn a worker, which then runs its initializer."""


class EarlyWorkers:
    """Render workers a full build starts before it needs them: before it indexes the
    search and plans the site, when a worker's half second of imports and templates runs
    on a core the build process leaves idle. render_in_workers takes the pool and shuts it
    down; leaving the `with` block shuts down a pool never taken (the build failed first)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def start(self, expected: int, themes: Sequence[Path], renderer: Renderer,
              records: Path | None, write_into: Path | None, store: Path | None) -> None:
        """Start the workers render_in_workers would, with the same arguments, if `expected`
        pages are enough for workers."""
        workers = worker_count()
        if self._pool is not None or expected < RENDER_PARALLEL_MIN or workers < 2:
            return
        self._pool = _render_pool(themes, renderer, records, write_into, store)
        # A spawning pool starts one process per task waiting; never more than the batches
        # render_in_workers keeps in flight (a -j far above the CPUs would start them all).
        for _ in range(min(workers, RENDER_WINDOW // RENDER_CHUNK)):
            self._pool.submit(_started)

    def take(self) -> ProcessPoolExecutor | None:
        pool, self._pool = self._pool, None
        return pool

    def __enter__(self) -> EarlyWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        pool = self.take()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def render_in_workers(jobs: Iterator[Page | StoredPage], count: int, themes: Sequence[Path],
                       renderer: Renderer, fetch: RecordFetcher, diags: Diagnostics,
                       records: Path | None, write_into: Path | None = None,
                       store: Path | None = None, *,
                       started: ProcessPoolExecutor | None = None) -> Iterator[Rendered]:
    """The `count` pages of `jobs` in order (read as they are sent: a build plans them as
    they go), rendered on every core when there are enough of them (and then written by the
    workers into `write_into`, if given, and kept in the page store `store`). Stored pages
    are copied from the store instead. Pages are yielded as the workers finish them;
    diagnostics arrive in order. `started`: the pool of EarlyWorkers.start (made with the
    same arguments), shut down here whether it is used or not."""
    workers = worker_count()
    if count < RENDER_PARALLEL_MIN or workers < 2:
        if started is not None:  # fewer pages changed than the build expected
            started.shutdown(wait=False, cancel_futures=True)
        reader = PackReader(store) if store is not None else None
        try:
            for job in jobs:
                if isinstance(job, StoredPage):
                    yield (restore_page(job, reader, None) if reader is not None
                           else Unrestored(job.path))
                else:
                    yield renderer.page(job, diags, fetch)
        finally:
            if reader is not None:
                reader.close()
        return
    pool = started or _render_pool(themes, renderer, records, write_into, store)
    with pool:
        for page, problems in _bounded_map(pool, _render_job, jobs, RENDER_WINDOW,
                                           RENDER_CHUNK):
            diags.extend(list(problems))
            yield page


def _bounded_map(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any],
                 window: int, chunk: int = 16) -> Iterator[Any]:
    """pool.map in order, with at most `window` items submitted and not yet consumed
    (Executor.map submits everything at once and keeps every finished result). Items are
    taken from `items` only as they are submitted, `chunk` at a time."""
    pending: deque[Future[list[Any]]] = deque()
    source = iter(items)
    batches = iter(lambda: list(itertools.islice(source, chunk)), [])
    for batch in itertools.islice(batches, max(1, window // chunk)):
        pending.append(pool.submit(_apply_all, fn, batch))
    while pending:
        results = pending.popleft().result()
        batch = next(batches, [])
        if batch:
            pending.append(pool.submit(_apply_all, fn, batch))
        yield from results


def _apply_all(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [fn(item) for item in items]




# Below this many files to load, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64
# The same for pages to render: spawned render workers start a fresh interpreter each (about
# half a second), and a page takes about a millisecond and a half.
RENDER_PARALLEL_MIN = 512


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class LoadJob:
    input_dir: str
    rel: str
    stat: str
    cached_sha: str  # the cached content hash: equal means the records can be kept
    file_time_dates: bool
    excerpt_words: int
    keep_records: bool  # no cache: the parent keeps whole records in memory
    limits: Limits  # the config's: what one file may cost


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class LoadResult:
    entry: CachedSource | None = None  # None: unreadable, or `reused`
    records: str = ""  # encode_records of the records, for the cache (encoded in the worker)
    kept: tuple[Record, ...] = ()  # only when the job keeps records
    terms: tuple[str, ...] = ()  # each article's search term vector
    reused: bool = False  # the content is unchanged (only touched): keep the cached entry
    problems: tuple[Diagnostic, ...] = ()  # why the file could not be read


@cache
def _process_markdown(limits: Limits) -> SafeMarkdown:
    """One Markdown parser per process and limits (loading runs in worker processes)."""
    return make_markdown(limits)


def _run_load_job(job: LoadJob) -> LoadResult:
    # Imported here: a render worker (spawned, importing this module) never loads files,
    # and the loaders' modules cost it ~3 MiB.
    from archivegen.load.source_file import reload_source

    local = Diagnostics()
    got = reload_source(Path(job.input_dir), job.rel, job.stat, job.cached_sha, local,
                        _process_markdown(job.limits), file_time_dates=job.file_time_dates,
                        excerpt_words=job.excerpt_words, limits=job.limits)
    if got is None:
        return LoadResult(problems=tuple(local.items))
    if got.entry is None:
        return LoadResult(reused=True)
    if job.keep_records:
        return LoadResult(entry=got.entry, kept=got.records, terms=got.terms)
    return LoadResult(entry=got.entry, records=encode_records(got.records), terms=got.terms)


def _read_ahead(jobs: Iterable[LoadJob]) -> Iterator[LoadJob]:
    """`jobs`, each file's read asked for (sources.prefetch) as it is taken: _bounded_map
    takes jobs when it sends them, a window ahead of the workers reading them."""
    from archivegen.load.sources import prefetch

    for job in jobs:
        prefetch((os.path.join(job.input_dir, job.rel),))
        yield job


def run_load_jobs(jobs: list[LoadJob], progress: Progress | None = None
                   ) -> Iterator[LoadResult]:
    """Load on every core when there is enough to do; results in the order of `jobs`."""
    workers = worker_count()
    results: Iterable[LoadResult]
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        results = map(_run_load_job, jobs)
        for done, result in enumerate(results, start=1):
            if progress is not None:
                progress.count(done, len(jobs), "files")
            yield result
        return
    # Spawned too (see processes.spawn_context): a forked worker counts every page of this
    # process it maps (the input scan of 10^5 files, the cache's sources) in its own memory.
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn_context(),
                             initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        for done, result in enumerate(_bounded_map(pool, _run_load_job, _read_ahead(jobs),
                                                   1024, 32), start=1):
            if progress is not None:
                progress.count(done, len(jobs), "files")
            yield result


