"""The only place that maps things to URLs, and URLs to output paths.

Site URLs are root-relative ("/regions/syria/"), pretty (directories ending in "/") and
lowercase. Pages link with `relative_url`, so a built site works under any subfolder of a host.
The output path of every file is derived from its URL, never chosen separately.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from archivegen.model import ArticleHead, ListingSpec, Taxonomy
from archivegen.slugs import UNTITLED_SLUG, slugify

HOME_URL = "/"
ARCHIVE_URL = "/archive/"
SEARCH_URL = "/search/"
UNDATED_URL = "/undated/"
NOT_FOUND_URL = "/404.html"
INDEX_FILE = "index.html"  # the file that serves a folder's URL
STATIC_PREFIX = "/static/"


def article_slug(article: ArticleHead) -> str:
    """The article's own slug: front matter's, else from the title, else from the file's path.

    A title with no letters or digits ("???") falls back to the path too, and the whole
    relative path is used (siteA/0001.txt -> sitea-0001) so untitled files in different
    folders do not collide. An all-digit slug gets a prefix: "05" under /2017/ would be the
    month page /2017/05/.
    """
    slug = ""
    if article.slug:
        slug = slugify(article.slug)
    elif article.title:
        slug = slugify(article.title)
    if slug in ("", UNTITLED_SLUG):
        stem = PurePosixPath(article.source_path).with_suffix("").as_posix()
        slug = slugify(stem.replace("/", " "))
    if slug.isdigit():
        slug = f"article-{slug}"
    return slug


def article_url(article: ArticleHead) -> str:
    slug = article_slug(article)
    d = article.date
    if d is None:
        return f"{UNDATED_URL}{slug}/"
    # The URL states only what the date states: /2017/05/30/, /2010/06/ or /2010/.
    path = f"/{d.year:04d}/"
    if d.month is not None:
        path += f"{d.month:02d}/"
        if d.day is not None:
            path += f"{d.day:02d}/"
    return f"{path}{slug}/"


def _paged(url: str, page: int) -> str:
    return url if page <= 1 else f"{url}page/{page}/"


def home_url(page: int = 1) -> str:
    return _paged(HOME_URL, page)


def taxonomy_url(taxonomy: Taxonomy) -> str:
    return f"/{taxonomy.key}/"


def term_url(taxonomy: Taxonomy, term_slug: str, page: int = 1) -> str:
    return _paged(f"/{taxonomy.key}/{term_slug}/", page)


def year_url(year: int, page: int = 1) -> str:
    return _paged(f"/{year:04d}/", page)


def month_url(year: int, month: int, page: int = 1) -> str:
    return _paged(f"/{year:04d}/{month:02d}/", page)


def undated_url(page: int = 1) -> str:
    return _paged(UNDATED_URL, page)


def listing_url(spec: ListingSpec, page: int = 1) -> str:
    """The URL of a listing's page `page`."""
    if spec.kind == "term":
        assert spec.taxonomy is not None and spec.term is not None
        return term_url(spec.taxonomy, spec.term.slug, page)
    if spec.kind == "year":
        return year_url(spec.year, page)
    if spec.kind == "month":
        return month_url(spec.year, spec.month, page)
    if spec.kind == "undated":
        return undated_url(page)
    return home_url(page)


def feed_url(listing_url: str) -> str:
    """The Atom feed beside a listing: /feed.xml, /regions/syria/feed.xml."""
    return f"{listing_url}feed.xml"


def absolute_url(base_url: str, url: str) -> str:
    """`url` (root-relative) on the site published at `base_url` (e.g. a canonical link)."""
    return base_url.rstrip("/") + url


def static_url(name: str) -> str:
    return STATIC_PREFIX + name.lstrip("/")


def asset_file(page_url: str, path: str) -> str:
    """The output file of a file an article references at `path` (relative to its folder,
    normalised: load/assets.py), beside the article's page at `page_url`: the reference in
    the page then works as written."""
    return output_file(page_url).removesuffix(INDEX_FILE) + path


def output_path(url: str) -> PurePosixPath:
    """The file (relative to the output folder) that serves `url`."""
    return PurePosixPath(output_file(url))


def output_file(url: str) -> str:
    """output_path as a plain string (a build maps every output's URL: Path objects cost)."""
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += INDEX_FILE
    return path


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url` that works under any base path.

    Both are site URLs (absolute paths, folders ending in "/"). Plain segment arithmetic:
    called for every link of every page, it must not go through posixpath.relpath.
    """
    return relative_links(from_url)(to_url)


def relative_links(from_url: str) -> Callable[[str], str]:
    """relative_url from one page, for all of its links: the page's URL is split once."""
    from_parts = tuple(from_url.split("/")[1:-1])  # the folders of the page's URL
    climb = "../" * len(from_parts)  # from the page up to the site root
    # A link has a folder in common with the page only if it starts with the page's first.
    first_folder = f"/{from_parts[0]}/" if from_parts else None

    def link(to_url: str) -> str:
        if to_url[:1] == "/" and (first_folder is None or not to_url.startswith(first_folder)):
            # Nothing in common (navigation, most links to articles): up to the root, then
            # down. The f-string keeps the result a plain str, so templates escape it.
            return f"{climb}{to_url[1:]}" or "./"
        to_parts = to_url.split("/")[1:]
        common = 0
        limit = min(len(from_parts), len(to_parts) - 1)
        while common < limit and from_parts[common] == to_parts[common]:
            common += 1
        rel = "../" * (len(from_parts) - common) + "/".join(to_parts[common:])
        return rel or "./"

    return link
