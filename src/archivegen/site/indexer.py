"""Articles -> URL table, taxonomies, date archives and the listing pages over them.

Everything here sorts by explicit keys, so the result never depends on the order files were read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial

from archivegen import urls
from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics, SourceLocation
from archivegen.model import (
    TAXONOMIES,
    ArticleHead,
    ArticleSummary,
    Feed,
    ListingPage,
    ListingSpec,
    MonthCount,
    MonthEntry,
    Pager,
    SiteIndex,
    Taxonomy,
    Term,
    TermCount,
    TermEntry,
    Timeline,
    YearCount,
    YearEntry,
)
from archivegen.partial_date import MONTH_NAMES, PartialDate
from archivegen.site.paginate import page_window, paginate
from archivegen.site.timeline import period_counts, timeline
from archivegen.slugs import term_slug


def assign_urls(articles: Iterable[ArticleHead], diags: Diagnostics,
                url_of: Callable[[ArticleHead], str] = urls.article_url,
                ) -> list[tuple[str, ArticleHead]]:
    """Give every article its URL; two articles on one URL is an error naming both files.

    The article whose source path sorts first keeps the URL, so the outcome does not depend on
    reading order; the other is reported and not built. `url_of` may answer from a cache of
    urls.article_url (slugging every title is a tenth of an incremental build).
    """
    by_url: dict[str, list[ArticleHead]] = defaultdict(list)
    for article in articles:
        by_url[url_of(article)].append(article)
    table: list[tuple[str, ArticleHead]] = []
    for url in sorted(by_url):
        claimants = sorted(by_url[url], key=lambda a: a.source_path)
        keeper = claimants[0]
        for other in claimants[1:]:
            diags.error(
                "AG040",
                f"'{other.source_path}' and '{keeper.source_path}' both "
                f"map to the URL {url}; only '{keeper.source_path}' is built "
                "(give one of them a different 'slug' or title)",
                SourceLocation(path=other.source_path, line=1, col=1),
            )
        table.append((url, keeper))
    return table


def summarize(url: str, article: ArticleHead, teaser: tuple[str, str]) -> ArticleSummary:
    """What listings show of an article. `teaser` is (excerpt, derived heading): computed
    when the article is loaded, since it needs the Markdown parser."""
    excerpt, heading = teaser
    return ArticleSummary(
        url=url,
        title=article.title or heading,
        title_derived=not article.title and bool(heading),
        date=article.date,
        authors=article.authors,
        publisher=article.publisher,
        excerpt=article.summary or excerpt,
        source_path=article.source_path,
        key=article.key,
    )


OrderKey = tuple[bool, int, int, int, str, str]


def newest_first(summary: ArticleSummary) -> OrderKey:
    """Newest first, undated last; ties broken by URL, then source path."""
    return order_key(summary.date, summary.url, summary.source_path)


def order_key(date: PartialDate | None, url: str, source_path: str) -> OrderKey:
    """newest_first's key, from what it reads of an article."""
    year, month, day = date.sort_key() if date else (0, 0, 0)
    return (date is None, -year, -month, -day, url, source_path)


def build_index(entries: Sequence[tuple[ArticleSummary, ArticleHead]]) -> SiteIndex:
    """Group summaries by every taxonomy and by date. `entries` pairs a summary with its record."""
    ordered = sorted(entries, key=lambda pair: newest_first(pair[0]))
    summaries = tuple(s for s, _ in ordered)
    taxonomies = tuple((tax, _terms(tax, ordered)) for tax in TAXONOMIES)
    # Month 0 holds articles dated to the year only: on the year's page, in no month's.
    by_month: dict[tuple[int, int], list[ArticleSummary]] = defaultdict(list)
    for summary in summaries:
        if summary.date is not None:
            by_month[(summary.date.year, summary.date.month or 0)].append(summary)
    years: dict[int, list[MonthEntry]] = defaultdict(list)
    year_only: dict[int, tuple[ArticleSummary, ...]] = {}
    for (year, month) in sorted(by_month, reverse=True):
        years.setdefault(year, [])
        if month == 0:
            year_only[year] = tuple(by_month[year, month])
        else:
            years[year].append(MonthEntry(year=year, month=month,
                                          articles=tuple(by_month[year, month])))
    return SiteIndex(
        articles=summaries,
        taxonomies=taxonomies,
        years=tuple(YearEntry(year=y, months=tuple(years[y]), year_only=year_only.get(y, ()))
                    for y in sorted(years, reverse=True)),
        undated=tuple(s for s in summaries if s.date is None),
    )


def _terms(tax: Taxonomy,
           ordered: Sequence[tuple[ArticleSummary, ArticleHead]]) -> tuple[TermEntry, ...]:
    """Terms that slug alike ("SYRIA", "Syria") are one term, shown in its most used spelling."""
    members: dict[str, list[ArticleSummary]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    field = tax.field
    for summary, article in ordered:
        names = getattr(article, field)  # terms_of, inlined: this loop runs per article
        if isinstance(names, str):
            names = (names,) if names else ()
        for name in names:
            slug = term_slug(name)
            spellings[slug][name] += 1
            listed = members[slug]
            if not listed or listed[-1] is not summary:  # once, however many spellings
                listed.append(summary)
    terms = []
    for slug, articles in members.items():
        name = term_name(spellings[slug].items())
        terms.append(TermEntry(term=Term(taxonomy=tax.key, name=name, slug=slug),
                               articles=tuple(articles),
                               spellings=tuple(sorted(spellings[slug].items()))))
    return tuple(sorted(terms, key=lambda t: term_order(t.term)))


def term_order(term: Term) -> tuple[str, str]:
    """How a taxonomy's terms are ordered: by name, case-insensitively, then slug."""
    return term.name.casefold(), term.slug


def term_name(spellings: Iterable[tuple[str, int]]) -> str:
    """The name a term is shown with: its most used spelling, ties to the first in code point
    order ("SYRIA" and "Syria" are one term)."""
    return min(spellings, key=lambda kv: (-kv[1], kv[0]))[0]


def term_counts(terms: Sequence[TermEntry]) -> tuple[TermCount, ...]:
    """What a taxonomy's index page shows of its terms."""
    return tuple(TermCount(term=t.term, count=len(t.articles)) for t in terms)


def date_counts(index: SiteIndex) -> tuple[YearCount, ...]:
    """What the date archive page shows of the years and months."""
    return years_counted({y.year: y.count for y in index.years},
                         {(m.year, m.month): len(m.articles)
                          for y in index.years for m in y.months})


def years_counted(years: Mapping[int, int],
                  months: Mapping[tuple[int, int], int]) -> tuple[YearCount, ...]:
    """Years and their months, newest first, from the counts of their listings."""
    by_year: dict[int, list[MonthCount]] = defaultdict(list)
    for (year, month), count in sorted(months.items(), reverse=True):
        by_year[year].append(MonthCount(year=year, month=month, count=count))
    return tuple(YearCount(year=year, count=years[year], months=tuple(by_year[year]))
                 for year in sorted(years, reverse=True))


def listings(index: SiteIndex) -> Iterator[tuple[ListingSpec, Sequence[ArticleSummary]]]:
    """Every paginated listing with its articles: home, each term, each year, each month,
    undated (if any article is)."""
    yield ListingSpec(kind="home", title=""), index.articles
    for tax, terms in index.taxonomies:
        for entry in terms:
            yield ListingSpec(kind="term", title=f"{tax.singular}: {entry.term.name}",
                              term=entry.term, taxonomy=tax), entry.articles
    for year in index.years:
        year_articles = tuple(sorted((*year.year_only, *(a for m in year.months
                                                          for a in m.articles)),
                                     key=newest_first))
        yield ListingSpec(kind="year", title=f"{year.year}", year=year.year), year_articles
        for month in year.months:
            yield ListingSpec(kind="month", title=f"{MONTH_NAMES[month.month - 1]} {month.year}",
                              year=month.year, month=month.month), month.articles
    if index.undated:
        yield ListingSpec(kind="undated", title="Undated articles"), index.undated


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingState:
    """A listing as the cache keeps it between builds (for quick rebuilds): its spec, its
    articles' keys in order, and for a term how often each spelling occurs."""

    spec: ListingSpec
    members: tuple[str, ...]
    spellings: tuple[tuple[str, int], ...] = ()
    # For a term: its articles per period (timeline.period_counts), for its timeline.
    periods: tuple[tuple[str, int], ...] = ()


def listing_states(index: SiteIndex, key_of: Mapping[str, str]) -> Iterator[ListingState]:
    """Every listing's state; `key_of` maps an article's URL to its key."""
    spellings = {urls.term_url(tax, entry.term.slug): entry.spellings
                 for tax, terms in index.taxonomies for entry in terms}
    for spec, articles in listings(index):
        yield ListingState(spec=spec, members=tuple(key_of[s.url] for s in articles),
                           spellings=spellings.get(urls.listing_url(spec), ()),
                           periods=_periods(spec, articles))


def listings_of(head: ArticleHead) -> dict[str, tuple[str, ...]]:
    """The first-page URLs of the listings `head` is on, each with the spellings it gives
    the listing's term (none for other listings): what `listings` puts it in."""
    found: dict[str, tuple[str, ...]] = {urls.home_url(): ()}
    for tax in TAXONOMIES:
        names = getattr(head, tax.field)
        if isinstance(names, str):  # as _terms reads them
            names = (names,) if names else ()
        for name in names:
            url = urls.term_url(tax, term_slug(name))
            found[url] = (*found.get(url, ()), name)
    date = head.date
    if date is None:
        found[urls.undated_url()] = ()
    else:
        found[urls.year_url(date.year)] = ()
        if date.month:
            found[urls.month_url(date.year, date.month)] = ()
    return found


def facet_listings(head: ArticleHead) -> tuple[str, ...]:
    """The listings a search can be narrowed to that `head` is on: its terms' and its
    year's (first-page URLs)."""
    terms = tuple(f"/{tax.key}/" for tax in TAXONOMIES)
    year = (urls.year_url(head.date.year),) if head.date is not None else ()
    return (*(url for url in listings_of(head) if url.startswith(terms)), *year)


def listing_pages(index: SiteIndex, config: SiteConfig) -> Iterator[ListingPage]:
    """Every page of every listing, made as they are read."""
    for spec, articles in listings(index):
        chunks = paginate(articles, config.page_size)
        url_of = cache(partial(urls.listing_url, spec))  # neighbours' pagers ask for it too
        chart = timeline(_periods(spec, articles))
        for n, chunk in enumerate(chunks, start=1):
            yield listing_page(spec, n, len(chunks), chunk, len(articles), config, url_of,
                               chart)


def _periods(spec: ListingSpec,
             articles: Sequence[ArticleSummary]) -> tuple[tuple[str, int], ...]:
    """A term's articles per period (other listings show no timeline)."""
    return period_counts(s.date for s in articles) if spec.kind == "term" else ()


def listing_page(spec: ListingSpec, number: int, count: int,
                 articles: Sequence[ArticleSummary], total: int, config: SiteConfig,
                 url_of: Callable[[int], str] | None = None,
                 chart: Timeline | None = None) -> ListingPage:
    """Page `number` of `count` of a listing of `total` articles, showing `articles`; the
    first page of a term shows `chart`, its timeline."""
    url_of = url_of or partial(urls.listing_url, spec)
    return ListingPage(kind=spec.kind, url=url_of(number),
                       title=spec.title or config.title, articles=tuple(articles),
                       total=total, pager=_pager(number, count, url_of), term=spec.term,
                       taxonomy=spec.taxonomy, year=spec.year, month=spec.month,
                       timeline=chart if number == 1 else None)


def feeds(index: SiteIndex, config: SiteConfig) -> list[Feed]:
    """An Atom feed for the home page and for every term (see listing_feed)."""
    if config.feed_size <= 0:
        return []
    return [listing_feed(spec, articles, config) for spec, articles in listings(index)
            if spec.kind in FEED_KINDS]


# The listings that have a feed.
FEED_KINDS = ("home", "term")


def listing_feed(spec: ListingSpec, articles: Sequence[ArticleSummary],
                 config: SiteConfig) -> Feed:
    """A listing's feed: its newest `feed_size` dated articles (a feed is a chronology:
    undated articles have no place in it). `articles` may be just the first `feed_size`."""
    dated = tuple(s for s in articles[:config.feed_size] if s.date is not None)
    listing = urls.listing_url(spec)
    return Feed(url=urls.feed_url(listing), listing_url=listing,
                title=spec.title or config.title, articles=dated, term=spec.term,
                taxonomy=spec.taxonomy)


def _pager(number: int, total: int, url_of: Callable[[int], str]) -> Pager:
    return Pager(number=number, total=total, first_url=url_of(1),
                 prev_url=url_of(number - 1) if number > 1 else None,
                 next_url=url_of(number + 1) if number < total else None,
                 links=tuple((n, url_of(n) if n else "") for n in page_window(number, total)))
