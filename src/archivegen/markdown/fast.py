"""engine.py's results for plain articles, by markdown-it-pyrs (a Rust port of markdown-it).

markdown-it-py (engine.py) stays the one reference; this path is taken for a text only where
it gives byte for byte what the reference gives (the HTML, the refused URLs, the excerpt, and
what `md` remembers), and every other text goes to the reference. On the bench corpus it
renders an article about seven times faster, checks included.

- A cheap look at the text first (`eligible`) sends to the reference anything the port
  renders differently or our rules change: raw "<", e-mail addresses, footnotes, tables,
  reference definitions, entities, links that are not plainly http(s), mailto, a fragment
  or a path from the root, control characters and non-ASCII spaces, symbols beside
  emphasis delimiters, deep nesting, and long texts full of delimiters or brackets.
- The port's HTML is then checked (`_vouched`): every href and src plainly allowed, no
  non-ASCII host, and no "//" left in text or alt where our linkify would make a bare link.
- It then gets what our renderer adds (rel on external links, loading="lazy" on external
  images, an empty blockquote on one line), and the excerpt is read from it.

Without markdown-it-pyrs (no wheel for a platform), or if it panics, the reference renders.
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


# What the reference treats its own way, or the port may render differently. Checked one
# at a time (a search for one character or string is fast, an alternation of them is not):
# "<" (raw HTML is text, autolinks are checked by our allowlist), "@" (bare e-mail
# addresses), "|" (tables), "^" (footnotes "[^1]" and "^[note]"), "]:" (reference
# definitions), entities, ...
_ENTITY = re.compile(r"&[#A-Za-z0-9]")
# ... control characters and the spaces other than " ", tab and newline (the reference trims
# a paragraph of all that Python's strip() removes, the port of ASCII spaces; some end a
# link destination in one and not the other; U+0085, U+2028 and U+2029 are spaces to the
# port's emphasis only), ...
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROLS_AND_SPACES = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# ... a link destination that is not plainly allowed (any scheme but http(s) and mailto may
# be refused, and its URL recorded; a relative path is an asset reference), ...
_NOT_PLAIN_DESTINATION = re.compile(r"\]\([ \t\r\n]*+(?!https?://|mailto:|[#/?])")
# ... and a line starting with a long run of container markers or indentation (the parsers'
# nesting limits differ, and the port's recursion has no bound: a long run of "1. " made it
# overflow its stack).
_DEEP_LINE = re.compile(r"\n[ \t>*+\-0-9.)]{12}")
_DEEP_START = re.compile(r"[ \t>*+\-0-9.)]{12}")
# A text longer than this takes the fast path only with few delimiters and brackets: the
# port's emphasis pairing is quadratic in a paragraph's delimiter runs ("**a*" repeated),
# and its label scans are slower than linear in a run of "[" (the reference's are bounded).
_LONG_TEXT = 20_000
_MAX_MARKERS = 2_000


def eligible(text: str) -> bool:
    """Whether the port may render `text` (its HTML is still checked by _vouched)."""
    if "<" in text or "@" in text or "|" in text or "^" in text or "]:" in text:
        return False
    if (_CONTROLS if text.isascii() else _CONTROLS_AND_SPACES).search(text):
        return False
    if ("&" in text and _ENTITY.search(text)) or _NOT_PLAIN_DESTINATION.search(text):
        return False
    if _DEEP_START.match(text) or _DEEP_LINE.search(text):
        return False
    # The port panics on a "`" without its pair inside a link label ("x`y` [`](#)").
    if "`" in text and "[" in text:
        return False
    if len(text) > _LONG_TEXT and (
            text.count("*") + text.count("_") + text.count("~") > _MAX_MARKERS
            or text.count("[") > _MAX_MARKERS):
        return False
    if text.count("[") > _MAX_LABEL_DEPTH and _labels_nest_deeper(text):
        return False
    if "://" in text and _scheme_before_label(text):
        return False
    return text.isascii() or _same_flanking_around_delimiters(text)


# Labels nested deeper than this (the reference stops nesting at 20 levels, the port does not)
# go to the reference.
_MAX_LABEL_DEPTH = 16
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]()]", re.DOTALL)


def _labels_nest_deeper(text: str) -> bool:
    """Whether "[" may nest more than _MAX_LABEL_DEPTH deep. An upper bound: a "]" closes
    one only outside parentheses (a "]" in a link's destination closes none); an escaped
    bracket neither opens nor closes one."""
    depth = parens = 0
    for found in _BRACKET_OR_ESCAPE.finditer(text):
        char = found[0]
        if char == "[":
            depth += 1
            if depth > _MAX_LABEL_DEPTH:
                return True
        elif char == "]":
            depth -= depth > 0 and parens == 0
        elif char == "(":
            parens += 1
        elif char == ")":
            parens -= parens > 0
    return False


def _scheme_before_label(text: str) -> bool:
    """Whether a "[" (or "![") follows a letter, digit or one of ".+-": the reference's
    linkify rule, asked while a label is scanned, reads the scheme of a "://" in the label
    from the text before the label (engine.py), and may take a link the port does not."""
    for found in re.finditer(r"\[", text):
        at = found.start() - 1
        if at >= 0 and text[at] == "!":
            at -= 1
        if at >= 0 and (text[at].isascii() and (text[at].isalnum() or text[at] in ".+-")):
            return True
    return False


def _same_flanking_around_delimiters(text: str) -> bool:
    """Whether both parsers see alike every non-ASCII character beside an emphasis or
    strikethrough delimiter (whether a run opens or closes depends on it): a letter, mark
    or digit (neither space nor punctuation) or punctuation to both. To the port a symbol
    such as "©" or "°" is punctuation, to the reference a letter."""
    for found in re.finditer(r"[*_~]", text):
        at = found.start()
        for char in text[at - 1:at] + text[at + 1:at + 2]:
            if not char.isascii() and not _same_flanking(char):
                return False
    return True


def _same_flanking(char: str) -> bool:
    kind = unicodedata.category(char)[0]
    if kind in "LMN":
        return not isPunctChar(char)
    return kind == "P" and isPunctChar(char)


# An href or src that is not plainly allowed (engine.is_allowed_url) or names a local file
# (found by its '="', then told from an alt or title by the letter before it).
_NOT_PLAIN_URL = re.compile(r'="(?!https?://|mailto:|[#/?])(?<=[fc]=")')
# A host name the port percent-encoded: the reference writes a non-ASCII one in punycode.
_ENCODED_HOST = re.compile(r'="(?:https?:)?//[^/?#"]*%')
# A "//" that does not start the URL of an href or src: most likely none.
_OTHER_SLASHES = re.compile(r'//(?<!="http://)(?<!="https://)(?<!="//)')
# The parts of the HTML where a "//" is no bare link to the reference: links, code, URLs.
_NO_BARE_LINKS = re.compile(r'<a [^>]*>.*?</a>|<code[^>]*>.*?</code>|(?:src|title)="[^"]*"',
                            re.DOTALL)
_LINK_IN_ALT = re.compile(r'alt="[^"]*//')


def _vouched(text: str, html: str) -> bool:
    """Whether the port's HTML of `text` is what the reference makes, as far as URLs go."""
    if _NOT_PLAIN_URL.search(html):
        return False
    if not text.isascii() and _ENCODED_HOST.search(html):
        return False
    if "://" not in text or not _OTHER_SLASHES.search(html):
        return True  # (the reference's linkify is off for a text without "://")
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

# What separates the reference's inline tokens in their HTML (paragraphs, headings, list
# items), and code blocks (which are none): each inline token's HTML lies between two of
# these, and no inline token's HTML holds one.
_BETWEEN_INLINES = re.compile(
    r"<pre><code[^>]*>.*?</code></pre>|</?(?:p|h[1-6]|li|ul|ol|blockquote)>|<hr />", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def excerpt_of_html(html: str, max_words: int) -> str:
    """engine._excerpt of the tokens that rendered to `html`: the words of each inline token's
    text and code (an image's alt and a code block are none), up to `max_words`."""
    if max_words <= 0:
        return ""
    words: list[str] = []
    start = 0
    for between in _BETWEEN_INLINES.finditer(html + "<p>"):
        part = html[start:between.start()]
        start = between.end()
        # Attribute values and text are escaped (& < > "): a tag ends at the first ">".
        words.extend(_TAG.sub("", part).replace("&lt;", "<").replace("&gt;", ">")
                     .replace("&quot;", '"').replace("&amp;", "&").split())
        if len(words) >= max_words:
            break
    if len(words) > max_words:
        return " ".join(words[:max_words]) + " …"
    return " ".join(words)
