"""sitemap.xml and robots.txt (site/sitemap.py): with an absolute base_url, the sitemap lists
exactly the HTML pages built (not the 404 page, not redirect pages), parses as XML, dates
each article and listing page, splits into an index above 50,000 URLs, and stays right
through quick rebuilds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from incremental_helpers import OLD, age, run

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.site import sitemap
from conftest import published, remember

BASE = "https://example.org/archive/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
MD = "md_002_ceasefire-northern-districts.md"
FIRST = "/2019/03/14/ceasefire-holds-in-northern-districts-as-displaced-families-weigh-return/"


def html_pages(site: Path) -> set[str]:
    """The site URL of every HTML page built but the 404 page and redirect pages."""
    found = set()
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html" or 'http-equiv="refresh"' in page.read_text("utf-8"):
            continue
        found.add("/" + rel.removesuffix("index.html"))
    return found


def sitemap_entries(site: Path) -> dict[str, str | None]:
    """URL -> lastmod of every <url> in sitemap.xml and the shards it names (each parsed)."""
    root = ET.parse(site / "sitemap.xml").getroot()
    files = [root]
    if root.tag.endswith("sitemapindex"):
        files = [ET.parse(site / loc.text.removeprefix(BASE)).getroot()
                 for loc in root.findall("s:sitemap/s:loc", NS)]
    entries: dict[str, str | None] = {}
    for urlset in files:
        assert urlset.tag == f"{{{NS['s']}}}urlset"
        for url in urlset.findall("s:url", NS):
            loc = url.find("s:loc", NS).text
            assert loc.startswith(BASE), loc
            assert loc[len(BASE) - 1:] not in entries, "listed twice"
            modified = url.find("s:lastmod", NS)
            entries[loc[len(BASE) - 1:]] = modified.text if modified is not None else None
    return entries


def test_the_sitemap_lists_exactly_the_html_pages(project: Path) -> None:
    report = run(project, base_url=BASE)
    assert report.errors == 0
    site = project / "site"
    entries = sitemap_entries(site)
    assert set(entries) == html_pages(site)
    assert entries[FIRST] == "2019-03-14"
    assert entries["/archive/"] is None  # an index page: no date of its own
    # A listing page's date is its newest article's; the home page's is the newest of all.
    newest = max(d for url, d in entries.items() if d and re.match(r"/\d{4}/\d\d/\d\d/", url))
    assert entries["/"] == newest
    assert entries["/2019/03/"] == max(d for url, d in entries.items()
                                       if d and url.startswith("/2019/03/") and url.count("/") > 4)
    robots = (site / "robots.txt").read_text()
    assert robots.splitlines()[-1] == f"Sitemap: {BASE}sitemap.xml"
    assert "User-agent: *" in robots


@pytest.mark.parametrize("base_url", ["", "/archive/"])
def test_no_sitemap_without_an_absolute_base_url(project: Path, base_url: str) -> None:
    """The sitemaps protocol takes absolute URLs only."""
    run(project, base_url=base_url)
    assert not (project / "site" / "sitemap.xml").exists()
    assert not (project / "site" / "robots.txt").exists()


def test_a_large_site_gets_a_sitemap_index(project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap, "MAX_URLS", 40)  # as 50,000 does for a large archive
    run(project, base_url=BASE)
    site = project / "site"
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    shards = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    assert len(shards) == -(-len(html_pages(site)) // 40) > 1
    assert all(len(ET.parse(site / s.removeprefix(BASE)).getroot()) <= 40 for s in shards)
    assert set(sitemap_entries(site)) == html_pages(site)


@pytest.mark.parametrize("edit", ["retitle", "redate"])
def test_a_quick_rebuild_keeps_the_sitemap_true(project: Path, tmp_path: Path,
                                                edit: str) -> None:
    run(project, base_url=BASE)
    path = project / "articles" / MD
    text = path.read_text()
    if edit == "retitle":
        text = text.replace('title: "Ceasefire Holds', 'title: "Truce Holds', 1)
    else:  # a later day of the month: a new URL and a new date for its listings
        text = text.replace("date: 2019-03-14", "date: 2019-03-29", 1)
    path.write_text(text)
    age(project / "articles", OLD + 1)
    report = run(project, base_url=BASE)
    assert any(name == "quick" for name, _ in report.phases), report.full_because
    site = project / "site"
    entries = sitemap_entries(site)
    assert FIRST not in entries  # a redirect page now
    assert set(entries) == html_pages(site)
    moved = next(url for url in entries if "holds-in-northern" in url)
    assert entries[moved] == ("2019-03-29" if edit == "redate" else "2019-03-14")
    if edit == "redate":
        assert entries["/2019/03/"] >= "2019-03-29"
    # What a full build of the same articles and history writes.
    elsewhere = tmp_path / "clean"
    elsewhere.mkdir()
    remember(elsewhere, published(project))
    build(elsewhere, SiteConfig(input=str(project / "articles"), output="site", base_url=BASE))
    assert (elsewhere / "site" / "sitemap.xml").read_bytes() == \
        (site / "sitemap.xml").read_bytes()
