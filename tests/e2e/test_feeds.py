"""Atom feeds: one for the home page and one per term, valid XML, newest dated articles first,
links that resolve to built pages, absolute when the site's address is known."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURES, run_build

ATOM = "{http://www.w3.org/2005/Atom}"
ARCHIVE = FIXTURES / "archive"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feed-site")
    assert run_build(ARCHIVE, out) == 0
    return out


def feeds_of(site: Path) -> dict[str, ET.Element]:
    return {p.relative_to(site).as_posix(): ET.parse(p).getroot()
            for p in sorted(site.rglob("feed.xml"))}


def test_home_and_every_term_have_a_feed(site: Path) -> None:
    feeds = feeds_of(site)
    assert "feed.xml" in feeds
    term_pages = {p.parent.relative_to(site).as_posix()
                  for tax in ("regions", "themes", "tags", "authors", "reports", "publishers",
                              "sources")
                  for p in (site / tax).glob("*/index.html")}
    assert term_pages  # the fixture has terms in several taxonomies
    assert {f.removesuffix("/feed.xml") for f in feeds if f != "feed.xml"} == term_pages


def test_feeds_are_atom_with_required_elements_and_links_that_resolve(site: Path) -> None:
    for rel, root in feeds_of(site).items():
        assert root.tag == f"{ATOM}feed", rel
        for name in ("id", "title", "updated"):
            assert (root.findtext(f"{ATOM}{name}") or "").strip(), (rel, name)
        entries = root.findall(f"{ATOM}entry")
        assert 1 <= len(entries) <= 20, rel
        folder = posixpath.dirname(rel)
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert (entry.findtext(f"{ATOM}{name}") or "").strip(), (rel, name)
            assert entry.find(f"{ATOM}author/{ATOM}name") is not None, rel
            href = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
            target = posixpath.normpath(posixpath.join(folder, href))
            assert (site / target / "index.html").is_file(), (rel, href)


def test_entries_are_newest_first_and_dated(site: Path) -> None:
    root = ET.parse(site / "feed.xml").getroot()
    updated = [e.findtext(f"{ATOM}updated") or "" for e in root.findall(f"{ATOM}entry")]
    assert updated == sorted(updated, reverse=True)
    assert "1970-01-01T00:00:00Z" not in updated  # undated articles stay out of feeds
    assert root.findtext(f"{ATOM}updated") == updated[0]


def test_listing_pages_announce_their_feed(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="' in home
    assert 'href="feed.xml"' in home
    article = next(p for p in (site / "2017").rglob("index.html") if p.parent.parent.name
                   .isdigit() and len(p.relative_to(site).parts) == 5)
    assert "application/atom+xml" not in article.read_text("utf-8")


def test_feed_size_and_base_url_from_config(tmp_path: Path) -> None:
    (tmp_path / "archivegen.yaml").write_text("feed_size: 3\nbase_url: https://example.org/news/\n")
    out = tmp_path / "out"
    assert run_build(ARCHIVE, out, "--config", str(tmp_path / "archivegen.yaml")) == 0
    root = ET.parse(out / "feed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        assert link.startswith("https://example.org/news/20")
        assert entry.findtext(f"{ATOM}id") == link


def test_feed_size_zero_writes_no_feeds(tmp_path: Path) -> None:
    (tmp_path / "archivegen.yaml").write_text("feed_size: 0\n")
    out = tmp_path / "out"
    assert run_build(ARCHIVE, out, "--config", str(tmp_path / "archivegen.yaml")) == 0
    assert not list(out.rglob("feed.xml"))
    assert "application/atom+xml" not in (out / "index.html").read_text("utf-8")


def test_hostile_titles_stay_text_in_feeds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(FIXTURES / "hostile", out)
    feeds = sorted(out.rglob("feed.xml"))
    assert feeds
    titles = []
    for path in feeds:
        root = ET.parse(path).getroot()  # well-formed: markup in titles was escaped
        for element in root.iter():
            assert element.tag.startswith(ATOM), (path, element.tag)
        titles += [t.text or "" for t in root.iter(f"{ATOM}title")]
    assert any("<script" in t or "<svg" in t for t in titles)  # shown as text, not markup
