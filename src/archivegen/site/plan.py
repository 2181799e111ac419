"""The page plan: every kind of page declared once, with its template, where it is written and
the fingerprint of everything it is made from.

Pure: no I/O. The full build (build.make_site) takes every page of the site from `plan_site`;
a quick rebuild (incremental/quick.py and relist.py) makes the few pages an edit changes with
the same per-kind functions, so a page gets one fingerprint whichever path builds it, and a new
kind of page is declared here, once (PAGE_KINDS, a `plan_*` function) and rendered by a case in
render.pages.Renderer.page.

A page whose fingerprint equals the one its file was written with is not rendered again. Each
kind's basis (PageBases) is a digest of what every page of that kind sees: code, settings,
navigation, its template and what that includes; the rest of a fingerprint is the page's own
data.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Generic, Literal, TypeVar

from archivegen.digest import fingerprint
from archivegen.model import (
    Article,
    ArticleHead,
    ArticleSummary,
    Asset,
    DuplicateRef,
    Feed,
    ListingPage,
    RenderedFile,
    SiteIndex,
    Taxonomy,
    TermCount,
    YearCount,
)
from archivegen.search.kept import KeptFile
from archivegen.search.spill import SpilledFile
from archivegen.site.sitemap import (
    ROBOTS_FILE,
    Entry,
    lastmod,
    listing_lastmod,
    robots_txt,
    sitemap_files,
)
from archivegen.slotted import quick_pickle
from archivegen.urls import (
    ARCHIVE_URL,
    NOT_FOUND_URL,
    SEARCH_URL,
    asset_file,
    output_file,
    static_url,
    taxonomy_url,
)

T = TypeVar("T")

PageKind = Literal["article", "listing", "feed", "terms", "archive", "not_found", "search",
                   "search_index", "static", "asset", "redirect", "sitemap", "robots"]


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How the build treats one kind of page."""

    template: str | None  # rendered with it; None: a file copied as it is
    in_workers: bool  # one per article or listing page: rendered on every core
    # What an article edit does to pages of this kind, for the quick rebuild: "own" (the
    # article's own page is made again), "listed" (relist.py finds the listing pages, feeds
    # and index pages that show it or count it), "fixed" (made from settings and theme
    # only: unchanged), "indexed" (the search index: quick.py patches the files an edit
    # changes), "mapped" (the sitemap: quick.py changes the entries of the pages it makes),
    # "whole_site" (made from every article: a quick rebuild declines). A redirect is
    # "own": the old URLs of an article that moves point to its new one (quick.py).
    on_edit: Literal["own", "listed", "fixed", "indexed", "mapped", "whole_site"]


# Every kind of page, declared once. A new kind: an entry here, a plan_* function below
# (and a line in plan_site), and a case in render.pages.Renderer.page.
PAGE_KINDS: dict[PageKind, KindSpec] = {
    "article": KindSpec("article.html", True, "own"),
    "listing": KindSpec("listing.html", True, "listed"),
    "feed": KindSpec("feed.xml", True, "listed"),
    "terms": KindSpec("terms.html", False, "listed"),
    "archive": KindSpec("archive.html", False, "listed"),
    "not_found": KindSpec("404.html", False, "fixed"),
    "search": KindSpec("search.html", False, "fixed"),
    "search_index": KindSpec(None, False, "indexed"),
    "static": KindSpec(None, False, "fixed"),
    # A file an article references, copied beside its page: an edit of the article makes
    # its assets again with its page (quick.py: copied, or removed when no longer named).
    "asset": KindSpec(None, False, "own"),
    "redirect": KindSpec("redirect.html", False, "own"),
    "sitemap": KindSpec(None, False, "mapped"),
    "robots": KindSpec(None, False, "fixed"),
}

# The template each kind of page is rendered with.
PAGE_TEMPLATES: dict[str, str] = {kind: spec.template for kind, spec in PAGE_KINDS.items()
                                  if spec.template is not None}

# The articles before and after one in the home listing's order (newest first): the later
# one and the earlier one, or None at an end.
ArticleNav = tuple[ArticleSummary | None, ArticleSummary | None]
NO_NAV: ArticleNav = (None, None)
# An article page's data: its URL, its head, the copies folded into it, its record (the
# article and its body's HTML) when in memory (else the renderer reads it from the cache),
# its neighbours and its related articles (site/related.py).
ArticleData = tuple[str, ArticleHead, tuple[DuplicateRef, ...], tuple[Article, str] | None,
                    ArticleNav, tuple[ArticleSummary, ...]]
TermsData = tuple[Taxonomy, tuple[TermCount, ...]]
ArchiveData = tuple[tuple[YearCount, ...], int]  # years with their months; undated articles
# A feed, and its articles' bodies as HTML when in memory (else the renderer reads them).
FeedData = tuple[Feed, tuple[str, ...] | None]
# An asset's data: the input folder, and the asset (its file read from there as it is
# rendered: an asset may be large, and a build holds no asset's bytes but the one it writes).
AssetData = tuple[str, Asset]
# What a search index file depends on (its page's "template" dependencies).
SEARCH_FILE_DEPENDENCIES = ("search",)
PageData = (ArticleData | ListingPage | FeedData | TermsData | ArchiveData | RenderedFile
            | SpilledFile | KeptFile | AssetData | str | None)  # str: a redirect's new URL


@dataclass(frozen=True, slots=True, kw_only=True)
class PageBases:
    """Per kind of page, what every page of that kind sees (code, settings, navigation, its
    template and what that includes). A full build leaves them for quick rebuilds."""

    article: str
    listing: str
    feed: str
    terms: str
    archive: str
    not_found: str
    search: str
    redirect: str

    @classmethod
    def of(cls, base: str, template_fingerprint: Callable[[str], str]) -> PageBases:
        """`base`: what every page sees; `template_fingerprint`: a digest per template name."""
        return cls(**{kind: fingerprint(base, template_fingerprint(name))
                      for kind, name in PAGE_TEMPLATES.items()})

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> PageBases:
        """As stored by a build (KeyError if a kind is missing: an older build's)."""
        return cls(**{f.name: str(data[f.name]) for f in fields(cls)})


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One output file to produce: what kind, where, from what (its fingerprint), and the
    data its template is filled with."""

    kind: PageKind
    path: str
    origin: str  # what it was made from, for diagnostics (a source path or a URL)
    fingerprint: str
    data: PageData


def summary_fingerprint(s: ArticleSummary) -> str:
    """A digest of everything a listing shows of one article (repr of the dataclass is ten
    times slower; a digest, as every article's is held while planning)."""
    return fingerprint(s.url, s.title, s.date.isoformat() if s.date else "",
                       "\x1e".join(s.authors), s.publisher, s.excerpt, s.source_path,
                       "derived" if s.title_derived else "")


def _nav_fingerprint(s: ArticleSummary) -> str:
    """What an article page shows of the articles beside it (not their excerpts: a body
    edit leaves the pages beside it alone)."""
    return fingerprint(s.url, s.title, s.date.isoformat() if s.date else "",
                       "derived" if s.title_derived else "")


def plan_article(bases: PageBases, url: str, head: ArticleHead, source_sig: str,
                 refs: tuple[DuplicateRef, ...] = (), ref_sigs: Sequence[str] = (),
                 record: tuple[Article, str] | None = None, nav: ArticleNav = NO_NAV,
                 related: tuple[ArticleSummary, ...] = ()) -> Page:
    """An article's page: made from its URL, its article, the hash of the source it came from
    (`source_sig`), the copies folded into it with theirs, and what it shows of the articles
    before and after it (`nav`) and of its `related` articles."""
    fp = fingerprint(bases.article, url, head.key, source_sig, repr(refs), *ref_sigs,
                     *(_nav_fingerprint(s) if s is not None else "" for s in nav),
                     "related", *map(_nav_fingerprint, related))
    return _article_page(url, head, refs, record, nav, related, fp)


def _article_page(url: str, head: ArticleHead, refs: tuple[DuplicateRef, ...],
                  record: tuple[Article, str] | None, nav: ArticleNav,
                  related: tuple[ArticleSummary, ...], fp: str) -> Page:
    return Page(kind="article", path=output_file(url), origin=head.source_path,
                fingerprint=fp, data=(url, head, refs, record, nav, related))


def plan_listing(bases: PageBases, page: ListingPage, summaries: Sequence[str]) -> Page:
    """One page of a listing; `summaries` are the summary_fingerprint of its articles."""
    fp = fingerprint(bases.listing, page.kind, page.url, page.title, str(page.total),
                     repr(page.pager), repr(page.term), repr(page.taxonomy),
                     repr(page.timeline), *summaries)
    return _listing_page(page, fp)


def _listing_page(page: ListingPage, fp: str) -> Page:
    return Page(kind="listing", path=output_file(page.url), origin=page.url, fingerprint=fp,
                data=page)


def plan_feed(bases: PageBases, feed: Feed, summaries: Sequence[str],
              source_sigs: Sequence[str], bodies: tuple[str, ...] | None = None) -> Page:
    """A listing's feed, whose entries carry their articles' bodies: `summaries` as for
    plan_listing, `source_sigs` the hashes of the sources the bodies come from, `bodies`
    the bodies' HTML when in memory."""
    return Page(kind="feed", path=output_file(feed.url), origin=feed.listing_url,
                fingerprint=fingerprint(bases.feed, feed.url, feed.title, *summaries,
                                        "sources", *source_sigs),
                data=(feed, bodies))


def plan_terms(bases: PageBases, taxonomy: Taxonomy, terms: Sequence[TermCount]) -> Page:
    """A taxonomy's index page: its terms and their counts (no article is shown on it)."""
    url = taxonomy_url(taxonomy)
    fp = fingerprint(bases.terms, repr(taxonomy), *(f"{t.term!r}\0{t.count}" for t in terms))
    return Page(kind="terms", path=output_file(url), origin=url, fingerprint=fp,
                data=(taxonomy, tuple(terms)))


def plan_archive(bases: PageBases, years: Sequence[YearCount], undated: int) -> Page:
    """The date archive page: years and months with their counts."""
    fp = fingerprint(bases.archive, *(f"{y.year}:{y.count}:" + ",".join(
        f"{m.month}:{m.count}" for m in y.months) for y in years), f"undated:{undated}")
    return Page(kind="archive", path=output_file(ARCHIVE_URL), origin=ARCHIVE_URL,
                fingerprint=fp, data=(tuple(years), undated))


def plan_not_found(bases: PageBases) -> Page:
    return Page(kind="not_found", path=output_file(NOT_FOUND_URL), origin=NOT_FOUND_URL,
                fingerprint=bases.not_found, data=None)


def plan_search_page(bases: PageBases) -> Page:
    path = output_file(SEARCH_URL)
    return Page(kind="search", path=path, origin=SEARCH_URL, fingerprint=bases.search,
                data=None)


def plan_search_file(path: str, content: bytes | SpilledFile | KeptFile) -> Page:
    """A file of the search index (search/index.py), written as it is: its bytes, or where
    a full build keeps them until then (read as the page is rendered), or the file the last
    build wrote (search/kept.py)."""
    if isinstance(content, (SpilledFile, KeptFile)):
        return Page(kind="search_index", path=path, origin=path, fingerprint=content.sha256,
                    data=content)
    file = RenderedFile(path=path, content=content, dependencies=SEARCH_FILE_DEPENDENCIES,
                        origin=path)
    return Page(kind="search_index", path=path, origin=path,
                fingerprint=hashlib.sha256(content).hexdigest(), data=file)


def plan_redirect(bases: PageBases, url: str, to_url: str) -> Page:
    """A redirect page at an old URL (site/redirects.py) to where its article or listing
    is now."""
    return Page(kind="redirect", path=output_file(url), origin=url,
                fingerprint=fingerprint(bases.redirect, url, to_url), data=to_url)


def plan_sitemaps(base_url: str, entries: Iterable[Entry]) -> list[Page]:
    """The sitemap files (site/sitemap.py) of these pages, written as they are."""
    return [_plain_file("sitemap", path, content)
            for path, content in sitemap_files(entries, base_url)]


def plan_robots(base_url: str) -> Page:
    return _plain_file("robots", ROBOTS_FILE, robots_txt(base_url))


def _plain_file(kind: PageKind, path: str, content: bytes) -> Page:
    """A file made in full while planning: its fingerprint is its bytes' digest."""
    file = RenderedFile(path=path, content=content, dependencies=(kind,), origin=path)
    return Page(kind=kind, path=path, origin=path,
                fingerprint=hashlib.sha256(content).hexdigest(), data=file)


def plan_static(name: str, content: bytes) -> Page:
    """A theme's static file, copied as it is."""
    path = output_file(static_url(name))
    file = RenderedFile(path=path, content=content, dependencies=(f"static:{name}",),
                        origin=f"static/{name}")
    return Page(kind="static", path=path, origin=file.origin,
                fingerprint=hashlib.sha256(content).hexdigest(), data=file)


def plan_asset(url: str, asset: Asset, input_dir: str, origin: str) -> Page:
    """A file the article at `url` (from the source `origin`) references, copied beside its
    page from `input_dir`; its fingerprint is its bytes' sha256, as loaded."""
    return Page(kind="asset", path=asset_file(url, asset.path), origin=origin,
                fingerprint=asset.sha256, data=(input_dir, asset))


def _no_assets(key: str) -> tuple[Asset, ...]:
    return ()


class Remade(Generic[T]):
    """An iterable made again each time it is read: a build plans its pages twice (paths and
    fingerprints, then each page as it is rendered) and holds no listing page in between."""

    def __init__(self, make: Callable[[], Iterable[T]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[T]:
        return iter(self._make())


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteContent:
    """What the pages of a whole site are made from, as the index step leaves it. Each
    plan_site reads `listings` and `feeds` once: give collections, or Remade."""

    table: Sequence[tuple[str, ArticleHead]]  # every article's URL, in URL order
    index: SiteIndex
    listings: Iterable[ListingPage]
    feeds: Iterable[Feed]
    terms: Sequence[TermsData]  # taxonomies with at least one term, and their counts
    years: Sequence[YearCount]
    also_archived: Mapping[str, tuple[DuplicateRef, ...]]  # copies folded in, by article key
    source_sig: Callable[[str], str]  # the source hash of an article, by key
    record: Callable[[str], tuple[Article, str] | None]  # its record if in memory, by key
    related: Callable[[str], tuple[ArticleSummary, ...]]  # its related articles, by key
    static_files: Mapping[str, bytes]
    # The search index's files by path (search/index.py); None: the site has no search.
    search_files: Iterable[tuple[str, bytes | SpilledFile | KeptFile]] | None = None
    # The files each article references (by key), and the input folder they are read from.
    assets: Callable[[str], tuple[Asset, ...]] = _no_assets
    input_dir: str = ""
    # Redirect pages: (old URL, new URL), once the build knows which URLs no page takes.
    redirects: Sequence[tuple[str, str]] = ()
    # The absolute base_url the sitemap and robots.txt name; "": neither is made.
    sitemap_base: str = ""


def _kept_fingerprints(articles: Sequence[ArticleSummary]
                       ) -> Callable[[ArticleSummary], str]:
    """summary_fingerprint of each of `articles`, made once."""
    known = {s.url: summary_fingerprint(s) for s in articles}
    return lambda s: known[s.url]


def plan_site(bases: PageBases, site: SiteContent, *, memo: bool = True,
              known: Mapping[str, str] | None = None) -> Iterator[Page]:
    """Every page of the site, articles first (a flat list the build renders in order).

    With `memo` (the default), each article's summary fingerprint is made once and kept while
    listings are planned; without it, it is made again for each listing page that shows it
    (the same pages: a build planning them a second time, as they are rendered, holds less).
    `known`: the fingerprints of an earlier pass over the same site, by path; article and
    listing pages take theirs from it, not made again (half of planning the second time;
    a page whose path it lacks gets none)."""
    order = site.index.articles
    # Each article's place in the home listing's order (newest first), for its neighbours:
    # an array, not a dict of 10^5 pairs held while the article pages are planned.
    place = {s.url: n for n, s in enumerate(order)}
    places = array("l", [place[url] for url, _ in site.table])
    del place
    mapped: list[Entry] | None = [] if site.sitemap_base else None  # the sitemap's pages
    for (url, head), n in zip(site.table, places, strict=True):
        refs = site.also_archived.get(head.key, ())
        nav = (order[n - 1] if n > 0 else None, order[n + 1] if n + 1 < len(order) else None)
        if mapped is not None:
            mapped.append((url, lastmod(head.date)))
        if known is None:
            yield plan_article(bases, url, head, site.source_sig(head.key), refs,
                               [site.source_sig(r.key) for r in refs], site.record(head.key),
                               nav, site.related(head.key))
        else:
            yield _article_page(url, head, refs, site.record(head.key), nav,
                                site.related(head.key), known.get(output_file(url), ""))
        for asset in site.assets(head.key):
            yield plan_asset(url, asset, site.input_dir, head.source_path)
    del places
    summary_fp = _kept_fingerprints(site.index.articles) if memo else summary_fingerprint
    for page in site.listings:
        if mapped is not None:
            mapped.append((page.url, listing_lastmod(page.articles)))
        yield (plan_listing(bases, page, [summary_fp(s) for s in page.articles])
               if known is None else _listing_page(page, known.get(output_file(page.url), "")))
    for feed in site.feeds:
        records = [site.record(s.key) for s in feed.articles]
        yield plan_feed(bases, feed, [summary_fp(s) for s in feed.articles],
                        [site.source_sig(s.key) for s in feed.articles],
                        None if None in records else tuple(r[1] for r in records if r))
    del summary_fp
    for taxonomy, terms in site.terms:
        yield plan_terms(bases, taxonomy, terms)
    yield plan_archive(bases, site.years, len(site.index.undated))
    yield plan_not_found(bases)
    if site.search_files is not None:
        yield plan_search_page(bases)
        for path, content in site.search_files:
            yield plan_search_file(path, content)
    for name, content in site.static_files.items():
        yield plan_static(name, content)
    if mapped is not None:
        mapped += [(taxonomy_url(taxonomy), "") for taxonomy, _ in site.terms]
        mapped.append((ARCHIVE_URL, ""))
        if site.search_files is not None:
            mapped.append((SEARCH_URL, ""))
        yield from plan_sitemaps(site.sitemap_base, mapped)
        del mapped
        yield plan_robots(site.sitemap_base)
    for url, to_url in site.redirects:
        yield plan_redirect(bases, url, to_url)
