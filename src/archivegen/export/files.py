"""The export files written in one pass over the articles, each through a temporary file in
the output's staging folder renamed into place when complete (never a half-written export).

Called by the full build while the output writer runs (the staging folder exists then); the
files are in the build's plan, so the writer's manifest owns them: pruned when the export is
switched off, kept while it is on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from archivegen.digest import fingerprint
from archivegen.errors import ArchivegenError
from archivegen.export.csvfile import CsvExport
from archivegen.export.jsonfile import JsonExport, schema_bytes
from archivegen.export.record import ExportedArticle, ExportRecord
from archivegen.export.schema import (
    CSV_NAME,
    FILES,
    JSON_NAME,
    SCHEMA_NAME,
    SQLITE_NAME,
)
from archivegen.export.sqlitefile import SqliteExport
from archivegen.model import Article, DuplicateRef, Term
from archivegen.partial_date import PartialDate
from archivegen.render.writer import WrittenFile, file_stat, install_temporary, staging_folder

ORIGIN = "research export"  # what a diagnostic about these files names as their origin


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportSource:
    """What the export is made from, as the full build's index step leaves it."""

    articles: Sequence[ExportedArticle]  # every article with a page, in URL order
    folded: Mapping[str, tuple[DuplicateRef, ...]]  # the copies folded into each, by key
    terms: Sequence[Term]  # every term page
    record: Callable[[ExportedArticle], Article]  # an article's record (from the cache)
    # A date in the pages' words (render/messages.Messages.date), and a digest of those
    # words (the language's messages), for the fingerprint.
    date_words: Callable[[PartialDate], str]
    words_digest: str = ""


def export_paths(formats: Sequence[str]) -> tuple[str, ...]:
    """The output files the formats write."""
    return tuple(name for f in formats for name in FILES[f])


def export_fingerprint(source: ExportSource, formats: Sequence[str], settings: str) -> str:
    """A digest of everything the export files are made from: the formats and settings,
    and per article its page, heading, source file hash and the copies folded into it."""
    return fingerprint("export", *formats, settings, source.words_digest, *(
        f"{a.url}\0{a.key}\0{a.source_sig}\0{a.title}\0{a.title_stated}\0"
        f"{source.folded.get(a.key, ())!r}" for a in source.articles),
        *(f"{t.taxonomy}\0{t.slug}\0{t.name}" for t in source.terms))


def write_export(output_dir: Path, formats: Sequence[str], source: ExportSource,
                 base_url: str) -> Iterator[WrittenFile]:
    """Write the export files of `formats` (the writer's staging folder must exist); each
    file as it is put in place. A file already holding the same bytes is left alone."""
    staging = staging_folder(output_dir)
    temporary = {name: os.path.join(staging, f"export-{os.getpid()}-{name}")
                 for name in export_paths(formats)}
    try:
        try:
            _write_temporaries(temporary, source, base_url)
        except sqlite3.Error as exc:  # a full disk: not the build cache's failure
            raise ArchivegenError(f"cannot write the research export {SQLITE_NAME} "
                                  f"into {output_dir}: {exc}") from exc
        for name, tmp in temporary.items():
            target = output_dir / name
            written = install_temporary(tmp, target)
            yield WrittenFile(path=name, origin=ORIGIN, written=written,
                              stat=file_stat(os.fspath(target)))
    finally:
        for tmp in temporary.values():
            Path(tmp).unlink(missing_ok=True)


def _write_temporaries(temporary: dict[str, str], source: ExportSource,
                       base_url: str) -> None:
    """Every export file into its temporary file, reading each record once."""
    if SCHEMA_NAME in temporary:
        with open(temporary[SCHEMA_NAME], "wb") as out:
            out.write(schema_bytes())
    with ExitStack() as stack:
        writers: list[JsonExport | CsvExport] = []
        if JSON_NAME in temporary:
            writers.append(JsonExport(stack.enter_context(open(temporary[JSON_NAME], "wb"))))
        if CSV_NAME in temporary:
            writers.append(CsvExport(stack.enter_context(open(temporary[CSV_NAME], "wb"))))
        db = SqliteExport(Path(temporary[SQLITE_NAME])) if SQLITE_NAME in temporary else None
        try:
            for number, page in enumerate(source.articles, 1):
                record = ExportRecord(number=number, page=page, article=source.record(page),
                                      duplicates=source.folded.get(page.key, ()),
                                      base_url=base_url, date_words=source.date_words)
                for writer in writers:
                    writer.add(record)
                if db is not None:
                    db.add(record)
            for writer in writers:
                writer.close()
            if db is not None:
                db.close(source.terms)
                db = None
        finally:
            if db is not None:
                db.abort()
    for tmp in temporary.values():
        os.chmod(tmp, 0o644)  # readable by a web server whatever the umask
