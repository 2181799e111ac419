"""The one Markdown renderer: markdown-it-py with raw HTML off and a link allowlist.

Article text comes from the web, so nothing in it may become markup other than what Markdown
itself produces: raw HTML is escaped, and a link or image whose URL is not http(s), mailto,
relative or a fragment is left as literal text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Characters browsers drop from URLs before looking at the scheme ("java\tscript:").
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")


def is_allowed_url(url: str) -> bool:
    """True for http(s), mailto, relative URLs and fragments; false for any other scheme."""
    # markdown-it percent-encodes before validating ("java\tscript:" arrives as "java%09script:").
    compact = _IGNORED_IN_URL.sub("", unquote(url))
    if compact.startswith("//"):
        return True  # protocol-relative: http(s) on the page's own scheme
    m = _SCHEME_RE.match(compact)
    return m is None or m[1].lower() in ALLOWED_SCHEMES


class SafeMarkdown(MarkdownIt):
    """A MarkdownIt whose link validation is our allowlist; remembers what it refused."""

    def __init__(self, *, linkify: bool = True) -> None:
        super().__init__("commonmark", {"html": False, "linkify": linkify,
                                        "typographer": False})
        # Bare URLs and e-mail addresses become links (linkify-it-py); endnotes use footnotes.
        self.enable(["table", "strikethrough", *(["linkify"] if linkify else [])])
        self.use(footnote_plugin)
        if linkify:
            # Only explicit http(s):// URLs and e-mail addresses: "report.md" is not a link.
            assert self.linkify is not None  # linkify-it-py is a dependency
            self.linkify.set({"fuzzy_link": False, "fuzzy_ip": False})
            # linkify-it's own pretest is one large regex run on every text run; with fuzzy
            # links off, a run without "://" or "@" can hold no link: say so cheaply first.
            full_pretest = self.linkify.pretest
            self.linkify.pretest = (
                lambda text: ("://" in text or "@" in text) and full_pretest(text))
        self.rejected: list[str] = []
        self.add_render_rule("link_open", _render_link_open)
        # Linkify scans every text run and costs a third of rendering: texts with no "://" and
        # no "@" cannot hold a bare URL or e-mail address, so they go to this twin without it.
        self.plain: SafeMarkdown = SafeMarkdown(linkify=False) if linkify else self

    def validateLink(self, url: str) -> bool:
        if is_allowed_url(url):
            return True
        self.rejected.append(url)
        return False


def _render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int,
                      options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://", "//")):
        # Links out of the archive: no referrer leak, no opener access, no endorsement.
        token.attrSet("rel", "nofollow noopener noreferrer")
    result: str = self.renderToken(tokens, idx, options, env)
    return result


def make_markdown() -> SafeMarkdown:
    return SafeMarkdown()


def render_markdown(md: SafeMarkdown, text: str) -> tuple[str, tuple[str, ...]]:
    """HTML for `text`, and the URLs that were refused by the allowlist."""
    html, refused, _ = render_markdown_with_excerpt(md, text, 0)
    return html, refused


def render_markdown_with_excerpt(md: SafeMarkdown, text: str, max_words: int
                                 ) -> tuple[str, tuple[str, ...], str]:
    """render_markdown, and the first `max_words` words as plain text from the same parse
    (parsing is most of the cost; a second parse for the excerpt was a sixth of loading)."""
    engine = md if ("://" in text or "@" in text) else md.plain
    engine.rejected = []
    env: dict[str, Any] = {}
    tokens = engine.parse(text, env)
    html: str = engine.renderer.render(tokens, engine.options, env)
    # An image is validated twice (as image, then as link text): report each URL once.
    return html, tuple(dict.fromkeys(engine.rejected)), _excerpt(tokens, max_words)


DERIVED_TITLE_WORDS = 8


def derived_title(md: SafeMarkdown, body: str) -> str:
    """A heading for an article whose source states no title: its first words, marked as
    such by the caller (never stored as the article's title)."""
    return plain_excerpt(md, body, DERIVED_TITLE_WORDS) or "Untitled"


def plain_excerpt(md: SafeMarkdown, text: str, max_words: int) -> str:
    """The first `max_words` words of the text as plain text (no Markdown syntax)."""
    if max_words <= 0:
        return ""
    return _excerpt(md.plain.parse(_leading_paragraphs(text, 2 * max_words + 20), {}),
                    max_words)


def _excerpt(tokens: Sequence[Token], max_words: int) -> str:
    """The words of the text and code of `tokens`, up to `max_words` (then " …")."""
    if max_words <= 0:
        return ""
    words: list[str] = []
    for token in tokens:
        if token.type == "footnote_block_open":
            break  # the endnotes appended to a body are not its opening words
        if token.type != "inline" or not token.children:
            continue
        # The text as shown: pieces join without spaces ("**it**'s" is "it's", and a linked
        # URL is one word with the full stop after it), line breaks are spaces.
        words.extend("".join(child.content if child.type in ("text", "code_inline")
                             else " " if child.type in ("softbreak", "hardbreak") else ""
                             for child in token.children).split())
        if len(words) >= max_words:
            break
    if len(words) > max_words:
        return " ".join(words[:max_words]) + " …"
    return " ".join(words)


def _leading_paragraphs(text: str, words: int) -> str:
    """Whole paragraphs from the start until they hold about `words` words: an excerpt never
    needs the rest, and parsing a long body for its first sentence is most of a build."""
    end = 0
    count = 0
    while count < words:
        cut = text.find("\n\n", end)
        if cut < 0:
            return text
        count += text.count(" ", end, cut) + 1
        end = cut + 2
    return text[:end]


def bare_links(md: SafeMarkdown, text: str) -> list[str]:
    """Bare http(s) URLs and e-mail addresses in Markdown text (outside Markdown links)."""
    found: list[str] = []
    for token in md.parse(text):
        for child in token.children or ():
            if child.type == "link_open" and child.info == "auto":
                found.append(str(child.attrGet("href") or ""))
    return found
