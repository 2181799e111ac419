"""A quick rebuild: a few article files changed; render only the pages they change.

A full incremental build (build.py) plans every output of the site, with its fingerprint,
before it knows which pages changed: duplicates, URLs, listings, feeds. At 10^4 articles that
is a second, for what is most often a correction to one article. This module proves from the
cache which pages the changed articles can change, and renders just those:

- the last full build stored its QuickBasis (below) and everything but the article files is
  as it was then (code, folders, settings, every theme file: uptodate.context_state);
- the same article files exist, a few of them changed, each still holding the same articles
  (pieces), and every output is as written;
- each changed article's body, before and after, is grouped with no other body by duplicate
  detection (dedupe.isolated), so no page folds it in and it folds in nothing; for excerpts
  that means no candidate pair at all (pairs are verified on bodies, which the quick path
  does not read), so an excerpt edit takes the full build;
- its page's cached fingerprint is the one the full build gives a page with no copies folded
  in, so it is built on its own; if its URL changes, no other page has the new one;
- if what listings show of it changed (title, date, terms, URL, excerpt), relist.py finds
  the listing pages, feeds and index pages that change, from the listings the cache keeps
  (it declines when a listing would appear, empty, or change its number of pages); feeds
  carry the articles' bodies, so with feeds every edited article is relisted;
- the pages beside it (neighbours.py) and near it in its terms' listings (their related
  articles, related_pages.py) are made again when what they show of it changed;
- the search index's files holding the words whose counts changed, and its result data,
  are patched (search/patch.py).

Those pages are rendered exactly as the full build would render them, with the fingerprints
the full build would give them. Whatever cannot be proved this way, the full build does:
`quick_build` says why, before it has changed anything (the CLI shows it). The incremental
property test (tests/e2e/test_incremental_property.py) checks the result against clean builds
byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from stat import S_ISREG
from typing import cast

from archivegen.config import SiteConfig, theme_dirs
from archivegen.dedupe.detect import SketchSet
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, Level, escape_controls
from archivegen.incremental.cache import (
    BuildCache,
    QuickBasis,
    RecordReader,
    Summary,
    open_cache,
    state_refusal,
    template_bytecode_dir,
)
from archivegen.incremental.heads import Heads
from archivegen.incremental.json_report import (
    REPORT_PATH,
    ReportedArticle,
    articles_moved,
    articles_section,
    report_file,
    report_with_articles,
    write_report,
)
from archivegen.incremental.lock import build_lock
from archivegen.incremental.neighbours import Order, beside_any, home_members
from archivegen.incremental.related_pages import MAX_AFFECTED, CachedFacts, SharedFacts, affected
from archivegen.incremental.relist import RELISTED_KINDS, Change, Relisted, relist
from archivegen.incremental.rows import encode_records
from archivegen.incremental.uptodate import (
    Scan,
    context_state,
    input_state,
    outputs_intact,
    scan_inputs,
    scan_key,
)
from archivegen.load.assets import assets_fresh
from archivegen.load.loaded import (
    CachedArticle,
    CachedHead,
    CachedSource,
    Record,
    reusable_sha,
)
from archivegen.load.source_file import reload_source
from archivegen.markdown.engine import make_markdown
from archivegen.model import (
    TAXONOMIES,
    ArticleHead,
    ArticleSummary,
    ListingPage,
    RenderedFile,
    article_key,
)
from archivegen.render.messages import load_messages
from archivegen.render.pages import Renderer
from archivegen.render.templates import make_environment
from archivegen.render.writer import WrittenFile, read_regular_file, replace_owned
from archivegen.report import BuildReport, Declined
from archivegen.search.index import doc_entry, doc_terms
from archivegen.search.kept import doc_digest, vector_digest
from archivegen.search.patch import IndexPatch
from archivegen.site.indexer import ListingState, facet_listings, summarize
from archivegen.site.plan import (
    PAGE_KINDS,
    Page,
    plan_article,
    plan_asset,
    plan_redirect,
    plan_search_file,
    plan_sitemaps,
)
from archivegen.site.redirects import article_target
from archivegen.site.sitemap import (
    SITEMAP_FILE,
    Entry,
    lastmod,
    listing_lastmod,
    read_entries,
    shards_of,
)
from archivegen.urls import asset_file, output_file

# More changed files than this: the full build (it loads them on every core).
QUICK_MAX_FILES = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class _Edit:
    """One changed article file: what the cache holds, and what it holds now."""

    path: str
    old: CachedSource
    new: CachedSource
    records: tuple[Record, ...]
    terms: tuple[str, ...]  # each article's search term vector


def rebuild(project_dir: Path, config: SiteConfig, *, strict: bool = False,
            scan: Scan | None = None, outputs_checked: bool = False) -> BuildReport | Declined:
    """quick_build on its own, under the build lock (dispatch.build asks this before the
    full build, which it imports only when this declines). `outputs_checked`: the caller
    found every output as the last build wrote it since that build (serve, between builds:
    uptodate.outputs_as_built), so they are not stat-ed again."""
    done = _rebuild(project_dir, config, strict, scan, outputs_checked)
    return Declined(done) if isinstance(done, str) else done


def _rebuild(project_dir: Path, config: SiteConfig, strict: bool,
             scan: Scan | None, outputs_checked: bool = False) -> BuildReport | str:
    start = time.perf_counter()
    input_dir = (project_dir / config.input).resolve()
    output_dir = (project_dir / config.output).resolve()
    themes = theme_dirs(project_dir, config)
    with build_lock(project_dir, output_dir):
        refused = Diagnostics()  # the full build reports it
        cache = open_cache(project_dir, output_dir, refused)
        if cache is None:
            return ("the build cache cannot be used" if refused.items
                    else "the build cache would sit inside the output folder")
        try:
            scan = scan if scan is not None else scan_inputs(input_dir)
            context = context_state(input_dir, output_dir, config, themes, strict)
            state = input_state(scan, context)
            return quick_build(project_dir, config, input_dir, output_dir, themes, cache, scan,
                               context, state, start,
                               (("check", time.perf_counter() - start),),
                               outputs_checked=outputs_checked)
        except sqlite3.Error as exc:  # a full or failing disk: uncommitted work is dropped
            return f"the build cache failed ({exc})"
        finally:
            cache.close()


class _Decline(Exception):
    """Why a quick rebuild does not apply (one line a user is shown); the full build runs."""


NotQuick = _Decline  # what QuickRenderer.render raises, for its users outside this module


def quick_build(project_dir: Path, config: SiteConfig, input_dir: Path, output_dir: Path,
                themes: list[Path], cache: BuildCache, scan: Scan, context: str | None,
                state: str | None, start: float,
                phases: tuple[tuple[str, float], ...], *,
                outputs_checked: bool = False) -> BuildReport | str:
    """Rebuild the pages of the few changed articles, if nothing else can change (see the
    module's text). Else, with nothing written, why the full build must run (a line a
    user is shown). A flat list of steps; each step that finds a reason raises _Decline."""
    began = time.perf_counter()
    try:
        if config.export:  # made from every article (the export/ package): a full build
            raise _Decline("the research export (settings: export) is made from every article")
        basis, (counts, last_diagnostics) = _last_build(cache, context)
        changed = _changed_files(cache, basis, scan, input_dir)
        edits, touched = _load_changed(input_dir, config, cache, changed)
        outputs = cache.outputs()
        if not outputs_checked and not outputs_intact(outputs, output_dir):
            raise _Decline("files in the output folder were changed or removed since the last "
                           "build")
        others = _other_bodies(cache, basis, edits)
        members = _listed(cache, edits)
        relisted = _relisted(edits, cache, outputs, basis, config)
        before, after = _orders(members, cache, edits, relisted.states)
        shared = SharedFacts()
        edited_keys = [a.head.key for edit in edits for a in edit.new.articles]
        facts = (CachedFacts(cache, before.heads, (), shared, edited_keys),
                 CachedFacts(cache, after.heads, relisted.states, shared, edited_keys))
        pages, moves = _article_pages(edits, others, outputs, basis, last_diagnostics,
                                      (before, after), facts,
                                      _own_redirect(cache, edits) if config.redirects else None)
        redirects = _redirect_pages(cache, basis, moves, edits) if config.redirects else []
        pages += redirects
        pages += relisted.pages
        assets, gone_assets = _asset_pages(edits, outputs, input_dir)
        pages += assets
        pages += _neighbour_pages(edits, cache, outputs, basis, (before, after), facts)
        search = _search_files(edits, cache, output_dir, config)
        pages += search.pages
        pages += _sitemap(edits, moves, relisted.pages, outputs, output_dir, config)
        states = relisted.states
        records = CachedRecords(cache, edits)
        try:
            rendered = QuickRenderer(basis, config, themes, template_bytecode_dir(cache.path),
                                     context).render(pages, records)
        finally:
            records.close()
        kept_report, articles = _report_articles(project_dir, output_dir, basis, moves)
        # An old URL is removed, or (with redirects) given a redirect page.
        gone = [output_file(old.url) for old, new in moves
                if old.url != new.url and not config.redirects]
        gone += gone_assets
        diagnostics = _diagnostics_now(last_diagnostics, edits)
        if gone and any(d.level is Level.ERROR for d in diagnostics):
            # A build with errors removes nothing it published: the full build keeps the
            # old page (and says so), where this one would delete it.
            raise _Decline("a page moved in a build with errors")
        added = sum(1 for page, _ in rendered if page.path not in outputs)
        written, removed = _write(cache, output_dir, rendered, gone)
        counts = {**counts, "files": counts["files"] + added - removed}
        if config.redirects:
            targets = _targets(edits)
            cache.publish((now.url, targets[now.key]) for was, now in moves
                          if now.url != was.url)
        for edit in edits:
            cache.put_source(edit.path, edit.new, encode_records(edit.records), edit.terms)
        _keep_search_basis(cache, search)
        for rel, stat in touched:
            cache.touch_source(rel, stat)
        cache.put_outputs((done.path, (fp, done.stat))
                          for done, (_, fp) in zip(written, rendered, strict=True))
        cache.put_listings(states)
        cache.set_summary(counts, diagnostics)
        count = sum(1 for done in written if done.written)
        report = BuildReport(
            articles=counts["articles"], pages=counts["pages"], written=count,
            unchanged=counts["files"] - count, removed=removed, kept_stale=0,
            diagnostics=diagnostics, seconds=time.perf_counter() - start,
            phases=(*phases, ("quick", time.perf_counter() - began)),
            report_path=project_dir / REPORT_PATH if kept_report else None,
            rendered=len(rendered))
        if kept_report is not None:
            basis = replace(basis, report_sha=_write_report(kept_report, report, articles))
    except _Decline as declined:
        return str(declined)
    cache.set_quick_basis(basis)
    cache.set_input_state(state or "")
    cache.commit()
    return report


def unhandled_kinds() -> list[str]:
    """The kinds of page (plan.PAGE_KINDS) a quick rebuild cannot bring up to date: those made
    from every article, and those declared "own" or "listed" that no rule here or in relist
    makes. With any, every build is a full one: a new kind is never left stale."""
    rules = {"own": {"article", "asset", "redirect"}, "listed": RELISTED_KINDS,
             "indexed": {"search_index"}, "mapped": {"sitemap"}}
    return sorted(kind for kind, spec in PAGE_KINDS.items()
                  if spec.on_edit == "whole_site"
                  or (spec.on_edit != "fixed" and kind not in rules.get(spec.on_edit, ())))


def _last_build(cache: BuildCache, context: str | None) -> tuple[QuickBasis, Summary]:
    """What the last full build left, if this build is made in the same context."""
    if unhandled := unhandled_kinds():
        raise _Decline(f"a quick rebuild cannot make pages of kind {', '.join(unhandled)}")
    basis = cache.quick_basis()
    last = cache.summary()
    if last is None:
        raise _Decline("no complete earlier build to start from")
    if basis is None:  # it ended, but not with every page as planned, or did not end
        raise _Decline(cache.no_quick_basis() or "the last build was interrupted")
    if context is None:
        raise _Decline("a template or theme file changed in the last two seconds")
    if basis.context != context:
        raise _Decline("settings, templates or archivegen itself changed since the last full "
                       "build")
    return basis, last


def _changed_files(cache: BuildCache, basis: QuickBasis, scan: Scan,
                   input_dir: Path) -> list[tuple[str, str | None]]:
    """The article files whose stat changed, or one of the files they reference: the same
    files as the last build, a few."""
    cached_stats = cache.source_stats()
    if (basis.files != scan_key(scan) or len(cached_stats) != len(scan)
            or any(rel not in cached_stats for rel, _ in scan)):
        raise _Decline("article files were added, removed or renamed")
    top = os.fspath(input_dir)
    stale = {rel for rel, looked in cache.asset_stats().items()
             if not assets_fresh(top, looked)}
    changed = [(rel, stat) for rel, stat in scan
               if stat is None or stat != cached_stats[rel] or rel in stale]
    if not changed:
        raise _Decline("the output folder no longer matches the last build")
    if len(changed) > QUICK_MAX_FILES:
        raise _Decline(f"{len(changed)} article files changed (a quick rebuild takes "
                       f"{QUICK_MAX_FILES})")
    return changed


def _other_bodies(cache: BuildCache, basis: QuickBasis, edits: list[_Edit]) -> SketchSet | None:
    """The sketches of every body but the edited ones, to prove each edited body is grouped
    with none; None when no body changed (a title or date edit): then each is grouped with
    another iff it was at the last full build (quick rebuilds change only bodies grouped
    with none, before and after), so no sketch is compared (nor numpy imported)."""
    pairs = [(before, after) for edit in edits
             for before, after in zip(edit.old.articles, edit.new.articles, strict=True)]
    if all(before.sketch == after.sketch for before, after in pairs):
        grouped = set(basis.grouped).intersection(after.head.key for _, after in pairs)
        if grouped:
            raise _Decline(f"{_quoted(min(grouped))} has the body of another article")
        return None
    try:
        return SketchSet(cache.sketches_except({edit.path for edit in edits}))
    except (ValueError, TypeError, struct.error):
        raise _Decline("the cache's duplicate-detection sketches cannot be read") from None


def _relisted(edits: list[_Edit], cache: BuildCache, outputs: dict[str, tuple[str, str]],
              basis: QuickBasis, config: SiteConfig) -> Relisted:
    """The listing, feed and index pages whose content the edits change (relist.py), and
    the listing states to store."""
    # Feeds carry the articles' bodies: with feeds, every edited article counts (its file's
    # hash is in the fingerprint of each feed holding it); else those shown differently.
    changes = _changes(edits) if config.feed_size <= 0 else [
        Change(old=_head(before), new=_head(after)) for edit in edits
        for before, after in zip(edit.old.articles, edit.new.articles, strict=True)]
    if not changes:
        return Relisted(pages=[], states=[])
    relisted = relist(changes, cache, outputs, basis.bases, config,
                      [_head(a) for edit in edits for a in edit.new.articles],
                      {edit.path: edit.new.sha256 for edit in edits})
    if isinstance(relisted, str):
        raise _Decline(relisted)
    return relisted


def _changes(edits: list[_Edit]) -> list[Change]:
    """The edited articles whose other pages show differently (listings, neighbours)."""
    return [Change(old=_head(before), new=_head(after)) for edit in edits
            for before, after in zip(edit.old.articles, edit.new.articles, strict=True)
            if _shown(before) != _shown(after)]


def _listed(cache: BuildCache, edits: list[_Edit]) -> Sequence[str]:
    """The home listing's order as the last build left it, every edited article in it (one
    that lost a URL clash, AG040, has no page and is in no listing)."""
    members = home_members(cache)
    if members is None:
        raise _Decline("the cache holds no order of the articles")
    listed = set(members)
    for edit in edits:
        if any(a.head.key not in listed for a in edit.old.articles):
            raise _Decline(f"{_quoted(edit.path)} has no page of its own")
    return members


def _orders(members: Sequence[str], cache: BuildCache, edits: list[_Edit],
            states: list[ListingState]) -> tuple[Order, Order]:
    """The home listing's order as the last build left it (with the heads it had) and as it
    is after the edits (with the edited heads)."""
    now = next((s.members for s in states if s.spec.kind == "home"), members)
    edited = {a.head.key: _head(a) for edit in edits for a in edit.new.articles}
    return Order(members, Heads(cache, {})), Order(now, Heads(cache, edited))


def _source_sha(cache: BuildCache, path: str) -> str:
    """The content hash the cache holds for a source file (its pages' fingerprints use it)."""
    source = cache.source(path)
    if source is None:
        raise _Decline(f"{_quoted(path)} was not cached")
    return source.sha256


def _neighbour_pages(edits: list[_Edit], cache: BuildCache, outputs: dict[str, tuple[str, str]],
                     basis: QuickBasis, orders: tuple[Order, Order],
                     facts: tuple[CachedFacts, CachedFacts]) -> list[Page]:
    """The pages of the unedited articles beside an article whose title, date or URL
    changed, or near it in its terms' listings (their related articles), before or after
    the edits, made again if what they show of it changed."""
    before, after = orders
    edited = {a.head.key for edit in edits for a in edit.new.articles}
    changed = [c.new.head.key for c in _changes(edits)]
    try:
        keys = beside_any((before, after), changed)
        near = affected(changed, {"before": facts[0], "after": facts[1]})
    except KeyError:
        raise _Decline("the cache's order of the articles does not hold an edited one") from None
    if near is None:
        raise _Decline("an edit changes the related articles of more than "
                       f"{MAX_AFFECTED} pages")
    keys |= near
    pages: list[Page] = []
    reader: RecordReader | None = None
    folded = cache.folded() if keys - edited else {}
    try:
        for known in facts:
            known.prefetch(keys - edited)
        for key in sorted(keys - edited):
            head = after.heads[key]
            refs = folded.get(key, ())  # the copies shown on its page, as the full build did
            sha, *ref_sigs = (_source_sha(cache, path) for path in
                              (head.head.source_path, *(r.source_path for r in refs)))
            url = head.site_url
            was = plan_article(basis.bases, before.heads[key].site_url, before.heads[key].head,
                               sha, refs, ref_sigs, nav=before.nav(key),
                               related=facts[0].related(key))
            if outputs.get(was.path, ("", ""))[0] != was.fingerprint:
                raise _Decline(f"{_quoted(key)}, beside an edited article, has no page of its "
                               "own")
            nav, related = after.nav(key), facts[1].related(key)
            now = plan_article(basis.bases, url, head.head, sha, refs, ref_sigs, nav=nav,
                               related=related)
            if now.fingerprint != was.fingerprint:
                reader = reader or RecordReader(cache.path)
                pages.append(plan_article(basis.bases, url, head.head, sha, refs, ref_sigs,
                                          record=reader.article(head.head.source_path, key),
                                          nav=nav, related=related))
    except KeyError:
        raise _Decline("the cache's articles do not match its order of them") from None
    finally:
        if reader is not None:
            reader.close()
    return pages


@dataclass(frozen=True, slots=True)
class _SearchEdits:
    """The search index's files an edit changes, and what the build state keeps of it
    (search/kept.py): each edited document's new digest, each changed file's sha256."""

    pages: list[Page]
    digests: list[tuple[str, bytes]]
    changed: dict[str, str]


def _search_files(edits: list[_Edit], cache: BuildCache, output_dir: Path,
                  config: SiteConfig) -> _SearchEdits:
    """The files of the search index the edits change, patched (search/patch.py): the
    shards of the terms whose counts changed and the edited documents' result data."""
    if not config.search:
        return _SearchEdits(pages=[], digests=[], changed={})
    patch = IndexPatch(cache.search_doc_count(), lambda path: _read_output(output_dir, path))
    digests: list[tuple[str, bytes]] = []
    try:
        for edit in edits:
            for before, after, vector in zip(edit.old.articles, edit.new.articles, edit.terms,
                                             strict=True):
                key = after.head.key
                doc, was = cache.search_doc(key), cache.vector(key)
                if doc is None or was is None:
                    raise _Decline(f"{_quoted(key)} is not in the search index")
                summary = summarize(after.site_url, after.head, (after.excerpt, after.heading))
                entry, facets = doc_entry(summary), facet_listings(after.head)
                patch.edit(doc, doc_terms(was, facet_listings(before.head)),
                           doc_terms(vector, facets), entry)
                digests.append((key, doc_digest(entry, facets, vector_digest(vector))))
    except (OSError, ValueError, IndexError, EOFError):
        raise _Decline("the search index in the output folder cannot be read") from None
    pages = [plan_search_file(path, content) for path, content in sorted(patch.files.items())]
    return _SearchEdits(pages=pages, digests=digests,
                        changed={page.path: page.fingerprint for page in pages})


def _read_output(output_dir: Path, path: str) -> bytes:
    """A file of the output folder (never through a symlink, nor waiting on a FIFO)."""
    content = read_regular_file(output_dir / path)
    if content is None:
        raise OSError(f"{path} is not a regular file that can be read")
    return content


def _keep_search_basis(cache: BuildCache, search: _SearchEdits) -> None:
    """The kept search index (search/kept.py) as the edits leave it."""
    basis = cache.search_basis()
    if basis is None:
        return
    for key, digest in search.digests:
        cache.set_search_doc_digest(key, digest)
    cache.set_search_basis(basis.with_files(search.changed))


def _sitemap(edits: list[_Edit], moves: list[_Move], relisted: list[Page],
             outputs: dict[str, tuple[str, str]], output_dir: Path,
             config: SiteConfig) -> list[Page]:
    """The sitemap files the edits change (site/sitemap.py): read back, the entries of the
    pages made again changed (an article's URL and date, its listing pages' newest date),
    written if their bytes differ. Listing pages are neither added nor removed here
    (relist declines), nor index pages."""
    if SITEMAP_FILE not in outputs:
        return []
    try:
        entries = dict(_sitemap_entries(output_dir, config.base_url))
    except (OSError, UnicodeDecodeError, ValueError):
        raise _Decline("the sitemap in the output folder cannot be read") from None
    for was, _ in moves:
        entries.pop(was.url, None)  # a redirect page now, or gone
    for edit in edits:
        for article in edit.new.articles:
            entries[article.site_url] = lastmod(article.head.date)
    for page in relisted:
        if page.kind == "listing":
            listing = cast(ListingPage, page.data)
            entries[listing.url] = listing_lastmod(listing.articles)
    return [page for page in plan_sitemaps(config.base_url, entries.items())
            if outputs.get(page.path, ("", ""))[0] != page.fingerprint]


def _sitemap_entries(output_dir: Path, base_url: str) -> list[Entry]:
    """The entries of the sitemap files the last build wrote."""
    text = (output_dir / SITEMAP_FILE).read_text("utf-8")
    shards = shards_of(text)
    if shards is None:
        return read_entries(text, base_url)
    return [entry for name in shards
            for entry in read_entries((output_dir / name).read_text("utf-8"), base_url)]


def _report_articles(project_dir: Path, output_dir: Path, basis: QuickBasis,
                     moves: list[_Move]) -> tuple[Path | None, str]:
    """Where the build report is kept (None: not kept), and its articles section as this
    rebuild leaves it."""
    kept_report = report_file(project_dir, output_dir)
    if kept_report is not None and state_refusal(kept_report):
        raise _Decline("the build report is a symlink or not a file")  # the full build warns
    articles = _last_report(kept_report, basis)
    if articles and moves:
        articles = articles_moved(articles, moves)
    if articles is None:
        raise _Decline("the last build report is missing or was changed")
    return kept_report, articles


def _write(cache: BuildCache, output_dir: Path, rendered: list[_Rendered],
           gone: list[str]) -> tuple[list[WrittenFile], int]:
    """Write the rendered pages and remove those moved away. The cache forgets their
    fingerprints first (committed): a rebuild killed halfway is never replayed, nor followed
    by another quick one."""
    cache.forget_outputs([*(page.path for page, _ in rendered), *gone])
    cache.set_input_state("")
    cache.set_quick_basis(None, "the last build was interrupted")
    cache.commit()
    try:
        written, removed = replace_owned(output_dir, [page for page, _ in rendered], gone)
    except OSError as exc:  # a full disk, no permission: as the full build says it
        raise ArchivegenError(f"cannot write the site into {output_dir}: {exc}") from exc
    if any(done.refused or done.unwritable for done in written):
        raise _Decline("a page could not be written")  # as before: the full build says why
    return written, removed


def _write_report(path: Path, report: BuildReport, articles: str) -> str:
    """The build report written with the articles section kept; its sha256."""
    try:
        return write_report(path, report_with_articles(report, articles))
    except ArchivegenError:  # a full disk: the full build writes the pages, and warns
        raise _Decline("the build report could not be written") from None


def _quoted(name: str) -> str:
    """A file name (or article key) quoted in a reason: a reason is one line, and a name
    may hold a newline or a terminal escape."""
    return f"'{escape_controls(name)}'"


def _load_changed(input_dir: Path, config: SiteConfig, cache: BuildCache,
                  changed: list[tuple[str, str | None]]
                  ) -> tuple[list[_Edit], list[tuple[str, str]]]:
    """The changed files loaded again (or why one cannot be used: unreadable, or split into
    other pieces), and those only touched: same bytes, new stat."""
    md = None
    edits: list[_Edit] = []
    touched: list[tuple[str, str]] = []
    for rel, stat in changed:
        old = cache.source(rel)
        if old is None:
            raise _Decline(f"{_quoted(rel)} was not cached")
        md = md or make_markdown(config.limits)
        got = reload_source(input_dir, rel, stat or "", reusable_sha(old), Diagnostics(), md,
                            file_time_dates=config.dates_from_file_times,
                            excerpt_words=config.excerpt_words,
                            known=[a.sketch for a in old.articles], limits=config.limits)
        if got is None:
            raise _Decline(f"{_quoted(rel)} cannot be read")
        if got.entry is None:
            touched.append((rel, stat or ""))
            continue
        if [a.head.key for a in got.entry.articles] != [a.head.key for a in old.articles]:
            raise _Decline(f"{_quoted(rel)} now holds other articles (pieces)")
        if any(a.head.draft for a in (*old.articles, *got.entry.articles)):
            # A draft is in or out of the site as the settings say: the full build decides.
            raise _Decline(f"{_quoted(rel)} is a draft, or was one")
        edits.append(_Edit(path=rel, old=old, new=got.entry, records=got.records,
                           terms=got.terms))
    return edits, touched


def _shown(article: CachedArticle) -> tuple[object, ...]:
    """Everything of an article that any page but its own is made from."""
    return article.head, article.excerpt, article.heading, article.site_url


def _head(article: CachedArticle) -> CachedHead:
    return CachedHead(head=article.head, excerpt=article.excerpt, heading=article.heading,
                      site_url=article.site_url)


# A rendered page with its fingerprint.
_Rendered = tuple[RenderedFile, str]
# An article whose line in the report changes (its URL or layout): as it was, as it is.
_Move = tuple[ReportedArticle, ReportedArticle]


def _article_pages(edits: list[_Edit], others: SketchSet | None,
                   outputs: dict[str, tuple[str, str]],
                   basis: QuickBasis, last_diagnostics: tuple[Diagnostic, ...],
                   orders: tuple[Order, Order],
                   facts: tuple[CachedFacts, CachedFacts],
                   own_redirect: Callable[[str, str], bool] | None = None
                   ) -> tuple[list[Page], list[_Move]]:
    """Each edited article's page, and the articles that moved to another URL; or why not:
    one is folded with another article, before or after, was not built on its own, or its
    new URL may be taken (by a page other than a redirect to the article itself:
    `own_redirect(url, key)`, when the site has redirects)."""
    order_before, order_after = orders
    pages: list[Page] = []
    moves: list[_Move] = []
    edited = [(edit, number, before, after) for edit in edits
              for number, (before, after) in enumerate(zip(edit.old.articles,
                                                           edit.new.articles, strict=True))]
    for at, (edit, number, before, after) in enumerate(edited):
        # Apart from the unchanged bodies, and from the other edited ones as they were and
        # as they are (apart from each set: apart from their union). `others` is None when
        # no body changed.
        if others is not None:
            rest = SketchSet((v.sketch.digest, v.sketch.values, v.sketch.lead)
                             for n, (_, _, *versions) in enumerate(edited)
                             if n != at for v in versions)
            if not all(found.isolated(version.sketch)
                       for found in (others, rest) for version in (before, after)):
                raise _Decline(f"{_quoted(edit.path)} is, or was, a copy of another article")
        key, url = after.head.key, after.site_url
        if key not in order_before.members or key not in order_after.members:
            # Not listed: the article lost a URL clash (AG040) and has no page.
            raise _Decline(f"{_quoted(edit.path)} has no page of its own")
        if outputs.get(output_file(before.site_url), ("", ""))[0] != plan_article(
                basis.bases, before.site_url, before.head, edit.old.sha256,
                nav=order_before.nav(key), related=facts[0].related(key)).fingerprint:
            raise _Decline(f"{_quoted(edit.path)} has no page of its own, or copies are shown "
                           "on it")
        if url != before.site_url:
            taken = output_file(url) in outputs and not (own_redirect and own_redirect(url, key))
            if taken or any(new.url == url for _, new in moves):
                raise _Decline(f"{_quoted(edit.path)} moves to {url}, which another page has")
            if any(d.code == "AG040" for d in last_diagnostics):
                raise _Decline("an article moves to another URL while two claim one URL")
        was = ReportedArticle(key=key, layout=before.head.layout, url=before.site_url)
        now = ReportedArticle(key=key, layout=after.head.layout, url=url)
        if now != was:
            moves.append((was, now))
        pages.append(plan_article(basis.bases, url, after.head, edit.new.sha256,
                                  record=edit.records[number], nav=order_after.nav(key),
                                  related=facts[1].related(key)))
    return pages, moves


def _targets(edits: list[_Edit]) -> dict[str, str]:
    """The target each edited article is remembered by (site/redirects.py), by key: the
    quick rebuild keeps each file's pieces as they were."""
    return {a.head.key: article_target(a.head.key, len(edit.new.articles)
                                       if a.head.key != a.head.source_path else 0)
            for edit in edits for a in edit.new.articles}


def _own_redirect(cache: BuildCache, edits: list[_Edit]) -> Callable[[str, str], bool]:
    """Is the page at `url` a redirect to the article `key` (its old URL)?"""
    targets = _targets(edits)

    def own(url: str, key: str) -> bool:
        return url in cache.published_to(targets[key])
    return own


def _redirect_pages(cache: BuildCache, basis: QuickBasis, moves: list[_Move],
                    edits: list[_Edit]) -> list[Page]:
    """For each article that moved, a redirect page at every URL it had, to its new one (as
    the full build plans them: site/redirects.py)."""
    targets = _targets(edits)
    pages = []
    for was, now in moves:
        if was.url == now.url:
            continue
        old = {*cache.published_to(targets[now.key]), was.url} - {now.url}
        pages += [plan_redirect(basis.bases, url, now.url) for url in sorted(old)]
    return pages


def _asset_pages(edits: list[_Edit], outputs: dict[str, tuple[str, str]], input_dir: Path
                 ) -> tuple[list[Page], list[str]]:
    """The files the edited articles reference, copied where they are new or changed; and
    the copies no longer referenced (or left behind by a page that moved), to remove.
    Declines when a new copy would take another
    page's place (the full build refuses it, AG036)."""
    top = os.fspath(input_dir)
    pages: list[Page] = []
    gone: list[str] = []
    for edit in edits:
        for before, after in zip(edit.old.articles, edit.new.articles, strict=True):
            # The copies the last build made (an asset refused for its place has none).
            had = {path for a in before.assets
                   if outputs.get(path := asset_file(before.site_url, a.path),
                                  ("", ""))[0] == a.sha256}
            if len(had) != len(before.assets):
                raise _Decline(f"{_quoted(edit.path)} references a file that was not copied")
            now = [plan_asset(after.site_url, a, top, edit.path) for a in after.assets]
            for page in now:
                if page.path in had:
                    if outputs[page.path][0] != page.fingerprint:
                        pages.append(page)
                    continue
                if _taken(page.path, outputs):
                    raise _Decline(f"{_quoted(edit.path)} references a file whose copy would "
                                   "take another page's place")
                pages.append(page)
            gone += sorted(had - {page.path for page in now})
    return pages, gone


def _taken(path: str, outputs: dict[str, tuple[str, str]]) -> bool:
    """Does an output of the last build hold `path`, a folder of it, or a file below it?"""
    folders = path.split("/")[:-1]
    return (path in outputs or any("/".join(folders[:n]) in outputs
                                   for n in range(1, len(folders) + 1))
            or any(other.startswith(path + "/") for other in outputs))


class CachedRecords:
    """Whole records as a feed shows them: the edited articles' new ones, else the
    cache's (read on first use)."""

    def __init__(self, cache: BuildCache, edits: list[_Edit]) -> None:
        self._path = cache.path
        self._edited = {article_key(record[0]): record for edit in edits
                        for record in edit.records}
        self._reader: RecordReader | None = None

    def __call__(self, article: ArticleHead | ArticleSummary) -> Record:
        if article.key in self._edited:
            return self._edited[article.key]
        self._reader = self._reader or RecordReader(self._path)
        return self._reader.article(article.source_path, article.key)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


# The renderer of the last quick rebuild, by what it was made from: the next one in the same
# process (serve) reuses its Jinja environment, compiled templates and Markdown engine
# (~30 ms an edit at 10^4 articles). The context covers every theme file and the settings.
_warm: tuple[str, Renderer] | None = None


class QuickRenderer:
    """Renders pages as the last full build did: its settings, navigation and counts; the
    Jinja environment is made on first use. With `context` (uptodate.context_state, as it
    is now: the templates on disk are those it fingerprints), the last renderer made for
    the same context, basis and settings is used again."""

    def __init__(self, basis: QuickBasis, config: SiteConfig, themes: list[Path],
                 bytecode_dir: Path | None, context: str | None = None) -> None:
        self._basis, self._config, self._themes = basis, config, themes
        self._bytecode_dir = bytecode_dir
        self._context = context

    def _renderer(self) -> Renderer:
        global _warm
        key = "\0".join((self._context or "", self._basis.to_json(), repr(self._config),
                         repr(self._themes), str(self._bytecode_dir)))
        if self._context is not None and _warm is not None and _warm[0] == key:
            return _warm[1]
        # The messages as the last full build read them (its context covers every theme file
        # and the settings), which reported their problems: not reported again.
        messages = load_messages(self._themes, self._config.language, Diagnostics())
        renderer = Renderer(
            env=make_environment(self._themes, self._bytecode_dir, messages),
            md=make_markdown(self._config.limits),
            config=self._config,
            nav=tuple(t for name in self._basis.nav for t in TAXONOMIES if t.key == name),
            term_counts=self._basis.term_counts)
        _warm = (key, renderer) if self._context is not None else None
        return renderer

    def render(self, pages: list[Page], records: CachedRecords) -> list[_Rendered]:
        """Every page with its fingerprint; or, if one does not render cleanly, which (the
        full build says why). A feed's bodies come from `records`."""
        renderer = self._renderer()
        rendered: list[_Rendered] = []
        for planned in pages:
            local = Diagnostics()
            try:
                page = renderer.page(planned, local, records)
            except KeyError:
                raise _Decline(f"{planned.path} shows an article the cache does not hold") from None
            if page is None or local.items or page.path != planned.path:
                raise _Decline(f"{planned.path} did not render cleanly")
            rendered.append((page, planned.fingerprint))
        return rendered


def _diagnostics_now(last: tuple[Diagnostic, ...],
                     edits: list[_Edit]) -> tuple[Diagnostic, ...]:
    """The last build's diagnostics with the edited files' new ones in place of their old:
    what the full build would report (its other diagnostics come from what did not change)."""
    found = Counter(last)
    found -= Counter(d for edit in edits for d in edit.old.diagnostics)
    found += Counter(d for edit in edits for d in edit.new.diagnostics)
    return tuple(sorted(found.elements(), key=Diagnostic.sort_key))


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))


def _last_report(path: Path | None, basis: QuickBasis) -> str | None:
    """The articles section of the last build's report; None if the report is gone or
    is not the one that build wrote (a quick rebuild cannot make that section)."""
    if path is None:
        return ""  # no report is kept: it would be published with the site
    try:  # never through a symlink, nor waiting on a FIFO
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        with open(fd, "rb") as handle:
            if not S_ISREG(os.fstat(fd).st_mode):
                return None
            previous = handle.read()
    except OSError:
        return None
    if hashlib.sha256(previous).hexdigest() != basis.report_sha:
        return None
    return articles_section(previous.decode("utf-8", "replace"))
