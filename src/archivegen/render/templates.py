"""The Jinja2 environment: autoescape on every template, StrictUndefined, and `url_for`.

The theme is a list of folders searched in order: the archive's own overrides first, then the
default theme shipped in the package. `url_for` is the templates' only way to make a link; it
returns a URL relative to the page being rendered, so sites work under any base path. `t` is
their only way to words: the theme's messages in the site's language (messages.py), which
the date filters use too.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FunctionType, MethodType
from typing import Any

import jinja2
from jinja2 import bccache, meta
from jinja2.utils import internalcode

from archivegen import urls
from archivegen.config import default_theme_dir
from archivegen.model import TAXONOMIES
from archivegen.partial_date import PartialDate
from archivegen.render.messages import Messages, english_messages
from archivegen.slugs import term_slug

_TAXONOMY_BY_KEY = {t.key: t for t in TAXONOMIES}


def make_environment(theme_dirs: Sequence[Path], bytecode_dir: Path | None = None,
                     messages: Messages | None = None) -> jinja2.Environment:
    """The Jinja environment of a theme. With `bytecode_dir`, compiled templates are kept
    there (Jinja checks each against its template's source): a rebuild that renders a few
    pages spends more time compiling templates than rendering. That code is as trusted as
    the templates beside it, in the same project folder. `messages`: the theme's words in
    the site's language, as the build loaded them (load_messages); English if not given."""
    if messages is None:
        messages = english_messages(theme_dirs)
    bytecode = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            if _real_folders(bytecode_dir.parent, bytecode_dir):
                bytecode = _StateBytecodeCache(str(bytecode_dir))
        except OSError:
            pass  # compiled as it is used: slower, not wrong
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs]),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=bytecode,
    )
    env.context_class = _CallingContext
    env.globals["url_for"] = url_for
    env.globals["t"] = messages
    env.filters["iso_date"] = iso_date
    env.filters["human_date"] = messages.date
    env.filters["atom_date"] = atom_date
    env.filters["month_name"] = functools.partial(messages.month, start=True)  # a label
    env.filters["decimal"] = messages.decimal
    env.filters["css_string"] = css_string
    env.tests["web_url"] = is_web_url
    return env


# Checked once, not on each of a page's ~30 calls of `t`.
_MESSAGES_UNMARKED = not hasattr(Messages.__call__, "jinja_pass_arg")


class _CallingContext(jinja2.runtime.Context):
    """Jinja's template context, calling plain functions and methods (`url_for`, `t`,
    `t.taxonomy`: about seventy calls an article page) without Jinja's checks for a
    `pass_context`-style marker, which cost ~0.85 us a call (two failed attribute lookups
    and a method wrapper made). A callable that carries the marker, and every other kind of
    callable, goes through Jinja's own `call`; the result is the same either way."""

    @internalcode
    def call(self, obj: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # (Neither type can be subclassed: isinstance is as exact as a type check.)
        if isinstance(obj, FunctionType):
            plain = "jinja_pass_arg" not in obj.__dict__
        elif isinstance(obj, MethodType):
            func = obj.__func__  # (a bound method's attributes are its function's)
            plain = isinstance(func, FunctionType) and "jinja_pass_arg" not in func.__dict__
        else:  # Messages has slots: no instance of it can carry the marker
            plain = type(obj) is Messages and _MESSAGES_UNMARKED
        if not plain:
            return super().call(obj, *args, **kwargs)
        if kwargs:  # what Jinja adds to a call made in a loop or a block
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:  # as Jinja's own call answers it
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def _real_folders(*paths: Path) -> bool:
    """Are these all folders, none a symlink? (The build refuses a symlinked jinja/ folder
    with a warning; this is checked again as the folder is used.)"""
    try:
        return all(stat.S_ISDIR(os.lstat(path).st_mode) for path in paths)
    except OSError:
        return False


# Compiled templates are read without following a symlink or waiting on a FIFO.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))


class _StateBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, as a state file of the build: a compiled template that is not a
    regular file is not loaded (compiled again instead), and one that cannot be written (a
    full disk) is only not kept. (Writing already goes through a new temporary file.)"""

    def load_bytecode(self, bucket: bccache.Bucket) -> None:
        try:
            fd = os.open(self._get_cache_filename(bucket), _READ_FLAGS)
        except OSError:
            return
        with open(fd, "rb") as handle:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                bucket.load_bytecode(handle)

    def dump_bytecode(self, bucket: bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # not kept: compiled again next time
            super().dump_bytecode(bucket)


@jinja2.pass_context
def url_for(context: jinja2.runtime.Context, target: str, **kw: Any) -> str:
    """A link from the current page (`page_url` in the context) to `target`.

    `target` is a site URL ("/2017/05/..."), or one of: home, archive, static (name=),
    taxonomy (taxonomy=), term (taxonomy=, name=), year (year=), month (year=, month=),
    feed (listing=, the listing's URL), or canonical (this page's absolute URL, with the
    site's base_url). The renderer gives each page its own `page_url_for` instead, which
    Jinja calls faster; this global serves templates rendered any other way.
    """
    link_base = context.get("link_base")
    page_url = context["page_url"] if link_base is None else context.get("page_url", "")
    site = context.get("site")
    return page_url_for(page_url, link_base, getattr(site, "base_url", ""),
                        portable=getattr(site, "portable", False))(target, **kw)


def page_url_for(page_url: str, link_base: str | None = None,
                 base_url: str = "", *, portable: bool = False) -> Callable[..., str]:
    """`url_for` bound to the page at `page_url` (or, given `link_base`, to that base);
    `base_url`: where the site is published, for its canonical URL; `portable`: a link to
    a page names its file (`index.html`), as a browser opening files from disk needs.

    A plain function: Jinja hands a `pass_context` global a context per call, and a page
    makes dozens of links (navigation, one per listed article), so that cost adds up.
    """
    if link_base is not None:
        # Pages served at any depth (404) need links that do not depend on their own URL.
        base = str(link_base).rstrip("/")

        def absolute_url_for(target: str, **kw: Any) -> str:
            if target == "canonical":
                return urls.absolute_url(base_url, page_url)
            return base + site_url(target, **kw)

        return absolute_url_for

    relative = urls.relative_links(page_url)
    link = _to_files(relative) if portable else relative

    def relative_url_for(target: str, **kw: Any) -> str:
        # An article's URL, the commonest target, needs no mapping.
        if target.startswith("/"):
            return link(target)
        if target == "canonical":
            return urls.absolute_url(base_url, page_url)
        return link(site_url(target, **kw))

    return relative_url_for


def _to_files(link: Callable[[str], str]) -> Callable[[str], str]:
    """`link`, with a link to a folder ("../a/", "./") naming the folder's index.html."""
    def to_file(to_url: str) -> str:
        rel = link(to_url)
        if rel == "./":
            return urls.INDEX_FILE
        return rel + urls.INDEX_FILE if rel.endswith("/") else rel

    return to_file


def site_url(target: str, **kw: Any) -> str:
    if target.startswith("/"):
        return target
    if target == "home":
        return urls.home_url(int(kw.get("page", 1)))
    if target == "archive":
        return urls.ARCHIVE_URL
    if target == "search":
        return urls.SEARCH_URL
    if target == "undated":
        return urls.undated_url()
    if target == "static":
        return urls.static_url(str(kw["name"]))
    if target == "feed":
        return urls.feed_url(str(kw["listing"]))
    if target == "taxonomy":
        return urls.taxonomy_url(_TAXONOMY_BY_KEY[kw["taxonomy"]])
    if target == "term":
        return urls.term_url(_TAXONOMY_BY_KEY[kw["taxonomy"]], term_slug(str(kw["name"])))
    if target == "year":
        return urls.year_url(int(kw["year"]))
    if target == "month":
        return urls.month_url(int(kw["year"]), int(kw["month"]))
    raise ValueError(f"url_for: unknown target {target!r}")


def iso_date(value: PartialDate | None) -> str:
    """The value for <time datetime>: valid HTML for every precision (a range gives its start,
    since <time> cannot hold a range)."""
    if value is None:
        return ""
    if value.end_month is not None:
        return f"{value.year:04d}-{value.month:02d}"
    if value.end_year is not None:
        return f"{value.year:04d}"
    return value.isoformat()


def atom_date(value: PartialDate | None) -> str:
    """An Atom (RFC 3339) timestamp: the first day the date can mean, at midnight UTC. A feed
    with no dated article gets the epoch (Atom requires the element)."""
    if value is None:
        return "1970-01-01T00:00:00Z"
    return f"{value.year:04d}-{value.month or 1:02d}-{value.day or 1:02d}T00:00:00Z"


def messages_of(env: jinja2.Environment) -> Messages:
    """The messages an environment's templates are given as `t`."""
    messages = env.globals["t"]
    assert isinstance(messages, Messages)
    return messages


@functools.cache
def _english() -> Messages:
    return english_messages([default_theme_dir()])


def human_date(value: PartialDate | None) -> str:
    """"May 30, 2017", "June 2013", "June-July 2010", "2010", "2013-2014" (in English; pages
    use the `human_date` filter, in the site's language): never more than the text said."""
    return _english().date(value)


def css_string(value: object) -> str:
    """`value` as a quoted CSS string (for a custom property a stylesheet shows with
    `content: var(...)`): quotes, backslashes and line breaks escaped as CSS escapes. In an
    HTML attribute it is escaped again as HTML, like any value."""
    text = "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f<>' else c for c in str(value))
    return f'"{text}"'


def is_web_url(value: object) -> bool:
    """True for an absolute http(s) URL: the only kind an article's `url` field may link to."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def template_dependencies(env: jinja2.Environment, name: str,
                          memo: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The template and every template it extends, includes or imports, sorted.

    Walks the reference graph with a visited set, so templates that include each other
    (legal when guarded by a condition) do not recurse forever.
    """
    if name in memo:
        return memo[name]
    assert env.loader is not None
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        if current in memo:
            found.update(memo[current])
            continue
        try:
            source, _, _ = env.loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            if current == name:
                raise
            continue  # `{% include "x.html" ignore missing %}`: depends on x.html appearing
        refs = _references(env, source)
        if None in refs:  # a name computed at render time: it may be any template
            pending.extend(env.list_templates())
        pending.extend(ref for ref in refs if ref is not None)
    memo[name] = tuple(sorted(found))
    return memo[name]


def _references(env: jinja2.Environment, source: str) -> list[str | None]:
    """The templates a template's source names (None: a name computed at render time). Kept
    beside the compiled templates by the source's hash: parsing the templates a quick rebuild
    renders cost it more than rendering them."""
    folder = getattr(env.bytecode_cache, "directory", None)
    if not isinstance(env.bytecode_cache, _StateBytecodeCache) or folder is None:
        return list(meta.find_referenced_templates(env.parse(source)))
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    kept = Path(folder) / f"refs-{digest}.json"
    try:
        fd = os.open(kept, _READ_FLAGS)
    except OSError:
        pass
    else:
        with open(fd, "rb") as handle:
            try:
                refs = json.loads(handle.read()) if stat.S_ISREG(os.fstat(fd).st_mode) else None
            except ValueError:
                refs = None
        if isinstance(refs, list) and all(r is None or isinstance(r, str) for r in refs):
            return refs
    refs = list(meta.find_referenced_templates(env.parse(source)))
    with contextlib.suppress(OSError):  # not kept: parsed again next time
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp",
                                         delete=False) as temporary:
            temporary.write(json.dumps(refs))
        os.replace(temporary.name, kept)
    return refs
