"""The machine-readable build report, `.archivegen/build-report.json`: summary, diagnostics,
and every article built with the copies folded into it.

At 10^5 articles the text is tens of MiB, so it is made a line at a time. Its last section,
the articles, starts at ARTICLES_MARK: a quick rebuild (quick.py) keeps that section of the
previous report, with the few articles whose URL changed moved (`articles_moved`), and writes
a new summary above it.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivegen import __version__
from archivegen.errors import ArchivegenError
from archivegen.model import DuplicateRef
from archivegen.records import dumps
from archivegen.render.writer import write_atomic_chunks
from archivegen.report import BuildReport

# Where a build writes its report, relative to the project folder.
REPORT_PATH = Path(".archivegen") / "build-report.json"
# Where the articles section starts: list items are indented four spaces and json.dumps
# escapes newlines, so this text occurs once.
ARTICLES_MARK = ',\n  "articles": '


def report_file(project_dir: Path, output_dir: Path) -> Path | None:
    """Where a build of the project keeps its report; None if that is inside the output
    folder: the report is never published with the site. Only the project folder is
    resolved: resolving the report's own path would follow a symlink planted there."""
    path = project_dir.resolve() / REPORT_PATH
    return None if path.is_relative_to(output_dir) else path


def report_lines(report: BuildReport, article_urls: Iterable[tuple[str, str, str]],
                 also_archived: Mapping[str, tuple[DuplicateRef, ...]]) -> Iterator[str]:
    """The report a piece at a time. `article_urls` is (article key, layout, URL) per
    article built; `also_archived` the copies folded into each, by article key."""
    articles = ({"source": key, "layout": layout, "url": url,
                 "also_archived_as": [{"path": r.key, "kind": r.kind,
                                       "similarity": r.similarity}
                                      for r in also_archived.get(key, ())]}
                for key, layout, url in article_urls)  # (see ReportedArticle.item)
    return _json_lines({**_head(report), "articles": articles})


def articles_section(previous: str) -> str | None:
    """The articles section of a report (to its end), or None if it has none."""
    at = previous.find(ARTICLES_MARK)
    if at < 0 or previous.find(ARTICLES_MARK, at + 1) >= 0:
        return None
    return previous[at:]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportedArticle:
    """An article as the report lists it (with no copies folded into it)."""

    key: str
    layout: str
    url: str

    def item(self) -> str:
        """Its line, as report_lines writes it."""
        return dumps({"source": self.key, "layout": self.layout, "url": self.url,
                      "also_archived_as": []})


def articles_moved(section: str,
                   moves: Iterable[tuple[ReportedArticle, ReportedArticle]]) -> str | None:
    """`section` (from articles_section) with some articles listed anew: each move is an
    article as the section lists it and as it is now (another URL or layout). The list stays
    in URL order, as report_lines writes it. None if an old entry is not there."""
    start, end = ARTICLES_MARK + "[\n    ", "\n  ]\n}\n"
    if not (section.startswith(start) and section.endswith(end)):
        return None
    items = section[len(start):-len(end)].split(",\n    ")
    for old, new in moves:
        try:
            items.remove(old.item())
        except ValueError:
            return None
        bisect.insort(items, new.item(), key=lambda item: json.loads(item)["url"])
    return start + ",\n    ".join(items) + end


def report_with_articles(report: BuildReport, section: str) -> Iterator[str]:
    """`report`'s summary and diagnostics, then the articles `section` of an earlier report
    (from articles_section)."""
    *head, end = _json_lines(_head(report))
    assert end == "\n}\n"
    yield from head
    yield section


def write_report(path: Path, pieces: Iterable[str]) -> str:
    """Write the report atomically (unchanged bytes are left alone); its sha256."""
    digest = hashlib.sha256()

    def encoded() -> Iterator[bytes]:
        for piece in pieces:
            data = piece.encode("utf-8")
            digest.update(data)
            yield data

    try:
        write_atomic_chunks(path, encoded())
    except OSError as exc:
        raise ArchivegenError(f"cannot write the build report {path}: {exc}") from exc
    return digest.hexdigest()


def _head(report: BuildReport) -> dict[str, Any]:
    return {
        "archivegen": __version__,
        "summary": {"articles": report.articles, "pages": report.pages,
                    "written": report.written, "unchanged": report.unchanged,
                    "removed": report.removed, "kept_stale": report.kept_stale,
                    "warnings": report.warnings, "errors": report.errors,
                    "seconds": round(report.seconds, 3)},
        "diagnostics": ({"path": d.location.path, "line": d.location.line,
                         "col": d.location.col, "level": str(d.level), "code": d.code,
                         "message": d.message} for d in report.diagnostics),
    }


def _json_lines(data: dict[str, Any]) -> Iterator[str]:
    """JSON with one list item per line: readable and diffable, and written by json's C
    encoder (indent= runs the pure-Python one: a third of a second for 10^4 articles).
    Generators stand for lists and are consumed as the text is produced. records.dumps keeps
    it valid UTF-8 whatever an article's text holds (a lone surrogate becomes U+FFFD)."""
    yield "{\n"
    for number, (key, value) in enumerate(data.items()):
        yield (",\n" if number else "") + f"  {json.dumps(key)}: "
        if isinstance(value, Iterator | list):
            items = iter(value)
            first = next(items, None)
            if first is None:
                yield "[]"
                continue
            yield "[\n    " + dumps(first)
            for item in items:
                yield ",\n    " + dumps(item)
            yield "\n  ]"
        else:
            yield dumps(value)
    yield "\n}\n"
