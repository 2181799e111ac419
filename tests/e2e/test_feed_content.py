"""Feed entries carry the article's content (issue #16), built fresh and kept up to date by
quick rebuilds."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from conftest import FIXTURES, tree_bytes

ATOM = "{http://www.w3.org/2005/Atom}"
OLD = 1_600_000_000  # an mtime long past: a stat a build may trust
CONFIG = SiteConfig(input="articles", output="site")


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "archive", project / "articles")
    for path in (project / "articles").rglob("*"):
        os.utime(path, (OLD, OLD))
    return project


def _body_of(page: Path) -> str:
    html = page.read_text()
    return html.split('<div class="body">', 1)[1].split("\n  </div>", 1)[0]


def _entries(feed: Path) -> list[tuple[str, str, str]]:
    """(link, xml:base, content) of each entry, as a feed reader parses them."""
    root = ET.parse(feed).getroot()
    found = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        found.append((str(link), str(content.get("{http://www.w3.org/XML/1998/namespace}base")),
                      content.text or ""))
    return found


def test_every_entry_carries_its_articles_body(tmp_path: Path) -> None:
    project = _project(tmp_path)
    build(project, CONFIG)
    site = project / "site"
    feeds = sorted(site.rglob("feed.xml"))
    assert len(feeds) > 10
    checked = 0
    for feed in feeds:
        for link, base, content in _entries(feed):
            page = (feed.parent / link).resolve() / "index.html"
            assert base == link  # relative links in the body resolve from its page
            assert content.strip() == _body_of(page).strip(), (feed, link)
            checked += 1
    assert checked > 50


def test_a_body_edit_updates_the_feeds_holding_it_quickly(tmp_path: Path) -> None:
    project = _project(tmp_path)
    build(project, CONFIG)
    home_feed = project / "site" / "feed.xml"
    link = _entries(home_feed)[0][0]
    page = project / "site" / link.strip("/") / "index.html"
    words = re.findall(r"[A-Z][a-z]{5,}", _body_of(page))
    source = next(p for p in (project / "articles").iterdir()
                  if words[0] in p.read_text(errors="replace") and p.suffix in (".md", ".txt")
                  and page.parent.name.split("-")[0] in p.read_text(errors="replace").lower())
    text = source.read_text()
    at = text.rfind(words[-1])  # in the body (the title may hold the first ones)
    source.write_text(text[:at] + "Quuxfeedword" + text[at + len(words[-1]):])
    os.utime(source, (OLD + 5, OLD + 5))
    again = build(project, CONFIG)
    assert [name for name, _ in again.phases][-1] == "quick", again.full_because
    assert "Quuxfeedword" in _entries(home_feed)[0][2]
    clean = tmp_path / "clean"
    build(tmp_path, SiteConfig(input=str(project / "articles"), output=str(clean)),
          use_cache=False)
    assert tree_bytes(project / "site") == tree_bytes(clean)
