"""`archivegen check`: what the loader read from each file, and why, without building a site.

For every file: the layout detected, each field with the line and rule it came from, repairs
applied, notes found, duplicates among the checked files, and diagnostics. `report_json` gives
the machine-readable form; `report_lines` the one people read. `--summary` folds the same into
a few totals (`CheckSummary`, `summary_lines`, `summary_json`). Nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from archivegen import __version__
from archivegen.dedupe.detect import Sketch, sketch_text
from archivegen.dedupe.fold import collapse_duplicates
from archivegen.errors import CODES, Diagnostic, Diagnostics, Level, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import iter_article_paths, read_paths
from archivegen.model import Article, ArticleHead, DuplicateRef, Source, article_key, head_of

FIELDS = ("title", "authors", "contributors", "publisher", "date", "original_source", "url",
          "regions", "themes", "tags", "reports", "slug", "summary", "language", "draft")
# The fields a summary counts: those scraped text can state. slug, summary and language come
# only from front matter or a sidecar, so their fill rate says nothing about a scrape.
SUMMARY_FIELDS = ("title", "authors", "contributors", "date", "publisher", "original_source",
                  "url", "regions", "themes", "tags", "reports")


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


def check_sources(sources: Sequence[Source], extra: Sequence[Diagnostic] = (),
                  limits: Limits = DEFAULT_LIMITS) -> CheckReport:
    """Load and repair every source; `extra` holds diagnostics from reading the files.
    `limits` are the config's, as the build uses them (they bound the YAML)."""
    files = []
    everything: list[Article] = []
    for source in sources:
        diags = Diagnostics()
        articles = _load(source, diags, limits)
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
    bodies = {article_key(a): a.body for a in everything}  # to verify excerpt candidates
    _, also, _ = collapse_duplicates([(head_of(a), sketch_text(a.body)) for a in everything],
                                     body=bodies.__getitem__)
    copy_to_canonical = {r.key: canonical for canonical, refs in also.items() for r in refs}
    return CheckReport(files=tuple(sorted(files, key=lambda f: f.path)), also_archived=also,
                       duplicate_of=copy_to_canonical)


def _load(source: Source, diags: Diagnostics, limits: Limits) -> tuple[Article, ...]:
    """The file's articles, repaired; an unexpected error costs this file only (AG051)."""
    try:
        return tuple(repair_article(a, diags)
                     for a in load_source(source, diags, limits=limits))
    except Exception as exc:  # one file must never stop the check of the others
        diags.error("AG051", f"unexpected error while reading this file ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); its articles are skipped — please report it",
                    SourceLocation(path=source.path, line=1, col=1))
        return ()


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
            for name, found in data["fields"].items():
                where = f"line {found['line']}, {found['rule']}" if "line" in found else "derived"
                lines.append(f"  {name}: {_show(found['value'])}  [{where}]")
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
    if isinstance(value, bool):
        return "true" if value else "false"  # as the settings and front matter spell it
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return f"{value['name']} ({value['role']})"
    return str(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckSummary:
    """A set of checked files in a few numbers (`archivegen check --summary`)."""

    files: int
    articles: int
    files_without_article: int
    layouts: dict[str, int]  # layout -> articles, most first
    fields: dict[str, int]  # SUMMARY_FIELDS, in order -> articles stating the field
    diagnostics: dict[tuple[str, str], int]  # (level, code) -> count; errors first, most first
    duplicates: int  # articles folded into another as its copies
    duplicated: int  # articles that copies were folded into

    @property
    def errors(self) -> int:
        return sum(n for (level, _), n in self.diagnostics.items() if level == Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(n for (level, _), n in self.diagnostics.items() if level == Level.WARNING)


@dataclass(slots=True)
class _Tally:
    """The summary's counters, added to one file at a time."""

    files: int = 0
    articles: int = 0
    without_article: int = 0
    layouts: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    diagnostics: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, articles: Sequence[Article], diagnostics: Iterable[Diagnostic]) -> None:
        self.files += 1
        self.articles += len(articles)
        self.without_article += not articles
        for article in articles:
            self.layouts[article.provenance.layout] += 1
            self.fields.update(name for name in SUMMARY_FIELDS if getattr(article, name))
        self.diagnostics.update((str(d.level), d.code) for d in diagnostics)

    def summary(self, also_archived: dict[str, tuple[DuplicateRef, ...]]) -> CheckSummary:
        def most_first(item: tuple[Any, int]) -> tuple[int, Any]:
            return -item[1], item[0]

        by_level = sorted(self.diagnostics.items(),
                          key=lambda item: (item[0][0] != Level.ERROR, *most_first(item)))
        return CheckSummary(
            files=self.files, articles=self.articles, files_without_article=self.without_article,
            layouts=dict(sorted(self.layouts.items(), key=most_first)),
            fields={name: self.fields[name] for name in SUMMARY_FIELDS},
            diagnostics=dict(by_level),
            duplicates=sum(len(refs) for refs in also_archived.values()),
            duplicated=len(also_archived))


ReadFile = tuple[Source | None, Sequence[Diagnostic]]  # None: unreadable (the diagnostics say why)


def read_lazily(paths: Sequence[Path], limits: Limits = DEFAULT_LIMITS,
                unlisted: Diagnostics | None = None) -> Iterator[ReadFile]:
    """sources.read_paths one file at a time, with the problems reading it: the files of a
    folder are never all in memory at once. Folders that cannot be listed are errors in
    `unlisted`."""
    for given in paths:
        shown = given.as_posix() + "/"
        for rel in iter_article_paths(given, unlisted, shown) if given.is_dir() else [""]:
            diags = Diagnostics()
            read = read_paths([given / rel], diags, limits)  # given / "" is given
            yield (read[0] if read else None), diags.items


def summarize(files: Iterable[ReadFile], limits: Limits = DEFAULT_LIMITS,
              unlisted: Diagnostics | None = None) -> CheckSummary:
    """Load each file and fold it into the summary's counters, one at a time; `limits` are
    those the files were read with (the few read again are read alike). `unlisted`: the
    errors of folders that could not be listed, complete once `files` is consumed.

    Of each article only its head and body sketch are kept, for duplicate detection at the
    end: memory grows by a few kilobytes an article (about 3 KB of peak RSS, counting the
    duplicate search), whatever the size of the files.
    """
    tally = _Tally()
    kept: list[tuple[ArticleHead, Sketch]] = []
    for source, problems in files:
        diags = Diagnostics()
        articles = _load(source, diags, limits) if source is not None else ()
        tally.add(articles, [*problems, *diags.items])
        kept += ((head_of(a), sketch_text(a.body)) for a in articles)
    if unlisted is not None:
        tally.diagnostics.update((str(d.level), d.code) for d in unlisted.items)
    _, also, _ = collapse_duplicates(kept, body=partial(_body_read_again, limits=limits))
    return tally.summary(also)


@lru_cache(maxsize=64)
def _body_read_again(key: str, limits: Limits) -> str:
    """The body of an article by key (its file's path as read, '#n' for a piece): read again
    from disk, for the few candidate excerpt pairs duplicate detection verifies on text."""
    path, _, piece = key.partition("#")
    for source in read_paths([Path(path)], Diagnostics(), limits):
        for article in _load(source, Diagnostics(), limits):
            if article_key(article) == key or (not piece and not article.provenance.piece):
                return article.body
    return ""


def short_meaning(code: str) -> str:
    """errors.CODES' meaning of `code` up to its first aside: "article has no title"."""
    return CODES.get(code, "").split(" (")[0].split("; ")[0]


def _percent(count: int, total: int) -> int:
    """Rounded down: 100% only when every article has the field."""
    return 100 * count // total if total else 0


def summary_json(summary: CheckSummary) -> dict[str, Any]:
    s = summary
    return {
        "archivegen": __version__,
        "summary": {
            "files": s.files, "articles": s.articles,
            "files_without_article": s.files_without_article,
            "errors": s.errors, "warnings": s.warnings,
            "layouts": s.layouts,
            "fields": {name: {"count": n,
                              "percent": round(100 * n / s.articles, 1) if s.articles else 0.0}
                       for name, n in s.fields.items()},
            "diagnostics": [{"level": level, "code": code, "count": n,
                             "meaning": CODES.get(code, "")}
                            for (level, code), n in s.diagnostics.items()],
            "duplicates": s.duplicates, "duplicated": s.duplicated,
        },
    }


_LABEL = 13  # width of "diagnostics: ", the longest label
_WIDTH = 100  # of a summary line, at most (when a few cells fit)


def summary_lines(summary: CheckSummary) -> list[str]:
    """The summary for people: a few lines, however many files."""
    s = summary
    lines = [f"checked {s.files} files: {s.articles} articles "
             f"({s.files_without_article} files without one)",
             "layouts:".ljust(_LABEL)
             + (", ".join(f"{name} {n}" for name, n in s.layouts.items()) or "none")]
    lines += _grid("fields:", [f"{name} {n} ({_percent(n, s.articles)}%)"
                               for name, n in s.fields.items()])
    lines.append("diagnostics:".ljust(_LABEL) + f"{s.warnings} warning(s), {s.errors} error(s)")
    width = len(str(max(s.diagnostics.values(), default=0)))
    lines += [" " * _LABEL + f"{n:>{width}} {level:<7} {code} {short_meaning(code)}"
              for (level, code), n in s.diagnostics.items()]
    lines.append("duplicates:".ljust(_LABEL) + f"{s.duplicates} article(s) folded into "
                 f"{s.duplicated} other(s) as copies")
    return lines


def _grid(label: str, cells: Sequence[str]) -> list[str]:
    """`cells` in aligned columns, as many a line as fit in _WIDTH; the first line labelled."""
    for per_row in range(len(cells), 0, -1):
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        widths = [max(len(row[col]) for row in rows if col < len(row))
                  for col in range(per_row)]
        if _LABEL + sum(widths) + 2 * (per_row - 1) <= _WIDTH or per_row == 1:
            break
    else:
        return [label]
    return [(label if i == 0 else "").ljust(_LABEL)
            + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
            for i, row in enumerate(rows)]
