"""Old URLs kept alive: every URL the site ever published, and where each one points now.

An archive is cited; a retitled article, a corrected date or a copy folded into another must
not break the links to it. The build state (incremental/cache.py) remembers each published
URL with what it showed, a *target*: an article (by key) or a listing (by its first page's
URL). A build that no longer makes a page at a remembered URL writes a small redirect page
there (plan.plan_redirect) to where that target is now: the article's current URL (or the
page its copy was folded into), or the listing's first page when a page number vanished.
A target that is gone (the article deleted) is forgotten: its old URLs go as its page does.

Pure: no I/O. The remembered entries come in and go out as iterables, so a build of 10^5
articles never holds them in a dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from archivegen.model import ArticleHead, DuplicateRef, ListingSpec
from archivegen.urls import listing_url, output_file

ARTICLE = "a:"  # a target that is an article: ARTICLE + its key
LISTING = "l:"  # a target that is a listing: LISTING + its first page's URL

# A remembered URL and its target.
Published = tuple[str, str]


def article_target(key: str) -> str:
    return ARTICLE + key


def published_now(articles: Iterable[tuple[str, str]],
                  listings: Iterable[tuple[ListingSpec, int]], page_size: int
                  ) -> Iterator[Published]:
    """What this build publishes: each article's URL (`articles`: (URL, key) pairs), and
    each page of each listing (`listings`: (spec, number of articles)) pointing at its
    first page."""
    for url, key in articles:
        yield url, ARTICLE + key
    for spec, count in listings:
        front = listing_url(spec)
        for number in range(1, max(1, -(-count // page_size)) + 1):  # as paginate splits
            yield listing_url(spec, number), LISTING + front


class Resolver:
    """Where a target is now: an article's URL (a folded copy's is the page it was folded
    into), or a listing's first page if the site still has it."""

    def __init__(self, table: Sequence[tuple[str, ArticleHead]],
                 also_archived: Mapping[str, tuple[DuplicateRef, ...]],
                 planned: Callable[[str], bool]) -> None:
        self._url = {head.key: url for url, head in table}
        self._folded = {ref.key: head for head, refs in also_archived.items() for ref in refs}
        self._planned = planned  # is a page planned at this output path?

    def __call__(self, target: str) -> str | None:
        if target.startswith(ARTICLE):
            key = target[len(ARTICLE):]
            key = self._folded.get(key, key)
            return self._url.get(key)
        if target.startswith(LISTING):
            front = target[len(LISTING):]
            return front if self._planned(output_file(front)) else None
        return None


def redirects(remembered: Iterable[Published], planned: Callable[[str], bool],
              resolve: Callable[[str], str | None]) -> list[tuple[str, str, str]]:
    """The redirect pages to write: (old URL, new URL, target) for every remembered URL no
    page is planned at whose target still resolves, in URL order."""
    found = []
    for url, target in remembered:
        if planned(output_file(url)):
            continue
        now = resolve(target)
        if now is not None and now != url:
            found.append((url, now, target))
    return sorted(found)
