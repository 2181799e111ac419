"""Article pages tell link previews and search engines what they are: a description of their
own, OpenGraph and Twitter card tags, and a schema.org NewsArticle (JSON-LD) that parses on
every article and that no title, however hostile, can break out of."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, run_build

BASE = "https://example.org/news/"
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def meta(page: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', page)
    return html.unescape(found[1]) if found else None


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("meta")
    built = {}
    for name in ("archive", "hostile"):
        out = root / name
        run_build(FIXTURES / name, out, "--base-url", BASE, "--no-cache")
        built[name] = out
    return built


def article_pages(site: Path) -> list[tuple[Path, str]]:
    pages = [(p, p.read_text("utf-8")) for p in sorted(site.rglob("index.html"))]
    return [(p, text) for p, text in pages if meta(text, "og:type") == "article"]


@pytest.mark.parametrize("name", ["archive", "hostile"])
def test_every_article_has_a_news_article_record_that_parses(sites: dict[str, Path],
                                                             name: str) -> None:
    site = sites[name]
    pages = article_pages(site)
    assert len(pages) >= (20 if name == "archive" else 2)
    for path, text in pages:
        blocks = LD.findall(text)
        assert len(blocks) == 1, path
        record = json.loads(blocks[0])
        url = BASE + path.parent.relative_to(site).as_posix() + "/"
        assert record["@type"] == "NewsArticle" and record["url"] == url
        assert record["headline"] == meta(text, "og:title") == meta(text, "twitter:title")
        assert record["description"] == meta(text, "og:description") == meta(
            text, "description")
        assert meta(text, "og:url") == url
        if "datePublished" in record:
            assert meta(text, "article:published_time") == record["datePublished"]
        for author in record.get("author", []):
            assert author["@type"] == "Person" and author["name"]


def test_a_hostile_title_stays_data(sites: dict[str, Path]) -> None:
    text = next(t for p, t in article_pages(sites["hostile"])
                if "breaking-script-alert-title" in p.as_posix())
    (block,) = LD.findall(text)
    assert "<" not in block and "\\u003c/script\\u003e" in block
    headline = json.loads(block)["headline"]
    assert "<script>alert('title')</script>" in headline


def test_descriptions_are_each_articles_own(sites: dict[str, Path]) -> None:
    descriptions = [meta(text, "description") or "" for _, text in
                    article_pages(sites["archive"])]
    assert len(set(descriptions)) > len(descriptions) * 0.9
    assert all(0 < len(d.split()) <= 60 for d in descriptions), descriptions


def test_without_an_absolute_base_url_there_is_no_og_url(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(FIXTURES / "archive", out, "--base-url", "/news/", "--no-cache") == 0
    for _, text in article_pages(out):
        record = json.loads(LD.findall(text)[0])
        assert "url" not in record and meta(text, "og:url") is None
