"""Build state in SQLite: what each source produced and what each output was made from.

Lektor's model, kept small. Per source file: its size, mtime and sidecar signature, its content
hash, the records and diagnostics it loaded into, and the duplicate-detection sketch of each
record. Per output file: the fingerprint of everything it was made from. A source whose stat
is unchanged is not read again; an output whose fingerprint is unchanged is not rendered again.

The cache lives in the project folder (never in the output), is versioned by SCHEMA and by the
archivegen version, and is disposable: a missing, corrupt or old cache is deleted and the build
runs clean. Nothing in it is trusted to run code (JSON, not pickle).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .dedupe import Sketch
from .errors import Diagnostic
from .model import Article
from .records import (
    article_from_json,
    article_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
)

SCHEMA = 2
CACHE_PATH = Path(".archivegen") / f"cache-v{SCHEMA}.sqlite"


@functools.cache
def code_version() -> str:
    """The release plus a digest of this package's own source files: an editable install or a
    git checkout between releases must not reuse records made by different code."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


_VERSION = f"{SCHEMA}:{code_version()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedSource:
    stat: str  # size, mtime and sidecar signature: equal means "not changed", without reading
    sha256: str
    articles: tuple[Article, ...]
    sketches: tuple[Sketch, ...]
    teasers: tuple[tuple[str, str], ...]  # (excerpt, derived heading) per article
    diagnostics: tuple[Diagnostic, ...]


class BuildCache:
    """One build's view of the cache; changes are committed with `commit`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> BuildCache:
        """Open or create the cache; anything unreadable or from another version starts over."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            cache = cls(sqlite3.connect(path, timeout=1.0))
            if cache._version() == _VERSION:
                return cache
            cache.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise OSError(f"another build is using {path}") from exc
        except sqlite3.DatabaseError:
            pass
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        cache = cls(sqlite3.connect(path))
        cache._create()
        return cache

    def _version(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else None

    def _create(self) -> None:
        self._db.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE sources (path TEXT PRIMARY KEY, stat TEXT NOT NULL,
                                  sha256 TEXT NOT NULL, data TEXT NOT NULL);
            CREATE TABLE outputs (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
        """)
        self._db.execute("INSERT INTO meta VALUES ('version', ?)", (_VERSION,))
        self._db.commit()

    # --- sources ---------------------------------------------------------------------------

    def sources(self) -> dict[str, CachedSource]:
        """Every cached source by path; entries that do not decode are left out (rebuilt)."""
        found: dict[str, CachedSource] = {}
        for path, stat, sha, data in self._db.execute("SELECT * FROM sources"):
            try:
                found[path] = _decode_source(stat, sha, data)
            except (ValueError, TypeError, KeyError):
                continue
        return found

    def put_source(self, path: str, entry: CachedSource) -> None:
        data = json.dumps({
            "articles": [article_to_json(a) for a in entry.articles],
            "sketches": [[s.digest.hex(), s.values.hex()] for s in entry.sketches],
            "teasers": [list(t) for t in entry.teasers],
            "diagnostics": [diagnostic_to_json(d) for d in entry.diagnostics],
        }, ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)",
                         (path, entry.stat, entry.sha256, data))

    def forget_sources(self, paths: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM sources WHERE path = ?", ((p,) for p in paths))

    # --- outputs ---------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT path, fingerprint FROM outputs"))

    def forget_outputs(self, paths: Iterable[str]) -> None:
        """Drop fingerprints before rewriting those files: a build killed halfway then
        re-renders them instead of trusting a fingerprint for a file it did not finish."""
        self._db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in paths))

    def put_fingerprints(self, fingerprints: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?)",
                             fingerprints.items())

    # --- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def _decode_source(stat: str, sha: str, data: str) -> CachedSource:
    raw = json.loads(data)
    return CachedSource(
        stat=stat, sha256=sha,
        articles=tuple(article_from_json(a) for a in raw["articles"]),
        sketches=tuple(Sketch(digest=bytes.fromhex(d), values=bytes.fromhex(v))
                       for d, v in raw["sketches"]),
        teasers=tuple((str(e), str(h)) for e, h in raw["teasers"]),
        diagnostics=tuple(diagnostic_from_json(d) for d in raw["diagnostics"]),
    )
