"""Build state in SQLite: what each source produced and what each output was made from.

Lektor's model, kept small. Per source file: its size, mtime and sidecar signature, its content
hash, its diagnostics, and per article a head (what listings and URLs need: model.ArticleHead,
excerpt, duplicate-detection sketch) kept apart from the whole record (body included). Every
build reads all heads; a record is read only when its page is rendered. Per output file: the
fingerprint of everything it was made from and the stat of the file written. A source whose
stat is unchanged is not read again; an output whose fingerprint and stat are unchanged is not
rendered again.

The cache lives in the project folder (never in the output), is versioned by SCHEMA and by the
archivegen version, and is disposable: a missing, corrupt or old cache is deleted and the build
runs clean. Nothing in it is trusted to run code (JSON, not pickle). Text is read back exactly
as it was stored, lone surrogates and all (see _to_db). It is never used through
a symlink (one planted in .archivegen/ could point at any file of the user's): the database,
its journals and its folder must be what they seem, else it is refused (StateRefused) and the
build runs without it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import sqlite3
import struct
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import TYPE_CHECKING, Any

from archivegen import __version__
from archivegen.load.loaded import CachedArticle, CachedSource, Record
from archivegen.model import (
    TAXONOMIES,
    ArticleHead,
    ListingSpec,
    Term,
    piece_key,
)
from archivegen.records import (
    article_from_json,
    article_to_json,
    date_from_json,
    date_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
)

if TYPE_CHECKING:  # imported when used: a no-op build never decodes a sketch or a listing
    from archivegen.dedupe.detect import Sketch
    from archivegen.site.indexer import ListingState

SCHEMA = 8  # 8: text not ASCII stored as UTF-8 blobs, surrogates kept; members NUL-separated
CACHE_PATH = Path(".archivegen") / f"cache-v{SCHEMA}.sqlite"


# Beside the database, SQLite creates (and deletes) files of these names. Opened through a
# symlink, one would write into, or delete, the file the link names.
_COMPANIONS = ("-journal", "-wal", "-shm")


class StateRefused(Exception):
    """A build state file or folder is a symlink or not what it should be: it is not used
    (AG061). The message says which and what it is."""


def state_refusal(path: Path, *, folder: bool = False) -> str:
    """Why the state file (or `folder`) at `path` may not be used, or "" if it may (it is
    not there yet, or is a regular file or a real folder). Nothing is followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return ""
    except OSError as exc:
        return f"{path} cannot be examined ({exc.strerror})"
    if S_ISLNK(mode):
        return f"{path} is a symlink"
    if not (S_ISDIR(mode) if folder else S_ISREG(mode)):
        return f"{path} is not a {'folder' if folder else 'regular file'}"
    return ""


def template_bytecode_dir(cache_path: Path | None) -> Path | None:
    """Where builds using the cache at `cache_path` keep compiled templates: beside it, per
    version of this code (Jinja checks a template's source, not the options it is compiled
    with, which the code sets). None (templates compiled as used) if that folder or its
    parent is a symlink or a file: Jinja would write, and load code, wherever it points."""
    if cache_path is None:
        return None
    folder = cache_path.parent / "jinja" / code_version()
    if bytecode_refusal(cache_path) or state_refusal(folder, folder=True):
        return None
    return folder


def bytecode_refusal(cache_path: Path) -> str:
    """Why the compiled-template folder beside the cache may not be used, or ""."""
    return state_refusal(cache_path.parent / "jinja", folder=True)


@functools.cache
def code_version() -> str:
    """The release plus a digest of this package's own source files: an editable install or a
    git checkout between releases must not reuse records made by different code."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]  # the archivegen package
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedHead:
    """An article's head as listings show it (a CachedArticle without its sketch)."""

    head: ArticleHead
    excerpt: str
    heading: str
    site_url: str


# Parameters per query: SQLite builds before 3.32 allow 999.
_BATCH = 900

_CACHE_NAME_RE = re.compile(r"cache-v\d+\.sqlite(-journal)?")


def _remove_other_schemas(path: Path) -> None:
    """Delete the caches of other schema versions beside `path` (nothing reads them again,
    and at 10^5 articles each is over a gigabyte), and templates compiled by other code."""
    if not _CACHE_NAME_RE.fullmatch(path.name):
        return
    jinja = path.parent / "jinja"
    if jinja.is_dir() and not bytecode_refusal(path):
        for other in jinja.iterdir():
            if other.name != code_version() and other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
    for other in path.parent.iterdir():
        if (_CACHE_NAME_RE.fullmatch(other.name) and other.name != path.name
                and other.is_file() and not other.is_symlink()):
            other.unlink(missing_ok=True)


# SQLite keeps text as UTF-8, which has no encoding for a lone surrogate (a YAML "\ud800"
# escape puts one in an article): sqlite3 raises UnicodeEncodeError. Text that is not ASCII
# is stored as a blob of its UTF-8 bytes with surrogates passed through, and decoded back
# exactly. (json's ensure_ascii escapes would do for lone ones, but json.loads joins an
# escaped pair into one character; and looking for surrogates first costs more than the
# encoding, which sqlite3 would do anyway.)
def _to_db(text: str) -> str | bytes:
    """`text` as SQLite can store it (read back by _from_db)."""
    return text if text.isascii() else text.encode("utf-8", "surrogatepass")


def _from_db(value: str | bytes) -> str:
    """The text _to_db stored."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


# Listing members (article keys) are stored NUL-separated: a key is a file's path, which
# may hold a newline but never a NUL.
_MEMBER_SEP = "\0"


def encode_records(records: Sequence[Record]) -> str:
    """The whole records of one source, as the cache stores them (worker processes encode)."""
    return json.dumps([[article_to_json(a), html] for a, html in records], ensure_ascii=False)


class BuildCache:
    """One build's view of the cache; changes are committed with `commit`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path) -> BuildCache:
        """Open or create the cache; anything unreadable or from another version starts over.
        StateRefused if it, its folder or a file SQLite keeps beside it is a symlink (or not
        a regular file); sqlite3.Error if the disk is full or failing."""
        path.parent.mkdir(parents=True, exist_ok=True)
        for why in (state_refusal(path.parent, folder=True), state_refusal(path),
                    *(state_refusal(path.with_name(path.name + end)) for end in _COMPANIONS)):
            if why:
                raise StateRefused(why)
        version = f"{SCHEMA}:{code_version()}"
        try:
            cache = cls(sqlite3.connect(path, timeout=1.0), path)
            if cache._version() == version:
                return cache
            cache.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise OSError(f"another build is using {path}") from exc
        except sqlite3.DatabaseError:
            pass
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        _remove_other_schemas(path)
        cache = cls(sqlite3.connect(path), path)
        cache._create(version)
        return cache

    def _version(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else None

    def _create(self, version: str) -> None:
        self._db.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            -- Heads and sketches, read by every build, apart from the large records.
            CREATE TABLE sources (path TEXT PRIMARY KEY, stat TEXT NOT NULL,
                                  sha256 TEXT NOT NULL, heads TEXT NOT NULL,
                                  sketches BLOB NOT NULL);
            CREATE TABLE records (path TEXT PRIMARY KEY, records TEXT NOT NULL);
            CREATE TABLE outputs (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                                  stat TEXT NOT NULL);
            -- Every listing's spec and article keys in order (indexer.ListingState), for
            -- quick rebuilds; the count first, so counting reads no member list.
            CREATE TABLE listings (url TEXT PRIMARY KEY, count INTEGER NOT NULL,
                                   spec TEXT NOT NULL, members TEXT NOT NULL);
        """)
        self._db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        self._db.commit()

    # --- sources ---------------------------------------------------------------------------

    def sources(self) -> dict[str, CachedSource]:
        """Every cached source by path; entries that do not decode are left out (rebuilt)."""
        found: dict[str, CachedSource] = {}
        for path, stat, sha, heads, sketches in self._db.execute(  # (heads: see _to_db)
                "SELECT path, stat, sha256, heads, sketches FROM sources"):
            try:
                found[path] = _decode_source(path, stat, sha, heads, sketches)
            except (ValueError, TypeError, KeyError, IndexError, struct.error):
                continue
        return found

    def source(self, path: str) -> CachedSource | None:
        """One cached source; None if it is not there or does not decode."""
        row = self._db.execute("SELECT path, stat, sha256, heads, sketches FROM sources "
                               "WHERE path = ?", (path,)).fetchone()
        try:
            return _decode_source(*row) if row is not None else None
        except (ValueError, TypeError, KeyError, IndexError, struct.error):
            return None

    def source_stats(self) -> dict[str, str]:
        """The stat signature of every cached source, by path (nothing decoded)."""
        return dict(self._db.execute("SELECT path, stat FROM sources"))

    def sketches_except(self, paths: Collection[str]) -> Iterator[tuple[bytes, bytes, bytes]]:
        """(digest, values, lead) of the duplicate-detection sketch of every article of every
        cached source but those of `paths` (no Sketch objects: a quick rebuild reads 10^5
        of them to compare a few bodies against)."""
        marks = ", ".join("?" * len(paths))
        for (blob,) in self._db.execute(
                f"SELECT sketches FROM sources WHERE path NOT IN ({marks})", tuple(paths)):
            yield from _sketch_parts(blob)

    def put_source(self, path: str, entry: CachedSource, records: str) -> None:
        """Store a source's heads and `records` (from encode_records)."""
        heads = json.dumps({
            "articles": [_head_to_json(a) for a in entry.articles],
            "diagnostics": [diagnostic_to_json(d) for d in entry.diagnostics],
        }, ensure_ascii=False)
        sketches = b"".join(_pack_sketch(a.sketch) for a in entry.articles)
        self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                         (path, entry.stat, entry.sha256, _to_db(heads), sketches))
        self._db.execute("INSERT OR REPLACE INTO records VALUES (?, ?)",
                         (path, _to_db(records)))

    def touch_source(self, path: str, stat: str) -> None:
        """The file was touched, not changed: only its stat is new."""
        self._db.execute("UPDATE sources SET stat = ? WHERE path = ?", (stat, path))

    def forget_sources(self, paths: Iterable[str]) -> None:
        paths = list(paths)
        self._db.executemany("DELETE FROM sources WHERE path = ?", ((p,) for p in paths))
        self._db.executemany("DELETE FROM records WHERE path = ?", ((p,) for p in paths))

    # --- outputs ---------------------------------------------------------------------------

    def outputs(self) -> dict[str, tuple[str, str]]:
        """(fingerprint, stat of the file written) of every output of the last build."""
        return {path: (fp, stat) for path, fp, stat in
                self._db.execute("SELECT path, fingerprint, stat FROM outputs")}

    def forget_outputs(self, paths: Iterable[str]) -> None:
        """Drop fingerprints before rewriting those files: a build killed halfway then
        re-renders them instead of trusting a fingerprint for a file it did not finish."""
        self._db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in paths))

    def put_outputs(self, outputs: dict[str, tuple[str, str]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                             ((path, fp, stat) for path, (fp, stat) in outputs.items()))

    # --- listings --------------------------------------------------------------------------

    def put_listings(self, states: Iterable[ListingState], *, every: bool = False) -> None:
        """Store these listings' states; with `every`, they are all there is."""
        from archivegen.site.indexer import listing_url

        if every:
            self._db.execute("DELETE FROM listings")
        self._db.executemany("INSERT OR REPLACE INTO listings VALUES (?, ?, ?, ?)", (
            (listing_url(state.spec), len(state.members),
             _to_db(_spec_to_json(state.spec, state.spellings)),
             _to_db(_MEMBER_SEP.join(state.members)))
            for state in states))

    def listing_states(self, urls: Collection[str]) -> dict[str, ListingState]:
        """The stored state of each of these listings there is, by first-page URL."""
        from archivegen.site.indexer import ListingState

        found = {}
        urls = list(urls)
        for start in range(0, len(urls), _BATCH):
            batch = urls[start:start + _BATCH]
            marks = ", ".join("?" * len(batch))
            for url, spec, members in self._db.execute(
                    f"SELECT url, spec, members FROM listings WHERE url IN ({marks})", batch):
                listing, spellings = _spec_from_json(spec)
                members = _from_db(members)
                found[url] = ListingState(spec=listing, spellings=spellings,
                                          members=tuple(members.split(_MEMBER_SEP))
                                          if members else ())
        return found

    def listing_counts(self) -> dict[str, tuple[ListingSpec, int]]:
        """Every listing's spec and number of articles, by first-page URL."""
        return {url: (_spec_from_json(spec)[0], count) for url, count, spec in
                self._db.execute("SELECT url, count, spec FROM listings")}

    def heads(self, paths: Collection[str]) -> dict[str, CachedHead]:
        """The heads of every article of these sources, by article key (no sketches)."""
        found: dict[str, CachedHead] = {}
        paths = list(paths)
        for start in range(0, len(paths), _BATCH):  # SQLite limits a query's parameters
            batch = paths[start:start + _BATCH]
            marks = ", ".join("?" * len(batch))
            for path, heads in self._db.execute(
                    f"SELECT path, heads FROM sources WHERE path IN ({marks})", batch):
                for head in _decode_heads(path, json.loads(_from_db(heads)), shared=False):
                    found[head.head.key] = head
        return found

    # --- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return _from_db(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, _to_db(value)))

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.close()


class RecordReader:
    """Whole article records from a committed cache, read-only: what a renderer (in this or
    a worker process) needs for the pages it renders."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30.0)

    def article(self, source_path: str, key: str) -> Record:
        row = self._db.execute("SELECT records FROM records WHERE path = ?",
                               (source_path,)).fetchone()
        if row is None:
            raise KeyError(f"no cached record for {key}")
        for data, html in json.loads(_from_db(row[0])):
            if piece_key(source_path, data["provenance"]["piece"]) == key:
                return article_from_json(data), str(html)
        raise KeyError(f"no cached record for {key}")

    def close(self) -> None:
        self._db.close()


def _head_to_json(a: CachedArticle) -> list[object]:
    h = a.head
    return [h.key, h.layout, h.title, h.slug, date_to_json(h.date), list(h.authors),
            h.publisher, h.original_source, h.url, list(h.regions), list(h.themes),
            list(h.tags), list(h.reports), h.summary, a.excerpt, a.heading, a.site_url]


# Per sketch: digest, values and lead lengths, then digest, values, lead (a blob column: no
# hex in JSON).
_SKETCH_HEADER = struct.Struct("<BHH")


def _pack_sketch(sketch: Sketch) -> bytes:
    return (_SKETCH_HEADER.pack(len(sketch.digest), len(sketch.values), len(sketch.lead))
            + sketch.digest + sketch.values + sketch.lead)


def _sketch_parts(blob: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(digest, values, lead) of each sketch packed in `blob`."""
    at = 0
    while at < len(blob):
        digest_len, values_len, lead_len = _SKETCH_HEADER.unpack_from(blob, at)
        at += _SKETCH_HEADER.size
        parts = []
        for length in (digest_len, values_len, lead_len):
            parts.append(blob[at:at + length])
            at += length
        yield parts[0], parts[1], parts[2]
    if at != len(blob):
        raise ValueError("sketch blob does not match its heads")


def _unpack_sketches(blob: bytes, count: int) -> list[Sketch]:
    from archivegen.dedupe.detect import Sketch

    sketches = [Sketch(digest=digest, values=values, lead=lead)
                for digest, values, lead in _sketch_parts(blob)]
    if len(sketches) != count:
        raise ValueError("sketch blob does not match its heads")
    return sketches


def shared_terms(article: CachedArticle) -> CachedArticle:
    """The article with its term names interned: one string per distinct name, not one per
    article (at 10^5 articles that is tens of MiB). For records from worker processes."""
    h = article.head
    return replace(article, head=replace(
        h, layout=_intern(h.layout), authors=_interned(h.authors),
        publisher=_intern(h.publisher), original_source=_intern(h.original_source),
        regions=_interned(h.regions), themes=_interned(h.themes), tags=_interned(h.tags),
        reports=_interned(h.reports)))


def _intern(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    return sys.intern(text)


def _interned(names: Sequence[object]) -> tuple[str, ...]:
    return tuple(map(_intern, names))


def _decode_heads(path: str, raw: dict[str, Any], *,
                  shared: bool = True) -> Iterator[CachedHead]:
    """The heads of one source; `shared`: term names interned (for heads a build keeps)."""
    one, many = (_intern, _interned) if shared else (str, tuple)
    for (key, layout, title, slug, date, authors, publisher, original_source, url, regions,
         themes, tags, reports, summary, excerpt, heading, site_url) in raw["articles"]:
        head = ArticleHead(key=key, source_path=path, layout=one(layout), title=title,
                           slug=slug, date=date_from_json(date), authors=many(authors),
                           publisher=one(publisher),
                           original_source=one(original_source), url=url,
                           regions=many(regions), themes=many(themes),
                           tags=many(tags), reports=many(reports), summary=summary)
        yield CachedHead(head=head, excerpt=str(excerpt), heading=str(heading),
                         site_url=str(site_url))


def _decode_source(path: str, stat: str, sha: str, heads: str | bytes,
                   sketches: bytes) -> CachedSource:
    raw = json.loads(_from_db(heads))
    articles = [CachedArticle(head=h.head, excerpt=h.excerpt, heading=h.heading,
                              site_url=h.site_url, sketch=sketch)
                for h, sketch in zip(_decode_heads(path, raw),
                                     _unpack_sketches(sketches, len(raw["articles"])),
                                     strict=True)]
    return CachedSource(stat=stat, sha256=sha, articles=tuple(articles),
                        diagnostics=tuple(diagnostic_from_json(d) for d in raw["diagnostics"]))


def _spec_to_json(spec: ListingSpec, spellings: Sequence[tuple[str, int]]) -> str:
    term = spec.term
    return json.dumps([spec.kind, spec.title, spec.taxonomy.key if spec.taxonomy else "",
                       [term.name, term.slug] if term else None, spec.year, spec.month,
                       [list(pair) for pair in spellings]], ensure_ascii=False)


_TAXONOMY_BY_KEY = {tax.key: tax for tax in TAXONOMIES}


def _spec_from_json(text: str | bytes) -> tuple[ListingSpec, tuple[tuple[str, int], ...]]:
    kind, title, taxonomy, term, year, month, spellings = json.loads(_from_db(text))
    tax = _TAXONOMY_BY_KEY[taxonomy] if taxonomy else None
    spec = ListingSpec(kind=str(kind), title=str(title), taxonomy=tax,
                       term=Term(taxonomy=tax.key, name=str(term[0]), slug=str(term[1]))
                       if tax is not None and term is not None else None,
                       year=int(year), month=int(month))
    return spec, tuple((str(name), int(count)) for name, count in spellings)
