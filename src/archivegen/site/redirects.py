"""Old URLs kept alive: every URL the site ever published, and where each one points now.

An archive is cited; a retitled article, a corrected date or a copy folded into another must
not break the links to it. The build state (incremental/cache.py) remembers each published
URL with what it showed, a *target*: an article (by key) or a listing (by its first page's
URL). A build that no longer makes a page at a remembered URL writes a small redirect page
there (plan.plan_redirect) to where that target is now: the article's current URL (or the
page its copy was folded into), or the listing's first page when a page number vanished.
A target that is gone (the article deleted, its file now holding another number of pieces)
is forgotten by a build without errors: its old URLs go as its page does. One that is still
in the archive without a page (a draft) is remembered; a build with errors forgets nothing.

Pure: no I/O. The remembered entries come in and go out as iterables, so a build of 10^5
articles never holds them in a dict.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

from archivegen.model import ArticleHead, DuplicateRef, ListingSpec
from archivegen.urls import listing_url, output_file

ARTICLE = "a:"  # a target that is an article: ARTICLE + its key
LISTING = "l:"  # a target that is a listing: LISTING + its first page's URL
# A piece of a file that holds several articles is named by its place in the file
# ("path#2"), so its target also says how many the file held: once the file holds another
# number, "#2" may be another article, and the old URL is forgotten rather than sent there.
_PIECES = "\x1f"

# A remembered URL and its target.
Published = tuple[str, str]


def article_target(key: str, pieces: int = 0) -> str:
    """The target of an article; `pieces`: how many articles its file holds, if several."""
    return f"{ARTICLE}{key}{_PIECES}{pieces}" if pieces else ARTICLE + key


def published_now(articles: Iterable[tuple[str, str]],
                  listings: Iterable[tuple[ListingSpec, int]], page_size: int
                  ) -> Iterator[Published]:
    """What this build publishes: each article's URL and target (`articles`: (URL, target)
    pairs), and each page of each listing (`listings`: (spec, number of articles)) pointing
    at its first page."""
    yield from articles
    for spec, count in listings:
        front = listing_url(spec)
        for number in range(1, max(1, -(-count // page_size)) + 1):  # as paginate splits
            yield listing_url(spec, number), LISTING + front


class Resolver:
    """Where a target is now: an article's URL (a folded copy's is the page it was folded
    into), or a listing's first page if the site still has it; and whether an article
    without a page now is still in the archive (a draft, one that lost its URL to another:
    its old URLs are kept for when it has a page again)."""

    def __init__(self, table: Sequence[tuple[str, ArticleHead]],
                 also_archived: Mapping[str, tuple[DuplicateRef, ...]],
                 planned: Callable[[str], bool], loaded: Iterable[ArticleHead],
                 wanted: Collection[str]) -> None:
        """`wanted`: the keys of the targets it will be asked about (it keeps only theirs:
        a build of 10^5 articles asks about a few)."""
        self._folded = {ref.key: head for head, refs in also_archived.items() for ref in refs
                        if ref.key in wanted}
        needed = {*wanted, *self._folded.values()}
        self._url = {head.key: url for url, head in table if head.key in needed}
        self._planned = planned  # is a page planned at this output path?
        self._pieces: dict[str, int] = {}  # articles per file, by key, for pieces only
        self._loaded: set[str] = set()
        by_file: dict[str, list[str]] = {}
        for head in loaded:
            if head.key in wanted:
                self._loaded.add(head.key)
            if head.key != head.source_path:
                by_file.setdefault(head.source_path, []).append(head.key)
        for keys in by_file.values():
            self._pieces.update(dict.fromkeys(keys, len(keys)))

    @property
    def pieces(self) -> dict[str, int]:
        """How many articles the file of each piece holds, by key (pieces only: few)."""
        return self._pieces

    def _key(self, target: str) -> str | None:
        """The article key a target names, if it still names that article."""
        key, _, pieces = target[len(ARTICLE):].partition(_PIECES)
        if self._pieces.get(key, 0) != (int(pieces) if pieces.isdigit() else 0):
            return None  # the file holds another number of articles: another one is there
        return key

    def __call__(self, target: str) -> str | None:
        if target.startswith(ARTICLE):
            key = self._key(target)
            if key is None:
                return None
            return self._url.get(self._folded.get(key, key))
        if target.startswith(LISTING):
            front = target[len(LISTING):]
            return front if self._planned(output_file(front)) else None
        return None

    def known(self, target: str) -> bool:
        """Is the article a target names still in the archive (with a page or not)?"""
        if not target.startswith(ARTICLE):
            return False
        key = self._key(target)
        return key is not None and key in self._loaded


def unplanned(remembered: Iterable[Published], planned: Callable[[str], bool]
              ) -> list[Published]:
    """The remembered URLs no page is planned at (read as they come: all but a few are)."""
    return [(url, target) for url, target in remembered if not planned(output_file(url))]


def target_keys(entries: Iterable[Published]) -> set[str]:
    """The article keys these entries' targets name."""
    return {target[len(ARTICLE):].partition(_PIECES)[0] for _, target in entries
            if target.startswith(ARTICLE)}


def redirects(candidates: Iterable[Published], resolve: Resolver
              ) -> tuple[list[tuple[str, str, str]], list[Published]]:
    """Of the remembered URLs no page is planned at (`candidates`), the redirect pages to
    write: (old URL, new URL, target) for those whose target still resolves, in URL order;
    and those kept without a page (their article is in the archive but has no page now)."""
    found = []
    kept = []
    for url, target in candidates:
        now = resolve(target)
        if now is not None and now != url:
            found.append((url, now, target))
        elif now is None and resolve.known(target):
            kept.append((url, target))
    return sorted(found), kept
