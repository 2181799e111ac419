"""archive.csv: an article per row for spreadsheets; lists joined with LIST_SEPARATOR.

RFC 4180 quoting (the csv module, CRLF line ends), UTF-8 with no byte-order mark. Bodies are
left out (spreadsheets cut a cell at 32,767 characters): they are in archive.json and
archive.sqlite. A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first: a
scraped title can be `=HYPERLINK(...)`) starts with an apostrophe instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from archivegen.export.record import ExportRecord

LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("id", "url", "absolute_url", "title", "title_stated", "authors", "contributors",
           "publisher", "date", "date_precision", "date_display", "original_source",
           "original_url", "regions", "themes", "tags", "reports", "slug", "summary",
           "language", "draft", "duplicates", "source_path", "sha256", "layout",
           "sidecar_path", "repairs")


def neutralised(cell: str) -> str:
    """`cell` as a spreadsheet shows it without running it (OWASP's CSV injection advice)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


def csv_row(record: ExportRecord) -> list[str]:
    """The record's cells in COLUMNS order, as text (true/false for flags)."""
    a, p = record.article, record.article.provenance
    date = record.dates()
    values = (
        str(record.number), record.page.url, record.absolute_url or "", record.page.title,
        _flag(record.page.title_stated), _joined(a.authors),
        _joined(f"{c.role}: {c.name}" for c in a.contributors), a.publisher,
        date["date"] or "", date["date_precision"] or "", date["date_display"],
        a.original_source, a.url, _joined(a.regions), _joined(a.themes), _joined(a.tags),
        _joined(a.reports), a.slug, a.summary, a.language, _flag(a.draft),
        _joined(d.key for d in record.duplicates), p.source_path, p.sha256, p.layout,
        p.sidecar_path, _joined(sorted({r.rule for r in p.repairs})))
    return [neutralised(value) for value in values]


def _flag(value: bool) -> str:
    return "true" if value else "false"


class CsvExport:
    """archive.csv into an open binary file: the header row, then a row per article."""

    def __init__(self, out: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", errors="replace", newline="")
        self._writer = csv.writer(self._text, lineterminator="\r\n")
        self._writer.writerow(COLUMNS)

    def add(self, record: ExportRecord) -> None:
        self._writer.writerow(csv_row(record))

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the caller closes the file
