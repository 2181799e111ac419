"""The Markdown renderer: raw HTML escaped, links limited to safe schemes, plain excerpts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.markdown.engine import (
    SafeMarkdown,
    _leading_paragraphs,
    derived_title,
    is_allowed_url,
    make_markdown,
    plain_excerpt,
    render_markdown,
    render_markdown_with_excerpt,
)

REL = 'rel="nofollow noopener noreferrer"'


@pytest.fixture
def md() -> SafeMarkdown:
    return make_markdown()


def tags(html: str) -> list[str]:
    """Names of the HTML elements in `html` (escaped text is not an element)."""
    return [t.lower() for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)]


# --- raw HTML -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("Before <iframe src=//evil></iframe> after", "&lt;iframe src=//evil&gt;"),
        ("<div onclick=\"x()\">\nblock\n</div>", "&lt;div onclick=&quot;x()&quot;&gt;"),
        ("*<b>inline</b>*", "&lt;b&gt;inline&lt;/b&gt;"),
    ],
)
def test_raw_html_is_escaped(md: SafeMarkdown, text: str, escaped: str) -> None:
    html, rejected = render_markdown(md, text)
    assert escaped in html
    assert set(tags(html)) <= {"p", "em"}
    assert rejected == ()


def test_script_never_becomes_an_element(md: SafeMarkdown) -> None:
    text = "# T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>"
    html, _ = render_markdown(md, text)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcimgscrptonerr!-[]()`\n*"))))
def test_no_dangerous_elements_from_any_text(text: str) -> None:
    html, _ = render_markdown(make_markdown(), text)
    assert not {"script", "img", "iframe", "svg", "object", "style"} & set(tags(html))
    assert not re.search(r"<[^>]*\son\w+=", html)


# --- links ----------------------------------------------------------------------------------

BAD_LINKS = [
    ("[x](javascript:alert(1))", "javascript:alert(1)"),
    ("[x](JAVASCRIPT:alert(1))", "JAVASCRIPT:alert(1)"),
    ("[x](JavaScript:alert(1))", "JavaScript:alert(1)"),
    ("[x](vbscript:msgbox(1))", "vbscript:msgbox(1)"),
    ("[x](data:text/html,<b>hi</b>)", None),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html;base64,PHNjcmlwdD4="),
    ("[x]( javascript:alert(1))", "javascript:alert(1)"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("[x][r]\n\n[r]: javascript:alert(1)", "javascript:alert(1)"),
]


@pytest.mark.parametrize(("text", "url"), BAD_LINKS)
def test_disallowed_scheme_is_not_a_link_and_is_reported(md: SafeMarkdown, text: str,
                                                         url: str | None) -> None:
    html, rejected = render_markdown(md, text)
    assert "<a" not in html
    assert "href=" not in html
    assert rejected, "the refused URL must be reported"
    if url is not None:
        assert url in rejected


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("![i](data:image/png;base64,AAAA)", "data:image/png;base64,AAAA"),
        ("![i](javascript:alert(1))", "javascript:alert(1)"),
    ],
)
def test_disallowed_image_is_not_an_img_and_is_reported(md: SafeMarkdown, text: str,
                                                        url: str) -> None:
    html, rejected = render_markdown(md, text)
    assert "<img" not in html
    assert "src=" not in html
    assert url in rejected


@pytest.mark.parametrize("text", ["[x](<java\tscript:alert(1)>)",
                                  "[x](java&#9;script:alert(1))",
                                  "![i](<java\tscript:alert(1)>)"])
def test_scheme_with_ignored_characters_is_refused(md: SafeMarkdown, text: str) -> None:
    # Browsers drop tabs and newlines from URLs before reading the scheme; the allowlist
    # is meant to see "java\tscript:" as "javascript:".
    html, rejected = render_markdown(md, text)
    assert "<a" not in html
    assert "<img" not in html
    assert len(rejected) >= 1


def test_refused_image_url_is_reported_once(md: SafeMarkdown) -> None:
    # One bad image in the text is one AG031 warning for the user, not two.
    _, rejected = render_markdown(md, "![i](data:image/png;base64,AAAA)")
    assert rejected == ("data:image/png;base64,AAAA",)


def test_rejected_is_per_call(md: SafeMarkdown) -> None:
    _, first = render_markdown(md, "[x](javascript:a())")
    _, second = render_markdown(md, "[y](http://example.org/)")
    assert first == ("javascript:a()",)
    assert second == ()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                 "java\tscript:alert(1)", " javascript:x", "java\nscript:x",
                                 "\x00javascript:x", "vbscript:x", "VBScript:x",
                                 "data:text/html,x", "file:///etc/passwd", "ftp://x/"])
def test_is_allowed_url_refuses(url: str) -> None:
    assert not is_allowed_url(url)


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org/a?b#c",
                                 "HTTPS://EXAMPLE.ORG/", "mailto:a@example.org", "../x/",
                                 "/2017/05/30/a/", "x.html", "#frag", "//example.org/x",
                                 "?q=1", ""])
def test_is_allowed_url_accepts(url: str) -> None:
    assert is_allowed_url(url)


@pytest.mark.parametrize(
    ("text", "href", "external"),
    [
        ("[a](http://example.org/x)", "http://example.org/x", True),
        ("[a](https://example.org/x)", "https://example.org/x", True),
        ("[a](//example.org/x)", "//example.org/x", True),
        ("[a](mailto:me@example.org)", "mailto:me@example.org", False),
        ("[a](../other/)", "../other/", False),
        ("[a](/2017/05/30/x/)", "/2017/05/30/x/", False),
        ("[a](#notes)", "#notes", False),
        ("<https://example.org/auto>", "https://example.org/auto", True),
    ],
)
def test_allowed_links_render(md: SafeMarkdown, text: str, href: str, external: bool) -> None:
    html, rejected = render_markdown(md, text)
    assert rejected == ()
    match = re.search(r"<a ([^>]*)>", html)
    assert match is not None, html
    attrs = match[1]
    assert f'href="{href}"' in attrs
    assert (REL in attrs) is external


def test_allowed_image_renders(md: SafeMarkdown) -> None:
    html, rejected = render_markdown(md, "![alt text](https://example.org/p.png)")
    assert rejected == ()
    assert '<img src="https://example.org/p.png" alt="alt text"' in html


def test_link_text_is_escaped(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, '[<b>"x"</b>](https://example.org/?a=1&b=2)')
    assert "&lt;b&gt;" in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html


# --- ordinary Markdown ----------------------------------------------------------------------

def test_bold_is_strong(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, "some **bold** text")
    assert html == "<p>some <strong>bold</strong> text</p>\n"


def test_common_markdown(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, "# Head\n\n*em* ~~gone~~\n\n- one\n- two\n\n> quote\n")
    assert "<h1>Head</h1>" in html
    assert "<em>em</em>" in html
    assert "<s>gone</s>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


def test_tables_enabled(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_bare_urls_and_emails_become_safe_links(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, "see http://example.org/ now, or press@example.org")
    assert ('<a href="http://example.org/" rel="nofollow noopener noreferrer">'
            "http://example.org/</a>") in html
    assert '<a href="mailto:press@example.org">press@example.org</a>' in html


def test_only_explicit_urls_are_linkified(md: SafeMarkdown) -> None:
    html, _ = render_markdown(md, "files report.md and example.org and www.example.org")
    assert "<a" not in html


# --- excerpts -------------------------------------------------------------------------------

def test_excerpt_strips_markdown_syntax(md: SafeMarkdown) -> None:
    text = "# Title\n\nSome **bold** and _it_ [link](http://x.org) `code` here.\n"
    assert plain_excerpt(md, text, 40) == "Title Some bold and it link code here."


def test_excerpt_cuts_at_max_words_with_ellipsis(md: SafeMarkdown) -> None:
    text = "one two **three** four\n\nfive six seven"
    assert plain_excerpt(md, text, 3) == "one two three …"
    assert plain_excerpt(md, text, 5) == "one two three four five …"


def test_excerpt_exactly_max_words_has_no_ellipsis(md: SafeMarkdown) -> None:
    assert plain_excerpt(md, "one two three", 3) == "one two three"
    assert plain_excerpt(md, "one two\n\nthree", 3) == "one two three"


@pytest.mark.parametrize("words", [0, -1])
def test_excerpt_of_zero_words_is_empty(md: SafeMarkdown, words: int) -> None:
    assert plain_excerpt(md, "one two three", words) == ""


def test_excerpt_of_empty_text(md: SafeMarkdown) -> None:
    assert plain_excerpt(md, "", 10) == ""


def test_excerpt_keeps_html_as_text_not_markup(md: SafeMarkdown) -> None:
    # The excerpt is plain text; the template escapes it. It must not drop words.
    assert plain_excerpt(md, "a <b>c</b> d", 10) == "a <b>c</b> d"


@pytest.mark.slow
@settings(max_examples=200)
@given(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=60),
       st.integers(min_value=1, max_value=50))
def test_excerpt_word_count(words: list[str], max_words: int) -> None:
    excerpt = plain_excerpt(make_markdown(), " ".join(words), max_words)
    if len(words) > max_words:
        assert excerpt == " ".join(words[:max_words]) + " …"
    else:
        assert excerpt == " ".join(words)


# The pieces a body is made of: words, inline Markdown, links, bare URLs, code, headings,
# lists, quotes, footnote markers. No reference definitions: one changes how text before it
# parses, which the excerpt of the whole body sees and the excerpt of its opening does not.
BODY_PIECES = st.sampled_from([
    "word", "two words", "**bold**", "_it_", "`code`", "[a link](http://x.org/p)",
    "see https://example.org/a?b=c.", "mail me@example.org", "# Heading", "- item",
    "> quoted", "a <b>tag</b>", "&amp;", "note[^1]", "1. first", "~~gone~~",
])


@pytest.mark.slow
@settings(max_examples=300)
@given(st.lists(st.lists(BODY_PIECES, min_size=1, max_size=8).map(" ".join), max_size=12)
       .map("\n\n".join), st.integers(min_value=0, max_value=40), st.booleans())
def test_excerpt_from_the_body_parse_is_the_plain_excerpt(body: str, max_words: int,
                                                         notes: bool) -> None:
    # Loading takes the excerpt from the tokens of the body's own parse (one parse, not
    # two); it must be what plain_excerpt gives, endnotes appended or not. With its endnote
    # appended, a marker is a footnote reference, not text.
    md = make_markdown()
    source = body + ("\n\n[^1]: An endnote with words." if notes else "")
    html, refused, excerpt = render_markdown_with_excerpt(md, source, max_words)
    assert (html, refused) == render_markdown(md, source)
    shown = body.replace("[^1]", "") if notes else body
    assert excerpt == plain_excerpt(md, shown, max_words)


def test_a_derived_heading_reads_only_the_start_of_a_long_first_block() -> None:
    """A body of 20,000 headings on consecutive lines (no blank line) was parsed whole a
    second time for its eight-word heading; now about 16 KB of it, cut at a line end."""
    body = "\n".join(f"## Heading number {i} of many" for i in range(20_000))
    lead = _leading_paragraphs(body, 36)
    assert 16_000 <= len(lead) < 16_100 and body.startswith(lead + "\n")
    assert derived_title(make_markdown(), body) == "Heading number 0 of many Heading number 1 …"


@pytest.mark.parametrize(("text", "lazy"), [
    ("![map](https://example.org/map.png)", True),
    ("![map](//cdn.example.org/map.png)", True),
    ("![map](http://example.org/map.png \"A map\")", True),
    ("![map](images/map.png)", False),
    ("![map](/images/map.png)", False),
])
def test_remote_images_load_lazily(text: str, lazy: bool) -> None:
    html, _ = render_markdown(make_markdown(), text)
    assert html.count("<img ") == 1
    assert ('loading="lazy"' in html) is lazy
