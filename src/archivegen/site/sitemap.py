"""sitemap.xml and robots.txt, for search engines: every HTML page of the site but the 404
page and redirect pages, with the date it was last changed where the site knows one.

The sitemaps protocol (sitemaps.org) wants absolute URLs, so both files are made only when
`base_url` is an absolute http(s) URL. A `lastmod` is the date an article states (at the
precision it states: 2017, 2017-05 or 2017-05-30; a range gives its end); a listing page's is
its newest article's; index pages (terms, the date archive, search) have none. Above
MAX_URLS pages, sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml, ... of MAX_URLS
each, as the protocol allows.

Pure: entries in, bytes out. The full build collects the entries while it plans the pages
(plan.plan_site); a quick rebuild reads the files back (`read_entries`), changes the
entries of the pages it made again and writes what changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import unescape
from xml.sax.saxutils import escape

from archivegen.model import ArticleSummary
from archivegen.partial_date import PartialDate
from archivegen.urls import absolute_url

MAX_URLS = 50_000  # per sitemap file (the protocol's limit)
SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"
_XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

# A page's URL and its lastmod ("" for none).
Entry = tuple[str, str]


def lastmod(date: PartialDate | None) -> str:
    """W3C datetime at the precision the date states; a range gives its end."""
    return date.isoformat().rpartition("/")[2] if date is not None else ""


def listing_lastmod(articles: Sequence[ArticleSummary]) -> str:
    """A listing page's lastmod: its newest article's (W3C dates order as text, and a
    day sorts after its month)."""
    return max((lastmod(s.date) for s in articles), default="")


def shard_file(number: int) -> str:
    return f"sitemap-{number}.xml"


def sitemap_files(entries: Iterable[Entry], base_url: str) -> list[tuple[str, bytes]]:
    """The sitemap files (path in the output folder, bytes) for these pages, in URL order:
    sitemap.xml alone, or an index of shards."""
    ordered = sorted(entries)
    if len(ordered) <= MAX_URLS:
        return [(SITEMAP_FILE, _urlset(ordered, base_url))]
    shards = [ordered[at:at + MAX_URLS] for at in range(0, len(ordered), MAX_URLS)]
    files = [(shard_file(n), _urlset(shard, base_url)) for n, shard in enumerate(shards, 1)]
    index = "".join(f"<sitemap><loc>{escape(absolute_url(base_url, '/' + path))}</loc>"
                    "</sitemap>\n" for path, _ in files)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_XMLNS}">\n'
    return [(SITEMAP_FILE, (head + index + "</sitemapindex>\n").encode("utf-8")), *files]


def _urlset(entries: Sequence[Entry], base_url: str) -> bytes:
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_XMLNS}">\n']
    for url, modified in entries:
        lines.append(f"<url><loc>{escape(absolute_url(base_url, url))}</loc>"
                     + (f"<lastmod>{modified}</lastmod>" if modified else "") + "</url>\n")
    lines.append("</urlset>\n")
    return "".join(lines).encode("utf-8")


def robots_txt(base_url: str) -> bytes:
    """Every crawler welcome, and where the sitemap is (crawlers read robots.txt only at a
    host's root: under a subfolder it is for the host's owner to copy the line)."""
    return (f"User-agent: *\nAllow: /\n\n"
            f"Sitemap: {absolute_url(base_url, '/' + SITEMAP_FILE)}\n").encode()


_URL = re.compile(r"<url><loc>([^<]*)</loc>(?:<lastmod>([^<]*)</lastmod>)?</url>")
_SHARD = re.compile(r"<sitemap><loc>[^<]*/(sitemap-\d+\.xml)</loc></sitemap>")


def shards_of(index: str) -> list[str] | None:
    """The shard files a sitemap.xml names, if it is an index (None: it is a urlset)."""
    if "<sitemapindex" not in index:
        return None
    return _SHARD.findall(index)


def read_entries(text: str, base_url: str) -> list[Entry]:
    """The entries of a urlset this module wrote for `base_url` (ValueError if a URL is
    not under it: the file was written for another address)."""
    prefix = base_url.rstrip("/")
    found = []
    for loc, modified in _URL.findall(text):
        loc = unescape(loc)
        if not loc.startswith(prefix + "/"):
            raise ValueError(f"{loc} is not under {base_url}")
        found.append((loc[len(prefix):], modified or ""))
    return found
