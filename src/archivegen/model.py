"""Frozen records that flow through the pipeline: Source -> Article -> SiteIndex -> pages."""

from __future__ import annotations

from dataclasses import dataclass

from archivegen.partial_date import PartialDate
from archivegen.slotted import quick_pickle


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input file as read from disk: its path relative to the input folder, bytes, hash."""

    path: str
    data: bytes
    sha256: str
    # A `<file>.yaml` beside a raw file corrects or adds fields without touching the original.
    sidecar_path: str = ""
    sidecar: bytes | None = None
    mtime: float | None = None  # seconds since the epoch, when read from disk


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldOrigin:
    """The line a field was read from and the rule that read it."""

    name: str
    line: int
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Repair:
    """One change a repair rule made to the scraped text."""

    rule: str
    line: int
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Contributor:
    """Someone credited for other work than writing: "introduction by X", "translated by Y"."""

    role: str  # "introduction", "translator", "editor", "photographer", "contributor"
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FoundDate:
    """A date the text states besides the one chosen as the article's date."""

    date: PartialDate
    line: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """One endnote: its marker label in the text ("1", "2-1" when numbering restarts per part)."""

    label: str
    text: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    source_path: str
    sha256: str
    layout: str
    fields: tuple[FieldOrigin, ...] = ()
    repairs: tuple[Repair, ...] = ()
    # Things a repair rule noticed and deliberately left alone (a repeated sentence, say).
    notes: tuple[Repair, ...] = ()
    other_dates: tuple[FoundDate, ...] = ()
    sidecar_path: str = ""  # set when a sidecar file corrected or added fields
    piece: int = 0  # 1, 2, … when the file holds several articles; 0 when it holds one
    # Text the loader recognised as site boilerplate (footer, donation appeal): kept, not shown
    # as article text.
    footer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """The front-matter record of one article. Loaders build it, repair rules replace its body."""

    title: str
    authors: tuple[str, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    publisher: str = ""
    date: PartialDate | None = None
    original_source: str = ""
    url: str = ""
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    slug: str = ""
    summary: str = ""
    language: str = ""
    draft: bool = False  # shown by `serve` and `build --drafts` only
    body: str = ""
    notes: tuple[Note, ...] = ()
    # 1-based line of the body's first line in the source file, so repairs can name lines.
    body_line: int = 1
    provenance: Provenance


@dataclass(frozen=True, slots=True, kw_only=True)
class Asset:
    """A file an article references by a relative path, copied beside its page."""

    path: str  # relative to the article's folder and to its page's: "img/map.png"
    source: str  # its path relative to the input folder
    sha256: str  # of its bytes when the article was loaded
    size: int


def article_key(article: Article) -> str:
    """A unique name for an article: its source path, plus "#n" for a piece of a split file."""
    return piece_key(article.provenance.source_path, article.provenance.piece)


def piece_key(source_path: str, piece: int) -> str:
    """article_key from a source path and piece number (0: the file holds one article)."""
    return f"{source_path}#{piece}" if piece else source_path


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleHead:
    """What the site-wide steps (duplicates, URLs, listings) need of an article: no body.

    Incremental builds keep one per article in memory and read whole records (bodies) only
    for the pages they render, so a 10^5-article build never holds every body at once.
    Field names match Article's, so taxonomy lookups read either.
    """

    key: str  # article_key
    source_path: str
    layout: str
    title: str
    slug: str
    date: PartialDate | None
    authors: tuple[str, ...]
    publisher: str
    original_source: str
    url: str
    regions: tuple[str, ...]
    themes: tuple[str, ...]
    tags: tuple[str, ...]
    reports: tuple[str, ...]
    summary: str
    draft: bool = False


def head_of(article: Article) -> ArticleHead:
    return ArticleHead(
        key=article_key(article), source_path=article.provenance.source_path,
        layout=article.provenance.layout, title=article.title, slug=article.slug,
        date=article.date, authors=article.authors, publisher=article.publisher,
        original_source=article.original_source, url=article.url, regions=article.regions,
        themes=article.themes, tags=article.tags, reports=article.reports,
        summary=article.summary, draft=article.draft)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateRef:
    """Another copy of an article, shown on the canonical copy's page as "also archived as"."""

    key: str  # article_key of the copy: its path, plus "#n" for a piece of a split file
    source_path: str
    kind: str  # "exact", "near" or "excerpt" (a cut-off copy of the article's opening)
    similarity: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    """A way of grouping articles: the Article field it reads and how the site names it."""

    key: str  # URL segment and Article attribute lookup key
    field: str  # Article attribute holding the terms
    singular: str
    plural: str


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy(key="regions", field="regions", singular="Region", plural="Regions"),
    Taxonomy(key="themes", field="themes", singular="Theme", plural="Themes"),
    Taxonomy(key="tags", field="tags", singular="Tag", plural="Tags"),
    Taxonomy(key="authors", field="authors", singular="Author", plural="Authors"),
    Taxonomy(key="reports", field="reports", singular="In-depth report",
             plural="In-depth reports"),
    Taxonomy(key="publishers", field="publisher", singular="Publisher", plural="Publishers"),
    Taxonomy(key="sources", field="original_source", singular="Original source",
             plural="Original sources"),
)


def terms_of(article: Article | ArticleHead, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The term names an article carries in one taxonomy (single-valued fields become 0 or 1)."""
    value = getattr(article, taxonomy.field)
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    taxonomy: str
    name: str
    slug: str


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSummary:
    """What a listing shows of an article; small, so listings never hold bodies."""

    url: str
    title: str
    date: PartialDate | None
    authors: tuple[str, ...]
    publisher: str
    excerpt: str
    source_path: str
    title_derived: bool = False  # the title is the body's first words: the source has none
    key: str = ""  # the article's key (a feed reads its body from the cache by it)


@dataclass(frozen=True, slots=True, kw_only=True)
class TermEntry:
    term: Term
    articles: tuple[ArticleSummary, ...]
    # How often each spelling of the term occurs (the most used one is its name), by name.
    spellings: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthEntry:
    year: int
    month: int
    articles: tuple[ArticleSummary, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class YearEntry:
    year: int
    months: tuple[MonthEntry, ...]
    # Articles whose date states the year only: listed on the year's page, in no month.
    year_only: tuple[ArticleSummary, ...] = ()

    @property
    def count(self) -> int:
        return len(self.year_only) + sum(len(m.articles) for m in self.months)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class TermCount:
    """A term as its taxonomy's index page shows it: its name and how many articles it has.
    Site-wide pages get counts, not articles, so an article's title is on the pages that list
    it and no others (a quick rebuild re-renders just those)."""

    term: Term
    count: int


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class MonthCount:
    year: int
    month: int
    count: int


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class YearCount:
    """A year as the date archive page shows it: its articles (months and year-only dates
    together) and its months, newest first."""

    year: int
    count: int
    months: tuple[MonthCount, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteIndex:
    """Everything the listing pages need, ordered newest first with deterministic ties."""

    articles: tuple[ArticleSummary, ...]
    taxonomies: tuple[tuple[Taxonomy, tuple[TermEntry, ...]], ...]
    years: tuple[YearEntry, ...]
    undated: tuple[ArticleSummary, ...]


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Pager:
    """Position of one listing page among its siblings, and the pages its navigation links:
    (number, URL) pairs from paginate.page_window, number 0 (URL "") marking a gap."""

    number: int
    total: int
    first_url: str
    prev_url: str | None
    next_url: str | None
    links: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingSpec:
    """A paginated list of articles (home, a term, a year, a month, undated): what its pages
    share besides the articles. `urls.listing_url` gives its pages' URLs."""

    kind: str  # "home", "term", "year", "month", "undated"
    title: str
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    year: int = 0
    month: int = 0


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class ListingPage:
    """One page of a paginated list of articles (home, a term, a year, a month)."""

    kind: str  # "home", "term", "year", "month", "undated"
    url: str
    title: str  # in English (site/ knows no language): the renderer words it again
    articles: tuple[ArticleSummary, ...]
    pager: Pager
    total: int  # articles in the whole listing, over all its pages
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    year: int = 0  # a year's or a month's listing
    month: int = 0  # a month's listing
    timeline: Timeline | None = None  # a term's first page: its articles per month or year


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineBar:
    """One period of a timeline: a month (`month` set) or a year, and its articles."""

    year: int
    month: int | None
    count: int


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """Articles per month or per year, every period from the first to the last (a period
    without articles counts 0), oldest first; `undated` articles have no bar."""

    unit: str  # "month" or "year"
    bars: tuple[TimelineBar, ...]
    undated: int = 0

    @property
    def peak(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """An Atom feed of a listing's newest dated articles (the home page's, or a term's)."""

    url: str  # the feed's own URL: the listing's URL + "feed.xml"
    listing_url: str  # the listing page it follows
    title: str  # in English (site/ knows no language): the renderer words it again
    articles: tuple[ArticleSummary, ...]
    term: Term | None = None  # a term's feed: the term and its taxonomy
    taxonomy: Taxonomy | None = None


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedFile:
    """One output file: where it goes, its bytes, and what it was made from."""

    path: str  # relative POSIX path inside the output folder, derived from the URL
    content: bytes
    # What the file depends on: "source:<path>", "template:<name>", "static:<name>".
    dependencies: tuple[str, ...] = ()
    # The source that produced it, for diagnostics such as collisions.
    origin: str = ""
    # Copied from the build state's page store (render/page_store.py), not rendered.
    restored: bool = False
