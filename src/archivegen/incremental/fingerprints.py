"""What each kind of page is made from, as one digest: a page whose fingerprint is unchanged
is not rendered again.

The full build (build.py) and the quick rebuild (quick.py) both fingerprint pages here, so a
page a quick rebuild renders carries the fingerprint the full build would give it. Each
`basis` is a digest of what every page of that kind sees: code, settings, navigation and the
templates it is made with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archivegen.incremental.cache import fingerprint
from archivegen.model import ArticleSummary, Feed, ListingPage, Taxonomy, TermCount, YearCount

# The template each kind of page is rendered with.
PAGE_TEMPLATES = {"article": "article.html", "listing": "listing.html", "feed": "feed.xml",
                  "terms": "terms.html", "archive": "archive.html"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PageBases:
    """Per kind of page, what every page of that kind sees (code, settings, navigation, its
    template and what that includes). A full build leaves them for quick rebuilds."""

    article: str
    listing: str
    feed: str
    terms: str
    archive: str


def summary_fingerprint(s: ArticleSummary) -> str:
    """A digest of everything a listing shows of one article (repr of the dataclass is ten
    times slower; a digest, as every article's is held while planning)."""
    return fingerprint(s.url, s.title, s.date.isoformat() if s.date else "",
                       "\x1e".join(s.authors), s.publisher, s.excerpt, s.source_path,
                       "derived" if s.title_derived else "")


def listing_fingerprint(basis: str, page: ListingPage, summaries: Sequence[str]) -> str:
    """One page of a listing; `summaries` are the summary_fingerprint of its articles."""
    return fingerprint(basis, page.kind, page.url, page.title, str(page.total),
                       repr(page.pager), repr(page.term), repr(page.taxonomy), *summaries)


def feed_fingerprint(basis: str, feed: Feed, summaries: Sequence[str]) -> str:
    return fingerprint(basis, feed.url, feed.title, *summaries)


def terms_fingerprint(basis: str, taxonomy: Taxonomy, terms: Sequence[TermCount]) -> str:
    """A taxonomy's index page: its terms and their counts (no article is shown on it)."""
    return fingerprint(basis, repr(taxonomy), *(f"{t.term!r}\0{t.count}" for t in terms))


def archive_fingerprint(basis: str, years: Sequence[YearCount], undated: int) -> str:
    """The date archive page: years and months with their counts."""
    return fingerprint(basis, *(f"{y.year}:{y.count}:" + ",".join(
        f"{m.month}:{m.count}" for m in y.months) for y in years), f"undated:{undated}")
