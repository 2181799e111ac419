"""The orchestrator: read, load, repair, index, render, write — a flat list of timed steps.

`make_site` is the whole pipeline between the edges: loaded articles in, rendered files out.
It does no I/O of its own besides Jinja's template reads, so tests can run it on shuffled
inputs. `build` adds the edges and the cache (cache.py): unchanged sources are not read
again, and pages whose fingerprint is unchanged are not rendered again.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import os
import sqlite3
import time
from array import array
from collections.abc import (
    Callable,
    Container,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from archivegen.config import SiteConfig, settings_key, theme_dirs
from archivegen.dedupe.detect import Sketch
from archivegen.dedupe.fold import collapse_duplicates
from archivegen.dedupe.store import SketchStore
from archivegen.digest import (
    Fingerprints,
    fingerprint,
    pack_fingerprint,
    unpack_fingerprint,
)
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, SourceLocation
from archivegen.export.files import ExportSource, export_fingerprint, export_paths, write_export
from archivegen.export.record import ExportedArticle
from archivegen.incremental.cache import (
    CACHE_PATH,
    BuildCache,
    QuickBasis,
    code_version,
    open_cache,
    state_path,
    state_refusal,
    template_bytecode_dir,
)
from archivegen.incremental.json_report import REPORT_PATH, report_file, report_lines, write_report
from archivegen.incremental.lock import build_lock
from archivegen.incremental.rows import shared_terms
from archivegen.incremental.uptodate import (
    Scan,
    context_content,
    context_state,
    input_state,
    scan_inputs,
    scan_key,
)
from archivegen.load.assets import assets_fresh
from archivegen.load.loaded import CachedSource, Record, reusable_sha
from archivegen.load.source_file import LoadedArticle, load_articles
from archivegen.load.sources import read_static_files, unchanged_contents
from archivegen.markdown.engine import (
    make_markdown,
)
from archivegen.model import (
    Article,
    ArticleHead,
    ArticleSummary,
    DuplicateRef,
    ListingSpec,
    RenderedFile,
    SiteIndex,
)
from archivegen.render.messages import Messages, load_messages
from archivegen.render.page_store import (
    STORE_FOLDER,
    PackWriter,
    StoredPage,
    compact,
    holds_pages,
    stored_pages,
)
from archivegen.render.pages import Renderer
from archivegen.render.restore import Unrestored
from archivegen.render.templates import is_web_url, make_environment, template_dependencies
from archivegen.render.writer import (
    WriteReport,
    WrittenFile,
    drop_collisions,
    file_stat,
    read_manifest,
    read_regular_file,
    write_tree,
)
from archivegen.report import BuildReport, Progress, told
from archivegen.search.index import FACETS, DocEntry, IndexedDoc, doc_entry, index_files
from archivegen.search.index import FOLDER as SEARCH_FOLDER
from archivegen.search.kept import (
    DIGEST_SIZE,
    IndexBasis,
    KeptFile,
    LastIndex,
    doc_digest,
    facets_digest,
    same_documents,
    vector_digest,
)
from archivegen.search.spill import FileSpill, SpilledFile
from archivegen.site.indexer import (
    ListingState,
    assign_urls,
    build_index,
    date_counts,
    facet_listings,
    feeds,
    listing_pages,
    listing_states,
    summarize,
    term_counts,
)
from archivegen.site.plan import (
    PAGE_KINDS,
    Page,
    PageBases,
    Remade,
    SiteContent,
    plan_redirect,
    plan_site,
)
from archivegen.site.redirects import (
    Published,
    Resolver,
    article_target,
    published_now,
    target_keys,
    unplanned,
)
from archivegen.site.redirects import redirects as find_redirects
from archivegen.site.related import SHOWN as SHOWN_RELATED
from archivegen.site.related import SiteFacts, day_number, related
from archivegen.urls import article_url, listing_url, term_url, year_url
from archivegen.workers import (
    UNSTORED_KINDS,
    EarlyWorkers,
    LoadJob,
    RecordFetcher,
    Rendered,
    render_in_workers,
    run_load_jobs,
)

# The kinds of output counted as pages (not copied or made for machines, not redirects).
_T = TypeVar("_T")
SHOWN_KINDS = frozenset({"article", "listing", "feed", "terms", "archive", "not_found", "search"})
# Kinds of page rendered on every core (one per article or listing page); the few others are
# rendered in this process.
WORKER_KINDS = frozenset(kind for kind, spec in PAGE_KINDS.items() if spec.in_workers)

__all__ = ["BuildReport", "LoadedArticle", "Progress", "full_build", "load_articles", "make_site",
           "theme_dirs"]



@dataclass(frozen=True, slots=True, kw_only=True)
class SiteOutput:
    # Rendered this time: a tuple, or with stream=True an iterator that renders as it is read,
    # so a build never holds every page in memory at once. With `write_into`, pages rendered
    # in worker processes arrive already written (WrittenFile).
    files: Iterable[RenderedFile | WrittenFile]
    to_render: tuple[str, ...]  # the paths `files` will hold (minus pages that fail)
    unchanged: tuple[str, ...]  # planned, but their fingerprint said nothing changed
    fingerprints: MutableMapping[str, str]  # of every planned output
    articles: int
    pages: int
    # (article key, layout, URL) of every article built, and the copies folded into each.
    article_urls: Iterable[tuple[str, str, str]] = ()
    also_archived: dict[str, tuple[DuplicateRef, ...]] = field(default_factory=dict)
    # What every article page was rendered with (plan.PageBases,
    # the navigation's taxonomy keys, terms per taxonomy): a quick rebuild renders alike.
    bases: PageBases | None = None
    # Every listing, for quick rebuilds: the build stores them in the cache and empties this
    # before pages render (at 10^5 articles they hold over a million keys).
    listings: list[ListingState] = field(default_factory=list)
    grouped: frozenset[str] = frozenset()  # keys of articles whose body is grouped with another
    nav: tuple[str, ...] = ()
    term_counts: dict[str, int] = field(default_factory=dict)
    # Redirect pages planned: (old URL, new URL, target) (site/redirects.py); and every
    # listing's spec with its number of articles, for the URLs the build state remembers.
    redirects: tuple[tuple[str, str, str], ...] = ()
    listing_sizes: tuple[tuple[ListingSpec, int], ...] = ()
    # Remembered URLs of articles without a page now (drafts), and the number of articles
    # in each file of pieces, by key: what the build state keeps besides.
    kept_urls: tuple[Published, ...] = ()
    pieces: dict[str, int] = field(default_factory=dict)
    # What the research export is made from (None: the settings ask for none).
    export: ExportSource | None = None
    # Outputs copied as they are (theme static files, files of the input): not kept in the
    # page store.
    unstored: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Timer:
    """Times the build's phases, and tells `progress` where each begins and ends."""

    progress: Progress | None = None
    phases: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        with told(self.progress, name):
            start = time.perf_counter()
            yield
            self.phases.append((name, time.perf_counter() - start))


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteRun:
    """How make_site runs, besides what it builds from.

    `skip(path, fingerprint)`: a page it accepts is not rendered again (its file is as that
    fingerprint says). `records`: the cache holding the records LoadedArticles do not; its
    folder keeps compiled templates too. `sketches` (by article key), when given instead of
    LoadedArticle.sketch, are consumed: emptied once duplicates are found, so a large build
    does not keep them. `stream`: pages are rendered as `SiteOutput.files` is read. With
    `write_into` (the output folder, its staging folder ready), render workers write their
    pages there themselves."""

    timer: _Timer = field(default_factory=_Timer)
    skip: Callable[[str, str], bool] | None = None
    progress: Progress | None = None
    stream: bool = False
    records: Path | None = None
    sketches: SketchStore | dict[str, Sketch] | None = None
    write_into: Path | None = None
    # An article's search term vector by key, when not in memory (the cache's).
    vectors: Callable[[str], str | None] | None = None
    # The search index the last build left, kept if this build's would be the same; and
    # where the build state keeps this build's (called once it is made: what it keeps of
    # each document is not held through rendering, 3 MiB at 10^5 articles).
    last_index: LastIndex | None = None
    keep_index: Callable[[SearchIndex], None] | None = None
    # Every URL earlier builds published, with its target (site/redirects.py); None: no
    # redirect pages (no build state, or `redirects: false`).
    published: Callable[[], Iterable[Published]] | None = None
    # The input folder the files articles reference are copied from (None: none are).
    input_dir: Path | None = None
    # The build state's page store (render/page_store.py): pages not in the output folder
    # are copied from it when it holds them as planned, and pages rendered are kept in it.
    store: Path | None = None
    # Render workers to start once the site is indexed (a full build's): see EarlyWorkers.
    early: EarlyWorkers | None = None
    # What lives to the build's end (the index, the listings, related articles' facts, the
    # plan's outputs) frozen out of the cyclic collector as it is made, as loaded articles
    # are: only in a build that unfreezes at its end (_long_lived_frozen).
    freeze: bool = False


def make_site(loaded: Sequence[LoadedArticle], config: SiteConfig, themes: Sequence[Path],
              static_files: dict[str, bytes], diags: Diagnostics,
              run: SiteRun | None = None) -> SiteOutput:
    """Plan every output with its fingerprint (site/plan.py); render those not skipped.
    Steps: fold duplicates, index, plan, render."""
    run = run or SiteRun()
    every_loaded = loaded  # drafts too: their old URLs are remembered
    if not config.drafts:  # drafts are loaded (and cached) all the same: serve shows them
        loaded = [x for x in loaded if not x.head.draft]
    by_key = {x.head.key: x for x in loaded}
    fetch = RecordFetcher(run.records)
    messages = load_messages(themes, config.language, diags)
    with run.timer.phase("dedupe"):
        articles, also_archived, grouped = _fold_duplicates(loaded, by_key, run.sketches,
                                                            fetch, diags)
    with run.timer.phase("index"):
        table = assign_urls(articles, diags,
                            lambda head: by_key[head.key].site_url or article_url(head))
        index = build_index([(summarize(url, a, (by_key[a.key].excerpt, by_key[a.key].heading)),
                              a) for url, a in table])
        states = list(listing_states(index, {url: a.key for url, a in table}))
        related = _Related(table, index, states)
        export = (_export_source(table, index, by_key, also_archived, fetch, messages)
                  if config.export else None)
        if run.freeze:  # at 10^5 articles, 1.3 s of full passes while one core waited
            gc.freeze()
    # The theme's words in the site's language: read once, here, where problems are reported.
    env = make_environment(themes, template_bytecode_dir(run.records), messages)
    renderer = Renderer(env=env, md=make_markdown(config.limits), config=config,
                        nav=tuple(t for t, terms in index.taxonomies if terms),
                        term_counts={t.key: len(terms) for t, terms in index.taxonomies})
    if run.early is not None:  # (each article has a page: about as many to render, cold)
        run.early.start(len(table), themes, renderer, run.records, run.write_into, run.store)
    search_files: list[tuple[str, SpilledFile | KeptFile]] | None = None
    if config.search:
        with run.timer.phase("search"):
            folder = run.records.parent if run.records else None
            try:
                search = _search_index(table, by_key, index, run.vectors,
                                       lambda: FileSpill(folder), run.last_index, run.progress)
                search_files = search.files
            except OSError as exc:  # a full disk: as when pages cannot be written
                raise ArchivegenError("cannot keep the search index until it is written "
                                      f"(in {folder or 'the temporary folder'}): {exc}"
                                      ) from exc
            if run.keep_index is not None:
                run.keep_index(search)
            del search
    with run.timer.phase("plan"):
        # Everything every page sees (config, navigation, counts) and the templates it uses.
        # (Not the drafts switch: pages depend on the articles it lets in, and their data says
        # so; serve, which shows drafts, and build then share every page of an archive
        # without drafts.)
        # Nor the export switch: no page shows the export files. The messages are one more
        # thing every page sees (the language is a setting already; a theme's messages.yaml,
        # like its templates, can change while the settings do not).
        base = fingerprint(code_version(),
                           settings_key(replace(config, drafts=False, export=())),
                           repr(renderer.nav), repr(sorted(renderer.term_counts.items())),
                           messages.digest)
        bases = PageBases.of(base, _template_fingerprints(env))
        content = replace(_content(table, index, config, by_key, also_archived, static_files,
                                   search_files, related),
                          assets=lambda key: by_key[key].assets,
                          input_dir=os.fspath(run.input_dir or ""))
        # Planned twice: here only each page's path and fingerprint are kept, and the pages
        # to render are planned again as they are rendered (at 10^5 articles, holding every
        # plan until then took over 100 MiB).
        claims = [_Output.of(page)
                  for page in _counted(plan_site(bases, content), run.progress)]
        outputs, winners, fingerprints = _one_page_per_path(claims, diags)
        del claims
        moved, kept_urls, pieces = _redirects(run, table, also_archived, fingerprints,
                                              every_loaded)
        for url, to_url, _ in moved:
            outputs.append(_Output.of(plan_redirect(bases, url, to_url)))
            fingerprints.set_packed(outputs[-1].path, outputs[-1].packed)
        content = replace(content, redirects=[(url, to_url) for url, to_url, _ in moved])
        if run.freeze:
            gc.freeze()
    unchanged = [out.path for out in outputs
                 if run.skip is not None and run.skip(out.path, out.fingerprint)]
    kept = set(unchanged)
    to_render = tuple(out.path for out in outputs if out.path not in kept)
    restores = _restorable(outputs, kept, run.store)
    copied = kept | {page.path for page in restores}
    pages = sum(1 for out in outputs if out.kind in SHOWN_KINDS)
    unstored = frozenset(out.path for out in outputs if out.kind in UNSTORED_KINDS)
    in_workers = len(restores) + sum(1 for out in outputs
                                     if out.kind in WORKER_KINDS and out.path not in copied)
    del outputs

    def replan(paths: Container[str], skipped: Container[str]) -> Iterator[Page]:
        return _planned_again(plan_site(bases, content, memo=False, known=fingerprints), paths,
                              skipped, winners)

    # Planning every page again to find none to render took a second at 10^4 articles.
    rest = replan(fingerprints, copied) if len(restores) < len(to_render) else iter(())
    # Related articles are needed no more once the article pages are planned, unless a
    # stored page that cannot be read back must be planned again (only with restores).
    rest = _releasing(rest, related.release if not restores else None)
    files: Iterable[RenderedFile | WrittenFile] = _rendered(
        rest, restores, replan, len(to_render), in_workers, themes, renderer, fetch,
        diags, run)
    if not run.stream:
        with run.timer.phase("render"):
            files = tuple(files)
    return SiteOutput(files=files, to_render=to_render, unchanged=tuple(unchanged),
                      fingerprints=fingerprints, articles=len(table), pages=pages,
                      article_urls=_ArticleUrls(table),
                      also_archived=also_archived, bases=bases, listings=states,
                      grouped=grouped,
                      nav=tuple(t.key for t in renderer.nav), term_counts=renderer.term_counts,
                      redirects=tuple(moved),
                      kept_urls=tuple(kept_urls), pieces=pieces,
                      export=export, unstored=unstored,
                      listing_sizes=tuple((s.spec, len(s.members)) for s in states))


class _ArticleUrls:
    """(article key, layout, URL) of every article built, read from the URL table each time
    it is iterated: a tuple of them was 7 MiB more at the build's peak at 10^5 articles."""

    def __init__(self, table: Sequence[tuple[str, ArticleHead]]) -> None:
        self._table = table

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        return ((head.key, head.layout, url) for url, head in self._table)


def _redirects(run: SiteRun, table: Sequence[tuple[str, ArticleHead]],
               also_archived: dict[str, tuple[DuplicateRef, ...]], planned: Mapping[str, str],
               loaded: Sequence[LoadedArticle]
               ) -> tuple[list[tuple[str, str, str]], list[Published], dict[str, int]]:
    """The redirect pages this build writes (remembered URLs no page takes any more), the
    remembered URLs of articles without a page now (kept), and the number of articles in
    each file of pieces, by key (site/redirects.py)."""
    if run.published is None:
        return [], [], {}
    candidates = unplanned(run.published(), planned.__contains__)
    resolver = Resolver(table, also_archived, planned.__contains__, (x.head for x in loaded),
                        target_keys(candidates))
    found, kept = find_redirects(candidates, resolver)
    return found, kept, resolver.pieces


@dataclass(frozen=True, slots=True)
class _Output:
    """What the first planning pass keeps of a page: its fingerprint packed, the object the
    build's Fingerprints keep (at 10^5 articles, 170,000 hex strings held until rendering
    raised the build's peak by their 13 MiB)."""

    path: str
    origin: str
    kind: str
    packed: bytes | str  # digest.pack_fingerprint's

    @classmethod
    def of(cls, page: Page) -> _Output:
        return cls(page.path, page.origin, page.kind, pack_fingerprint(page.fingerprint))

    @property
    def fingerprint(self) -> str:
        return unpack_fingerprint(self.packed)


def _one_page_per_path(claims: list[_Output], diags: Diagnostics
                       ) -> tuple[list[_Output], dict[str, str] | None, Fingerprints]:
    """The outputs planned (one per path: writer.drop_collisions, _assets_in_place), and,
    only where a claim was dropped, which page each path went to (its origin by path); and
    their fingerprints. Without a collision (nearly always) no sorted copy of the claims is
    made: at 10^5 articles it was 15 MiB more at the planning's peak."""
    outputs = _assets_in_place(claims, diags)
    fingerprints = _fingerprints(outputs)
    if len(fingerprints) == len(claims):  # (a path claimed twice is kept once)
        return outputs, None, fingerprints
    outputs = drop_collisions(outputs, diags)
    return outputs, {out.path: out.origin for out in outputs}, _fingerprints(outputs)


def _fingerprints(outputs: Iterable[_Output]) -> Fingerprints:
    fingerprints = Fingerprints()
    for out in outputs:
        fingerprints.set_packed(out.path, out.packed)
    return fingerprints


def _assets_in_place(claims: list[_Output], diags: Diagnostics) -> list[_Output]:
    """The claims without the assets that would take the place of another page: its file,
    or a folder one of its files is in, or a file where one of its folders must go
    (warning AG036; the page is written)."""
    if not any(claim.kind == "asset" for claim in claims):
        return claims
    others = sorted(claim.path for claim in claims if claim.kind != "asset")
    taken = set(others)
    kept: list[_Output] = []
    for claim in claims:
        if claim.kind == "asset":
            folders = claim.path.split("/")[:-1]
            under = bisect.bisect_left(others, claim.path + "/")
            if (claim.path in taken
                    or (under < len(others) and others[under].startswith(claim.path + "/"))
                    or any("/".join(folders[:n]) in taken for n in range(1, len(folders) + 1))):
                diags.warning("AG036", f"the file copied to {claim.path} would take the place "
                              "of another page there; not copied",
                              SourceLocation(path=claim.origin))
                continue
        kept.append(claim)
    return kept


def _planned_again(pages: Iterable[Page], planned: Container[str], kept: Container[str],
                   winners: dict[str, str] | None) -> Iterator[Page]:
    """The pages to render, as planning makes them again: those `planned` and not `kept`
    (unchanged), and where two pages claimed a path, the one that won it (`winners`: its
    origin by path, emptied as they come)."""
    for page in pages:
        if page.path not in planned or page.path in kept:
            continue
        if winners is not None:
            if winners.get(page.path) != page.origin:
                continue
            del winners[page.path]  # a second page of that path and origin lost it too
        yield page


def _content(table: Sequence[tuple[str, ArticleHead]], index: SiteIndex, config: SiteConfig,
             by_key: dict[str, LoadedArticle], also_archived: dict[str, tuple[DuplicateRef, ...]],
             static_files: dict[str, bytes],
             search_files: list[tuple[str, SpilledFile | KeptFile]] | None,
             related: Callable[[str], tuple[ArticleSummary, ...]]) -> SiteContent:
    """What the site's pages are made from, for plan.plan_site."""
    return SiteContent(
        table=table, index=index, listings=Remade(lambda: listing_pages(index, config)),
        feeds=feeds(index, config),
        terms=[(tax, tuple(term_counts(terms))) for tax, terms in index.taxonomies if terms],
        years=date_counts(index), also_archived=also_archived,
        source_sig=lambda key: by_key[key].source_sig,
        record=lambda key: by_key[key].record, static_files=static_files,
        search_files=search_files, related=related,
        sitemap_base=config.base_url if is_web_url(config.base_url) else "")


class _Related:
    """Each article's related articles (site/related.py), chosen as its page is planned.
    What they are chosen from (every listing's members, each article's terms and summary)
    is dropped by `release` once no article page will be planned again: at 10^5 articles
    it is tens of MiB, held otherwise while the listings render, to the build's peak.

    Planning asks for every article in the URL table's order, once per pass. The first
    pass's choices are kept as table rows (SHOWN per article, a few bytes each), and a later
    pass asking in the same order is answered from them: choosing again was a second of
    the build process at 10^4 articles, while its workers wait for pages."""

    def __init__(self, table: Sequence[tuple[str, ArticleHead]], index: SiteIndex,
                 states: Sequence[ListingState]) -> None:
        self._facts: SiteFacts | None = SiteFacts(
            [(listing_url(s.spec), s.members) for s in states],
            {head.key: day_number(head.date) for _, head in table})
        summary_of = {s.url: s for s in index.articles}
        self._table = table
        self._summaries = [summary_of[url] for url, _ in table]
        self._row = {head.key: n for n, (_, head) in enumerate(table)}
        self._chosen = array("i")  # SHOWN rows per article in table order, -1 for none
        self._next = 0  # the row a later pass asks for next

    def __call__(self, key: str) -> tuple[ArticleSummary, ...]:
        rows = self._chosen_for(key)
        return tuple(self._summaries[row] for row in rows if row >= 0)

    def _chosen_for(self, key: str) -> Sequence[int]:
        done = len(self._chosen) // SHOWN_RELATED
        if done and done == len(self._table):  # a later pass, in the same order
            at, self._next = self._next, (self._next + 1) % done
            if self._table[at][1].key == key:
                return self._chosen[at * SHOWN_RELATED:(at + 1) * SHOWN_RELATED]
        rows = [self._row[k] for k in related(key, self._require_facts())]
        padded = rows + [-1] * (SHOWN_RELATED - len(rows))
        if done < len(self._table) and self._table[done][1].key == key:  # the first pass
            self._chosen.extend(padded)
        return padded

    def _require_facts(self) -> SiteFacts:
        if self._facts is None:
            raise RuntimeError("related articles asked for after they were released")
        return self._facts

    def release(self) -> None:
        self._facts = None
        self._summaries = []
        self._row = {}
        self._chosen = array("i")


# The kinds of page plan_site gives first, one article after another: once a page of
# another kind comes, no article page follows.
_ARTICLE_PASS = frozenset({"article", "asset"})


def _releasing(pages: Iterator[Page], release: Callable[[], None] | None) -> Iterator[Page]:
    """`pages` as they come, with `release` called when the first page past the article
    pages comes (None: nothing to call)."""
    for page in pages:
        if release is not None and page.kind not in _ARTICLE_PASS:
            release()
            release = None
        yield page


def _export_source(table: Sequence[tuple[str, ArticleHead]], index: SiteIndex,
                   by_key: dict[str, LoadedArticle],
                   also_archived: dict[str, tuple[DuplicateRef, ...]],
                   fetch: RecordFetcher, messages: Messages) -> ExportSource:
    """What the export (export/) is made from: every article with a page, in URL order, its
    record read when the export reaches it (from memory without a cache)."""
    summaries = {s.url: s for s in index.articles}
    pages = [ExportedArticle(url=url, key=head.key, source_path=head.source_path,
                             source_sig=by_key[head.key].source_sig,
                             title=summaries[url].title,
                             title_stated=not summaries[url].title_derived)
             for url, head in sorted(table, key=lambda pair: pair[0])]

    def record(page: ExportedArticle) -> Article:
        return (by_key[page.key].record or fetch(summaries[page.url]))[0]

    terms = [entry.term for _, entries in index.taxonomies for entry in entries]
    return ExportSource(articles=pages, folded=also_archived, terms=terms, record=record,
                        date_words=messages.date, words_digest=messages.digest)


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A full build's search index: its files (made now, or kept from the last build) and
    what the build state keeps of it for the next one."""

    files: list[tuple[str, SpilledFile | KeptFile]]
    keys: tuple[str, ...]  # its articles in document number order (by key)
    digests: bytes  # each document's kept.doc_digest, in the same order
    basis: IndexBasis


def _search_index(table: Sequence[tuple[str, ArticleHead]], by_key: dict[str, LoadedArticle],
                  index: SiteIndex, vector_of: Callable[[str], str | None] | None,
                  spill: Callable[[], FileSpill], last: LastIndex | None = None,
                  progress: Progress | None = None) -> SearchIndex:
    """The search index's files, kept in a `spill` until they are written; or, when its
    documents and filters are those of the index the last build left (`last`), that
    index's files (search/kept.py)."""
    heads = sorted((head.key, url, head) for url, head in table)
    keys = tuple(key for key, _, _ in heads)
    facets = {tax.key: [(term_url(tax, entry.term.slug), entry.term.name) for entry in terms]
              for tax, terms in index.taxonomies if tax.key in FACETS}
    facets["years"] = [(year_url(y.year), str(y.year)) for y in index.years]
    made_from = facets_digest(facets, len(heads))

    def shown(key: str, url: str, head: ArticleHead) -> tuple[DocEntry, tuple[str, ...]]:
        loaded = by_key[key]
        return (doc_entry(summarize(url, head, (loaded.excerpt, loaded.heading))),
                facet_listings(head))

    if last is not None and last.basis.made_from == made_from:
        digests = bytearray()

        def documents() -> Iterator[tuple[str, bytes]]:
            for done, (key, url, head) in enumerate(heads, start=1):
                if progress is not None:  # (if it fails, "articles" counts again from 0)
                    progress.count(done, len(heads), "articles checked")
                terms = by_key[key].terms
                vector = vector_digest(terms) if terms else last.vector_digest(key)
                if vector is None:  # not in the build state: it cannot be the same
                    yield key, b""
                    return
                digests.extend(doc_digest(*shown(key, url, head), vector))
                yield key, bytes(digests[-DIGEST_SIZE:])

        if same_documents(documents(), last.documents()):
            @functools.cache
            def made() -> dict[str, SpilledFile | KeptFile]:  # once, if ever asked
                return dict(_search_index(table, by_key, index, vector_of, spill).files)

            def remake(path: str) -> bytes:  # the kept bytes are nowhere: made again
                return made()[path].content()

            return SearchIndex(files=[(path, KeptFile(path, sha, last.read, remake))
                                      for path, sha in last.basis.files],
                               keys=keys, digests=bytes(digests), basis=last.basis)

    made_digests = bytearray()

    def docs() -> Iterator[IndexedDoc]:
        for done, (key, url, head) in enumerate(heads, start=1):
            if progress is not None:
                progress.count(done, len(heads), "articles")
            loaded = by_key[key]
            vector = loaded.terms or (vector_of(key) if vector_of is not None else None) or ""
            entry, facet_urls = shown(key, url, head)
            made_digests.extend(doc_digest(entry, facet_urls, vector_digest(vector)))
            yield IndexedDoc(entry=entry, vector=vector, facets=facet_urls)

    into = spill()
    files: list[tuple[str, SpilledFile | KeptFile]] = [
        (path, into.add(path, content))
        for path, content in index_files(docs(), len(heads), facets)]
    basis = IndexBasis(made_from=made_from,
                       files=tuple((path, file.sha256) for path, file in files))
    return SearchIndex(files=files, keys=keys, digests=bytes(made_digests), basis=basis)


def _fold_duplicates(loaded: Sequence[LoadedArticle], by_key: dict[str, LoadedArticle],
                     sketches: SketchStore | dict[str, Sketch] | None, fetch: RecordFetcher,
                     diags: Diagnostics) -> tuple[list[ArticleHead],
                                                  dict[str, tuple[DuplicateRef, ...]],
                                                  frozenset[str]]:
    """dedupe.fold's canonical articles, the copies folded into each, and the keys of the
    articles whose body is grouped with another. `sketches` are emptied once used."""
    given: SketchStore | dict[str, Sketch] = sketches if sketches is not None else {}

    def body(key: str) -> str:  # asked only to verify candidate excerpt pairs
        record = by_key[key].record
        return (record or fetch(by_key[key].head))[0].body

    # Each sketch read from the store as duplicate detection takes it: never all at once.
    found = collapse_duplicates(((x.head, x.sketch or given[x.head.key]) for x in loaded),
                                diags, body)
    given.clear()
    return found


def _restorable(outputs: Sequence[_Output], kept: Container[str],
                store: Path | None) -> list[StoredPage]:
    """Of the outputs to write, those the page store holds as planned (path and
    fingerprint). (An output folder emptied since the last build was filled from the store
    before this build began: incremental/checkout.py.)"""
    if store is None or not holds_pages(store):
        return []
    wanted = {out.path: out.fingerprint for out in outputs
              if out.path not in kept and out.kind not in UNSTORED_KINDS}
    found = stored_pages(store, wanted) if wanted else {}
    return [replace(found[out.path], origin=out.origin) for out in outputs
            if out.path in found]


def _rendered(pages: Iterator[Page], restores: list[StoredPage],
              replan: Callable[[Container[str], Container[str]], Iterator[Page]],
              total: int, in_workers: int, themes: Sequence[Path], renderer: Renderer,
              fetch: RecordFetcher, diags: Diagnostics,
              run: SiteRun) -> Iterator[RenderedFile | WrittenFile]:
    """The `total` pages of `pages` and `restores` rendered or copied from the page store
    (or written by the workers): stored pages, article and
    listing pages (`in_workers` of them; plan_site gives them first) on every core, then the
    few others, kept aside until the workers are done, then the stored pages that could not
    be read back (planned again by `replan`)."""
    others: list[Page] = []
    unrestored: set[str] = set()

    def for_workers() -> Iterator[Page | StoredPage]:
        yield from _taken(restores)
        for page in pages:
            if page.kind in WORKER_KINDS:
                yield page
            else:
                others.append(page)

    def rendered_again() -> Iterator[RenderedFile | None]:
        if unrestored:
            yield from (renderer.page(page, diags, fetch) for page in replan(unrestored, ()))

    rendered: Iterator[Rendered] = itertools.chain(
        render_in_workers(for_workers(), in_workers, themes, renderer, fetch, diags,
                          run.records, run.write_into, run.store,
                          started=run.early.take() if run.early is not None else None),
        (renderer.page(page, diags) for page in _taken(others)),
        rendered_again())
    done = 0
    for page in rendered:
        if isinstance(page, Unrestored):
            unrestored.add(page.path)
            continue
        done += 1
        if run.progress is not None:
            run.progress.count(done, total, "pages")
        if page is not None:
            yield page


def _counted(pages: Iterable[Page], progress: Progress | None) -> Iterator[Page]:
    """`pages` as they come, counted for `progress` (their number is known only at the end)."""
    if progress is None:
        yield from pages
        return
    for done, page in enumerate(pages, start=1):
        progress.count(done, None, "pages")
        yield page


def _taken(pages: list[_T]) -> Iterator[_T]:
    """The pages of the list, each let go of once taken."""
    pages.reverse()
    while pages:
        yield pages.pop()


def _template_fingerprints(env: object) -> Callable[[str], str]:
    """Per template: a hash of its source and of every template it extends or includes."""
    import jinja2

    assert isinstance(env, jinja2.Environment) and env.loader is not None
    deps: dict[str, tuple[str, ...]] = {}
    memo: dict[str, str] = {}

    def of_template(name: str) -> str:
        if name not in memo:
            try:
                names = template_dependencies(env, name, deps)
            except jinja2.TemplateError as exc:
                names = (name,)  # rendering reports it
                memo[name] = fingerprint(name, f"unreadable: {exc}")
                return memo[name]
            sources = []
            for n in names:
                try:
                    sources.append(env.loader.get_source(env, n)[0])  # type: ignore[union-attr]
                except jinja2.TemplateError:
                    sources.append("\0missing")  # an `ignore missing` include not there yet
            memo[name] = fingerprint(*names, *sources)
        return memo[name]

    return of_template


def _load_with_cache(input_dir: Path, scan: Sequence[tuple[str, str | None]],
                     cache: BuildCache | None, config: SiteConfig, diags: Diagnostics,
                     progress: Progress | None = None
                     ) -> tuple[list[LoadedArticle], SketchStore]:
    """Every article: from the cache when its file's stat (or content) is unchanged; files
    to (re)load are loaded in parallel worker processes. `scan` is (path, stat signature)
    per article file. With a cache, only heads are kept: records stay in the cache. The
    sketches are kept apart, in a store, as each file's articles come."""
    cached = _cached_sources(input_dir, cache, config)
    entries: dict[str, CachedSource] = {}
    sketches = SketchStore()
    jobs: list[LoadJob] = []
    top = os.fspath(input_dir)
    for rel, stat in scan:
        entry = cached.get(rel)
        if (entry is not None and stat is not None and entry.stat == stat
                and assets_fresh(top, entry.asset_stats)):
            entries[rel] = _sketches_apart(entry, sketches)
        else:
            jobs.append(LoadJob(input_dir=str(input_dir), rel=rel, stat=stat or "",
                                 cached_sha=reusable_sha(entry),
                                 file_time_dates=config.dates_from_file_times,
                                 excerpt_words=config.excerpt_words,
                                 keep_records=cache is None, limits=config.limits))
    # Files touched but not changed (a fresh checkout on CI touches every file) are known
    # by their bytes' hash: checked here, they need no worker process started for them.
    still: list[LoadJob] = []
    unchanged = unchanged_contents(input_dir, [(job.rel, job.cached_sha) for job in jobs],
                                   file_time_dates=config.dates_from_file_times,
                                   limits=config.limits)
    for job, same in zip(jobs, unchanged, strict=True):
        if same:
            entries[job.rel] = _sketches_apart(replace(cached[job.rel], stat=job.stat),
                                               sketches)
            if cache is not None:
                cache.touch_source(job.rel, job.stat)
        else:
            still.append(job)
    jobs = still
    records: dict[str, tuple[Record, ...]] = {}
    vectors: dict[str, tuple[str, ...]] = {}  # search terms, kept with records
    read_errors: dict[str, tuple[Diagnostic, ...]] = {}
    for done, (job, result) in enumerate(zip(jobs, run_load_jobs(jobs, progress),
                                              strict=True), start=1):
        if done % _FREEZE_EVERY == 0:  # (see _long_lived_frozen)
            gc.freeze()
        if result.reused:  # touched, not changed: keep the records, note the new stat
            entries[job.rel] = _sketches_apart(replace(cached[job.rel], stat=job.stat),
                                               sketches)
            if cache is not None:
                cache.touch_source(job.rel, job.stat)
        elif result.entry is None:
            read_errors[job.rel] = result.problems
        else:
            entries[job.rel] = _sketches_apart(replace(result.entry, articles=tuple(
                shared_terms(a) for a in result.entry.articles)), sketches)
            if cache is not None:
                cache.put_source(job.rel, result.entry, result.records, result.terms)
            else:
                records[job.rel] = result.kept
                vectors[job.rel] = result.terms
    if cache is not None:  # gone, or unreadable now: what it held no longer counts
        cache.forget_sources(set(cached) - ({rel for rel, _ in scan} - set(read_errors)))
    return _loaded_in_order(scan, entries, records, vectors, read_errors, diags), sketches


# What a CachedArticle holds once its sketch is kept in the build's SketchStore.
_KEPT_APART = Sketch(digest=b"", values=b"")


def _sketches_apart(entry: CachedSource, store: SketchStore) -> CachedSource:
    """`entry` without its articles' sketches, which go into `store`."""
    for article in entry.articles:
        store.add(article.head.key, article.sketch)
    return replace(entry, articles=tuple(replace(a, sketch=_KEPT_APART)
                                         for a in entry.articles))


def _cached_sources(input_dir: Path, cache: BuildCache | None,
                    config: SiteConfig) -> dict[str, CachedSource]:
    """What the cache holds per source file, if it was loaded as this build loads."""
    if cache is None:
        return {}
    cached = cache.sources()
    # Records depend on the input folder (paths are relative to it) and on these options.
    loader_options = (f"{input_dir}\0file_time_dates={config.dates_from_file_times}"
                      f"\0excerpt_words={config.excerpt_words}\0limits={config.limits!r}")
    if cache.loader_options() != loader_options:
        cache.forget_sources(cached)
        cache.set_loader_options(loader_options)
        return {}
    return cached


def _loaded_in_order(scan: Sequence[tuple[str, str | None]], entries: dict[str, CachedSource],
                     records: dict[str, tuple[Record, ...]], vectors: dict[str, tuple[str, ...]],
                     read_errors: dict[str, tuple[Diagnostic, ...]], diags: Diagnostics
                     ) -> list[LoadedArticle]:
    """The articles in path order, whatever order the work finished in; the files'
    diagnostics into `diags`."""
    loaded: list[LoadedArticle] = []
    for rel, _ in scan:
        if rel in read_errors:
            diags.extend(list(read_errors[rel]))
            continue
        entry = entries[rel]
        diags.extend(list(entry.diagnostics))
        kept = records.get(rel) or (None,) * len(entry.articles)
        terms = vectors.get(rel) or ("",) * len(entry.articles)
        loaded += [LoadedArticle(head=a.head, sketch=None, source_sig=entry.sha256,
                                 excerpt=a.excerpt, heading=a.heading, site_url=a.site_url,
                                 record=record, terms=vector, assets=a.assets)
                   for a, record, vector in zip(entry.articles, kept, terms, strict=True)]
    return loaded


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildContext:
    """What one full build works on: the settings, the folders they name, and how it reports
    (the cache, diagnostics and timer are the attempt's: a build whose cache fails runs again
    without it)."""

    project_dir: Path
    config: SiteConfig
    strict: bool  # warnings count as errors
    input_dir: Path
    output_dir: Path
    themes: tuple[Path, ...]  # the archive's override folder (if any), then the default theme
    progress: Progress | None
    start: float  # time.perf_counter() when the build began


def full_build(project_dir: Path, config: SiteConfig, *, strict: bool = False,
               use_cache: bool = True, progress: Progress | None = None,
               scan: Scan | None = None) -> BuildReport:
    """Build the whole site described by `config` (paths relative to `project_dir`):
    dispatch.build runs this when nothing can be replayed and a quick rebuild declined.
    `scan` is the input scan of uptodate.up_to_date when it has just been made; it is
    consumed (emptied once the articles are loaded: a 10^5-file scan is tens of MiB)."""
    ctx = BuildContext(project_dir=project_dir, config=config, strict=strict,
                       input_dir=(project_dir / config.input).resolve(),
                       output_dir=(project_dir / config.output).resolve(),
                       themes=tuple(theme_dirs(project_dir, config)), progress=progress,
                       start=time.perf_counter())
    diags = Diagnostics()
    with build_lock(project_dir, ctx.output_dir):
        cache = open_cache(project_dir, ctx.output_dir, diags) if use_cache else None
        try:
            return _build(ctx, cache, diags, _Timer(ctx.progress), scan)
        except sqlite3.Error as exc:
            if cache is None:
                raise
            # A full or failing disk under the cache. What it committed holds (each step
            # commits only what is true if the build stops there); the build runs again
            # without it, so the pages are still written (those already written are found
            # unchanged), and the next build tries the cache again.
            cache.close()
            cache = None
            diags = Diagnostics()  # the first attempt's would be reported twice
            diags.warning("AG061", f"the build cache failed ({exc}); built without it",
                          SourceLocation(path=str(state_path(project_dir, CACHE_PATH))))
            return _build(ctx, None, diags, _Timer(ctx.progress), None)
        finally:
            if cache is not None:
                cache.close()


def _build(ctx: BuildContext, cache: BuildCache | None, diags: Diagnostics, timer: _Timer,
           scan: Scan | None = None) -> BuildReport:
    context = state = None
    content = ""
    with timer.phase("check"):
        scan = scan if scan is not None else scan_inputs(ctx.input_dir)
        if cache is not None:
            context = context_state(ctx.input_dir, ctx.output_dir, ctx.config, ctx.themes,
                                    ctx.strict)
            content = context_content(ctx.input_dir, ctx.output_dir, ctx.config, ctx.themes,
                                      ctx.strict)
            state = input_state(scan, context)
        files = scan_key(scan)
    store = _page_store(cache, diags)
    stored_before = store is not None and holds_pages(store)
    with EarlyWorkers() as early, _long_lived_frozen():
        return _build_site(ctx, cache, diags, timer, scan, store, (context, content, state),
                           files, stored_before, early)


# Loaded articles frozen out of the cyclic collector's passes every this many files.
_FREEZE_EVERY = 4096


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """A full build, during which what it loads is frozen (gc.freeze) as it comes: the
    collector's full passes walk every object alive, and the build's million objects live
    to its end (at 10^5 articles, 20 full passes took 3.3 s of the build process, measured
    with gc.callbacks). They are unfrozen after: `serve` builds again and again in one
    process."""
    try:
        yield
    finally:
        gc.unfreeze()


def _build_site(ctx: BuildContext, cache: BuildCache | None, diags: Diagnostics,
                timer: _Timer, scan: Scan, store: Path | None,
                states: tuple[str | None, str, str | None], files: str,
                stored_before: bool, early: EarlyWorkers) -> BuildReport:
    # uptodate's context_state, context_content and input_state of this build's inputs.
    context, content, state = states
    last_index = _last_index(cache, ctx.output_dir) if cache is not None else None
    if cache is not None:
        # This build is about to change the cache: until it is done, a quick rebuild may
        # not trust what the last one left (committed with the loaded sources), nor may a
        # fresh checkout take it for its own (incremental/checkout.py).
        cache.set_quick_basis(None, "the last build was interrupted")
        cache.set_search_basis(None)
        cache.set_context_content("")
    with timer.phase("load"):
        diags.extend(list(scan.problems))  # folders that could not be listed
        loaded, sketches = _load_with_cache(ctx.input_dir, scan, cache, ctx.config, diags,
                                            ctx.progress)
        scan.clear()
        static_files = read_static_files(ctx.themes)
        gc.freeze()  # (see _long_lived_frozen)
    known = _known_outputs(cache, ctx.output_dir)
    site = make_site(loaded, ctx.config, ctx.themes, static_files, diags, SiteRun(
        timer=timer, skip=_unchanged(known, ctx.output_dir) if cache is not None else None,
        progress=ctx.progress,
        stream=True, records=cache.path if cache is not None else None, sketches=sketches,
        write_into=ctx.output_dir, vectors=cache.vector if cache is not None else None,
        last_index=last_index, keep_index=_keeper(cache),
        published=cache.published if cache is not None and ctx.config.redirects else None,
        input_dir=ctx.input_dir, store=store, early=early, freeze=True))
    site = _with_export(ctx, known, site)
    del loaded  # what pages still need travels with their jobs

    def clean() -> bool:  # asked after writing: rendering reports problems too
        return not (diags.errors > 0 or (ctx.strict and diags.warnings > 0))

    kept_report = _report_target(ctx.project_dir, ctx.output_dir, diags)

    with timer.phase("render+write"):
        if cache is not None:  # fingerprints of files about to change are no longer true
            cache.put_listings(site.listings, every=True)  # trusted once the basis is set
            site.listings.clear()
            cache.forget_outputs(site.to_render)
            cache.set_input_state("")  # an interrupted build must never be replayed
            cache.commit()
        store_writer = PackWriter(store) if store is not None else None
        try:
            report = write_tree(ctx.output_dir, site.files, diags, prune=clean,
                                unchanged_paths=site.unchanged,
                                planned=itertools.chain(site.to_render, site.unchanged),
                                store=store_writer, store_key=_store_key(site))
        except OSError as exc:  # a file where a folder must go, a full disk, no permission
            raise ArchivegenError(f"cannot write the site into {ctx.output_dir}: {exc}") from exc
        finally:
            if store_writer is not None:
                store_writer.close()
        if store is not None and stored_before:  # (a first build's packs are all new)
            _compact_store(store, site.fingerprints)
        if cache is not None:
            _record_outputs(cache, known, site, report, diags)
            _record_published(cache, ctx.config, site, clean())
    result = BuildReport(
        articles=site.articles, pages=site.pages, written=report.written,
        unchanged=report.unchanged, removed=report.removed, kept_stale=report.kept_stale,
        diagnostics=diags.sorted(), seconds=time.perf_counter() - ctx.start,
        phases=tuple(timer.phases), rendered=report.rendered, full_because="",
        restored=report.restored,
    )
    report_sha = ""
    if kept_report is not None:
        result, report_sha = _write_build_report(ctx, kept_report, result, site, diags)
    if cache is not None:  # committed last: the report is part of what is replayed
        # Only a clean result may be replayed: a build that kept stale files must run again
        # (and one whose report could not be written: it is written next time).
        if state is not None and report.kept_stale == 0 and (report_sha or not kept_report):
            cache.set_input_state(state)
        # A quick rebuild may follow a build whose every planned page is in place, as planned.
        no_quick = _no_quick_basis(context, site, report)
        # (no_quick is "" only with a context and bases: tested again for the type checker)
        if no_quick or context is None or site.bases is None:
            cache.set_quick_basis(None, no_quick)
        else:
            cache.set_folded(site.also_archived)
            cache.set_quick_basis(QuickBasis(
                context=context, bases=site.bases, nav=site.nav,
                grouped=tuple(sorted(site.grouped)), files=files,
                term_counts=site.term_counts, report_sha=report_sha))
        cache.set_context_content(content)
        cache.commit()
    return result


def _no_quick_basis(context: str | None, site: SiteOutput, report: WriteReport) -> str:
    """Why no quick rebuild may start from this build ("": one may)."""
    if context is None:
        return "the last build ran as a template or theme file changed (within two seconds)"
    if report.kept_stale:
        return "the last build kept stale pages"
    if site.bases is None or not all(path in report.stats for path in site.to_render):
        return "the last build did not write every page it planned"
    return ""


def _with_export(ctx: BuildContext, known: dict[str, tuple[str, str]],
                 site: SiteOutput) -> SiteOutput:
    """The site's outputs and the export files the settings ask for: planned together with
    one fingerprint (so the writer's manifest owns them), written after the pages, and made
    again only when what they are made from changed or one of them was touched."""
    if site.export is None:
        return site
    formats = ctx.config.export
    paths = export_paths(formats)
    made_from = export_fingerprint(site.export, formats,
                                   f"{code_version()}\0{settings_key(ctx.config)}")
    site.fingerprints.update(dict.fromkeys(paths, made_from))
    if known:
        unchanged = _unchanged(known, ctx.output_dir)
        if all(unchanged(path, made_from) for path in paths):
            return replace(site, unchanged=(*site.unchanged, *paths), export=None)
    files = itertools.chain(site.files, write_export(ctx.output_dir, formats, site.export,
                                                     ctx.config.base_url))
    return replace(site, files=files, to_render=(*site.to_render, *paths))


def _page_store(cache: BuildCache | None, diags: Diagnostics) -> Path | None:
    """The page store's folder beside the cache (None without a cache, or if refused)."""
    if cache is None:
        return None
    folder = cache.path.parent / STORE_FOLDER
    if why := state_refusal(folder, folder=True):
        diags.warning("AG061", f"{why}; not followed: pages are not kept for later builds",
                      SourceLocation(path=str(folder)))
        return None
    return folder


def _store_key(site: SiteOutput) -> Callable[[str], str]:
    """The fingerprint a file the build process writes is kept under in the page store
    ("" for the files copied from the input: not kept)."""
    fingerprints = site.fingerprints

    def key(path: str) -> str:
        return fingerprints.get(path, "") if path not in site.unstored else ""

    return key


def _compact_store(store: Path, planned: Mapping[str, str]) -> None:
    """Drop what the page store holds that no page planned now is (page_store.compact). It
    only saves disk: a store that cannot be tidied is left as it is."""
    with suppress(OSError):
        compact(store, planned)


def _last_index(cache: BuildCache, output_dir: Path) -> LastIndex | None:
    """The search index the last build left, if the build state knows it (read before this
    build changes the state)."""
    basis = cache.search_basis()
    if basis is None or not all(_in_search_folder(path) for path, _ in basis.files):
        return None
    return LastIndex(basis=basis, documents=cache.search_documents,
                     vector_digest=cache.vector_digest,
                     read=lambda path: read_regular_file(output_dir / path))


def _keeper(cache: BuildCache | None) -> Callable[[SearchIndex], None] | None:
    """What keeps a full build's search index in the build state, as soon as it is made:
    what it was made from and its files hold whatever this build goes on to write (the
    next build checks the output folder's files against their sha256)."""
    if cache is None:
        return None

    def keep(search: SearchIndex) -> None:
        cache.set_search_docs(search.keys, search.digests)
        cache.set_search_basis(search.basis)

    return keep


def _in_search_folder(path: str) -> bool:
    parts = path.split("/")
    return parts[0] == SEARCH_FOLDER and all(part not in ("", ".", "..") for part in parts[1:])


def _known_outputs(cache: BuildCache | None, output_dir: Path) -> dict[str, tuple[str, str]]:
    """The outputs the cache knows (fingerprint and stat), if they describe `output_dir`."""
    if cache is None:
        return {}
    known = cache.outputs()
    if cache.output_dir() != str(output_dir):
        cache.forget_outputs(known)  # fingerprints describe another folder's files
        known = {}
        cache.set_output_dir(output_dir)
    cache.commit()  # render workers read records from the committed cache
    return known


def _unchanged(known: dict[str, tuple[str, str]], output_dir: Path) -> Callable[[str, str], bool]:
    """Is the output at `path` written as `fingerprint` says and untouched since?"""
    present = read_manifest(output_dir)
    top = os.fspath(output_dir)

    def unchanged(path: str, fingerprint: str) -> bool:
        fp, stat = known.get(path, ("", ""))
        return (fp == fingerprint and path in present
                and file_stat(os.path.join(top, path)) == stat)

    return unchanged


def _record_outputs(cache: BuildCache, known: dict[str, tuple[str, str]], site: SiteOutput,
                    report: WriteReport, diags: Diagnostics) -> None:
    """What was written, with its fingerprint, and the build's summary. Only outputs that
    exist as planned get a fingerprint: a page that failed to render keeps none, so it is
    rendered again next time. Rows already true (kept pages) are not written again."""
    cache.forget_outputs(set(known) - set(site.fingerprints))
    cache.put_outputs((path, (site.fingerprints[path], stat))
                      for path, stat in report.stats.pairs() if path in site.fingerprints)
    cache.set_summary({"articles": site.articles, "pages": site.pages,
                       "files": len(site.fingerprints)}, diags.sorted())
    cache.commit()


def _record_published(cache: BuildCache, config: SiteConfig, site: SiteOutput,
                      clean: bool) -> None:
    """Every URL this build published, the old ones it redirects and those of articles
    without a page now: all the build state remembers (none with `redirects: false`, which
    forgets them). A build with errors forgets nothing (an article that failed to load
    would lose its old URLs): it adds to what is remembered."""
    if not config.redirects:
        cache.publish((), every=True)
    else:
        articles = ((url, article_target(key, site.pieces.get(key, 0)))
                    for key, _, url in site.article_urls)
        cache.publish(itertools.chain(
            published_now(articles, site.listing_sizes, config.page_size),
            ((url, target) for url, _, target in site.redirects), site.kept_urls),
            every=clean)
    cache.commit()


def _write_build_report(ctx: BuildContext, path: Path, result: BuildReport, site: SiteOutput,
                        diags: Diagnostics) -> tuple[BuildReport, str]:
    """The build report written at `path`: the result naming it, and the report's sha256
    ("" if it could not be written: a warning, the pages are written all the same)."""
    try:
        sha = write_report(path, report_lines(
            replace(result, report_path=ctx.project_dir / REPORT_PATH), site.article_urls,
            site.also_archived))
        return replace(result, report_path=ctx.project_dir / REPORT_PATH), sha
    except ArchivegenError as exc:  # a full disk
        diags.warning("AG061", f"{exc}; the site is built", SourceLocation(path=str(path)))
        return replace(result, diagnostics=diags.sorted()), ""


def _report_target(project_dir: Path, output_dir: Path, diags: Diagnostics) -> Path | None:
    """Where to write the build report; None if it is not written: it would be inside the
    output folder, or a symlink or something else than a file is there (AG061)."""
    path = report_file(project_dir, output_dir)
    if path is not None and (why := state_refusal(path)):
        diags.warning("AG061", f"{why}; not followed: the build report is not written",
                      SourceLocation(path=str(path)))
        return None
    return path
