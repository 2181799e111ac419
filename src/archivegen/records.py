"""Articles and diagnostics to and from JSON, for the build cache.

JSON rather than pickle: the cache is a file in the project folder, and loading it must never
run code, whoever wrote it. Any shape we do not expect raises ValueError, which the cache
treats as "not cached".
"""

from __future__ import annotations

import json
import re
from typing import Any

from archivegen.errors import Diagnostic, Level, SourceLocation
from archivegen.model import (
    Article,
    Contributor,
    FieldOrigin,
    FoundDate,
    Note,
    Provenance,
    Repair,
)
from archivegen.partial_date import PartialDate

# Raw in json.dumps(ensure_ascii=False) text, these make it invalid or unsafe to show: lone
# surrogates (UTF-8 has no encoding for them, so writing the text raises), and DEL, C1
# controls and bidi overrides (json escapes only C0 controls; these act on a terminal).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text of `value`, valid UTF-8 whatever its strings hold (see valid_json)."""
    return valid_json(json.dumps(value, ensure_ascii=False, indent=indent))


def valid_json(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) that encodes as UTF-8: surrogate
    pairs are joined into the character they stand for and lone surrogates become U+FFFD.
    Replaced, not escaped as "\\ud800": strict parsers (Rust's serde_json, for one) reject a
    lone surrogate escape, and it is no text anyway. DEL, C1 controls and bidi overrides
    are written as \\u escapes: the same strings, inert on a terminal. Such characters
    can only stand inside JSON strings (its syntax is ASCII), so this edits strings only."""
    if (text.isascii() and "\x7f" not in text) or not _JSON_UNSAFE.search(text):
        return text  # (DEL is ASCII: an all-ASCII text may still hold one)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


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
        "slug": a.slug, "summary": a.summary, "language": a.language, "draft": a.draft,
        "body": a.body,
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
            summary=data["summary"], language=data["language"], draft=bool(data["draft"]),
            body=data["body"],
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
