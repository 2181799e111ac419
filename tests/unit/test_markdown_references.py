"""The images and links of a body that name a file by a relative path (markdown/article.py):
which references count, and the file line and column each is reported at."""

from __future__ import annotations

import pytest

from archivegen.markdown.article import article_body_and_excerpt, local_references
from archivegen.markdown.engine import local_path, make_markdown
from archivegen.model import Article, Note, Provenance


@pytest.mark.parametrize(("url", "path"), [
    ("img/map.png", "img/map.png"),
    ("files/r%20x.pdf?x=1#page=2", "files/r x.pdf"),
    ("%2e%2e/secret", "../secret"),  # decoded: load/assets.py refuses it
    ("./a.png", "./a.png"),
    ("http://example.org/a.png", None),
    ("https://example.org/a.png", None),
    ("//cdn.example.org/a.png", None),
    ("/static/a.png", None),
    ("#notes", None),
    ("?page=2", None),
    ("mailto:a@example.org", None),
    ("javascript:alert(1)", None),
    ("data:image/png;base64,xx", None),
    ("C:/Windows/a.png", None),
    ("", None),
])
def test_local_path(url: str, path: str | None) -> None:
    assert local_path(url) == path


def _article(body: str, body_line: int = 1, notes: tuple[Note, ...] = ()) -> Article:
    return Article(title="T", body=body, body_line=body_line, notes=notes,
                   provenance=Provenance(source_path="2020/a.md", sha256="", layout="md"))


def _refs(article: Article) -> list[tuple[str, str, str]]:
    md = make_markdown()
    article_body_and_excerpt(md, article, 0)
    return [(r.kind, r.path, str(r.location)) for r in local_references(md, article)]


def test_images_and_links_with_their_file_line_and_column() -> None:
    body = ("Intro\n\n![Map](img/map.png) and [the PDF](files/report.pdf)\n"
            "next line ![again](img/map.png) [site](https://x.org/) [top](#top)\n\n"
            "| a |\n|---|\n| ![t](t.png) |")
    assert _refs(_article(body, body_line=5)) == [
        ("image", "img/map.png", "2020/a.md:7:8"),
        ("link", "files/report.pdf", "2020/a.md:7:35"),
        ("image", "img/map.png", "2020/a.md:8:20"),
        ("image", "t.png", "2020/a.md:12:8"),
    ]


def test_a_reference_in_an_endnote_has_the_notes_line() -> None:
    article = _article("Text[^1] more.", body_line=4,
                       notes=(Note(label="1", text="see [the data](data.csv)", line=30),))
    assert _refs(article) == [("link", "data.csv", "2020/a.md:30:1")]


def test_bare_links_and_refused_schemes_are_no_references() -> None:
    assert _refs(_article("See https://example.org/a.png and [x](javascript:alert(1)) "
                          "and <mailto:a@b.org>")) == []
