"""archive.sqlite: a table per kind of record, for datasette or any SQLite client.

A fresh file, rows inserted in URL order, indexes made after the rows, then VACUUM: the same
archive gives the same bytes with the same SQLite library (its version is in the file's
header). DDL below is the documented schema (README, "Research export").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from archivegen.export.record import ExportRecord
from archivegen.model import TAXONOMIES, Term
from archivegen.urls import term_url

SCHEMA_SQL = """
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,          -- 1-based place in URL order (archive.json's id)
  key TEXT NOT NULL UNIQUE,        -- source path, plus #n for the n-th article of a file
  url TEXT NOT NULL UNIQUE,        -- the page's URL from the site's root
  absolute_url TEXT,               -- NULL unless base_url is an http(s) address
  title TEXT NOT NULL,             -- the page's heading
  title_stated INTEGER NOT NULL,   -- 0: the source states no title (first words shown)
  publisher TEXT NOT NULL,
  date TEXT,                       -- ISO 8601 at the stated precision: 2017-05, 2017-05-30
  date_precision TEXT,             -- day, month, month-range, year, year-range
  date_display TEXT NOT NULL,      -- as the page shows it
  year INTEGER, month INTEGER, day INTEGER,
  original_source TEXT NOT NULL,
  original_url TEXT NOT NULL,
  slug TEXT NOT NULL, summary TEXT NOT NULL, language TEXT NOT NULL,
  draft INTEGER NOT NULL,
  body_markdown TEXT NOT NULL,
  source_path TEXT NOT NULL, sha256 TEXT NOT NULL, layout TEXT NOT NULL,
  sidecar_path TEXT NOT NULL, piece INTEGER NOT NULL, body_line INTEGER NOT NULL,
  footer TEXT NOT NULL
);
CREATE TABLE terms (               -- each term page: its name is the most used spelling
  taxonomy TEXT NOT NULL, slug TEXT NOT NULL, name TEXT NOT NULL, url TEXT NOT NULL,
  PRIMARY KEY (taxonomy, slug)
) WITHOUT ROWID;
CREATE TABLE article_terms (       -- regions, themes, tags, authors, reports, publishers, sources
  article_id INTEGER NOT NULL REFERENCES articles (id),
  taxonomy TEXT NOT NULL, position INTEGER NOT NULL,
  term TEXT NOT NULL,              -- as this article spells it
  slug TEXT NOT NULL,              -- terms.slug: spellings that slug alike are one term
  PRIMARY KEY (article_id, taxonomy, position),
  FOREIGN KEY (taxonomy, slug) REFERENCES terms (taxonomy, slug)
) WITHOUT ROWID;
CREATE TABLE contributors (
  article_id INTEGER NOT NULL REFERENCES articles (id), position INTEGER NOT NULL,
  role TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE notes (
  article_id INTEGER NOT NULL REFERENCES articles (id), position INTEGER NOT NULL,
  label TEXT NOT NULL, text TEXT NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE provenance_fields (   -- the line and rule each field was read with
  article_id INTEGER NOT NULL REFERENCES articles (id), position INTEGER NOT NULL,
  field TEXT NOT NULL, line INTEGER NOT NULL, rule TEXT NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE repairs (             -- applied = 0: noticed by the rule and left as it was
  article_id INTEGER NOT NULL REFERENCES articles (id), position INTEGER NOT NULL,
  applied INTEGER NOT NULL, rule TEXT NOT NULL, line INTEGER NOT NULL, detail TEXT NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE other_dates (         -- dates the text states besides the article's
  article_id INTEGER NOT NULL REFERENCES articles (id), position INTEGER NOT NULL,
  date TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE TABLE duplicates (          -- copies folded into an article's page (no page of their own)
  key TEXT PRIMARY KEY, source_path TEXT NOT NULL,
  kind TEXT NOT NULL,              -- exact, near or excerpt
  similarity REAL NOT NULL,
  article_id INTEGER NOT NULL REFERENCES articles (id)
) WITHOUT ROWID;
"""

# Made after the rows (faster, and the same pages whatever the insert batches).
INDEX_SQL = """
CREATE INDEX articles_by_date ON articles (date);
CREATE INDEX articles_by_publisher ON articles (publisher);
CREATE INDEX article_terms_by_term ON article_terms (taxonomy, slug, article_id);
CREATE INDEX duplicates_by_article ON duplicates (article_id);
"""

_BATCH = 512  # articles per executemany round


class SqliteExport:
    """archive.sqlite at `path` (a new file): rows added an article at a time."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path)
        # A scratch file renamed into place when done: no journal to keep it safe meanwhile.
        self._db.executescript("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; "
                               "PRAGMA synchronous = OFF;" + SCHEMA_SQL)
        self._rows: dict[str, list[tuple[object, ...]]] = {}

    def add(self, record: ExportRecord) -> None:
        a, p, n = record.article, record.article.provenance, record.number
        date = record.dates()
        self._put("articles", (
            n, record.page.key, record.page.url, record.absolute_url, record.page.title,
            int(record.page.title_stated), a.publisher, date["date"], date["date_precision"],
            date["date_display"], a.date.year if a.date else None,
            a.date.month if a.date else None, a.date.day if a.date else None,
            a.original_source, a.url, a.slug, a.summary, a.language, int(a.draft), a.body,
            p.source_path, p.sha256, p.layout, p.sidecar_path, p.piece, a.body_line,
            p.footer))
        positions: dict[str, int] = {}
        for tax, name, slug in record.terms():
            positions[tax] = positions.get(tax, 0) + 1
            self._put("article_terms", (n, tax, positions[tax], name, slug))
        for i, c in enumerate(a.contributors, 1):
            self._put("contributors", (n, i, c.role, c.name))
        for i, note in enumerate(a.notes, 1):
            self._put("notes", (n, i, note.label, note.text, note.line))
        for i, f in enumerate(p.fields, 1):
            self._put("provenance_fields", (n, i, f.name, f.line, f.rule))
        for i, (applied, r) in enumerate([*((1, r) for r in p.repairs),
                                          *((0, r) for r in p.notes)], 1):
            self._put("repairs", (n, i, applied, r.rule, r.line, r.detail))
        for i, d in enumerate(p.other_dates, 1):
            self._put("other_dates", (n, i, d.date.isoformat(), d.line, d.text))
        for ref in record.duplicates:
            self._put("duplicates", (ref.key, ref.source_path, ref.kind,
                                     round(ref.similarity, 4), n))
        if len(self._rows.get("articles", ())) >= _BATCH:
            self._flush()

    def _put(self, table: str, row: tuple[object, ...]) -> None:
        self._rows.setdefault(table, []).append(row)

    def _flush(self) -> None:
        for table, rows in self._rows.items():
            marks = ", ".join("?" * len(rows[0]))
            self._db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        self._rows.clear()

    def close(self, terms: Sequence[Term]) -> None:
        """The rows left, the terms, the indexes; then the file compacted and closed."""
        self._flush()
        by_key = {tax.key: tax for tax in TAXONOMIES}
        self._db.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)",
                             sorted((t.taxonomy, t.slug, t.name,
                                     term_url(by_key[t.taxonomy], t.slug)) for t in terms))
        self._db.commit()
        self._db.executescript(INDEX_SQL)
        self._db.execute("VACUUM")
        self._db.close()

    def abort(self) -> None:
        self._db.close()
