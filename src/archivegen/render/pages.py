"""Pages -> RenderedFile: fill a template for each article, listing and index page."""

from __future__ import annotations

import re
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import jinja2

from archivegen import urls
from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.assets import asset_bytes
from archivegen.markdown.article import article_body_html
from archivegen.markdown.engine import SafeMarkdown, derived_title
from archivegen.model import (
    TAXONOMIES,
    Article,
    ArticleHead,
    ArticleSummary,
    DuplicateRef,
    Feed,
    ListingPage,
    RenderedFile,
    Taxonomy,
    Term,
    TermCount,
    YearCount,
    terms_of,
)
from archivegen.render.messages import Messages
from archivegen.render.metadata import news_article, page_description
from archivegen.render.templates import (
    is_web_url,
    messages_of,
    page_url_for,
    template_dependencies,
)
from archivegen.search.kept import KeptFile
from archivegen.search.spill import SpilledFile
from archivegen.site.plan import (
    NO_NAV,
    SEARCH_FILE_DEPENDENCIES,
    ArchiveData,
    ArticleData,
    ArticleNav,
    AssetData,
    FeedData,
    Page,
    TermsData,
)
from archivegen.site.timeline import archive_timeline

# The taxonomies whose first term an article page links to ("More in Europe").
MORE_IN_TAXONOMIES = ("regions", "themes")


@dataclass(slots=True)
class Renderer:
    """Renders pages with one environment; knows which templates each page used."""

    env: jinja2.Environment
    md: SafeMarkdown
    config: SiteConfig
    # Taxonomies that have at least one term, for the navigation of every page.
    nav: tuple[Taxonomy, ...] = TAXONOMIES
    # Number of terms per taxonomy key, for the home page's index overview.
    term_counts: dict[str, int] = field(default_factory=dict)
    _deps: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def article(self, url: str, article: Article, diags: Diagnostics,
                also_archived: Sequence[DuplicateRef] = (),
                body_html: str | None = None, nav: ArticleNav = NO_NAV,
                related: Sequence[ArticleSummary] = ()) -> RenderedFile | None:
        """The article's page; `body_html` is article_body_html's, when computed already;
        `nav`: the later and the earlier article (plan.ArticleNav); `related`: the articles
        it suggests (site/related.py)."""
        if body_html is None:
            body_html, _ = article_body_html(self.md, article)
        unreferenced = [n for n in article.notes if f"[^{n.label}]" not in article.body]
        path = article.provenance.source_path
        term_groups = [(tax, terms_of(article, tax)) for tax in TAXONOMIES]
        # The first region's and first theme's "more in" links: chosen here, as Jinja's
        # selectattr chain took a sixth of rendering an article page.
        more_in = [(tax, names) for tax, names in term_groups
                   if names and tax.key in MORE_IN_TAXONOMIES]
        sources = (path, *(d.source_path for d in also_archived))
        title = article.title or derived_title(self.md, article.body)
        description = page_description(article, body_html)
        # Link previews and search engines need an absolute address: only with a base_url
        # that is one (a path alone names no host).
        canonical = (urls.absolute_url(self.config.base_url, url)
                     if is_web_url(self.config.base_url) else "")
        return self._render("article.html", url, diags, origin=path,
                            extra_deps=tuple(f"source:{p}" for p in sources), article=article,
                            body_html=body_html, term_groups=term_groups, more_in=more_in,
                            unreferenced_notes=unreferenced, also_archived=also_archived,
                            title=title, description=description, canonical=canonical,
                            structured=news_article(article, title, description, canonical),
                            title_derived=not article.title,
                            date_from_file_time=any(f.rule == "file-mtime"
                                                    for f in article.provenance.fields),
                            later=nav[0], earlier=nav[1], related=related)

    def page(self, page: Page, diags: Diagnostics,
             fetch: Callable[[ArticleHead | ArticleSummary], tuple[Article, str]] | None = None
             ) -> RenderedFile | None:
        """A page of the plan (site/plan.py) with its kind's template. An article page whose
        record is not in memory is read with `fetch`."""
        if page.kind == "article":
            url, head, refs, record, nav, related = cast(ArticleData, page.data)
            if record is None:
                if fetch is None:
                    raise KeyError(f"no record in memory for {head.key}")
                record = fetch(head)
            article, body_html = record
            return self.article(url, article, diags, refs, body_html, nav, related)
        if page.kind == "listing":
            return self.listing(cast(ListingPage, page.data), diags)
        if page.kind == "feed":
            feed, bodies = cast(FeedData, page.data)
            if bodies is None:
                if fetch is None:
                    raise KeyError(f"no records in memory for {feed.url}")
                bodies = tuple(fetch(s)[1] for s in feed.articles)
            return self.feed(feed, diags, bodies)
        if page.kind == "terms":
            taxonomy, terms = cast(TermsData, page.data)
            return self.taxonomy_index(taxonomy, terms, diags)
        if page.kind == "archive":
            years, undated = cast(ArchiveData, page.data)
            return self.archive_index(years, undated, diags)
        if page.kind == "not_found":
            return self.not_found(diags)
        if page.kind == "search":
            return self._render("search.html", urls.SEARCH_URL, diags,
                                title=self.messages.text("search.title"))
        if page.kind == "redirect":
            return self.redirect(page.origin, cast(str, page.data), diags)
        if page.kind == "asset":
            return self.asset(page, diags)
        if isinstance(page.data, (SpilledFile, KeptFile)):  # a search file made or kept
            return page.data.rendered(SEARCH_FILE_DEPENDENCIES, page.origin)
        return cast(RenderedFile, page.data)  # a static or search index file, as it is

    def asset(self, page: Page, diags: Diagnostics) -> RenderedFile | None:
        """A file an article references, read now from the input folder (the article's
        load found it and checked its path: load/assets.py)."""
        input_dir, asset = cast(AssetData, page.data)
        try:
            content = asset_bytes(input_dir, asset.source, self.config.limits)
        except OSError as exc:  # gone, or replaced, since its article was loaded
            diags.warning("AG035", f"'{asset.source}' could not be copied beside the page "
                          f"({exc.strerror or exc}); it changed while the site was built",
                          SourceLocation(path=page.origin))
            return None
        return RenderedFile(path=page.path, content=content,
                            dependencies=(f"source:{page.origin}", f"asset:{asset.source}"),
                            origin=page.origin)

    @property
    def messages(self) -> Messages:
        return messages_of(self.env)

    def listing_title(self, kind: str, english: str, term: Term | None = None,
                      taxonomy: Taxonomy | None = None, year: int = 0, month: int = 0) -> str:
        """A listing's (or its feed's) title in the site's language; `english` is the one
        site/indexer.py gave it (the home page's is the site's title, a year's its number)."""
        t = self.messages
        if kind == "term" and term is not None and taxonomy is not None:
            return t.text("listing.term_title", taxonomy=t.taxonomy(taxonomy.key, 1),
                          name=term.name)
        if kind == "month" and month:
            return t.month_year(year, month, start=True)
        if kind == "undated":
            return t.text("listing.undated_title")
        return english

    def listing(self, page: ListingPage, diags: Diagnostics) -> RenderedFile | None:
        title = self.listing_title(page.kind, page.title, page.term, page.taxonomy, page.year,
                                   page.month)
        return self._render("listing.html", page.url, diags, listing=page, title=title)

    def feed(self, feed: Feed, diags: Diagnostics,
             bodies: Sequence[str] = ()) -> RenderedFile | None:
        """`bodies`: each article's body as HTML, for its entry's content."""
        # Feed readers resolve relative links against the feed's URL; with a known base_url
        # links are absolute, which every reader handles.
        kind = "term" if feed.term is not None else "home"
        return self._render("feed.xml", feed.url, diags, feed=feed, origin=feed.listing_url,
                            title=self.listing_title(kind, feed.title, feed.term, feed.taxonomy),
                            entries=list(zip(feed.articles, bodies or [""] * len(feed.articles),
                                             strict=True)),
                            link_base=link_base(self.config.base_url) or None,
                            feed_id=partial(feed_id, self.config.base_url))

    def taxonomy_index(self, tax: Taxonomy, terms: Sequence[TermCount],
                       diags: Diagnostics) -> RenderedFile | None:
        return self._render("terms.html", urls.taxonomy_url(tax), diags, taxonomy=tax,
                            terms=terms, title=self.messages.taxonomy(tax.key))

    def archive_index(self, years: Sequence[YearCount], undated_count: int,
                      diags: Diagnostics) -> RenderedFile | None:
        return self._render("archive.html", urls.ARCHIVE_URL, diags, years=years,
                            undated_count=undated_count,
                            title=self.messages.text("archive.title"),
                            timeline=archive_timeline(years, undated_count))

    def not_found(self, diags: Diagnostics) -> RenderedFile | None:
        # 404 pages are served at any depth, so its links must not be relative: use base_url
        # when known, else root-relative links (right for sites at a host's root).
        return self._render("404.html", urls.NOT_FOUND_URL, diags,
                            title=self.messages.text("not_found.title"),
                            link_base=link_base(self.config.base_url))

    def redirect(self, url: str, to_url: str, diags: Diagnostics) -> RenderedFile | None:
        """A page at an old URL that sends the browser (and search engines, by its canonical
        link) to `to_url`."""
        canonical = (urls.absolute_url(self.config.base_url, to_url)
                     if is_web_url(self.config.base_url) else None)
        return self._render("redirect.html", url, diags, to_url=to_url, canonical=canonical,
                            title=self.messages.text("moved.title"))

    def _render(self, template: str, url: str, diags: Diagnostics, *, origin: str = "",
                extra_deps: tuple[str, ...] = (), **context: Any) -> RenderedFile | None:
        try:
            tmpl = self.env.get_template(template)
            html = tmpl.render(site=self.config, page_url=url, nav=self.nav,
                               term_counts=self.term_counts,
                               url_for=page_url_for(url, context.get("link_base"),
                                                    self.config.base_url,
                                                    portable=self.config.portable),
                               **context)
            used = template_dependencies(self.env, template, self._deps)
        except jinja2.TemplateSyntaxError as exc:
            diags.error("AG050", f"template syntax error: {exc.message}",
                        SourceLocation(path=exc.filename or exc.name or template,
                                       line=exc.lineno, col=1))
            return None
        except Exception as exc:  # a broken theme must not crash the build: report and go on
            diags.error("AG050", f"rendering {url} failed: {type(exc).__name__}: {exc}",
                        _template_location(exc, template))
            return None
        deps = tuple(sorted({*extra_deps, *(f"template:{t}" for t in used)}))
        return RenderedFile(path=urls.output_file(url), content=valid_text(html).encode("utf-8"),
                            dependencies=deps, origin=origin or url)


def feed_id(base_url: str, url: str) -> str:
    """A permanent Atom id: the absolute URL when the site's address is known, else a name-
    based UUID of the site URL (the same on every build). Atom ids are absolute IRIs, so a
    base_url that is only a path does not make one."""
    if is_web_url(base_url):
        return base_url.rstrip("/") + url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def link_base(base_url: str) -> str:
    """What links may start with when they cannot be relative: base_url if it is an absolute
    http(s) URL or a path ("/archive"), else nothing (root-relative links). Config rejects
    anything else already; this keeps a SiteConfig made in code from planting a
    `javascript:` href."""
    if is_web_url(base_url) or (base_url.startswith("/") and not base_url.startswith("//")):
        return base_url
    return ""


# What no page or feed may carry raw: C0 controls but tab, LF and CR (XML 1.0 forbids them,
# HTML calls them parse errors; ESC would reach a terminal showing the file), DEL and C1
# controls, U+FFFE and U+FFFF (not XML characters) and lone surrogates (no UTF-8 encoding).
# Articles come from the open web; one such character must not break every feed it is in.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Explicit bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder how
# the text after them is shown: an author named "\u202eevil" reads "live", and one left open
# turns the names after it around. No real article we hold has one; the direction of
# Hebrew or Arabic text does not need them. They are dropped (LRM and RLM, which only mark
# a direction, stay).
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Both sets as one character class: a search for a class skips ahead faster than one for an
# alternation (35 against 38 us a 12 KB page).
_NOT_SHOWN = re.compile(f"[{_NOT_TEXT.pattern[1:-1]}{_BIDI_CONTROL.pattern[1:-1]}]")


def valid_text(text: str) -> str:
    """`text` with every character of _NOT_TEXT replaced by U+FFFD, surrogate pairs (YAML's
    "\\ud83d\\ude00") first joined into the character they stand for, and bidi controls
    dropped. One regex search when there is none (about 8 us for a 2 KB page)."""
    if not _NOT_SHOWN.search(text):
        return text
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _NOT_TEXT.sub("\ufffd", _BIDI_CONTROL.sub("", text))


def _template_location(exc: BaseException, template: str) -> SourceLocation:
    """The innermost template frame of the traceback (Jinja rewrites frames to template lines)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return SourceLocation(path=frame.filename, line=frame.lineno or 0, col=1)
    return SourceLocation(path=template)
