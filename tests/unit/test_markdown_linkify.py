"""Our bare-link rules (markdown.py) give exactly the HTML markdown-it-py's own linkify gives,
and so do our label and destination scans, inline tokenizer (inline_dispatch.py) and table
rule (table_budget.py) below their limits, and block rule chains (block_dispatch.py).

They replace markdown-it-py's inline and core linkify rules, which took quadratic time on
hostile text (issue #14), a link label is not scanned when no "]" follows it, and the
tokenizer tries only the rules that can start at a character, so every difference would be
a regression: the reference is the same SafeMarkdown with markdown-it-py's rules, scans,
tokenizer and table rule put back, and our links limit off. Compared
on every article of the four real sets and of a generated bench corpus (rendered as a build
renders them, and as raw text), and on generated text made of URL and e-mail pieces mixed
with Markdown syntax. Where our bounds apply (a run of over MAX_LINK_RUN characters without a
space, more links than limits.links_per_article) the results differ on purpose; those have
tests of their own below.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import helpers
from markdown_it.parser_inline import ParserInline
from markdown_it.ruler import Ruler
from markdown_it.rules_block.table import table as mdit_table
from markdown_it.rules_core.linkify import linkify as mdit_core_linkify
from markdown_it.rules_inline.linkify import linkify as mdit_inline_linkify

from archivegen.errors import Diagnostics
from archivegen.limits import Limits
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source
from archivegen.markdown import fast
from archivegen.markdown.article import article_body_and_excerpt, report_markdown_limits
from archivegen.markdown.engine import (
    MAX_LINK_RUN,
    SafeMarkdown,
    make_markdown,
    render_markdown,
    render_markdown_with_excerpt,
)
from archivegen.model import Article, Provenance

pytestmark = pytest.mark.slow  # comparisons with markdown-it-py over many texts

REPO = Path(__file__).resolve().parents[2]
REAL_SETS = (REPO.parent / "shared" / "real", REPO / "tests" / "fixtures" / "real2",
             REPO / "tests" / "fixtures" / "real3", REPO / "tests" / "fixtures" / "real4")
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BENCH_ARTICLES = 300


def reference_markdown() -> SafeMarkdown:
    """SafeMarkdown with markdown-it-py's own linkify rules, label scan, inline tokenizer
    and table rule; no links limit, no table cells limit."""
    md = SafeMarkdown()
    md.helpers = md.plain.helpers = helpers
    for engine in (md, md.plain):
        own = ParserInline()  # markdown-it-py's tokenizer, with our rules
        own.ruler, own.ruler2 = engine.inline.ruler, engine.inline.ruler2
        engine.inline = own
        block = Ruler[Any]()  # markdown-it-py's chains of block rules, not dispatching ones
        block.__rules__, block.__cache__ = engine.block.ruler.__rules__, None
        engine.block.ruler = block
        engine.block.ruler.at("table", mdit_table, {"alt": ["paragraph", "reference"]})
    md.inline.ruler.at("linkify", mdit_inline_linkify)
    md.core.ruler.at("linkify", mdit_core_linkify)
    md.core.ruler.disable("links_per_article")
    return md


def rendered(md: SafeMarkdown, text: str) -> tuple[str, tuple[str, ...], str]:
    """HTML, refused URLs and excerpt. The refused URLs (warnings AG031) as a sorted set: a
    label scan not made where no "]" follows validates the links in it later, so they are
    reported in another order than markdown-it-py's scan would (the same ones)."""
    html, refused, excerpt = render_markdown_with_excerpt(md, text, 40)
    return html, tuple(sorted(set(refused))), excerpt


def assert_same_as_reference(text: str) -> None:
    """Ours renders `text` as markdown-it-py's own rules do. Where theirs raises (its inline
    rule can take a scheme that is not before the "://" while it scans a link label, see
    test_the_reference_fails_where_ours_renders), ours must still render."""
    try:
        expected = rendered(REFERENCE, text)
    except RuntimeError:
        rendered(OURS, text)
        return
    ours = rendered(OURS, text)
    if ours != expected:
        # The same quirk without the exception: scanning a label that never closes, theirs
        # takes the letters before a "://" for its scheme though they end a word (a link's,
        # "http://x.orgftp://x.org"), and reports that URL's scheme refused. No link starts
        # there; ours reads the scheme where it is and reports nothing.
        html, refused, excerpt = expected
        extra = set(refused) - set(ours[1])
        assert ours == (html, tuple(sorted(set(refused) - extra)), excerpt)
        assert all(_glued_to_a_word(text, url) for url in extra), extra


def _glued_to_a_word(text: str, url: str) -> bool:
    """Does every occurrence of `url` in `text` follow a letter or a digit?"""
    at = text.find(url)
    while at >= 0:
        if at == 0 or not text[at - 1].isalnum():
            return False
        at = text.find(url, at + 1)
    return True


OURS = make_markdown()
REFERENCE = reference_markdown()


@pytest.fixture(autouse=True)
def _markdown_it_py_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both renderers compared here are markdown-it-py's: markdown-it-pyrs (the loader's fast
    path, which would render a plain text the same for both) is compared with them in
    test_markdown_fast.py."""
    monkeypatch.setattr(fast, "_port", lambda: None)


def test_the_reference_runs_markdown_it_pys_rules_and_ours_do_not() -> None:
    # (Else every comparison below would compare a renderer with itself.)
    for md, expected in ((REFERENCE, True), (OURS, False)):
        inline = [r for r in md.inline.ruler.getRules("") if r is mdit_inline_linkify]
        core = [r for r in md.core.ruler.getRules("") if r is mdit_core_linkify]
        assert (bool(inline), bool(core)) == (expected, expected)
        assert (md.helpers.parseLinkLabel is helpers.parseLinkLabel) == expected
        assert (type(md.inline) is ParserInline) == expected
        assert (type(md.block.ruler) is Ruler) == expected
        table = [r for r in md.block.ruler.getRules("") if r is mdit_table]
        assert bool(table) == expected


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".txt", ".md"))


def _assert_same_html(folder: Path, *, raw_text: bool = True) -> int:
    """Every article in `folder` rendered both ways as a build renders its body (and the
    whole file as raw text); returns how many bare links ours made in the raw text (a set
    without any would prove little)."""
    links = 0
    for name in _files(folder):
        source = read_source(folder, name, Diagnostics())
        assert source is not None, name
        if raw_text:
            raw = source.data.decode("utf-8", "replace")
            ours = render_markdown(OURS, raw)
            assert ours == render_markdown(REFERENCE, raw), name
            links += ours[0].count('rel="nofollow') + ours[0].count('href="mailto:')
        for article in load_source(source, Diagnostics()):
            repaired = repair_article(article, Diagnostics())
            assert (article_body_and_excerpt(OURS, repaired, 40)
                    == article_body_and_excerpt(REFERENCE, repaired, 40)), name
    return links


@pytest.mark.parametrize("folder", REAL_SETS, ids=lambda p: p.name)
def test_same_html_on_the_real_sets(folder: Path) -> None:
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing: the real sets must be beside the repository")
    assert _assert_same_html(folder) > 0


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, str(GEN), "--n", str(BENCH_ARTICLES), "--out", str(out),
                    "--format", "raw"], check=True, stdout=subprocess.DEVNULL)
    yield out


def test_same_html_on_generated_bench_articles(bench_corpus: Path) -> None:
    # (Bodies only: the raw files are the same Global Research layout as real ones.)
    assert len(_files(bench_corpus)) == BENCH_ARTICLES
    _assert_same_html(bench_corpus, raw_text=False)


# Pieces of URLs and e-mail addresses, and the Markdown syntax around which linkify decides
# (brackets, emphasis, escapes, entities, code, autolinks, line breaks).
PIECES = ("http://", "https://", "HTTP://", "ftp://", "mailto:", "MAILTO:", "//", "://", ":",
          "@", "a", "x.org", "example.com", "www.", "user.name", "/", "/path", "?q=1&b=2",
          "#frag", ".", ",", ";", "!", "?", "(", ")", "[", "]", "![", "](", "[^1]", "]: ",
          "*", "_", "**", "~~", "`", "<", ">", "\\", "&amp;", "&#58;", "'", '"', "-", "1",
          "é", "\u00a0", "\t", " ", " ", "  \n", "\n", "\n\n", "> ", "- ", "| ", "1. ",
          "[a]", "![a]", "\n\n[a]: http://a.org/\n\n", "\n\n[^1]: note\n\n")


# URL-like words: a scheme (or none), a host, then characters a URL may or may not end with.
URLISH = st.builds("".join, st.tuples(
    st.sampled_from(("http://", "https://", "HTTP://", "mailto:", "ftp://", "//", "", "a@")),
    st.sampled_from(("x.org", "example.com", "a", "localhost", "user@x.org", "1.2.3.4",
                     "www.x.org:80", "xn--e1a.org", "münchen.de")),
    st.text(alphabet="/?#=&*_.,;:!()[]<>'\"-~a1@ ", max_size=10)))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(URLISH, st.sampled_from(PIECES)), max_size=30).map("".join))
@example("http://x.org:a11[http://x.orgftp://x.org")  # found by CI on 2026-12-07
def test_same_html_on_generated_text(text: str) -> None:
    assert_same_as_reference(text)


@pytest.mark.parametrize("text", [
    # Labels whose "]" is the last character, the first or hidden; none after a "[".
    "see [a]\n\n[a]: http://a.org/", "![a]\n\n[a]: /i.png", "[a]\n\n[a]: /u", "[a](/u)",
    "[[a]](/u)", "[a", "a]", "[a\\]", "[`]`](/u)", "[^1] and [^2\n\n[^1]: note",
    "x^[note] y", "x^[note", "^[a ^[b] c]", "[]", "![]()", "[a]]", "[ [ [ ]", "![![![a]",
    "<![CDATA[ x ]]>", "[http://a.org/]", "[a](http://a.org/) http://b.org/]",
])
def test_same_html_on_link_labels(text: str) -> None:
    assert (rendered(OURS, text)
            == rendered(REFERENCE, text))


def test_the_reference_fails_where_ours_renders() -> None:
    # The one known difference outside our bounds: while a link label is scanned, the text
    # before the "[" ("abcdefghi") is taken for the scheme of a "://" inside it, and a link
    # read from the wrong place ends before the rule started (RuntimeError). Ours reads the
    # scheme where it is.
    text = "abcdefghi[http://http://ab://]"
    with pytest.raises(RuntimeError):
        render_markdown(REFERENCE, text)
    assert render_markdown(OURS, text) == (
        '<p>abcdefghi[<a href="http://http" rel="nofollow noopener noreferrer">http://http</a>'
        "://ab://]</p>\n", ())


@pytest.mark.parametrize(("text", "expected"), [
    ("abcd[http://x.org/[[] b](/u)",
     '<p>abcd[<a href="http://x.org/%5B%5B%5D" rel="nofollow noopener noreferrer">'
     "http://x.org/[[]</a> b](/u)</p>\n"),
    ("abcd^[http://x/[[]]",
     '<p>abcd^[<a href="http://x/%5B%5B%5D" rel="nofollow noopener noreferrer">'
     "http://x/[[]</a>]</p>\n"),
])
def test_the_same_misread_scheme_without_an_error(text: str, expected: str) -> None:
    # The same misreading where it lands on a URL and raises nothing (found by differential
    # fuzzing): the reference reads "http://x.org/[[]" from the wrong place, skips its
    # brackets, and makes "[http://x.org/[[] b](/u)" a link to /u, though its brackets do
    # not balance. Ours links the URL and leaves the brackets as text.
    assert render_markdown(REFERENCE, text)[0] != expected
    assert render_markdown(OURS, text) == (expected, ())


# --- where the bounds apply -------------------------------------------------------------------

def test_a_run_over_the_bound_is_not_searched_but_the_rest_of_the_paragraph_is() -> None:
    long_run = "http://x.org/" + "a" * MAX_LINK_RUN
    html, _ = render_markdown(OURS, f"see http://a.org/ and {long_run} or b@c.org")
    assert '<a href="http://a.org/"' in html
    assert '<a href="mailto:b@c.org"' in html
    assert "<a href=\"http://x.org/" not in html
    assert long_run in html
    # A run just under the bound is linked as markdown-it-py links it.
    short_run = "http://x.org/" + "a" * (MAX_LINK_RUN - 20)
    assert render_markdown(OURS, short_run) == render_markdown(REFERENCE, short_run)


def test_links_past_the_limit_stay_text_as_written() -> None:
    md = make_markdown(Limits(links_per_article=3))
    text = ("one http://a.org/1 two http://a.org/2\n\nthree c@d.org four "
            "http://a.org/4 five\nhttp://a.org/5")
    html, _, _ = render_markdown_with_excerpt(md, text, 0)
    assert html.count("<a href") == 3
    assert "four http://a.org/4 five\nhttp://a.org/5</p>" in html
    assert md.unlinked is not None
    assert (md.unlinked.count, md.unlinked.text, md.unlinked.line) == (2, "http://a.org/4", 2)
    # Under the limit: every link, and nothing reported.
    html, _, _ = render_markdown_with_excerpt(md, "http://a.org/1 and e@f.org", 0)
    assert html.count("<a href") == 2
    assert md.unlinked is None


def test_links_past_the_limit_are_reported_with_file_and_line() -> None:
    md = make_markdown(Limits(links_per_article=2))
    body = "Intro http://a.org/1.\n\nThen http://a.org/2 and\nhttp://a.org/3 and c@d.org."
    article = Article(title="T", body=body, body_line=5, provenance=Provenance(
        source_path="news/a.txt", sha256="0", layout="plain-text"))
    article_body_and_excerpt(md, article, 0)
    diags = Diagnostics()
    report_markdown_limits(md, article, diags)
    assert [d.format() for d in diags.items] == [
        "news/a.txt:8:1: warning: 2 bare link(s) past the limit of 2 "
        "(limits.links_per_article) left as text, the first 'http://a.org/3' [AG032]"]
    # The next article, under the limit, is not reported.
    article_body_and_excerpt(md, replace(article, body="Only http://a.org/1."), 0)
    report_markdown_limits(md, article, diags)
    assert len(diags.items) == 1



# Bracket-heavy text with references to resolve: a label scan that skips a walk it should
# have made shows here (an off-by-one in _label_end's records was found 2 times in 30,000).
LABELISH = st.builds("".join, st.tuples(
    st.lists(st.sampled_from(("![", "[", "]", "](/u)", "a", " ", "[a]", "]]", "[[", "(", ")",
                              "[^", "^[", "`", "*", "\\[", "\n")), max_size=24).map("".join),
    st.sampled_from(("", "\n\n[a]: /u", "\n\n[a]: /u\n[b]: /v"))))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LABELISH)
def test_same_link_labels_as_markdown_it_pys_scan(text: str) -> None:
    """markdown.py's label scan (which skips walks a failed scan already made) finds the
    labels markdown-it-py's own scan finds, in bracket-heavy text of every nesting."""
    assert_same_as_reference(text)


@pytest.mark.parametrize("text", [
    "![" * 60 + "]", "[" * 60 + "]" * 3, "![" * 30 + "a](/u)" + "]" * 30, "[" * 25 + "]" * 25,
    ("[" * 21 + "]" * 21 + " ") * 3, "![a" * 40 + "]" * 2, "[^" * 30 + "]", "[`" * 30 + "]`",
    # where a scan arriving at a recorded position with level 1 must walk on
    "[a])[[)![a[[a](] ![[]]\n\n[a]: /u", "![[][a](([a][([a]](/u)\n\n[a]: /u\n[b]: /v",
])
def test_same_labels_in_long_runs_and_nestings(text: str) -> None:
    assert (rendered(OURS, text)
            == rendered(REFERENCE, text))


DESTINATIONISH = st.lists(st.sampled_from(
    ("[a](", "](", "(", ")", "\\", "\\ ", "\\(", " ", "\t", "\n", "\x01", "\x7f", "<", ">",
     "a", "/u", "http://x.org/", "&amp;", "%20", "é", "*", "[a]: ", "\"t\"")), max_size=40)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DESTINATIONISH.map("".join))
def test_same_link_destinations_as_markdown_it_pys_scan(text: str) -> None:
    """markdown.py's destination scan (runs of plain characters skipped by a regex) reads
    the destinations markdown-it-py's own reads: escapes, spaces, controls, parentheses."""
    assert_same_as_reference(text)


@pytest.mark.parametrize("text", [
    "[a](" + "(" * 32 + "u" + ")" * 32 + ")", "[a](" + "(" * 33 + "u" + ")" * 33 + ")",
    "[a](u\\)v)", "[a](u\\ v)", "[a](u\\", "[a](<u v>)", "[a](u\x7fv)", "[a](()", "[a]()",
    "[*a](" * 50, "[a]: (u)\n\n[a]", "[a]: u\\\n\n[a]",
    # 32 or 33 "(" before what ends or closes them (decided without reading them), twice in
    # a text, and the same text again (the "(" found are kept for the last text scanned)
    *(f"[a]({'(' * k}{end}" + tail for k in (31, 32, 33, 34)
      for end in (" x", ")", "\\)", "\\(", "\n", "\x01", "u" + ")" * k + ")")
      for tail in ("", " [b](" + "(" * k + "v" + ")" * k + ")")),
])
def test_same_destinations_at_the_edges(text: str) -> None:
    assert rendered(OURS, text) == rendered(REFERENCE, text)


TABLEISH = st.lists(st.sampled_from(
    ("|", "|a", "| b ", "|-", "|:-", "-:|", "|-|-|", "\n", "\n|-|-|\n", "\n|:-|-:|\n", "a|b",
     "\\|", "`|`", "*a*", "[a](/u)", " ", "> ", "- ", "\n\n", "x", "&amp;", "http://a.org/",
     "é", "~~s~~", "![i](/i.png)", "[^1]", "\n\n[^1]: n\n")), max_size=40)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLEISH.map("".join))
def test_same_tables_and_cells_as_markdown_it_py(text: str) -> None:
    """Tables under the cells limit, cells of plain text (one text token without a tokenizer)
    and of markup: as markdown-it-py's table rule and tokenizer make them."""
    assert_same_as_reference(text)


BLOCKISH = st.lists(st.sampled_from(
    ("a", "b c", "# h", "## h", "#x", "> q", ">", "- l", "* l", "+ l", "1. n", "2) n", "10. n",
     "-", "---", "***", "___", "* * *", "===", "```", "~~~", "```py", "<div>", "<!-- c -->",
     "</p>", "<x", "[a]: /u", "[^1]: n", "[a]", "|a|b|", "|-|-|", "a|b", "-|-", "    code",
     "  - nested", "   > q", "\t- t", "", " ", "\\# no", "1.", "- [ ] x", "^[n]")),
    max_size=30)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BLOCKISH.map("\n".join))
def test_same_blocks_as_markdown_it_pys_rule_chains(text: str) -> None:
    """Lines of every kind a block rule starts at, one after another (paragraphs, lists,
    quotes and tables each checking the next line): as markdown-it-py's chains make them."""
    assert_same_as_reference(text)
