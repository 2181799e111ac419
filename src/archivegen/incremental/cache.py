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
as it was stored, lone surrogates and all (see to_db). It is never used through
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
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import TYPE_CHECKING

from archivegen import __version__
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, SourceLocation
from archivegen.incremental.rows import (
    MEMBER_SEP,
    assets_to_json,
    decode_heads,
    decode_source,
    from_db,
    head_to_json,
    pack_sketch,
    sketch_parts,
    spec_from_json,
    spec_to_json,
    to_db,
)
from archivegen.load.loaded import CachedHead, CachedSource, Record
from archivegen.model import (
    DuplicateRef,
    ListingSpec,
    piece_key,
)
from archivegen.records import article_from_json, diagnostic_from_json, diagnostic_to_json
from archivegen.search.kept import DIGEST_SIZE, IndexBasis, vector_digest

if TYPE_CHECKING:  # imported when used: a no-op build never decodes a sketch or a listing
    from archivegen.site.indexer import ListingState
    from archivegen.site.plan import PageBases

# 13: search term vectors' digests, and each search document's (search/kept.py);
# 12: heads list the files articles reference (assets) and the paths looked at (also in
# asset_stats); the URLs the site published (redirects); 11: heads and records say
# whether an article is a draft; 10: search term vectors and document numbers; 9: listings
# keep their articles per period (timelines); 8: text not ASCII stored as UTF-8 blobs,
# surrogates kept; members NUL-separated
SCHEMA = 13
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


# The meta table's rows besides the schema version (BuildCache's typed methods).
_INPUT_STATE, _SUMMARY, _QUICK_BASIS = "input_state", "summary", "quick_basis"
_SEARCH_BASIS, _NO_QUICK_BASIS = "search_basis", "no_quick_basis"
_CONTEXT_CONTENT = "context_content"
_LOADER_OPTIONS, _OUTPUT_DIR, _FOLDED = "loader_options", "output_dir", "folded"


@dataclass(frozen=True, slots=True, kw_only=True)
class QuickBasis:
    """What a full build leaves for quick rebuilds: the state it was made in, and what it
    rendered every article page with."""

    context: str  # uptodate.context_state of the build
    bases: PageBases  # what each kind of page was fingerprinted with (site/plan.py)
    nav: tuple[str, ...]  # keys of the taxonomies in every page's navigation
    term_counts: dict[str, int]  # terms per taxonomy, shown by the navigation
    report_sha: str  # sha256 of the build report written ("" if none was written)
    # Keys of the articles whose body duplicate detection groups with another (folded into
    # one page or not: a title or date edit can change that).
    grouped: tuple[str, ...] = ()
    # uptodate.scan_key of the build's input scan: every article file it found, read or not.
    # (A file it could not read has no cache entry: were it removed since, a quick rebuild
    # comparing the cache's files alone would keep reporting it.)
    files: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))  # term_counts in navigation order, as given

    @classmethod
    def from_json(cls, text: str | None) -> QuickBasis | None:
        from archivegen.site.plan import PageBases  # (only a quick rebuild reads it)

        try:
            data = json.loads(text or "")
            return cls(context=str(data["context"]),
                       bases=PageBases.from_mapping(data["bases"]),
                       nav=tuple(map(str, data["nav"])),
                       term_counts={str(k): int(v) for k, v in data["term_counts"].items()},
                       report_sha=str(data["report_sha"]),
                       grouped=tuple(map(str, data["grouped"])),
                       files=str(data["files"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


# What a build keeps of its result for the next one: counts and diagnostics.
Summary = tuple[dict[str, int], tuple[Diagnostic, ...]]


def _parse_summary(text: str | None) -> Summary | None:
    """The cached summary of the last build: its counts (articles, pages, files) and
    diagnostics, sorted; None if missing or garbled (then a build runs)."""
    try:
        data = json.loads(text or "")
        counts = {key: data[key] for key in ("articles", "pages", "files")}
        found = [diagnostic_from_json(d) for d in data["diagnostics"]]
        diagnostics = tuple(sorted(found, key=Diagnostic.sort_key))
        set(diagnostics)  # hashable, as a quick rebuild counts them
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    if not all(type(n) is int for n in counts.values()):
        return None
    return counts, diagnostics


class BuildCache:
    """One build's view of the cache; changes are committed with `commit`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        # Listings read, until listings are stored: a quick rebuild's steps (relist, the
        # neighbours, related articles before and after) read the same few long ones.
        self._listings: dict[str, ListingState | None] = {}

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
            -- Each article's search terms (search.terms.term_vector), by its source file.
            CREATE TABLE terms (key TEXT PRIMARY KEY, path TEXT NOT NULL, vector TEXT NOT NULL,
                                digest BLOB NOT NULL);
            CREATE INDEX terms_by_path ON terms (path);
            -- The document number of each article in the search index the last build left,
            -- and the digest of what the index took of it (search/kept.py).
            CREATE TABLE search_docs (key TEXT PRIMARY KEY, doc INTEGER NOT NULL,
                                      digest BLOB NOT NULL);
            -- Every URL the site published, and what it showed (site/redirects.py).
            CREATE TABLE published (url TEXT PRIMARY KEY, target TEXT NOT NULL);
            CREATE INDEX published_by_target ON published (target);
            -- The paths the references of a source's articles named, and what was there
            -- (load/assets.py): only sources with references have a row, so the no-op
            -- check reads them all without decoding any source.
            CREATE TABLE asset_stats (path TEXT PRIMARY KEY, stats TEXT NOT NULL);
        """)
        self._db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        self._db.commit()

    # --- sources ---------------------------------------------------------------------------

    def sources(self) -> dict[str, CachedSource]:
        """Every cached source by path; entries that do not decode are left out (rebuilt)."""
        found: dict[str, CachedSource] = {}
        for path, stat, sha, heads, sketches in self._db.execute(  # (heads: see to_db)
                "SELECT path, stat, sha256, heads, sketches FROM sources"):
            try:
                found[path] = decode_source(path, stat, sha, heads, sketches)
            except (ValueError, TypeError, KeyError, IndexError, struct.error):
                continue
        return found

    def source(self, path: str) -> CachedSource | None:
        """One cached source; None if it is not there or does not decode."""
        row = self._db.execute("SELECT path, stat, sha256, heads, sketches FROM sources "
                               "WHERE path = ?", (path,)).fetchone()
        try:
            return decode_source(*row) if row is not None else None
        except (ValueError, TypeError, KeyError, IndexError, struct.error):
            return None

    def source_shas(self, paths: Collection[str]) -> dict[str, str]:
        """The content hash of each cached source of `paths`, by path."""
        found: dict[str, str] = {}
        paths = list(paths)
        for start in range(0, len(paths), 500):  # SQLite's bound on parameters
            chunk = paths[start:start + 500]
            found.update(self._db.execute(
                f"SELECT path, sha256 FROM sources WHERE path IN ({', '.join('?' * len(chunk))})",
                chunk))
        return found

    def source_stats(self) -> dict[str, str]:
        """The stat signature of every cached source, by path (nothing decoded)."""
        return dict(self._db.execute("SELECT path, stat FROM sources"))

    def asset_stats(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """CachedSource.asset_stats of every cached source that has some, by path."""
        found: dict[str, tuple[tuple[str, str], ...]] = {}
        for path, stats in self._db.execute("SELECT path, stats FROM asset_stats"):
            try:
                found[path] = tuple((str(rel), str(sig)) for rel, sig in json.loads(
                    from_db(stats)))
            except (ValueError, TypeError):
                found[path] = (("", ""),)  # never fresh: the source is loaded again
        return found

    def sketches_except(self, paths: Collection[str]) -> Iterator[tuple[bytes, bytes, bytes]]:
        """(digest, values, lead) of the duplicate-detection sketch of every article of every
        cached source but those of `paths` (no Sketch objects: a quick rebuild reads 10^5
        of them to compare a few bodies against)."""
        marks = ", ".join("?" * len(paths))
        for (blob,) in self._db.execute(
                f"SELECT sketches FROM sources WHERE path NOT IN ({marks})", tuple(paths)):
            yield from sketch_parts(blob)

    def put_source(self, path: str, entry: CachedSource, records: str,
                   vectors: Sequence[str] = ()) -> None:
        """Store a source's heads, `records` (from encode_records) and its articles' search
        term `vectors` (in the order of its articles)."""
        heads = json.dumps({
            "articles": [head_to_json(a) for a in entry.articles],
            "diagnostics": [diagnostic_to_json(d) for d in entry.diagnostics],
            **assets_to_json(entry),
        }, ensure_ascii=False)
        sketches = b"".join(pack_sketch(a.sketch) for a in entry.articles)
        self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                         (path, entry.stat, entry.sha256, to_db(heads), sketches))
        self._db.execute("INSERT OR REPLACE INTO records VALUES (?, ?)",
                         (path, to_db(records)))
        self._db.execute("DELETE FROM asset_stats WHERE path = ?", (path,))
        if entry.asset_stats:
            self._db.execute("INSERT INTO asset_stats VALUES (?, ?)", (path, to_db(json.dumps(
                [list(pair) for pair in entry.asset_stats], ensure_ascii=False))))
        self._db.execute("DELETE FROM terms WHERE path = ?", (to_db(path),))
        self._db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?, ?)",
                             ((to_db(a.head.key), to_db(path), to_db(vector),
                               vector_digest(vector))
                              for a, vector in zip(entry.articles, vectors, strict=False)))

    def touch_source(self, path: str, stat: str) -> None:
        """The file was touched, not changed: only its stat is new."""
        self._db.execute("UPDATE sources SET stat = ? WHERE path = ?", (stat, path))

    def forget_sources(self, paths: Iterable[str]) -> None:
        paths = list(paths)
        self._db.executemany("DELETE FROM sources WHERE path = ?", ((p,) for p in paths))
        self._db.executemany("DELETE FROM records WHERE path = ?", ((p,) for p in paths))
        self._db.executemany("DELETE FROM asset_stats WHERE path = ?", ((p,) for p in paths))
        self._db.executemany("DELETE FROM terms WHERE path = ?", ((to_db(p),) for p in paths))

    # --- search ----------------------------------------------------------------------------

    def vector(self, key: str) -> str | None:
        """An article's search term vector (None if not cached). One query per article: in
        key order, as the index numbers them (SQLite orders a key stored as a blob apart)."""
        row = self._db.execute("SELECT vector FROM terms WHERE key = ?",
                               (to_db(key),)).fetchone()
        return from_db(row[0]) if row else None

    def vector_digest(self, key: str) -> bytes | None:
        """The digest of an article's search term vector (search/kept.py), None if not
        cached."""
        row = self._db.execute("SELECT digest FROM terms WHERE key = ?",
                               (to_db(key),)).fetchone()
        return bytes(row[0]) if row else None

    def set_search_docs(self, keys: Sequence[str], digests: bytes) -> None:
        """The articles of the search index just written, in document number order, and
        each one's digest (DIGEST_SIZE bytes each, in the same order)."""
        self._db.execute("DELETE FROM search_docs")
        self._db.executemany("INSERT INTO search_docs VALUES (?, ?, ?)",
                             ((to_db(key), n, digests[n * DIGEST_SIZE:(n + 1) * DIGEST_SIZE])
                              for n, key in enumerate(keys)))

    def search_documents(self) -> Iterator[tuple[str, bytes]]:
        """(key, digest) of each document of the kept search index, in number order."""
        for key, digest in self._db.execute(
                "SELECT key, digest FROM search_docs ORDER BY doc"):
            yield from_db(key), bytes(digest)

    def set_search_doc_digest(self, key: str, digest: bytes) -> None:
        """A document a quick rebuild edited in the index: what the index now took of it."""
        self._db.execute("UPDATE search_docs SET digest = ? WHERE key = ?",
                         (digest, to_db(key)))

    def search_basis(self) -> IndexBasis | None:
        """The search index the last build left (None: unknown, or none)."""
        return IndexBasis.from_json(self._meta(_SEARCH_BASIS) or "")

    def set_search_basis(self, basis: IndexBasis | None) -> None:
        """None while a build may change the index's files."""
        self._set_meta(_SEARCH_BASIS, basis.to_json() if basis is not None else "")

    def search_doc(self, key: str) -> int | None:
        row = self._db.execute("SELECT doc FROM search_docs WHERE key = ?",
                               (to_db(key),)).fetchone()
        return int(row[0]) if row else None

    def search_doc_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM search_docs").fetchone()[0])

    # --- outputs ---------------------------------------------------------------------------

    def outputs(self) -> dict[str, tuple[str, str]]:
        """(fingerprint, stat of the file written) of every output of the last build."""
        return {path: (fp, stat) for path, fp, stat in
                self._db.execute("SELECT path, fingerprint, stat FROM outputs")}

    def forget_outputs(self, paths: Iterable[str]) -> None:
        """Drop fingerprints before rewriting those files: a build killed halfway then
        re-renders them instead of trusting a fingerprint for a file it did not finish."""
        self._db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in paths))

    def put_outputs(self, outputs: Iterable[tuple[str, tuple[str, str]]]) -> None:
        """(path, (fingerprint, stat)) of each output, read as they are stored."""
        self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                             ((path, fp, stat) for path, (fp, stat) in outputs))

    # --- published URLs ------------------------------------------------------------------

    def published(self) -> Iterator[tuple[str, str]]:
        """Every URL the site published, with its target (site/redirects.py), read as they
        are used (a cursor over the table)."""
        return iter(self._db.execute("SELECT url, target FROM published ORDER BY url"))

    def published_to(self, target: str) -> list[str]:
        """The URLs published for one target."""
        return [url for (url,) in self._db.execute(
            "SELECT url FROM published WHERE target = ? ORDER BY url", (target,))]

    def publish(self, entries: Iterable[tuple[str, str]], *, every: bool = False) -> None:
        """Remember these URLs and targets; with `every`, they are all there are."""
        if every:
            self._db.execute("DELETE FROM published")
        self._db.executemany("INSERT OR REPLACE INTO published VALUES (?, ?)", entries)

    # --- listings --------------------------------------------------------------------------

    def put_listings(self, states: Iterable[ListingState], *, every: bool = False) -> None:
        """Store these listings' states; with `every`, they are all there is."""
        from archivegen.urls import listing_url

        self._listings.clear()
        if every:
            self._db.execute("DELETE FROM listings")
        self._db.executemany("INSERT OR REPLACE INTO listings VALUES (?, ?, ?, ?)", (
            (listing_url(state.spec), len(state.members),
             to_db(spec_to_json(state.spec, state.spellings, state.periods)),
             to_db(MEMBER_SEP.join(state.members)))
            for state in states))

    def listing_states(self, urls: Collection[str]) -> dict[str, ListingState]:
        """The stored state of each of these listings there is, by first-page URL."""
        from archivegen.site.indexer import ListingState

        unread = [url for url in dict.fromkeys(urls) if url not in self._listings]
        for start in range(0, len(unread), _BATCH):
            batch = unread[start:start + _BATCH]
            self._listings.update(dict.fromkeys(batch))
            marks = ", ".join("?" * len(batch))
            for url, spec, members in self._db.execute(
                    f"SELECT url, spec, members FROM listings WHERE url IN ({marks})", batch):
                listing, spellings, periods = spec_from_json(spec)
                members = from_db(members)
                self._listings[url] = ListingState(
                    spec=listing, spellings=spellings, periods=periods,
                    members=tuple(members.split(MEMBER_SEP)) if members else ())
        found = {url: self._listings[url] for url in urls}
        return {url: state for url, state in found.items() if state is not None}

    def listing_counts(self) -> dict[str, tuple[ListingSpec, int]]:
        """Every listing's spec and number of articles, by first-page URL."""
        return {url: (spec_from_json(spec)[0], count) for url, count, spec in
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
                for head in decode_heads(path, json.loads(from_db(heads)), shared=False):
                    found[head.head.key] = head
        return found

    # --- meta ------------------------------------------------------------------------------

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    # --- what the last build left for the next (the meta table) ----------------------------
    # One method per row: the full build, a quick rebuild and the replay check each write
    # some and read others, and a misspelt key must not be a silent miss.

    def input_state(self) -> str:
        """uptodate.input_state of the last build, if it may be replayed; "" if not (it was
        interrupted, failed, kept stale files, or a build is under way)."""
        return self._meta(_INPUT_STATE) or ""

    def set_input_state(self, state: str) -> None:
        self._set_meta(_INPUT_STATE, state)

    def context_content(self) -> str:
        """uptodate.context_content of the last full build, written with its input state
        and quick basis ("" while a build is under way)."""
        return self._meta(_CONTEXT_CONTENT) or ""

    def set_context_content(self, content: str) -> None:
        self._set_meta(_CONTEXT_CONTENT, content)

    def summary(self) -> Summary | None:
        """The last build's counts and diagnostics; None if missing or garbled."""
        return _parse_summary(self._meta(_SUMMARY))

    def set_summary(self, counts: dict[str, int], diagnostics: Sequence[Diagnostic]) -> None:
        """`counts`: articles, pages and files of the build."""
        self._set_meta(_SUMMARY, json.dumps(  # read back exactly: see rows.to_db
            {**counts, "diagnostics": [diagnostic_to_json(d) for d in diagnostics]},
            ensure_ascii=False))

    def quick_basis(self) -> QuickBasis | None:
        return QuickBasis.from_json(self._meta(_QUICK_BASIS))

    def set_quick_basis(self, basis: QuickBasis | None, why: str = "") -> None:
        """None while a build changes the cache, or after one a quick rebuild may not start
        from: `why` says which, for the next build to tell its user."""
        self._set_meta(_QUICK_BASIS, basis.to_json() if basis is not None else "")
        self._set_meta(_NO_QUICK_BASIS, "" if basis is not None else why)

    def no_quick_basis(self) -> str:
        """Why the last build left no quick-rebuild basis ("" if it did, or if unknown)."""
        return self._meta(_NO_QUICK_BASIS) or ""

    def folded(self) -> dict[str, tuple[DuplicateRef, ...]]:
        """The copies the last full build folded into each page, by the kept article's key
        ({} if unknown: then a page showing copies is never made by a quick rebuild)."""
        try:
            data = json.loads(self._meta(_FOLDED) or "{}")
            return {str(key): tuple(DuplicateRef(key=str(k), source_path=str(p), kind=str(kind),
                                                 similarity=float(s))
                                    for k, p, kind, s in refs)
                    for key, refs in data.items()}
        except (ValueError, TypeError, AttributeError):
            return {}

    def set_folded(self, folded: dict[str, tuple[DuplicateRef, ...]]) -> None:
        self._set_meta(_FOLDED, json.dumps(  # read back exactly: see rows.to_db
            {key: [[r.key, r.source_path, r.kind, r.similarity] for r in refs]
             for key, refs in sorted(folded.items())}, ensure_ascii=False))

    def loader_options(self) -> str | None:
        """What the cached records were loaded with (input folder and loader settings)."""
        return self._meta(_LOADER_OPTIONS)

    def set_loader_options(self, options: str) -> None:
        self._set_meta(_LOADER_OPTIONS, options)

    def output_dir(self) -> str | None:
        """The output folder the outputs' fingerprints and stats describe."""
        return self._meta(_OUTPUT_DIR)

    def set_output_dir(self, output_dir: Path) -> None:
        self._set_meta(_OUTPUT_DIR, str(output_dir))

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return from_db(row[0]) if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, to_db(value)))


class RecordReader:
    """Whole article records from a committed cache, read-only: what a renderer (in this or
    a worker process) needs for the pages it renders."""

    # Records kept after reading: the newest articles are in many feeds (the home page's and
    # their terms'), and a feed carries its articles' bodies. Each render worker keeps its
    # own: 256 held ~4 MiB of bodies per worker at the end of a build.
    KEPT = 64

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30.0)
        self._recent: OrderedDict[str, Record] = OrderedDict()

    def article(self, source_path: str, key: str) -> Record:
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        row = self._db.execute("SELECT records FROM records WHERE path = ?",
                               (source_path,)).fetchone()
        if row is None:
            raise KeyError(f"no cached record for {key}")
        for data, html in json.loads(from_db(row[0])):
            if piece_key(source_path, data["provenance"]["piece"]) == key:
                record = article_from_json(data), str(html)
                self._recent[key] = record
                if len(self._recent) > self.KEPT:
                    self._recent.popitem(last=False)
                return record
        raise KeyError(f"no cached record for {key}")

    def close(self) -> None:
        self._db.close()


def state_path(project_dir: Path, relative: Path) -> Path:
    """A build state file's absolute path. The project folder is resolved, the state path
    below it never is: resolving would follow a symlink planted there to its target."""
    return project_dir.resolve() / relative


def open_cache(project_dir: Path, output_dir: Path,
               diags: Diagnostics) -> BuildCache | None:
    """The project's build cache; None when it would sit inside the output folder, or
    cannot be used (a symlink, a full or failing disk: a warning in `diags`; the build
    then runs without it)."""
    path = state_path(project_dir, CACHE_PATH)
    if path.is_relative_to(output_dir):
        return None  # never keep build state inside the published folder
    try:
        cache = BuildCache.open(path)
    except StateRefused as exc:
        diags.warning("AG061", f"{exc}; not followed: building without the cache",
                      SourceLocation(path=str(path)))
        return None
    except sqlite3.Error as exc:
        diags.warning("AG061", f"the build cache cannot be used ({exc}); building without it",
                      SourceLocation(path=str(path)))
        return None
    except OSError as exc:
        raise ArchivegenError(f"cannot open the build cache {path}: {exc}") from exc
    if why := bytecode_refusal(path):
        diags.warning("AG061", f"{why}; not followed: templates are compiled as they are used",
                      SourceLocation(path=str(path.parent / "jinja")))
    return cache
