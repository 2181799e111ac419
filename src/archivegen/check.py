"""`archivegen check`: what the loader read from each file, and why, without building a site.

For every file: the layout detected, each field with the line and rule it came from, repairs
applied, notes found, duplicates among the checked files, and diagnostics. `report_json` gives
the machine-readable form; `report_lines` the one people read. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import __version__
from .dedupe import sketch_text
from .duplicates import collapse_duplicates
from .errors import Diagnostic, Diagnostics
from .loaders import load_source
from .model import Article, DuplicateRef, Source, article_key, head_of
from .repair import repair_article

FIELDS = ("title", "authors", "contributors", "publisher", "date", "original_source", "url",
          "regions", "themes", "tags", "reports", "slug", "summary", "language")


@dataclass(frozen=True, slots=True, kw_only=True)
class FileReport:
    path: str
    articles: tuple[Article, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    files: tuple[FileReport, ...]
    # key of a canonical article -> the copies of it; and key of a copy -> its canonical
    also_archived: dict[str, tuple[DuplicateRef, ...]]
    duplicate_of: dict[str, str]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.files for d in f.diagnostics if d.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.files for d in f.diagnostics if d.level == "warning")


def check_sources(sources: Sequence[Source], extra: Sequence[Diagnostic] = ()) -> CheckReport:
    """Load and repair every source; `extra` holds diagnostics from reading the files."""
    files = []
    everything: list[Article] = []
    for source in sources:
        diags = Diagnostics()
        articles = tuple(repair_article(a, diags) for a in load_source(source, diags))
        everything += articles
        own = [d for d in extra if d.location.path in (source.path, source.sidecar_path)]
        files.append(FileReport(path=source.path, articles=articles,
                                diagnostics=tuple(sorted([*diags.items, *own],
                                                         key=Diagnostic.sort_key))))
    # A file that could not be read has no source, but its error must still be reported.
    seen = {f.path for f in files} | {s.sidecar_path for s in sources if s.sidecar_path}
    for path in sorted({d.location.path for d in extra} - seen):
        files.append(FileReport(path=path, articles=(), diagnostics=tuple(
            sorted((d for d in extra if d.location.path == path), key=Diagnostic.sort_key))))
    _, also, _ = collapse_duplicates([(head_of(a), sketch_text(a.body)) for a in everything])
    copy_to_canonical = {r.key: canonical for canonical, refs in also.items() for r in refs}
    return CheckReport(files=tuple(sorted(files, key=lambda f: f.path)), also_archived=also,
                       duplicate_of=copy_to_canonical)


def _value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    if hasattr(value, "role"):
        return {"role": value.role, "name": value.name}
    return value


def article_json(article: Article, report: CheckReport) -> dict[str, Any]:
    origins = {o.name: {"line": o.line, "rule": o.rule} for o in article.provenance.fields}
    key = article_key(article)
    return {
        "layout": article.provenance.layout,
        "piece": article.provenance.piece,
        "fields": {name: {"value": _value(getattr(article, name)), **origins.get(name, {})}
                   for name in FIELDS if getattr(article, name)},
        "repairs": [{"rule": r.rule, "line": r.line, "detail": r.detail}
                    for r in article.provenance.repairs],
        "noticed": [{"rule": r.rule, "line": r.line, "detail": r.detail}
                    for r in article.provenance.notes],
        "notes": len(article.notes),
        "other_dates": [{"date": d.date.isoformat(), "line": d.line, "text": d.text}
                        for d in article.provenance.other_dates],
        "sidecar": article.provenance.sidecar_path or None,
        "duplicate_of": report.duplicate_of.get(key),
        "also_archived_as": [{"path": r.key, "kind": r.kind,
                              "similarity": r.similarity}
                             for r in report.also_archived.get(key, ())],
    }


def report_json(report: CheckReport) -> dict[str, Any]:
    return {
        "archivegen": __version__,
        "files": [{"path": f.path,
                   "articles": [article_json(a, report) for a in f.articles],
                   "diagnostics": [{"level": str(d.level), "code": d.code, "message": d.message,
                                    "line": d.location.line, "col": d.location.col,
                                    "path": d.location.path} for d in f.diagnostics]}
                  for f in report.files],
        "summary": {"files": len(report.files), "errors": report.errors,
                    "warnings": report.warnings},
    }


def report_lines(report: CheckReport) -> list[str]:
    """The report for people: one block per file."""
    lines: list[str] = []
    for f in report.files:
        lines.append(f"{f.path}")
        for article in f.articles:
            data = article_json(article, report)
            piece = f" (piece {data['piece']})" if data["piece"] else ""
            lines.append(f"  layout: {data['layout']}{piece}")
            for name, field in data["fields"].items():
                where = f"line {field['line']}, {field['rule']}" if "line" in field else "derived"
                lines.append(f"  {name}: {_show(field['value'])}  [{where}]")
            for r in data["repairs"]:
                lines.append(f"  repaired: {r['rule']} at line {r['line']}: {r['detail']}")
            if data["notes"]:
                lines.append(f"  notes: {data['notes']}")
            for d in data["other_dates"]:
                lines.append(f"  other date: {d['date']} (line {d['line']}: {d['text']!r})")
            if data["duplicate_of"]:
                lines.append(f"  duplicate of: {data['duplicate_of']} (no page of its own)")
            for dup in data["also_archived_as"]:
                lines.append(f"  also archived as: {dup['path']} ({dup['kind']})")
        if not f.articles:
            lines.append("  no article read")
        lines += [f"  {d.format()}" for d in f.diagnostics]
    lines.append(f"checked {len(report.files)} files: {report.warnings} warning(s), "
                 f"{report.errors} error(s)")
    return lines


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return f"{value['name']} ({value['role']})"
    return str(value)
