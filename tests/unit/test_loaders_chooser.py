"""loaders/__init__.py (load_source, is_article_path) and loaders/scraped.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from unit_helpers import make_source

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import ARTICLE_SUFFIXES, is_article_path, load_source, scraped
from archivegen.model import Article

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_680446ff0202b48e.txt"


def load(data: bytes, path: str = "x.txt") -> tuple[Article | None, Diagnostics]:
    diags = Diagnostics()
    articles = load_source(make_source(data, path), diags)
    assert len(articles) <= 1
    return (articles[0] if articles else None), diags


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n\n", b" \t\r\n \r\n", b"\xef\xbb\xbf",
                                  b"\xef\xbb\xbf\n  \n"])
def test_empty_or_whitespace_file_is_ag002(data):
    article, diags = load(data, "empty.txt")
    assert article is None
    assert [d.code for d in diags.items] == ["AG002"]
    d = diags.items[0]
    assert d.level is Level.ERROR
    assert (d.location.path, d.location.line) == ("empty.txt", 1)


def test_windows_1252_file_loads_with_ag004():
    article, diags = load(b"Title\n\nbody caf\xe9\n")
    assert article is not None and article.body == "body caf\xe9"
    assert "AG004" in [d.code for d in diags.items]


def test_markdown_with_front_matter():
    article, diags = load(b"---\ntitle: Hello\ndate: 2017-05-30\n---\n\nBody.\n", "a.md")
    assert not diags.items
    assert article.provenance.layout == "markdown-front-matter"
    assert article.title == "Hello"
    assert article.body == "Body."


def test_front_matter_with_crlf_and_bom():
    article, diags = load(b"\xef\xbb\xbf---\r\ntitle: Hello\r\n---\r\n\r\nBody.\r\n", "a.md")
    assert not diags.items
    assert article.provenance.layout == "markdown-front-matter"
    assert article.title == "Hello"
    assert article.body == "Body."
    assert article.body_line == 5


def test_front_matter_error_propagates_none():
    article, diags = load(b"---\ntitle: [a, b]\n---\nBody.\n", "a.md")
    assert article is None
    assert [d.code for d in diags.items] == ["AG012"]


def test_seed_is_global_research():
    article, diags = load(SEED.read_bytes(), SEED.name)
    assert not diags.items
    assert article.provenance.layout == "global-research"
    assert article.authors == ("South Front",)


def test_seed_with_crlf_line_endings_gives_same_article():
    original, _ = load(SEED.read_bytes(), SEED.name)
    crlf, diags = load(SEED.read_bytes().replace(b"\n", b"\r\n"), SEED.name)
    assert not diags.items
    assert crlf.provenance.layout == "global-research"
    assert (crlf.title, crlf.body, crlf.body_line, crlf.provenance.fields,
            crlf.provenance.footer) == (original.title, original.body, original.body_line,
                                        original.provenance.fields, original.provenance.footer)


def test_title_line_text_is_plain_text_without_warning():
    data = "\n\nGearóid\u2019s Title\n\nFirst paragraph.\n\nSecond paragraph.\n".encode()
    article, diags = load(data, "notes/plain.txt")
    assert diags.items == []
    assert article.provenance.layout == "plain-text"
    assert article.title == "Gearóid\u2019s Title"
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert article.body_line == 5
    assert [(f.name, f.line) for f in article.provenance.fields] == [("title", 3)]


def test_unrecognisable_text_is_plain_text_with_ag020():
    data = b"0.11 0.55 0.99 0.33\n0.88 0.11 0.44 0.90\n0.33 0.66 0.07 0.88\n"
    article, diags = load(data, "notes/table.txt")
    assert [d.code for d in diags.items] == ["AG020"]
    d = diags.items[0]
    assert d.level is Level.WARNING
    assert d.location.path == "notes/table.txt"
    assert article.provenance.layout == "plain-text"
    assert article.title == "0.11 0.55 0.99 0.33"
    assert article.body_line == 2


def test_plain_markdown_without_front_matter_is_plain_text():
    article, diags = load(b"# Heading Title\n\nBody.\n", "a.md")
    assert diags.items == []
    assert article.provenance.layout == "plain-text"
    assert article.title == "Heading Title"


def test_plaintext_load_single_line():
    text = "Only a title"
    article = scraped.load(text, make_source(text.encode()), Diagnostics())
    assert article.title == "Only a title"
    assert article.body == ""


def test_plaintext_title_whitespace_collapsed():
    text = "##   A   spaced\ttitle  \nbody line\n"
    article = scraped.load(text, make_source(text.encode()), Diagnostics())
    assert article.title == "A spaced title"
    assert article.body == "body line"
    assert article.body_line == 2


def test_plaintext_keeps_sha_and_path():
    data = b"T\n\nB\n"
    source = make_source(data, "dir/t.txt")
    article = scraped.load(data.decode(), source, Diagnostics())
    assert article.provenance.source_path == "dir/t.txt"
    assert article.provenance.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("path", ["a.txt", "a.md", "a.markdown", "dir/sub/b.txt", "A.TXT",
                                  "b.Md", "c.MARKDOWN", "2017.05.30.txt"])
def test_is_article_path_accepts(path):
    assert is_article_path(path)


@pytest.mark.parametrize("path", ["a.html", "a.yaml", "a.yml", "a.json", "a.txt.bak", "a.mdx",
                                  "a.rst", "a", "txt", "md", "a.text", "a.mkd", "a_txt",
                                  "archivegen.yaml", "a.md~", "a.txt.orig", "a.tx"])
def test_is_article_path_rejects(path):
    assert not is_article_path(path)


def test_article_suffixes_are_exactly_the_three():
    assert set(ARTICLE_SUFFIXES) == {".txt", ".md", ".markdown"}
