"""engine.py's results for plain articles, rendered by markdown-it-pyrs (about nine times faster).

markdown-it-pyrs is a Rust port of markdown-it, as markdown-it-py is a Python one: on plain
Markdown both give the same HTML. engine.py stays the one reference; this path is taken for
a text only where it gives byte for byte what the reference gives (the HTML, the refused
URLs, the excerpt, and nothing set on `md`), and every other text goes to the reference:

- a cheap look at the text first (`eligible`) sends anything the port renders differently or
  our rules change (raw "<", e-mail addresses, footnotes, tables, references, entities,
  links that are not plainly http(s), mailto, a fragment or a path from the root, deep
  nesting) to the reference;
- then the port's HTML is checked (`_vouched`): every href and src plainly allowed, and no
  "://" left in text where our linkify rules would have made a bare link;
- the port's HTML then gets what our renderer adds (rel on external links, loading="lazy"
  on external images), and the excerpt is read from it.

Without markdown-it-pyrs (no wheel for a platform) every text goes to the reference.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markdown_it.common.utils import isPunctChar

from archivegen.markdown.engine import SafeMarkdown, render_markdown_with_excerpt

# The port's CommonMark rules without raw HTML (its "commonmark" preset turns it on), plus the
# extension the reference enables that it renders alike; linkify, footnotes and tables are
# left to the reference.
_RULES: tuple[Any, ...] = (
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
    "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link",
    "newline", "strikethrough")

_parser: Any = None  # the port's parser, made on first use in each process
_looked = False  # whether the port was looked for in this process


def _port() -> Any:
    """The port's parser, or None where markdown-it-pyrs is not installed (no wheel for the
    platform): then the reference renders every text."""
    global _parser, _looked
    if not _looked:
        _looked = True
        try:
            import markdown_it_pyrs
        except ImportError:
            return None
        _parser = markdown_it_pyrs.MarkdownIt("zero").enable_many(list(_RULES))
    return _parser


# What the reference treats its own way, or the port may render differently:
# "<" (raw HTML is text, autolinks are checked by our allowlist), "@" (bare e-mail
# addresses), footnotes ("[^1]", "^[note]"), tables ("|"), reference definitions ("]:"),
# entities, a link destination that is not plainly allowed (any scheme but http(s) and
# mailto may be refused, a relative path is an asset reference), a line starting with a
# long run of container markers or indentation (the parsers' nesting limits differ, and the
# port's recursion has no bound: a long run of "1. " crashed it), control characters and
# the spaces other than " ", tab and newline (the reference trims a paragraph of all that
# Python's strip() removes, the port of ASCII spaces; some end a link destination in one
# and not the other; U+0085, U+2028 and U+2029 are spaces to the port's emphasis only).
_INELIGIBLE = re.compile(
    r"[<@|]|\[\^|\^\[|\]:|&[#A-Za-z0-9]"
    r"|\]\([ \t\r\n]*+(?!https?://|mailto:|[#/?])"
    r"|^[ \t>*+\-0-9.)]{12}"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
    re.MULTILINE)
# With a "://" in the text, a "[" just after letters: the reference's linkify rule reads the
# scheme before a "://" from the text before the label while scanning it (engine.py).
_SCHEME_BEFORE_LABEL = re.compile(r"[A-Za-z0-9.+\-]!?\[")
# A character beside an emphasis or strikethrough delimiter decides whether the run opens or
# closes; to the port a symbol (such as "©" or "°") is punctuation, to the reference a letter.
_BESIDE_DELIMITER = re.compile(r"(?<=[*_~])[^\x00-\x7f]|[^\x00-\x7f](?=[*_~])")


def eligible(text: str) -> bool:
    """Whether the port may render `text` (its HTML is still checked by _vouched)."""
    if _INELIGIBLE.search(text):
        return False
    if "://" in text and _SCHEME_BEFORE_LABEL.search(text):
        return False
    # The port panics on a "`" without its pair inside a link label ("x`y` [`](#)").
    if "`" in text and "[" in text:
        return False
    return all(_same_flanking(m[0]) for m in _BESIDE_DELIMITER.finditer(text))


def _same_flanking(char: str) -> bool:
    """Whether both parsers see `char` alike beside a delimiter: a letter, mark or digit
    (neither space nor punctuation) or punctuation to both."""
    kind = unicodedata.category(char)[0]
    if kind in "LMN":
        return not isPunctChar(char)
    return kind == "P" and isPunctChar(char)


# An href or src that is not plainly allowed (engine.is_allowed_url) or names a local file.
_NOT_PLAIN_URL = re.compile(r'(?:href|src)="(?!https?://|mailto:|[#/?])')
# The parts of the HTML where a "://" is no bare link to the reference: links, code, URLs.
_NO_BARE_LINKS = re.compile(r'<a [^>]*>.*?</a>|<code[^>]*>.*?</code>|(?:src|title)="[^"]*"',
                            re.DOTALL)
_LINK_IN_ALT = re.compile(r'alt="[^"]*//')


def _vouched(text: str, html: str) -> bool:
    """Whether the port's HTML of `text` is what the reference makes, as far as URLs go."""
    if _NOT_PLAIN_URL.search(html):
        return False
    if "://" not in text:
        return True  # (the reference's linkify is off for it, see render_markdown_with_excerpt)
    # A "//" in text, or in an image's alt (whose text is parsed apart, out of any link),
    # may start a bare link to the reference's linkify ("//host/path" is one too).
    return not _LINK_IN_ALT.search(html) and "//" not in _NO_BARE_LINKS.sub("", html)


_EXTERNAL_LINK = re.compile(r'(<a href="(?:https?:)?//[^"]*"(?: title="[^"]*")?)>')
_EXTERNAL_IMAGE = re.compile(r'(<img src="(?:https?:)?//[^"]*" alt="[^"]*"(?: title="[^"]*")?)'
                             r' />')


def _as_reference_renders(html: str) -> str:
    """The port's HTML with the attributes engine.py's renderer adds to links and images,
    and an empty blockquote written on one line as the reference writes it."""
    if "<blockquote>\n</blockquote>" in html:
        html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if "<a " in html:
        html = _EXTERNAL_LINK.sub(r'\1 rel="nofollow noopener noreferrer">', html)
    if "<img " in html:
        html = _EXTERNAL_IMAGE.sub(r'\1 loading="lazy" />', html)
    return html


def render_fast(md: SafeMarkdown, text: str, max_words: int
                ) -> tuple[str, tuple[str, ...], str] | None:
    """render_markdown_with_excerpt's result by the port, or None where it cannot vouch."""
    port = _port()
    if port is None or not eligible(text):
        return None
    try:
        html: str = port.render(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a panic in the port (pyo3's PanicException is no Exception)
        return None
    if not _vouched(text, html):
        return None
    if html.endswith("</code></pre>\n") and not text.endswith("\n"):
        return None  # a fence left open at the end: the port ends its code with a newline
    md.unlinked = None  # (no bare link, no table, no relative URL: see eligible)
    md.table_cut = None
    md.local_refs = ()
    return _as_reference_renders(html), (), excerpt_of_html(html, max_words)


def render_with_excerpt(md: SafeMarkdown, text: str, max_words: int
                        ) -> tuple[str, tuple[str, ...], str]:
    """render_markdown_with_excerpt, by the port where it gives the same result."""
    return render_fast(md, text, max_words) or render_markdown_with_excerpt(md, text, max_words)


# --- the excerpt -----------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"<pre><code[^>]*>.*?</code></pre>", re.DOTALL)
# The tags around the reference's inline tokens (paragraphs, headings, list items): each
# inline token's HTML lies between two of them, and no inline token's HTML holds one.
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|blockquote)(?: [^>]*)?>|<hr />")
_TAG = re.compile(r"<[^>]*>")


def excerpt_of_html(html: str, max_words: int) -> str:
    """engine._excerpt of the tokens that rendered to `html`: the words of each inline token's
    text and code (an image's alt and a code block are none), up to `max_words`."""
    if max_words <= 0:
        return ""
    words: list[str] = []
    for part in _BLOCK_TAG.split(_CODE_BLOCK.sub("", html)):
        # Attribute values and text are escaped (& < > "): the tags end at the first ">".
        words.extend(_TAG.sub("", part).replace("&lt;", "<").replace("&gt;", ">")
                     .replace("&quot;", '"').replace("&amp;", "&").split())
        if len(words) >= max_words:
            break
    if len(words) > max_words:
        return " ".join(words[:max_words]) + " …"
    return " ".join(words)
