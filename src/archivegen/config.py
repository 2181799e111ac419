"""The typed, frozen site configuration read from archivegen.yaml.

Every key is declared once, as a field of SiteConfig with its type and default; unknown keys
and wrong types are all reported together with file:line, as MkDocs' config options do.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.yamlmap import YamlEntry, load_mapping

CONFIG_FILENAME = "archivegen.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    title: str = "News archive"
    description: str = "A browsable archive of news articles."
    # Absolute http(s) URL the site is published at, or its path on the host ("/news/"); only
    # used for canonical links, feeds and the 404 page. Pages link to each other with relative
    # URLs, so the site works under any subfolder and without a server.
    base_url: str = ""
    language: str = "en"
    input: str = "seeds"
    output: str = "build"
    # Folder of template and static overrides for the default theme, relative to the project.
    theme_dir: str = "templates"
    page_size: int = 20
    excerpt_words: int = 40
    # Articles per Atom feed (home and every term); 0 writes no feeds.
    feed_size: int = 20
    # Undated articles take their file's modification date, marked as such on the page.
    # Off by default: a date the text does not state is not the article's date.
    dates_from_file_times: bool = False
    # Write the search index and page (search/); `--no-search` turns it off for one build.
    search: bool = True
    # Links name each page's file (`folder/index.html`, not `folder/`), so the output works
    # opened straight from disk (file://), where a folder link shows a directory listing.
    portable: bool = False
    # Build the articles marked `draft: true` too (`serve` always does; `--drafts` for build).
    drafts: bool = False
    # Keep every URL the site ever published: a page that moved (retitled, redated, folded
    # into another) leaves a redirect page at its old URL. False forgets the old URLs and
    # removes their redirect pages.
    redirects: bool = True
    # Research export files written beside the site (export/): any of EXPORT_FORMATS, in
    # the order given; none by default (they hold every article's whole text).
    export: tuple[str, ...] = ()
    # What one input may cost (limits.py): `limits:` in the file, a mapping of the fields of
    # Limits to whole numbers; a field left out keeps its default.
    limits: Limits = DEFAULT_LIMITS


_DEFAULTS = SiteConfig()
_TYPES: dict[str, type] = {f.name: type(getattr(_DEFAULTS, f.name)) for f in fields(SiteConfig)}
_LIMITS: dict[str, tuple[int, int]] = {"page_size": (1, 10_000), "excerpt_words": (0, 1_000),
                                       "feed_size": (0, 10_000)}
# Every limit is a count or a size of at least 1; the top keeps a size a read() can take.
_LIMIT_FIELDS = tuple(f.name for f in fields(Limits))
_LIMIT_RANGE = (1, 2**31 - 1)
_PATH_KEYS = frozenset({"input", "output", "theme_dir"})
# The research export's formats: archive.json (with its schema), archive.csv, archive.sqlite.
EXPORT_FORMATS = ("json", "csv", "sqlite")


def parse_config(text: str, path: str, diags: Diagnostics) -> SiteConfig:
    """Read archivegen.yaml text; return defaults for every key that is missing or invalid.

    The file itself is read within the default limits: it cannot raise its own."""
    entries = load_mapping(text, path, 1, diags, DEFAULT_LIMITS)
    if entries is None:
        return _DEFAULTS
    values: dict[str, Any] = {}
    for entry in entries:
        loc = SourceLocation(path=path, line=entry.line, col=entry.col)
        expected = _TYPES.get(entry.key)
        if expected is None:
            known = ", ".join(sorted(_TYPES))
            diags.error("AG011", f"unknown config key '{entry.key}' (known keys: {known})", loc)
            continue
        if entry.key == "limits":
            limits = _parse_limits(entry, path, diags)
            if limits is not None:
                values["limits"] = limits
            continue
        if entry.key == "export":
            formats = _parse_export(entry.value, loc, diags)
            if formats is not None:
                values["export"] = formats
            continue
        value = entry.value
        # bool is an int subclass in Python; a YAML `true` is never a valid page size.
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            diags.error("AG012", f"'{entry.key}' must be {_type_name(expected)}, "
                        f"got {_type_name(type(value))}", loc)
            continue
        if entry.key in _LIMITS and isinstance(value, int):
            low, high = _LIMITS[entry.key]
            if not low <= value <= high:
                diags.error("AG012", f"'{entry.key}' must be between {low} and {high}", loc)
                continue
        problem = _text_problem(entry.key, value) if isinstance(value, str) else None
        if problem:
            diags.error("AG012", problem, loc)
            continue
        if entry.key in _PATH_KEYS:  # "~/site" is the home folder's, not a folder named "~"
            value = os.path.expanduser(value)
        values[entry.key] = value
    return replace(_DEFAULTS, **values)


def _parse_limits(entry: YamlEntry, path: str, diags: Diagnostics) -> Limits | None:
    """`limits:` as Limits (defaults for the fields not given); None if it is no mapping.
    Each bad field is reported at its own line and keeps its default."""
    if not isinstance(entry.value, dict):
        diags.error("AG012", "'limits' must be a mapping of limit names to whole numbers, "
                    f"got {_type_name(type(entry.value))}",
                    SourceLocation(path=path, line=entry.line, col=entry.col))
        return None
    where = {name: (line, col) for name, line, col in entry.keys}
    low, high = _LIMIT_RANGE
    values: dict[str, int] = {}
    for name, value in entry.value.items():
        line, col = where.get(str(name), (entry.line, entry.col))
        loc = SourceLocation(path=path, line=line, col=col)
        if name not in _LIMIT_FIELDS:
            diags.error("AG011", f"unknown limit '{name}' (known limits: "
                        f"{', '.join(_LIMIT_FIELDS)})", loc)
        elif (not isinstance(value, int) or isinstance(value, bool)
              or not low <= value <= high):
            diags.error("AG012", f"'limits.{name}' must be a whole number from {low} to "
                        f"{high:,}, got {value!r:.40}", loc)
        else:
            values[name] = value
    return replace(DEFAULT_LIMITS, **values)


def _parse_export(value: object, loc: SourceLocation,
                  diags: Diagnostics) -> tuple[str, ...] | None:
    """`export:` as a tuple of formats, each once, in EXPORT_FORMATS order (so the order
    written in the file changes nothing); a single string is one format, empty is none.
    None (reported, AG012, naming the bad value) if any item is not a known format."""
    items = [value] if isinstance(value, str) else value
    if items is None:
        return ()
    if not isinstance(items, list):
        diags.error("AG012", "'export' must be a list of formats (json, csv, sqlite), "
                    f"got {_type_name(type(value))}", loc)
        return None
    bad = [item for item in items if item not in EXPORT_FORMATS]
    if bad:
        shown = ", ".join(f"{item!r:.40}" for item in bad)
        diags.error("AG012", f"'export' takes {', '.join(EXPORT_FORMATS)}; got {shown}", loc)
        return None
    return tuple(f for f in EXPORT_FORMATS if f in items)


# Characters no setting may hold: pages and feeds show them (XML forbids most), and a path
# with NUL cannot be opened. Tab, LF and CR are whitespace in a title or description only.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PROSE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PROSE_KEYS = frozenset({"title", "description"})
# A language tag as <html lang> and xml:lang take it (BCP 47's shape: "en", "pt-BR").
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# Not in a URL unescaped (RFC 3986), or read as a slash by browsers (backslash).
_NOT_IN_URL = re.compile(r"[\s\"<>\\^`{|}]")


def _text_problem(key: str, value: str) -> str | None:
    """Why a string setting cannot be used, or None. Config is trusted, but it reaches every
    page: a typo must not make an invalid feed, and `base_url` must never make a
    `javascript:` link."""
    control = (_PROSE_CONTROL if key in _PROSE_KEYS else _CONTROL).search(value)
    if control:
        code = ord(control[0])
        shown = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        return f"'{key}' must not contain control characters or lone surrogates (found {shown})"
    if key == "base_url" and value and not _is_site_address(value):
        return ("'base_url' must be an absolute http(s) URL (https://example.org/news/) or a "
                f"path starting with '/' (/news/), without query or fragment; got '{value}'")
    if key == "language" and value and not _LANGUAGE.fullmatch(value):
        return f"'language' must be a language tag such as en or pt-BR; got '{value}'"
    return None


def _is_site_address(value: str) -> bool:
    """An absolute http(s) URL with a host, or a path from a host's root ("/news/"; not
    "//host", which names another host); either without query, fragment or characters a
    URL cannot hold."""
    if _NOT_IN_URL.search(value) or "?" in value or "#" in value:
        return False
    if value.startswith("/"):
        return not value.startswith("//")
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def settings_key(config: SiteConfig) -> str:
    """Every setting pages depend on, as text for fingerprints. The input and output folders
    are left out: they are spelt relative or absolute depending on how a build is started,
    and builds track the resolved folders themselves."""
    return repr(sorted((f.name, getattr(config, f.name)) for f in fields(config)
                       if f.name not in ("input", "output")))


def default_theme_dir() -> Path:
    """The default theme: inside the installed wheel, or the repository's templates/ when the
    package runs from a source checkout (editable install)."""
    packaged = Path(__file__).resolve().parent / "theme"  # (importlib.resources: +9 ms)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def theme_dirs(project_dir: Path, config: SiteConfig) -> list[Path]:
    """The archive's override folder (if it exists) before the default theme."""
    override = (project_dir / config.theme_dir).resolve()
    default = default_theme_dir().resolve()
    return [override, default] if override.is_dir() and override != default else [default]


def output_clash(output_dir: Path, base: Path, config: SiteConfig,
                      has_settings: bool) -> str:
    """Why `output_dir` would overwrite the user's own files ("" if it would not): the
    project folder (when it holds a settings file; without one it is only the current
    folder), a folder above it, the home folder or one above it, a folder that is, holds or
    sits inside the theme, or one inside the build's state."""
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, OSError):  # no home folder known
        home = None
    if base.is_relative_to(output_dir) and (output_dir != base or has_settings):
        return f"the project folder '{base}' or hold it"
    if home is not None and home.is_relative_to(output_dir):
        return f"the home folder '{home}' or hold it"
    # The theme folder the settings name, even before it exists: a build into it creates
    # it, and the next build would read the pages it wrote as templates (article text run
    # as Jinja). (An output holding a theme folder yet to come writes nothing there.)
    named = (base / config.theme_dir).resolve()
    if output_dir.is_relative_to(named):
        return f"the theme folder '{named}', hold it or sit inside it"
    for folder in theme_dirs(base, config):
        if folder.is_relative_to(output_dir) or output_dir.is_relative_to(folder):
            return f"the theme folder '{folder}', hold it or sit inside it"
    state = base / ".archivegen"
    if output_dir.is_relative_to(state):
        return f"the build's state folder '{state}' or sit inside it"
    return ""


def file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def read_settings_file(path: Path) -> bytes:
    """The bytes of the settings file `path`, opened without waiting and checked once open:
    a FIFO would wait for a writer forever, /dev/zero never ends (callers look with stat
    first, to say what it is; it may have been swapped since)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"it is {file_kind(mode)}, not a regular file")
        return handle.read()


def with_overrides(config: SiteConfig, *, input: str | None = None,
                   output: str | None = None, search: str | None = None,
                   base_url: str | None = None, portable: str | None = None,
                   drafts: str | None = None) -> SiteConfig:
    """Apply command-line flags, which win over the file; None means 'not given' (`search`:
    "off" for --no-search; `portable` and `drafts`: "on" for --portable, --drafts or serve;
    `base_url` checked first with base_url_problem)."""
    return replace(config, input=input or config.input, output=output or config.output,
                   search=config.search and search != "off",
                   base_url=config.base_url if base_url is None else base_url,
                   portable=config.portable or portable == "on",
                   drafts=config.drafts or drafts == "on")


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be the site's base_url (as in the settings file), or None."""
    return _text_problem("base_url", value)


def _type_name(t: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
            dict: "a mapping", type(None): "empty", Limits: "a mapping"}.get(t, t.__name__)
