"""Articles and diagnostics to and from JSON, for the build cache.

JSON rather than pickle: the cache is a file in the project folder, and loading it must never
run code, whoever wrote it. Any shape we do not expect raises ValueError, which the cache
treats as "not cached".
"""

from __future__ import annotations

from typing import Any

from .dates import PartialDate
from .errors import Diagnostic, Level, SourceLocation
from .model import (
    Article,
    Contributor,
    FieldOrigin,
    FoundDate,
    Note,
    Provenance,
    Repair,
)


def date_to_json(d: PartialDate | None) -> list[int | None] | None:
    return None if d is None else [d.year, d.month, d.day, d.end_month, d.end_year]


def date_from_json(value: Any) -> PartialDate | None:
    if value is None:
        return None
    year, month, day, end_month, end_year = value
    return PartialDate(year=year, month=month, day=day, end_month=end_month, end_year=end_year)


def _repairs(items: Any) -> tuple[Repair, ...]:
    return tuple(Repair(rule=r, line=n, detail=d) for r, n, d in items)


def article_to_json(a: Article) -> dict[str, Any]:
    p = a.provenance
    return {
        "title": a.title, "authors": list(a.authors),
        "contributors": [[c.role, c.name] for c in a.contributors],
        "publisher": a.publisher, "date": date_to_json(a.date),
        "original_source": a.original_source, "url": a.url, "regions": list(a.regions),
        "themes": list(a.themes), "tags": list(a.tags), "reports": list(a.reports),
        "slug": a.slug, "summary": a.summary, "language": a.language, "body": a.body,
        "notes": [[n.label, n.text, n.line] for n in a.notes], "body_line": a.body_line,
        "provenance": {
            "source_path": p.source_path, "sha256": p.sha256, "layout": p.layout,
            "fields": [[f.name, f.line, f.rule] for f in p.fields],
            "repairs": [[r.rule, r.line, r.detail] for r in p.repairs],
            "notes": [[r.rule, r.line, r.detail] for r in p.notes],
            "other_dates": [[date_to_json(d.date), d.line, d.text] for d in p.other_dates],
            "sidecar_path": p.sidecar_path, "piece": p.piece, "footer": p.footer,
        },
    }


def article_from_json(data: Any) -> Article:
    try:
        p = data["provenance"]
        provenance = Provenance(
            source_path=p["source_path"], sha256=p["sha256"], layout=p["layout"],
            fields=tuple(FieldOrigin(name=n, line=line, rule=r) for n, line, r in p["fields"]),
            repairs=_repairs(p["repairs"]), notes=_repairs(p["notes"]),
            other_dates=tuple(FoundDate(date=date_from_json(d), line=line, text=t)  # type: ignore[arg-type]
                              for d, line, t in p["other_dates"]),
            sidecar_path=p["sidecar_path"], piece=p["piece"], footer=p["footer"])
        return Article(
            title=data["title"], authors=tuple(data["authors"]),
            contributors=tuple(Contributor(role=r, name=n) for r, n in data["contributors"]),
            publisher=data["publisher"], date=date_from_json(data["date"]),
            original_source=data["original_source"], url=data["url"],
            regions=tuple(data["regions"]), themes=tuple(data["themes"]),
            tags=tuple(data["tags"]), reports=tuple(data["reports"]), slug=data["slug"],
            summary=data["summary"], language=data["language"], body=data["body"],
            notes=tuple(Note(label=lb, text=t, line=n) for lb, t, n in data["notes"]),
            body_line=data["body_line"], provenance=provenance)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a cached article: {exc}") from exc


def diagnostic_to_json(d: Diagnostic) -> list[Any]:
    loc = d.location
    return [str(d.level), d.code, d.message, loc.path, loc.line, loc.col]


def diagnostic_from_json(data: Any) -> Diagnostic:
    try:
        level, code, message, path, line, col = data
        return Diagnostic(level=Level(level), code=code, message=message,
                          location=SourceLocation(path=path, line=line, col=col))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a cached diagnostic: {exc}") from exc
