"""Articles -> URL table, taxonomies, date archives and the listing pages over them.

Everything here sorts by explicit keys, so the result never depends on the order files were read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial

from . import urls
from .config import SiteConfig
from .dates import MONTH_NAMES
from .errors import Diagnostics, SourceLocation
from .model import (
    TAXONOMIES,
    ArticleHead,
    ArticleSummary,
    Feed,
    ListingPage,
    MonthCount,
    MonthEntry,
    Pager,
    SiteIndex,
    Taxonomy,
    Term,
    TermCount,
    TermEntry,
    YearCount,
    YearEntry,
)
from .paginate import page_window, paginate
from .slugs import slugify


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
    )


def newest_first(summary: ArticleSummary) -> tuple[bool, int, int, int, str, str]:
    """Newest first, undated last; ties broken by URL, then source path."""
    year, month, day = summary.date.sort_key() if summary.date else (0, 0, 0)
    return (summary.date is None, -year, -month, -day, summary.url, summary.source_path)


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
            slug = slugify(name)
            spellings[slug][name] += 1
            listed = members[slug]
            if not listed or listed[-1] is not summary:  # once, however many spellings
                listed.append(summary)
    terms = []
    for slug, articles in members.items():
        name = min(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        terms.append(TermEntry(term=Term(taxonomy=tax.key, name=name, slug=slug),
                               articles=tuple(articles)))
    return tuple(sorted(terms, key=lambda t: (t.term.name.casefold(), t.term.slug)))


def term_counts(terms: Sequence[TermEntry]) -> tuple[TermCount, ...]:
    """What a taxonomy's index page shows of its terms."""
    return tuple(TermCount(term=t.term, count=len(t.articles)) for t in terms)


def date_counts(index: SiteIndex) -> tuple[YearCount, ...]:
    """What the date archive page shows of the years and months."""
    return tuple(YearCount(year=y.year, count=y.count,
                           months=tuple(MonthCount(year=m.year, month=m.month,
                                                   count=len(m.articles)) for m in y.months))
                 for y in index.years)


def listing_pages(index: SiteIndex, config: SiteConfig) -> list[ListingPage]:
    """Every paginated listing: home, each term, each year, each month, undated."""
    pages: list[ListingPage] = []
    pages += _paged("home", config.title, index.articles, urls.home_url, config.page_size)
    for tax, terms in index.taxonomies:
        for entry in terms:
            pages += _paged("term", f"{tax.singular}: {entry.term.name}", entry.articles,
                            partial(urls.term_url, tax, entry.term.slug),
                            config.page_size, term=entry.term, taxonomy=tax)
    for year in index.years:
        year_articles = tuple(sorted((*year.year_only, *(a for m in year.months
                                                          for a in m.articles)),
                                     key=newest_first))
        pages += _paged("year", f"{year.year}", year_articles,
                        partial(urls.year_url, year.year), config.page_size)
        for month in year.months:
            pages += _paged("month", f"{MONTH_NAMES[month.month - 1]} {month.year}",
                            month.articles,
                            partial(urls.month_url, month.year, month.month),
                            config.page_size)
    if index.undated:
        pages += _paged("undated", "Undated articles", index.undated, urls.undated_url,
                        config.page_size)
    return pages


def feeds(index: SiteIndex, config: SiteConfig) -> list[Feed]:
    """An Atom feed for the home page and for every term: its newest `feed_size` dated
    articles (a feed is a chronology: undated articles have no place in it)."""
    if config.feed_size <= 0:
        return []

    def feed(listing_url: str, title: str, articles: Sequence[ArticleSummary]) -> Feed:
        dated = tuple(s for s in articles if s.date is not None)[:config.feed_size]
        return Feed(url=urls.feed_url(listing_url), listing_url=listing_url, title=title,
                    articles=dated)

    found = [feed(urls.home_url(), config.title, index.articles)]
    for tax, terms in index.taxonomies:
        found += [feed(urls.term_url(tax, entry.term.slug),
                       f"{tax.singular}: {entry.term.name}", entry.articles)
                  for entry in terms]
    return found


def _paged(kind: str, title: str, articles: Sequence[ArticleSummary], url_of: Callable[[int], str],
           page_size: int, term: Term | None = None,
           taxonomy: Taxonomy | None = None) -> list[ListingPage]:
    chunks = paginate(articles, page_size)
    count = len(chunks)
    url_of = cache(url_of)  # each page's URL is asked for by its neighbours' pagers too
    return [ListingPage(kind=kind, url=url_of(n), title=title, articles=chunk,
                        total=len(articles), pager=_pager(n, count, url_of), term=term,
                        taxonomy=taxonomy)
            for n, chunk in enumerate(chunks, start=1)]


def _pager(number: int, total: int, url_of: Callable[[int], str]) -> Pager:
    return Pager(number=number, total=total, first_url=url_of(1),
                 prev_url=url_of(number - 1) if number > 1 else None,
                 next_url=url_of(number + 1) if number < total else None,
                 links=tuple((n, url_of(n) if n else "") for n in page_window(number, total)))
