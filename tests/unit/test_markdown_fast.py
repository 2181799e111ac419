"""The fast path (markdown/fast.py) gives the reference's result byte for byte, or stands aside.

markdown-it-py (engine.py) is the reference; markdown-it-pyrs renders a text only where
fast.py vouches for it. Every text below is rendered both ways, and where the fast path
takes it, everything the loader uses must be equal: the HTML, the refused URLs, the excerpt,
and what `md` remembers (bare links left as text, a table cut short, relative references).
Compared on generated Markdown, on every article of the fixture archive, the hostile
fixtures, ../shared/real and a generated bench corpus (where most articles must take the
fast path: else the comparisons prove nothing). Hostile text never reaches the page through
it, and without markdown-it-pyrs (or when it panics) the reference renders everything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_sources
from archivegen.markdown import fast
from archivegen.markdown.article import article_body_and_excerpt
from archivegen.markdown.engine import make_markdown, render_markdown_with_excerpt
from archivegen.model import Article

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
REAL = REPO.parent / "shared" / "real"
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BENCH_ARTICLES = 1000
MIN_BENCH_SHARE = 0.9  # of the bench corpus's articles taken by the fast path (~100 %)

MD = make_markdown()

Result = tuple[tuple[str, tuple[str, ...], str], Any, Any, Any]


def _state(result: tuple[str, tuple[str, ...], str]) -> Result:
    return result, MD.unlinked, MD.table_cut, MD.local_refs


def fast_and_reference(text: str, words: int) -> tuple[Result | None, Result]:
    """The fast path's full result (None where it stands aside) and the reference's."""
    quick = fast.render_fast(MD, text, words)
    ours = None if quick is None else _state(quick)
    return ours, _state(render_markdown_with_excerpt(MD, text, words))


def assert_same(text: str, words: int = 30) -> bool:
    """Whether the fast path took `text`; where it did, its result is the reference's."""
    ours, reference = fast_and_reference(text, words)
    if ours is not None:
        assert ours == reference, text[:300]
    return ours is not None


def test_the_fast_path_runs_here() -> None:
    # (Else every comparison below would compare the reference with itself.)
    assert fast._port() is not None
    assert assert_same("# Title\n\nSome *text* and [a link](https://example.org/a).\n")


# --- generated Markdown --------------------------------------------------------------------

URLS = ["https://example.org/a", "http://x.com/p?q=1&r=2", "HTTP://X.COM", "//cdn.x/y.png",
        "#frag", "/root/page", "?q=1", "mailto:a@b.org", "javascript:alert(1)",
        "java\tscript:x", "JaVaScRiPt:x", "data:image/png;base64,xx", "ftp://f.org",
        "img/map.png", "page.html", "../up.html", "http://bücher.de/ä", "https://x.org/%41%zz",
        "https://x.org/a_(b)", "<https://x.org>", "https://x.org/a*", 'https://x.org "title"',
        "https://x.org 't'", "https://x.org (t)", "", "https://x.org/\\_", "https://a.b/~c|d",
        "\nhttps://x.org", " https://x.org ", "https://x.org/&amp;", "vbscript:x", "file:///e"]
PIECES = [
    "word", "Wörd", "naïve", "日本語", "émigré", "Σ", "ß", "İ", "ﬁ", "\U0001f600", " ", "  ",
    "\n", "\n\n", "\t", "*", "**", "_", "__", "~~", "~", "`", "``", "```\n", "~~~\n", "[", "]",
    "(", ")", "!", "\\", "&", "&amp;", "&copy;", "&#65;", "&#x41;", "&nbsp;", "&bogus;", "<",
    ">", "<b>", "</div>", "<script>alert(1)</script>", "<!-- c -->", "<![CDATA[x]]>", "#",
    "# ", "## ", "> ", "- ", "* ", "+ ", "1. ", "2) ", "    ", "---", "***", "===", "|",
    "| a | b |\n|---|---|\n| c | d |\n", "[^1]", "\n\n[^1]: note", "^[inline]", "@",
    "a@b.org", "user@example.com", "http://", "https://example.org", "www.example.org",
    "http://x.org/[", ":", "://", "//", "'", '"', "...", "--", "(c)", "+-", "\u00a0", "\u2003",
    "\u200b", "\ufeff", "\x85", "\x0c", "\x00", "\r\n", "\r", "—", "\u201c", "\u201d",
    "\u2019", "«", "»",
    "©", "°", "€", "?", ".", ",", ";", "[ref]", "\n\n[ref]: https://r.org", "[Ref][ref]",
    "[ref][]", "1234567890. ", ">>>>>", "- - -", "  - ", "      ", "\\*", "\\[", "\\\n",
    "  \n", "Note:", "x:y", "a.b/c", "http[", "https[x](#)"]
LABELS = ["text", "*em*", "`c`", "![i](https://i.org/p.png)", "", "a]b", "http://in.org", "[n]"]
ALTS = ["alt", "*em*", "", "http://in.org", 'a "q"', "//x.org"]

piece = st.one_of(
    st.sampled_from(PIECES),
    st.builds("[{}]({})".format, st.sampled_from(LABELS), st.sampled_from(URLS)),
    st.builds("![{}]({})".format, st.sampled_from(ALTS), st.sampled_from(URLS)),
    st.text(max_size=8),
)
markdown_texts = st.lists(piece, max_size=40).map("".join)


@pytest.mark.slow  # a property over many generated texts
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(markdown_texts, st.sampled_from([0, 3, 30]))
def test_generated_markdown_renders_as_the_reference_renders(text: str, words: int) -> None:
    assert_same(text, words)


@pytest.mark.parametrize("text", [
    ">", "> >", "- >", "word```\n```\nword", "    code", "```\ncode", "a\n\n```\nb\n```",
    "x`y` [`](#)", "[text](https://a.org)[a]b](//cdn.x/y.png)", "a //x.org/y https://z",
    "http[see http://a.org/]x](https://b.org)", "a*©*b", "_a_°", "*\x85a*", "\xa0a\xa0",
    "a\\\u3000", "[a](#\xa0)", "\x0ca", "# a\n\n" + "1. " * 30 + "x", ">" * 30 + " x",
    "- a\n" + "".join("  " * i + "- b\n" for i in range(1, 30)),
    "![http://a.org](https://b.org/i.png)", "[![//a.org](https://b.org/i.png)](https://c.org)",
    "*a*\n\n***\n\n1. b\n2. c\n\n> q\n> r\n\nText `code` end.",
    *("![" * k + "a" + "](#)" * k for k in (16, 17, 20, 21, 30)),
    *("[![" * k + "a" + "](#)](#)" * k for k in (8, 10, 11, 15)),
    *("[" * k + "a" + "]" * k + "(#)" for k in (16, 21, 40)),
    "[" + "[x](y]) [" * 25 + "a" + "](#)" * 25, "[a\\]" * 30 + "(#)",
    "!\\[" * 30 + "a" + "](#)" * 30, "_" * 9000 + "a" + "_" * 9000,
])
def test_the_differences_found_are_handled(text: str) -> None:
    """Texts where the two parsers differ, or our rules change the HTML: the fast path
    stands aside or renders them as the reference does."""
    for words in (0, 3, 30):
        assert_same(text, words)


# --- corpora ---------------------------------------------------------------------------------

def _articles(folder: Path) -> list[Article]:
    diags = Diagnostics()
    return [repair_article(article, diags) for source in read_sources(folder, diags)
            for article in load_source(source, diags)]


def _share_taken(articles: list[Article]) -> float:
    """Each article's body as the loader renders it, compared; the share the fast path took."""
    taken = 0
    for article in articles:
        ours = article_body_and_excerpt(MD, article, 30), MD.unlinked, MD.table_cut, MD.local_refs
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fast, "_port", lambda: None)  # the reference alone
            reference = _state(article_body_and_excerpt(MD, article, 30))
        assert ours == reference, article.provenance.source_path
        taken += fast.render_fast(MD, _source_of(article), 30) is not None
    return taken / max(len(articles), 1)


def _source_of(article: Article) -> str:
    from archivegen.markdown.article import _markdown_source
    return _markdown_source(article)


@pytest.mark.slow  # every article of the bundled and shared sets
@pytest.mark.parametrize("folder", [FIXTURES / "archive", FIXTURES / "hostile", REAL,
                                    FIXTURES / "real2", FIXTURES / "real3", FIXTURES / "real4"],
                         ids=lambda p: p.name)
def test_every_article_of_the_sets_renders_as_the_reference_renders(folder: Path) -> None:
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing: ../shared/real must be beside the repository, "
                    "as it is in CI")
    share = _share_taken(_articles(folder))
    if folder.name == "archive":
        assert share > 0.9  # plain articles: nearly all fast
    if folder.name == "hostile":
        assert share == 0  # raw HTML, javascript: links


@pytest.mark.slow  # a generated corpus of 1,000 articles
def test_the_bench_corpus_renders_as_the_reference_renders_and_mostly_fast(
        tmp_path: Path) -> None:
    if not GEN.is_file():
        pytest.fail(f"the benchmark corpus generator {GEN} is missing (../shared/bench/)")
    subprocess.run([sys.executable, str(GEN), "--n", str(BENCH_ARTICLES), "--out",
                    str(tmp_path / "raw"), "--format", "raw"], check=True,
                   stdout=subprocess.DEVNULL)
    articles = _articles(tmp_path / "raw")
    assert len(articles) == BENCH_ARTICLES
    assert _share_taken(articles) >= MIN_BENCH_SHARE


# --- hostile text ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "a <script>alert(1)</script> b", "<div onclick=x>\n\nb\n</div>",
    "<!-- x -->", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))", "[x](<java\tscript:alert(1)>)", "[x](java\tscript:alert(1))",
    "[x](javascript&#58;alert(1))", "[x](javascript%3Aalert(1))", "[x](vbscript:x)",
    "![x](data:image/png;base64,AAAA)", "![x](data:text/html,<script>)", "<javascript:alert(1)>",
    "[x]( javascript:alert(1))", "[x](\njavascript:alert(1))", "[x][r]\n\n[r]: javascript:x",
    "[x](file:///etc/passwd)", "[x](ftp://example.org)", "[x](\\javascript:x)",
])
def test_hostile_text_never_takes_the_fast_path_unchecked(text: str) -> None:
    for body in (text, f"Some *prose* with [a link](https://example.org).\n\n{text}\n"):
        result = fast.render_fast(MD, body, 30)
        if result is not None:
            html = result[0]
            assert "<script" not in html and "javascript:" not in html.lower()
            assert "data:" not in html and "<div" not in html and "<img src=x" not in html
        assert_same(body)
        html = fast.render_with_excerpt(MD, body, 30)[0]
        assert "<script" not in html and 'href="javascript' not in html.lower()


def test_refused_links_come_from_the_reference() -> None:
    html, refused, _ = fast.render_with_excerpt(MD, "A [link](ftp://example.org/f).", 0)
    assert refused == ("ftp://example.org/f",)
    assert "<a" not in html


def test_external_links_and_images_get_the_reference_attributes() -> None:
    text = ('[a](https://a.org "t") [b](#x) [c](/p) ![i](https://i.org/p.png "t") '
            "![j](/j.png) [//x](//x.org)")
    ours, reference = fast_and_reference(text, 30)
    assert ours is not None and ours == reference
    assert ours[0][0].count('rel="nofollow noopener noreferrer"') == 2
    assert ours[0][0].count('loading="lazy"') == 1


# --- without the port ------------------------------------------------------------------------

def test_without_markdown_it_pyrs_the_reference_renders_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "markdown_it_pyrs", None)  # import raises ImportError
    monkeypatch.setattr(fast, "_parser", None)
    monkeypatch.setattr(fast, "_looked", False)
    text = "Plain *text* with [a link](https://example.org)."
    assert fast.render_fast(MD, text, 30) is None
    assert fast.render_with_excerpt(MD, text, 30) == render_markdown_with_excerpt(MD, text, 30)


class _Panic(BaseException):
    """What pyo3 raises for a panic in Rust code (a BaseException, not an Exception)."""


class _PanickingPort:
    def render(self, text: str) -> str:
        raise _Panic("index out of bounds")


def test_a_panic_in_the_port_falls_back_to_the_reference(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "_parser", _PanickingPort())
    monkeypatch.setattr(fast, "_looked", True)
    text = "Plain *text*."
    assert fast.render_fast(MD, text, 30) is None
    assert fast.render_with_excerpt(MD, text, 30) == render_markdown_with_excerpt(MD, text, 30)
