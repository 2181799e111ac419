"""Hostile articles: no markup from their title, authors, terms or body survives into a page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, run_build

HOSTILE = FIXTURES / "hostile"
PWNED = Path("/tmp/archivegen-pwned")  # the path the YAML attack fixture tries to write
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "nav", "ul", "ol", "li",
    "main", "footer", "p", "h1", "h2", "h3", "article", "section", "time", "span", "dl", "dt",
    "dd", "div", "details", "summary", "code", "pre", "strong", "em", "blockquote", "hr", "br",
    "img", "table", "thead", "tbody", "tr", "th", "td", "s", "sup",
    # timelines (inline SVG) and the term index's sort switch, made by the theme
    "figure", "figcaption", "svg", "rect", "label", "input",
    # the search box on every page, and the search page's form
    "form", "button", "select", "option", "fieldset", "legend", "noscript",
}
# The one script a page may load: the theme's search, on the search page.
SEARCH_SCRIPT = "static/search.js"
JSON_LD = "application/ld+json"  # article pages' metadata: a data block, never run
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.data_block: list[str] | None = None  # the text of a JSON-LD block being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and dict(attrs) == {"type": JSON_LD}:
            self.data_block = []  # data, never run: it must be JSON and nothing else
        elif tag == "script" and not dict(attrs).get("src", "").endswith(SEARCH_SCRIPT):
            self.problems.append("a <script> other than the search page's")
        elif tag not in ALLOWED_TAGS and tag != "script":
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(BAD_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_data(self, data: str) -> None:
        if self.data_block is not None:
            self.data_block.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.data_block is not None:
            text = "".join(self.data_block)
            self.data_block = None
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"a JSON-LD block that is not JSON: {text[:80]!r}")
            if "<" in text:  # tojson escapes it: nothing can end the block early
                self.problems.append("a '<' inside a JSON-LD block")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    PWNED.unlink(missing_ok=True)
    out = tmp_path_factory.mktemp("hostile")
    # The YAML attack file is an error (exit 1); the other two articles are built.
    assert run_build(HOSTILE, out) == 1
    return out


def test_no_markup_survives(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    problems = []
    for page in pages:
        audit = _Audit()
        audit.feed(page.read_text("utf-8"))
        problems += [f"{page.relative_to(hostile_site)}: {p}" for p in audit.problems]
    assert problems == []


def test_only_the_search_page_loads_a_script(hostile_site: Path) -> None:
    # (Article pages hold one JSON-LD data block each: not a script that runs.)
    with_script = sorted(p.relative_to(hostile_site).as_posix()
                         for p in hostile_site.rglob("*.html")
                         if p.read_text().count("<script")
                         > p.read_text().count(f'<script type="{JSON_LD}">'))
    assert with_script == ["search/index.html"]
    page = (hostile_site / "search/index.html").read_text()
    assert page.count("<script") == 1 and "></script>" in page  # an empty element: no inline code


def test_hostile_text_is_shown_escaped(hostile_site: Path) -> None:
    article = next(p for p in hostile_site.rglob("index.html")
                   if "breaking-script-alert-title" in p.as_posix())
    html = article.read_text()
    assert "<h1>Breaking &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; " in html
    assert "raw HTML &lt;script&gt;alert('body')&lt;/script&gt; and" in html
    assert "[click me](javascript:alert('link'))" in html  # left as literal text


def test_unsafe_url_field_is_not_linked(hostile_site: Path) -> None:
    page = hostile_site / "2021/02/03/etc-passwd/index.html"
    html = page.read_text()
    assert "Original URL" not in html
    assert 'href="https://example.org/ok" rel="nofollow noopener noreferrer"' in html
    assert 'href="mailto:a@example.org"' in html


def test_slug_cannot_escape_the_output_folder(hostile_site: Path) -> None:
    # slug: "../../../../etc/passwd" becomes an ordinary segment inside the site.
    assert (hostile_site / "2021/02/03/etc-passwd/index.html").is_file()
    for path in hostile_site.rglob("*"):
        assert path.resolve().is_relative_to(hostile_site.resolve())


def test_yaml_tags_never_execute(hostile_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert not PWNED.exists()
    run_build(HOSTILE, hostile_site)
    err = capsys.readouterr().err
    assert ("md_yaml_attack.md:2:8: error: YAML syntax error: "
            "could not determine a constructor") in err
    assert not PWNED.exists()
