"""Loading one source file: its articles parsed, repaired, sketched, with their body's HTML.

What the build's load workers run (build._run_load_job) and what a quick rebuild runs for the few
files that changed (quick.py): `reload_source`, whose result the cache keeps.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dedupe.detect import Sketch, sketch_text
from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.assets import AssetStat, find_assets
from archivegen.load.layouts import load_source
from archivegen.load.loaded import CachedArticle, CachedSource, Record
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source, source_signature
from archivegen.markdown.article import (
    article_body_and_excerpt,
    local_references,
    report_markdown_limits,
)
from archivegen.markdown.engine import SafeMarkdown, derived_title, make_markdown
from archivegen.model import TAXONOMIES, Article, ArticleHead, Asset, Source, head_of
from archivegen.search.terms import term_vector
from archivegen.urls import article_url


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedArticle:
    """An article's head with what duplicate detection and fingerprints need of its source;
    the whole record only when it is in memory (else it is read from the cache to render)."""

    head: ArticleHead
    # Duplicate detection's view of the body; None when make_site is given the sketches
    # apart (a build lets go of them once duplicates are found).
    sketch: Sketch | None
    source_sig: str  # hash of the source and sidecar bytes the record was made from
    excerpt: str = ""  # what listings show of the body (cached: parsing it is costly)
    heading: str = ""  # a derived heading for an untitled article
    site_url: str = ""  # urls.article_url of the head, computed once when loaded
    record: Record | None = None  # the article and its body's HTML, when held in memory
    terms: str = ""  # its words for search (search.terms.term_vector), made with the record
    assets: tuple[Asset, ...] = ()  # files its body references, copied beside its page
    # The paths its references named and what was there (load/assets.py), when loaded
    looked: tuple[AssetStat, ...] = ()


def load_one(source: Source, diags: Diagnostics, md: SafeMarkdown, *,
             file_time_dates: bool = False, excerpt_words: int = 40,
             known: Sequence[Sketch] = (), limits: Limits = DEFAULT_LIMITS,
             input_dir: Path | None = None) -> list[LoadedArticle]:
    """The source's articles, loaded; a body whose sketch is among `known` (the cached ones
    of this file) is not sketched again. An unexpected error on the way (a bug of ours, or
    an input no test foresaw) costs this file's articles only: error AG051, no traceback.
    `limits` bound its YAML (the Markdown parser `md` holds those of its links). With
    `input_dir` (the folder `source.path` is relative to), the files its bodies reference
    are found there (load/assets.py)."""
    own = Diagnostics()
    try:
        loaded = _load_one(source, own, md, file_time_dates=file_time_dates,
                           excerpt_words=excerpt_words, known=known, limits=limits,
                           input_dir=input_dir)
    except Exception as exc:  # one file must never stop the build
        diags.extend(own)  # what was found before it failed is still true
        diags.error("AG051", f"unexpected error while reading this file ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); its articles are skipped — please report it",
                    SourceLocation(path=source.path, line=1, col=1))
        return []
    diags.extend(own)
    return loaded


def _load_one(source: Source, diags: Diagnostics, md: SafeMarkdown, *,
              file_time_dates: bool, excerpt_words: int, known: Sequence[Sketch],
              limits: Limits, input_dir: Path | None) -> list[LoadedArticle]:
    signature = source_signature(source, file_time_dates=file_time_dates)
    loaded = []
    for article in load_source(source, diags, file_time_dates=file_time_dates, limits=limits):
        repaired = _within_term_limit(repair_article(article, diags), limits, diags)
        # The body's HTML is made here, in a load worker, and cached with the record: a
        # page render then only fills its template. Refused links are reported now, so the
        # warning is cached and repeated by builds that do not render the page.
        body_html, refused, excerpt = article_body_and_excerpt(
            md, repaired, 0 if repaired.summary else excerpt_words)
        report_markdown_limits(md, repaired, diags)  # AG032, AG034
        for bad in refused:
            diags.warning("AG031", f"link to '{bad[:80]}' in the body (from line "
                          f"{repaired.body_line}) has a disallowed scheme; shown as text",
                          SourceLocation(path=source.path, line=repaired.body_line))
        assets: tuple[Asset, ...] = ()
        looked: tuple[AssetStat, ...] = ()
        if input_dir is not None:
            assets, looked = find_assets(os.fspath(input_dir), source.path,
                                         local_references(md, repaired), diags, limits)
        head = head_of(repaired)
        loaded.append(LoadedArticle(
            terms=term_vector(repaired.title, repaired.authors, body_html),
            head=head, record=(repaired, body_html), sketch=sketch_text(repaired.body, known=known),
            source_sig=signature, site_url=article_url(head),
            excerpt=repaired.summary or excerpt,
            heading="" if repaired.title else derived_title(md, repaired.body),
            assets=assets, looked=looked))
    return loaded


def _within_term_limit(article: Article, limits: Limits, diags: Diagnostics) -> Article:
    """The article with at most `limits.terms_per_article` terms in each taxonomy (the
    first ones), and warning AG033 for each taxonomy over it."""
    room = limits.terms_per_article
    over = {t.field: getattr(article, t.field) for t in TAXONOMIES
            if not isinstance(getattr(article, t.field), str)
            and len(getattr(article, t.field)) > room}
    for name, terms in over.items():
        diags.warning("AG033", f"{len(terms):,} {name}, over the limit of {room:,} "
                      f"(limits.terms_per_article); the first {room:,} are kept",
                      SourceLocation(path=article.provenance.source_path, line=1, col=1))
    if not over:
        return article
    return replace(article, **{name: terms[:room] for name, terms in over.items()})


def load_articles(sources: Sequence[Source], diags: Diagnostics,
                  config: SiteConfig | None = None) -> list[LoadedArticle]:
    config = config or SiteConfig()
    md = make_markdown(config.limits)
    loaded: list[LoadedArticle] = []
    for source in sources:
        loaded += load_one(source, diags, md, file_time_dates=config.dates_from_file_times,
                           excerpt_words=config.excerpt_words, limits=config.limits)
    return loaded


@dataclass(frozen=True, slots=True, kw_only=True)
class Reloaded:
    """A source file read again for the cache: its new entry and whole records, or no entry
    when its bytes are those the cache holds (the file was only touched)."""

    entry: CachedSource | None
    records: tuple[Record, ...] = ()
    terms: tuple[str, ...] = ()  # each article's search term vector


def reload_source(input_dir: Path, rel: str, stat: str, cached_sha: str, diags: Diagnostics,
                  md: SafeMarkdown, *, file_time_dates: bool, excerpt_words: int,
                  known: Sequence[Sketch] = (), limits: Limits = DEFAULT_LIMITS
                  ) -> Reloaded | None:
    """Read `rel` again and load it unless its signature is `cached_sha`; None if it cannot
    be read (`diags`, fresh for this file, says why). `limits`: the config's, for the
    size of the file and its sidecar and for its YAML."""
    source = read_source(input_dir, rel, diags, limits)
    if source is None:
        return None
    signature = source_signature(source, file_time_dates=file_time_dates)
    if signature == cached_sha and not diags.items:  # (a sidecar it cannot read: AG003)
        return Reloaded(entry=None)
    loaded = load_one(source, diags, md, file_time_dates=file_time_dates,
                      excerpt_words=excerpt_words, known=known, limits=limits,
                      input_dir=input_dir)
    articles = []
    for x in loaded:
        assert x.sketch is not None  # load_one sketches every body
        articles.append(CachedArticle(head=x.head, sketch=x.sketch, excerpt=x.excerpt,
                                      heading=x.heading, site_url=x.site_url, assets=x.assets))
    entry = CachedSource(stat=stat, sha256=signature, diagnostics=tuple(diags.items),
                         articles=tuple(articles),
                         asset_stats=tuple(sorted({s for x in loaded for s in x.looked})))
    return Reloaded(entry=entry,
                    records=tuple(x.record for x in loaded if x.record is not None),
                    terms=tuple(x.terms for x in loaded))
