"""The one Markdown renderer: markdown-it-py with raw HTML off and a link allowlist.

Article text comes from the web, so nothing in it may become markup other than what Markdown
itself produces: raw HTML is escaped, and a link or image whose URL is not http(s), mailto,
relative or a fragment is left as literal text.

Bare URLs and e-mail addresses become links through our own two linkify rules, which give
markdown-it-py's results in linear time (its own rules took time quadratic in the number of
`://` in a paragraph, and linkify-it's patterns rescan a run of text without spaces for every
candidate in it). Two bounds: a bare link is looked for only in a run of at most MAX_LINK_RUN
characters without a space (no real URL comes near it), and an article makes at most
`Limits.links_per_article` of them; the rest stay text (the loader warns, AG032).

A link label ("[text]", "![alt]", "^[note]") is not scanned for when no "]" follows: the
scan tried every rule at every character and nested to the parser's limit, so runs of "!["
or `<![CDATA[` cost about 100 times what prose does per byte (the same HTML either way).
"""

from __future__ import annotations

import bisect
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote

from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result as _DestinationResult
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_inline

from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.markdown.block_dispatch import DispatchingBlockRuler
from archivegen.markdown.inline_dispatch import DispatchingInline
from archivegen.markdown.table_budget import TableCut, bound_tables, table_cut

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


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalRef:
    """An image or link of the text that names a file by a relative path ("img/map.png")."""

    kind: str  # "image" or "link"
    url: str  # as the page carries it (markdown-it's normalised URL)
    line: int  # 0-based line in the Markdown text rendered


_QUERY_OR_FRAGMENT = re.compile(r"[?#]")


def local_path(url: str) -> str | None:
    """The path a relative URL names in the site's folders (its query and fragment cut,
    percent-decoded), or None: a URL with a scheme (http:, mailto:), one from the site's
    root or another host ("/", "//"), a fragment or query alone ("#notes", "?x").
    The path is not checked here (it may climb with ".."): load/assets.py decides."""
    if not url or url[0] in "/#?\\" or _SCHEME_RE.match(url):
        return None
    path = _QUERY_OR_FRAGMENT.split(url, maxsplit=1)[0]
    return unquote(path) if path else None


def _local_refs(tokens: Sequence[Token]) -> tuple[LocalRef, ...]:
    """The images and written links of `tokens` whose URL names a relative path, in the
    order of the text (bare links are always http(s) or mailto)."""
    found: list[LocalRef] = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image" or (child.type == "link_open"
                                           and child.markup != "linkify"):
                url = str(child.attrGet("src" if child.type == "image" else "href") or "")
                if local_path(url) is not None:
                    found.append(LocalRef(kind="image" if child.type == "image" else "link",
                                          url=url, line=line))
    return tuple(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnlinkedLinks:
    """Bare links past the article's limit, left as text: how many, and the first of them."""

    count: int
    line: int  # 0-based line of the first one in the Markdown text rendered
    text: str


class SafeMarkdown(MarkdownIt):
    """A MarkdownIt whose link validation is our allowlist; remembers what it refused."""

    def __init__(self, *, linkify: bool = True, limits: Limits = DEFAULT_LIMITS) -> None:
        super().__init__("commonmark", {"html": False, "linkify": linkify,
                                        "typographer": False})
        self.inline = DispatchingInline.replacing(self.inline)
        self.block.ruler = DispatchingBlockRuler.replacing(self.block.ruler)
        # Bare URLs and e-mail addresses become links (linkify-it-py); endnotes use footnotes.
        self.enable(["table", "strikethrough", *(["linkify"] if linkify else [])])
        self.use(footnote_plugin)
        bound_tables(self, limits.table_cells)
        self.inline.ruler.at("footnote_inline", _footnote_inline)
        if linkify:
            # Only explicit http(s):// URLs and e-mail addresses: "report.md" is not a link.
            assert self.linkify is not None  # linkify-it-py is a dependency
            self.linkify.set({"fuzzy_link": False, "fuzzy_ip": False})
            # linkify-it's own pretest is one large regex run on every text run; with fuzzy
            # links off, a run without "://" or "@" can hold no link: say so cheaply first.
            full_pretest = self.linkify.pretest
            self.linkify.pretest = (
                lambda text: ("://" in text or "@" in text) and full_pretest(text))
            self.inline.ruler.at("linkify", _linkify_inline)
            self.core.ruler.at("linkify", _linkify_core)
            self.core.ruler.after("linkify", "links_per_article", _limit_links)
        self.limits = limits
        self.rejected: list[str] = []
        # Set by render_markdown_with_excerpt: the bare links its text had past the limit.
        self.unlinked: UnlinkedLinks | None = None
        # Set by render_markdown_with_excerpt: its text's first table cut short, if any.
        self.table_cut: TableCut | None = None
        # Set by render_markdown_with_excerpt: the images and links of its text that name a
        # file by a relative path (assets beside the article).
        self.local_refs: tuple[LocalRef, ...] = ()
        self.add_render_rule("link_open", _render_link_open)
        self.add_render_rule("image", _render_image)
        # The link and image rules find a label's end and a destination through md.helpers
        # (a module: this instance gets a copy of it, with our scans).
        self.helpers = types.ModuleType("archivegen_markdown_helpers")
        vars(self.helpers).update(vars(helpers), parseLinkLabel=_parse_link_label,
                                  parseLinkDestination=_parse_link_destination)
        # Linkify scans every text run and costs a third of rendering: texts with no "://" and
        # no "@" cannot hold a bare URL or e-mail address, so they go to this twin without it.
        self.plain: SafeMarkdown = SafeMarkdown(linkify=False, limits=limits) if linkify else self

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


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int,
                  options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    if str(token.attrGet("src") or "").startswith(("http://", "https://", "//")):
        # A picture from elsewhere loads as the reader scrolls to it, not with the page (an
        # archive page may show dozens; nothing is fetched at build time either way).
        token.attrSet("loading", "lazy")
    result: str = RendererHTML.image(self, tokens, idx, options, env)
    return result


def make_markdown(limits: Limits = DEFAULT_LIMITS) -> SafeMarkdown:
    return SafeMarkdown(limits=limits)


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
    md.unlinked = env.get(_UNLINKED_KEY)
    md.table_cut = table_cut(env)
    md.local_refs = _local_refs(tokens)
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


# Past this many characters of one block (no blank line), the lines after it are left out
# too: a body of 20,000 headings or list items on consecutive lines was parsed whole again
# for an eight-word heading. (Only a reference definition that far below could change the
# first words.)
_LONGEST_LEAD = 16_000


def _leading_paragraphs(text: str, words: int) -> str:
    """Whole paragraphs from the start until they hold about `words` words: an excerpt never
    needs the rest, and parsing a long body for its first sentence is most of a build."""
    end = 0
    count = 0
    while count < words:
        cut = text.find("\n\n", end)
        if cut < 0 or cut - end > _LONGEST_LEAD:
            line_end = text.find("\n", end + _LONGEST_LEAD)
            return text if line_end < 0 else text[:line_end]
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


# --- link labels ---------------------------------------------------------------------------

_CLOSES_KEY = "archivegen_closes"


def _parse_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """markdown-it-py's parseLinkLabel, at once -1 when no "]" follows `start` in the text.

    Its scan tries every inline rule at every position of the label, and at each "[" and "!["
    scans a nested label, to the parser's nesting limit: a run of unclosed "![" (or
    `<![CDATA[`) cost about 100 times what prose does per byte. A label ends at a "]", so
    with none ahead the scan can find nothing. Otherwise _label_end scans as it does."""
    if not _closed_after(state, start):
        return -1
    return _label_end(state, start, disableNested)


# Key (in state.cache, whose own keys are ints) of what a failed label scan learned about
# each position it passed: see _label_end.
_LOW_KEY = "archivegen_label_low"
_NEVER = 1 << 30  # no "]" ahead: the level never drops


def _label_end(state: StateInline, start: int, disable_nested: bool) -> int:
    """markdown-it-py's parseLinkLabel (the "]" that brings the bracket level from 1 to 0,
    stepping token by token through skipToken's cache), in time linear in the paragraph.

    Its scan walks from each "[" to the paragraph's end or nesting limit: in a run of "!["
    closed by one "]" every label walked the same ~20 cached positions (the nesting limit),
    157 times what prose costs per byte. The walk from a position is the same whatever scan
    arrives there (the cache is filled once per position); only the level it arrives with
    differs. So a failed scan records, for each position it passed, the lowest level the
    walk from there reached relative to its level on arrival; a later scan arriving there
    with a level that stays above 0 by that much fails too, without walking."""
    src, end = state.src, state.posMax
    cache = cast("dict[object, int]", state.cache)  # (skipToken's ints, and our tuples)
    old_pos = state.pos
    pos, level = start + 1, 1
    passed: list[tuple[int, int, int]] = []  # (position, level on arrival, level after it)
    tail_low = _NEVER  # the lowest level reached past the last position passed
    found = -1
    while pos < end:
        known = cache.get((_LOW_KEY, pos, disable_nested, end))
        if known is not None and level + known > 0:
            tail_low = level + known
            break
        marker = src[pos]
        arrived = level
        if marker == "]":
            level -= 1
            if level == 0:
                found = pos
                break
        passed.append((pos, arrived, level if marker == "]" else _NEVER))
        step = cache.get(pos)
        if step is None:
            state.pos = pos
            state.md.inline.skipToken(state)
            step = state.pos
        if marker == "[":
            if step == pos + 1:  # a "[" that is text, not part of a token, nests
                level += 1
            elif disable_nested:
                break
        pos = step
    state.pos = old_pos
    if found < 0:
        low = tail_low
        for position, arrived, after in reversed(passed):
            low = min(low, after)
            cache[(_LOW_KEY, position, disable_nested, end)] = low - arrived
    return found


# What a bare link destination may hold without the scan looking at it: all but spaces,
# controls, backslashes and parentheses.
_DESTINATION_RUN_RE = re.compile(r"[^ \x00-\x1f\x7f\\()]+")
_MAX_DESTINATION_PARENS = 32  # markdown-it-py's nesting limit of "(" in a destination


def _parse_link_destination(string: str, pos: int, maximum: int) -> Any:
    """markdown-it-py's parseLinkDestination, the same result, with the runs of characters
    it only steps over skipped by one regex match. Each "[text](" tries a destination, and
    an unclosed one is read to the end of its line or to 32 nested "(": a paragraph of
    "[*a](" cost 80 times what prose does per byte, reading it a character at a time."""
    if string.startswith("<", pos):  # the <...> form stops at its first ">" or line end
        return helpers.parseLinkDestination(string, pos, maximum)
    if _too_deep(string, pos, maximum):
        return _DestinationResult()
    start, level = pos, 0
    while pos < maximum:
        run = _DESTINATION_RUN_RE.match(string, pos, maximum)
        if run:
            pos = run.end()
            if pos >= maximum:
                break
        char = string[pos]
        if char <= " " or char == "\x7f":  # a space or a control character ends it
            break
        if char == "\\" and pos + 1 < maximum:
            if string[pos + 1] == " ":
                break
            pos += 2
            continue
        if char == "(":
            level += 1
            if level > _MAX_DESTINATION_PARENS:
                return _DestinationResult()
        elif char == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    result = _DestinationResult()
    if pos > start and level == 0:
        result.str = unescapeAll(string[start:pos])
        result.pos = pos
        result.ok = True
    return result


# Where a destination's scan may stop or step back (spaces, controls, backslashes, ")") and
# where it nests ("("), in the last text scanned: found once per text, not once per "](".
_DESTINATION_STOP_RE = re.compile(r"[\x00-\x20\x7f\\)]")
_last_destination_text: list[tuple[str, list[int], list[int]]] = []


def _too_deep(string: str, pos: int, maximum: int) -> bool:
    """Whether the scan from `pos` meets more than 32 "(" before anything that could end or
    close them (it then fails there): decided by two binary searches, not by reading up to
    32 nested "(" again from every "[text](" of a paragraph such as "[*a](" repeated."""
    if not _last_destination_text or _last_destination_text[0][0] is not string:
        stops = [m.start() for m in _DESTINATION_STOP_RE.finditer(string)]
        opens = [m.start() for m in re.finditer(r"\(", string)]
        _last_destination_text[:] = [(string, stops, opens)]
    _, stops, opens = _last_destination_text[0]
    k = bisect.bisect_left(stops, pos)
    stop = min(stops[k] if k < len(stops) else maximum, maximum)
    first = bisect.bisect_left(opens, pos)
    return first + _MAX_DESTINATION_PARENS < len(opens) and \
        opens[first + _MAX_DESTINATION_PARENS] < stop


def _footnote_inline(state: StateInline, silent: bool) -> bool:
    """The footnote plugin's `^[note]` rule (which calls markdown-it-py's label scan itself),
    not tried when no "]" follows: a run of "[^" was as slow as one of "["."""
    if state.src.startswith("^[", state.pos) and not _closed_after(state, state.pos + 1):
        return False
    found: bool = footnote_inline(state, silent)
    return found


def _closed_after(state: StateInline, start: int) -> bool:
    """Whether a "]" follows `start` before the end of the text parsed (the "]"s of a text are
    found once, kept in env: searching from each "[" would be quadratic)."""
    cache: dict[str, list[int]] = state.env.setdefault(_CLOSES_KEY, {})
    closes = cache.get(state.src)
    if closes is None:
        closes = cache[state.src] = [m.start() for m in re.finditer(r"\]", state.src)]
    k = bisect.bisect_right(closes, start)
    return k < len(closes) and closes[k] < state.posMax


# --- bare links ------------------------------------------------------------------------------

# A run of text without a space longer than this is not searched for bare links: linkify-it's
# patterns may read to the end of the run for each candidate in it (`http://x.org/[` repeated
# was quadratic, 25 s for 56 KB), so a run's cost is bounded by its length squared. The
# longest URL in the real sets is 208 characters.
MAX_LINK_RUN = 1000
# markdown-it-py's scheme pattern: the letters before a "://" (searched in the text before it).
_LINKIFY_SCHEME_RE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)
# Only a known scheme can start a link (the longest is "mailto"): the scheme is looked for
# in this many characters before the "://", not in all the text since the last token (that
# was quadratic in a paragraph of "http:// " fragments). A longer run of letters is no scheme
# either way.
_SCHEME_WINDOW = 64
_SPACE_RE = re.compile(r"\s")  # (every one is a space or control character to linkify-it)
_SPACES_KEY = "archivegen_spaces"
_UNLINKED_KEY = "archivegen_unlinked"


def _run_around(state: StateInline, index: int) -> tuple[int, int]:
    """Start and end of the run without spaces of state.src that holds `index`.

    The spaces of the inline text are found once per text (kept in env), then each run is a
    binary search: rescanning for each "://" was quadratic in a long run."""
    cache: dict[str, list[int]] = state.env.setdefault(_SPACES_KEY, {})
    spaces = cache.get(state.src)
    if spaces is None:
        spaces = cache[state.src] = [m.start() for m in _SPACE_RE.finditer(state.src)]
    k = bisect.bisect_left(spaces, index)
    return (spaces[k - 1] + 1 if k else 0), (spaces[k] if k < len(spaces) else len(state.src))


def _linkify_inline(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's inline linkify rule (rules_inline/linkify.py), the same links in
    linear time: URLs with a scheme, found as the parser reaches their "://"."""
    if not state.md.options.linkify or state.linkLevel > 0:
        return False
    linkify = state.md.linkify
    assert linkify is not None  # linkify-it-py is a dependency
    pos = state.pos
    src = state.src
    if pos + 3 > state.posMax or src[pos:pos + 3] != "://":
        return False
    pending = state.pending
    found = _LINKIFY_SCHEME_RE.search(pending, max(0, len(pending) - _SCHEME_WINDOW))
    if not found:
        return False
    proto = found.group(1)
    start = pos - len(proto)
    # `pending` is stale while a link label is scanned (validation mode), and markdown-it-py
    # then took a scheme that is not before the "://" at all (`[HTTP://HTTP://` raised
    # RuntimeError): the scheme must be the text just before it.
    if src[start:pos] != proto:
        return False
    run_start, run_end = _run_around(state, pos)
    if run_end - run_start > MAX_LINK_RUN:
        return False
    # linkify-it reads no further than the first space after the link (it can be no part
    # of one): its run and that space are all it needs, not the rest of the paragraph.
    link = linkify.match_at_start(src[start:run_end + 1])
    if not link:
        return False
    url: str = link.url.rstrip("*")  # a '*' at the end is emphasis, as markdown-it-py says
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup = "linkify"
        token.info = "auto"
        token.meta["source"] = url  # as written: what stays if the link is over the limit
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup = "linkify"
        token.info = "auto"
    state.pos += len(url) - len(proto)
    return True


def _text_links(linkify: Any, text: str) -> list[Any]:
    """linkify-it's matches in `text`, looked for in its runs of at most MAX_LINK_RUN
    characters without a space. A link never holds a space, and a space before a link
    reads like the start of the text, so the pieces between long runs give the same links."""
    if max(map(len, text.split()), default=0) <= MAX_LINK_RUN:  # (nearly always)
        return list(linkify.match(text) or ())
    links: list[Any] = []
    start = 0
    for run in re.finditer(r"\S+", text):
        if run.end() - run.start() > MAX_LINK_RUN:
            links += _shifted(linkify.match(text[start:run.start()]) or (), start)
            start = run.end()
    links += _shifted(linkify.match(text[start:]) or (), start)
    return links


def _shifted(links: Sequence[Any], offset: int) -> list[Any]:
    for link in links:
        link.index += offset
        link.last_index += offset
    return list(links)


def _linkify_core(state: StateCore) -> None:
    """markdown-it-py's core linkify rule (rules_core/linkify.py), with the same links in
    linear time: the links in text that the inline rule did not make (e-mail addresses,
    mailto:), each text searched in bounded pieces and the token list rebuilt once."""
    md = state.md
    if not md.options.linkify:
        return
    linkify = md.linkify
    assert linkify is not None  # linkify-it-py is a dependency
    for inline_token in state.tokens:
        if inline_token.type != "inline" or not linkify.pretest(inline_token.content):
            continue
        tokens = inline_token.children or []
        # Walked from the end as markdown-it-py does (it decides what a link's text is from
        # its closing token), but the pieces are put together once at the end: replacing
        # each text by its nodes in place copied the whole list each time.
        pieces: list[list[Token]] = []
        i = len(tokens)
        while i >= 1:
            i -= 1
            current = tokens[i]
            if current.type == "link_close":  # a link's text is not searched again
                end = i
                i -= 1
                while tokens[i].level != current.level and tokens[i].type != "link_open":
                    i -= 1
                pieces.append(tokens[i:end + 1])
                continue
            # (Raw HTML is off: no html_inline <a> to step over, as markdown-it-py does.)
            # markdown-it-py asks linkify-it's test() first, which costs as much as a search
            # and rescans long runs just the same: the bounded search alone says as much.
            links = _text_links(linkify, current.content) if current.type == "text" else []
            # No link right after an escape: "http\\://x.org" is not "http:" and a link.
            if links and links[0].index == 0 and i > 0 and tokens[i - 1].type == "text_special":
                links = links[1:]
            pieces.append(_link_nodes(md, current.content, links, current.level)
                          if links else [current])
        inline_token.children = [token for piece in reversed(pieces) for token in piece]


def _link_nodes(md: MarkdownIt, text: str, links: Sequence[Any], level: int) -> list[Token]:
    """The text with its links as link tokens (markdown-it-py's nodes for them)."""
    nodes: list[Token] = []
    last = 0
    for link in links:
        full_url = md.normalizeLink(link.url)
        if not md.validateLink(full_url):
            continue
        url_text = link.text
        if not link.schema:
            url_text = re.sub(r"^http://", "", md.normalizeLinkText("http://" + url_text))
        elif link.schema == "mailto:" and re.search(r"^mailto:", url_text, re.IGNORECASE):
            url_text = re.sub(r"^mailto:", "", md.normalizeLinkText("mailto:" + url_text))
        else:
            url_text = md.normalizeLinkText(url_text)
        if link.index > last:
            nodes.append(_text_token(text[last:link.index], level))
        token = Token("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.level = level
        token.markup = "linkify"
        token.info = "auto"
        token.meta["source"] = text[link.index:link.last_index]
        nodes += (token, _text_token(url_text, level + 1))
        token = Token("link_close", "a", -1)
        token.level = level
        token.markup = "linkify"
        token.info = "auto"
        nodes.append(token)
        last = link.last_index
    if last < len(text):
        nodes.append(_text_token(text[last:], level))
    return nodes


def _text_token(content: str, level: int) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.level = level
    return token


def _is_bare_link(token: Token) -> bool:
    return token.type == "link_open" and token.markup == "linkify"


def _limit_links(state: StateCore) -> None:
    """Past `links_per_article` bare links (in the order of the text), a link is its text
    again, as written; env gets an UnlinkedLinks naming the first of them."""
    md = state.md
    assert isinstance(md, SafeMarkdown)  # the rule is added by SafeMarkdown only
    room = md.limits.links_per_article  # links that may still be made
    first: tuple[int, str] | None = None
    left = 0
    for inline_token in state.tokens:
        children = inline_token.children
        if inline_token.type != "inline" or not children:
            continue
        count = sum(1 for token in children if _is_bare_link(token))
        if count <= room:
            room -= count
            continue
        out: list[Token] = []
        breaks = 0  # line breaks of the inline text before this token
        i = 0
        while i < len(children):
            token = children[i]
            breaks += token.type in ("softbreak", "hardbreak")
            if not _is_bare_link(token) or room > 0:
                room -= _is_bare_link(token)
                out.append(token)
                i += 1
                continue
            source = str(token.meta.get("source", children[i + 1].content))
            if first is None:
                first = ((inline_token.map[0] if inline_token.map else 0) + breaks, source)
            left += 1
            out.append(_text_token(source, token.level))
            i += 3  # the link's opening, its text and its closing
        inline_token.children = out
    if first is not None:
        state.env[_UNLINKED_KEY] = UnlinkedLinks(count=left, line=first[0], text=first[1])
