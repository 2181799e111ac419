"""Grammar-shaped hypothesis strategies for fuzzing the whole build (issue #14).

Random text rarely gets past a loader's first test. These strategies start from real files
(the hand-read sets and the layout fixtures) and mutate them line by line with lines shaped
like each layout's grammar, so the fuzzer reaches deep into the parsers; YAML is written from
a grammar of odd scalars, tags, anchors and nestings; file names are bytes (surrogateescape),
with controls, bidi overrides, very long names and names that slug to nothing or collide.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from archivegen.load.layouts import LAYOUTS
from archivegen.load.layouts.text import decode
from archivegen.model import Source

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
# Real text other people wrote (CI always has ../shared beside the repository), then ours.
CORPUS_DIRS = (REPO.parent / "shared" / "real", FIXTURES / "real2", FIXTURES / "real3",
               FIXTURES / "real4", FIXTURES / "layouts", FIXTURES / "archive",
               FIXTURES / "hostile", REPO / "seeds")
SUFFIXES = (".txt", ".md", ".markdown")
# Seed files are cut to this many lines: mutations act on the head and footer, where the
# grammars are, and a small article keeps each example fast.
SEED_LINES = 120

# Lines shaped like the layouts' grammars (Global Research head and footer, repost head,
# byline blocks, datelines, notes, front matter) and hostile markup a page must never carry.
GRAMMAR_LINES = (
    "By [Jane Roe](#) and [John Doe](#)", "By [Jane Roe](#), [A](#) and [B](#)", "By",
    "Global Research, March 3, 2014", "Global Research, February 30, 2014", "Region: ",
    "Region: [Europe](#), [Asia](#)", "Theme: [War](#)", "In-depth Report: [Syria](#)",
    "Theme: [", "[Jane Roe](#)", "The original source of this article is [Foo](http://x.org)",
    "The original source of this article is", "Copyright © [Jane Roe](#), [Global Research](#),"
    " 2014", "Disclaimer: The contents of this article are of sole responsibility",
    "# The title of a repost", "# ", "#", "> Source: http://example.org/news/a?b=1&c=2",
    "> Source: javascript:alert(1)", "> Source:", "by Jane Roe", "por Juan Pérez", "di Mario",
    "par Jean", "con Ana y Luis", "with", "18 Aprile", "2013", "March 3, 2014", "3 mars 2014",
    "2014-03-03", "2014-13-45", "0000-00-00", "99999-01-01", "Monday, 31 February 2014",
    "Published: March 3, 2014", "Posted on 3 de marzo de 2014", "Updated 12/31/1999",
    "del sitio web", "desde Rebelión", "Translated by Ana Ruiz", "Introduction by Y. Zed",
    "Photo: Reuters", "Source: Foo News", "Notes", "Notes:", "[1] A note.", "1. A note",
    "[1]", "[^1]: x", "Sources:", "* * *", "***", "---", "...", "title: x", "date: 2021-02-30",
    "authors: [a, b]", "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
    "[x](javascript:alert(1))", "[x]( JaVaScRiPt:alert(1) )", "![i](javascript:alert(1))",
    "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=//x.example></iframe>", "[a]: javascript:alert(1)", "[a]", "[a][]",
    "<javascript:alert(1)>", "&#x6a;avascript:alert(1)", "[x](&#106;avascript:alert(1))",
    "<style>body{}</style>", "<!-- c -->", "<![CDATA[ x ]]>", "]]>", "<?xml x?>",
    "<svg onload=alert(1)>", "http://" * 6, "https://example.org/a_(b)_c?d=<e>&f",
    "www.example.org", "`code`", "```", "~~~", "| a | b |", "|---|---|", "    indented",
    "> quote", ">", "- item", "1) item", "* ", "[![", "![[[[[[", "*_*_*_*_*_*_", "\\",
    "\ufeffBOM line", "\u202eevil\u202c", "\u2066x\u2069", "\x1b[31mred\x1b[0m", "\x00",
    "\x0c", "\x85", "\u2028", "\ufffe", "\U0001f600", "a\u0301\u0301\u0301", "  ", "",
)
# Pieces put into a line at a random column.
ODD_PIECES = ("\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b",
              "\r", "\u2028", "\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "\udc80",
              "\udcff", "\udced\udca0\udc80", "<", ">", "&", "]]>", "<script>", "javascript:",
              "[", "](", "![", "**", "_", "`", "\\", "#", "\t", "http://", "@", "©", "—")


def _corpus_paths() -> list[Path]:
    return sorted(p for folder in CORPUS_DIRS if folder.is_dir()
                  for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


@dataclass(frozen=True, slots=True)
class Seed:
    """A real file cut to its head: its name, its lines (surrogateescape) and its layout."""

    name: str
    lines: tuple[str, ...]
    layout: str


def _layout_of(name: str, data: bytes) -> str:
    from archivegen.errors import Diagnostics

    source = Source(path=name, data=data, sha256="")
    text = decode(source, Diagnostics())
    if text is None:
        return "binary"
    return next(layout.name for layout in LAYOUTS if layout.sniff(text, name))


@functools.cache
def seeds() -> tuple[Seed, ...]:
    found = []
    for path in _corpus_paths():
        data = path.read_bytes()
        lines = data.decode("utf-8", "surrogateescape").split("\n")[:SEED_LINES]
        found.append(Seed(name=path.name, lines=tuple(lines),
                          layout=_layout_of(path.name, "\n".join(lines).encode(
                              "utf-8", "surrogateescape"))))
    return tuple(found)


def layouts() -> list[str]:
    """The layouts the seed files are read as (every one the loader dispatch knows)."""
    return sorted({s.layout for s in seeds()})


# --- line mutations ---------------------------------------------------------------------

Mutation = tuple[str, int, int, str]  # kind, where, how much, payload


def mutations() -> st.SearchStrategy[Mutation]:
    payload = st.sampled_from(GRAMMAR_LINES) | st.sampled_from(ODD_PIECES) | st.text(max_size=12)
    return st.tuples(
        st.sampled_from(("insert", "delete", "duplicate", "swap", "odd", "truncate-line",
                         "truncate-file", "splice", "repeat", "join", "split", "replace")),
        st.integers(0, 10_000), st.integers(0, 10_000), payload)


def apply_mutation(lines: list[str], mutation: Mutation, donor: Sequence[str]) -> list[str]:
    """`lines` changed by one mutation; positions are taken modulo the length, so every
    drawn mutation applies (and shrinks towards the top of the file)."""
    kind, where, much, payload = mutation
    n = len(lines)
    i = where % (n + 1)
    j = i % n if n else 0
    if kind == "insert":
        return [*lines[:i], payload, *lines[i:]]
    if not lines:
        return [payload]
    line = lines[j]
    col = much % (len(line) + 1)
    if kind == "delete":
        return lines[:j] + lines[j + 1:]
    if kind == "duplicate":
        return [*lines[:j + 1], line, *lines[j + 1:]]
    if kind == "swap":
        k = much % n
        out = list(lines)
        out[j], out[k] = out[k], out[j]
        return out
    if kind == "odd":
        return [*lines[:j], line[:col] + payload + line[col:], *lines[j + 1:]]
    if kind == "truncate-line":
        return [*lines[:j], line[:col], *lines[j + 1:]]
    if kind == "truncate-file":
        return lines[:j + 1]
    if kind == "splice":
        return [*lines[:i], *donor[much % max(len(donor), 1):][:1 + much % 5], *lines[i:]]
    if kind == "repeat":
        return [*lines[:j], *[line] * (2 + much % 40), *lines[j + 1:]]
    if kind == "join":
        return [*lines[:j], line + payload + (lines[j + 1] if j + 1 < n else ""),
                *lines[j + 2:]]
    if kind == "split":
        return [*lines[:j], line[:col], line[col:], *lines[j + 1:]]
    return [*lines[:j], payload, *lines[j + 1:]]  # replace


def to_bytes(text: str) -> bytes:
    """`text` as file bytes: surrogates from undecodable bytes become those bytes again, any
    other lone surrogate its (invalid) UTF-8 form."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def encode_lines(lines: Sequence[str], newline: str, bom: bool) -> bytes:
    data = to_bytes(newline.join(lines))
    return (b"\xef\xbb\xbf" if bom else b"") + data


@st.composite
def mutated_article(draw: st.DrawFn, layout: str | None = None, max_mutations: int = 8,
                    seed: str | None = None) -> tuple[str, bytes]:
    """(seed name, bytes) of a real file of `layout` (any if None; the file named `seed`
    if given), mutated."""
    pool = [s for s in seeds() if (layout is None or s.layout == layout)
            and (seed is None or s.name == seed)]
    chosen = draw(st.sampled_from(pool))
    donor = draw(st.sampled_from(seeds()))
    lines = list(chosen.lines)
    for mutation in draw(st.lists(mutations(), max_size=max_mutations)):
        lines = apply_mutation(lines, mutation, donor.lines)
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n", "\r")))
    return chosen.name, encode_lines(lines, newline, draw(st.booleans()))


# --- YAML --------------------------------------------------------------------------------

FIELD_KEYS = ("title", "date", "authors", "contributors", "publisher", "original_source",
              "url", "regions", "themes", "tags", "reports", "slug", "summary", "language")
ODD_KEYS = ("unknown", "Title", "title ", "<<", "? [a, b]", "1", "null", "~", "'\\ud800'",
            "\"\\ud800\"", "\"\\x1b\"", "'a: b'", "!!binary aGk=", "&k key", "*k", "date\t")
ODD_SCALARS = (
    "~", "null", "Null", "NULL", "", "yes", "no", "on", "off", "y", "n", "true", "False",
    ".nan", ".inf", "-.inf", "0x1F", "0o17", "0b101", "017", "1_000", "+1", "-0", "1e999",
    "-1e999", "99999999999999999999999999999999999999", "-9" * 40, "1:20:30", "190:20:30",
    "2021-02-03", "2021-02-30", "2021-13-01", "0000-00-00", "9999-12-31", "0001-01-01",
    "10000-01-01", "2021-02-03T25:61:00", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "2021-2-3", "March 3, 2014", "3 mars 2014", "2014",
    "2014-06", "June 2014", "!!binary aGVsbG8=", "!!binary AAAA", "!!binary ====",
    "!!python/object:os.system x", "!!python/name:os.system", "!!python/object/apply:os.system"
    " [echo]", "!custom x", "!!str 12", "!!int x", "!!float abc", "!!bool maybe",
    "!!timestamp 2021-02-03", "!!timestamp nope", "!!null x", "!!set {a, b}", "!!omap [a: 1]",
    "!!pairs [a: 1]", "!!map [1]", "!!seq {a: 1}", "!<tag:yaml.org,2002:str> x", "!! x",
    "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\x00\"", "\"\\x1b[31m\"", "\"\\u202e\"",
    "\"\\U0010ffff\"", "\"\\N\\_\\L\\P\"", "\"unterminated", "'it''s'", "'", "[", "{", "]",
    "}", ": :", "- -", "? x", "|", ">-", "*undefined", "&anchor", "&a x", "%TAG ! x",
    "<script>alert(1)</script>", "javascript:alert(1)", "\"javascript:alert(1)\"",
    "http://example.org/a?b=<c>", "../../etc/passwd", "/abs/slug", "a/b", "..", ".",
    "-", "--", "...", "---", "#comment", "a #comment", "a\tb", "\t", "é", "\u202e",
    "\U0001f600", "x" * 300,
)


def _scalar() -> st.SearchStrategy[str]:
    return (st.sampled_from(ODD_SCALARS)
            | st.text(st.characters(exclude_characters="\n\r"), max_size=20)
            | st.integers(-(10**30), 10**30).map(str))


def _yaml_value(depth: int) -> st.SearchStrategy[list[str]]:
    """A YAML value as lines: the first goes after `key:`, the rest are indented by the
    caller. Flow and block lists and maps, lists of maps, anchors and aliases."""
    scalar = _scalar().map(lambda s: [" " + s])
    if depth <= 0:
        return scalar
    inner = _yaml_value(depth - 1)
    flow_list = st.lists(_scalar(), max_size=4).map(lambda xs: [" [" + ", ".join(xs) + "]"])
    flow_map = st.lists(st.tuples(st.sampled_from(FIELD_KEYS + ODD_KEYS), _scalar()),
                        max_size=3).map(
        lambda kvs: [" {" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"])
    block_list = st.lists(inner, min_size=1, max_size=3).map(_block_list)
    block_map = st.lists(st.tuples(st.sampled_from(FIELD_KEYS + ODD_KEYS), inner),
                         min_size=1, max_size=3).map(_block_map)
    anchored = st.tuples(st.sampled_from(("&a", "&b", "*a", "*b", "!!str", "!!seq",
                                          "!!map", "!custom", "!!binary")), inner).map(
        lambda t: [f" {t[0]}" + t[1][0], *t[1][1:]])
    return scalar | flow_list | flow_map | block_list | block_map | anchored


def _block_list(items: list[list[str]]) -> list[str]:
    out = [""]
    for item in items:
        out.append("  -" + item[0])
        out += ["    " + rest for rest in item[1:]]
    return out


def _block_map(items: list[tuple[str, list[str]]]) -> list[str]:
    out = [""]
    for key, value in items:
        out.append(f"  {key}:" + value[0])
        out += ["  " + rest for rest in value[1:]]
    return out


def _nesting_bomb() -> st.SearchStrategy[list[str]]:
    """Deep flow nesting and alias expansion, sized around the YAML limits."""
    deep = st.integers(1, 400).map(lambda n: [" " + "[" * n + "]" * n])
    deep_map = st.integers(1, 300).map(lambda n: [" " + "{a: " * n + "x" + "}" * n])
    unclosed = st.integers(1, 300).map(lambda n: [" " + "[" * n])

    def aliases(n: int) -> list[str]:
        lines = [" &l0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"  k{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in
                  range(1, n)]
        return lines

    bomb = st.integers(1, 9).map(aliases)
    return deep | deep_map | unclosed | bomb


@st.composite
def yaml_mapping(draw: st.DrawFn, max_keys: int = 8) -> str:
    """The text of a YAML mapping of field keys (and odd ones) to odd values."""
    value = _yaml_value(2) | _nesting_bomb()
    entries = draw(st.lists(st.tuples(st.sampled_from(FIELD_KEYS) | st.sampled_from(ODD_KEYS),
                                      value), max_size=max_keys))
    lines = []
    for key, value_lines in entries:
        lines.append(f"{key}:{value_lines[0]}")
        lines += value_lines[1:]
    lines = list(draw(st.permutations(lines)) if draw(st.booleans()) else lines)
    for mutation in draw(st.lists(mutations(), max_size=3)):
        lines = apply_mutation(lines, mutation, GRAMMAR_LINES)
    return "\n".join(lines)


@st.composite
def front_matter_article(draw: st.DrawFn) -> bytes:
    """A Markdown file whose front matter is a drawn YAML mapping, then a real body."""
    head = draw(yaml_mapping())
    body_seed = draw(st.sampled_from(seeds()))
    body = "\n".join(body_seed.lines[:40])
    closer = draw(st.sampled_from(("---", "---", "...", "--- ", "")))
    return to_bytes(f"---\n{head}\n{closer}\n\n{body}\n")


# --- file names --------------------------------------------------------------------------

NAME_PIECES = (
    "a", "Article", "news", "ÉTÉ", "été", "e\u0301te\u0301", "日本語", "\U0001f600", " ",
    "  ", "-", "_", "--", "!!!", "???", "&", "%20", "%2e%2e", "..", ".", "#", "'", "\"", "<",
    ">", "\\", ":", "*", "|", "\x01", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x85", "\t",
    "\n", "\r", "\u202e", "\u2066", "\u200b", "\ufeff", "\ufffe", "\udc80", "\udcff",
    "\udcc3\udca9", "\udced\udca0\udc80", "index", "feed", "static", "404", "CON", "nul",
)


def _name_stem() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(NAME_PIECES) | st.text(min_size=1, max_size=4),
                    min_size=1, max_size=8).map("".join)


def _fits(stem: str, suffix: str) -> bytes | None:
    """The name as file-system bytes, or None if no file can have it."""
    name = to_bytes(stem + suffix)
    if b"/" in name or b"\0" in name or name in (b".", b"..") or len(name) > 255:
        return None
    return name


@st.composite
def file_name(draw: st.DrawFn) -> bytes:
    """One article file name as bytes: odd pieces, or a very long one up to 255 bytes."""
    suffix = draw(st.sampled_from((".txt", ".md", ".markdown", ".TXT", ".Md")))
    if draw(st.integers(0, 5)) == 0:  # very long: fill to near or at the limit
        piece = draw(st.sampled_from(("a", "é", "日", "\U0001f600", "-", "\u202e", "\udc80")))
        length = draw(st.integers(200, 255)) - len(suffix)
        stem = ""
        while len(to_bytes(stem + piece)) <= length:
            stem += piece
    else:
        stem = draw(_name_stem())
    name = _fits(stem, suffix)
    return name if name is not None else b"fallback" + suffix.encode()


def colliding_names(base: str) -> list[str]:
    """Names that slug alike: case, spaces, punctuation and accents changed."""
    return [base, base.upper(), base.replace(" ", "-"), base.replace(" ", "_") + "!",
            " " + base + " ", base.replace("e", "é"), base + "?"]


@st.composite
def named_files(draw: st.DrawFn) -> dict[bytes, bytes]:
    """A few article files with drawn names; contents that take their title from the name
    (none stated), or one shared title, so that names and URLs collide."""
    names = draw(st.lists(file_name(), min_size=1, max_size=5, unique=True))
    if draw(st.booleans()):  # several names that slug to one
        base = draw(st.sampled_from(("old news", "Élan vital", "a b", "!!", "")))
        suffix = draw(st.sampled_from((".txt", ".md")))
        names += [n for n in (_fits(s, suffix) for s in colliding_names(base))
                  if n is not None and n not in names]
    shared_title = draw(st.sampled_from(("", "Same Title", "!!!", "\u202e", "Ünïcode")))
    files = {}
    for i, name in enumerate(names):
        body = f"Body paragraph number {i} of a short article.\n\nA second paragraph.\n"
        if shared_title:
            files[name] = f"---\ntitle: \"{shared_title}\"\n---\n\n{body}".encode()
        elif draw(st.booleans()):  # no title: the URL comes from the file's name
            files[name] = f"---\ndate: 2020-01-0{1 + i % 2}\n---\n\n{body}".encode()
        else:
            files[name] = body.encode()
    return files


def write_files(folder: Path, files: dict[bytes, bytes]) -> list[str]:
    """Write `files` (names as bytes) into `folder`; the names no file system takes are left
    out (and returned, for the message of a failing example)."""
    folder.mkdir(parents=True, exist_ok=True)
    refused = []
    for name, data in files.items():
        path = os.path.join(os.fsencode(folder), name)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            refused.append(f"{name!r}: {exc}")
    return refused

