"""Grade the loader on real third-party files: `../shared/real/` and its `expected.json`.

The files were written by other people and read by hand (fields in `expected.json`, traps in
`INDEX.md`); nothing here was tuned to them. Every file is loaded the way `archivegen check`
loads it (loaders, sidecar-free, repair, duplicate detection over the whole folder), then each
graded field is compared with what a careful reader found:

- `null` in expected.json means ambiguous: not graded.
- `""` or `[]` means the text states nothing: any value we give is *invented*.
- title, publisher, original_source: equal after folding whitespace.
- authors, regions, themes, reports: the same names in the same order.
- date: our ISO date must equal the expected one, or be more precise inside it
  (expected "2010" accepts "2010-08-23"); a list of expected dates accepts any of them; a
  range ("2013/2014") is right when both of its ends are.
- duplicate_of_any: the file must share one duplicate group with every file listed; and no
  pair listed in `_related_not_duplicate` may share a group.

A file that holds several pieces is graded on its first (its head decides). A file that
yields no article is graded as an empty record.
"""

from __future__ import annotations

import json
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archivegen.check import CheckReport, check_sources
from archivegen.errors import Diagnostics
from archivegen.load.sources import read_source
from archivegen.model import Article

GRADED = ("title", "authors", "date", "publisher", "original_source", "regions", "themes",
          "reports")
LIST_FIELDS = ("authors", "regions", "themes", "reports")
REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


@dataclass
class Miss:
    path: str
    field: str
    expected: Any
    got: Any
    invented: bool


@dataclass
class RealScore:
    files: int = 0
    graded: int = 0
    right: int = 0
    per_field: dict[str, list[int]] = field(default_factory=dict)  # field -> [right, graded]
    misses: list[Miss] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    dup_files: int = 0
    dup_found: int = 0
    dup_missing: list[str] = field(default_factory=list)
    related_folded: list[str] = field(default_factory=list)
    wrongly_grouped: list[str] = field(default_factory=list)

    @property
    def invented(self) -> int:
        return sum(1 for m in self.misses if m.invented)


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def record_of(article: Article | None) -> dict[str, Any]:
    """The graded fields of a loaded article (an empty record when there is none)."""
    if article is None:
        return {"title": "", "authors": [], "date": "", "publisher": "", "original_source": "",
                "regions": [], "themes": [], "reports": []}
    return {
        "title": article.title, "authors": list(article.authors),
        "date": article.date.isoformat() if article.date else "",
        "publisher": article.publisher, "original_source": article.original_source,
        "regions": list(article.regions), "themes": list(article.themes),
        "reports": list(article.reports),
    }


def field_right(name: str, expected: Any, got: Any) -> bool:
    if name in LIST_FIELDS:
        return [_text(x) for x in expected] == [_text(x) for x in got]
    if name == "date":
        if expected == "":
            return got == ""
        wanted = expected if isinstance(expected, list) else [expected]
        # A range ("2013/2014", "2010-06/2010-07") is right when both its ends are.
        return bool(got) and all(any(end == w or end.startswith(w + "-") for w in wanted)
                                 for end in got.split("/"))
    return _text(expected) == _text(got)


def _is_empty(value: Any) -> bool:
    return value in ("", [], None)


def grade(folder: Path = REAL) -> RealScore:
    expected: dict[str, dict[str, Any]] = {
        name: value for name, value in json.loads(
            (folder / "expected.json").read_text("utf-8")).items() if not name.startswith("_")}
    score = RealScore(files=len(expected), per_field={f: [0, 0] for f in GRADED})
    sources = []
    for name in sorted(expected):
        source = read_source(folder, name, Diagnostics())
        if source is None:
            score.crashes.append(f"{name}: cannot be read")
            continue
        try:  # one file at a time first, so a crash names its file
            check_sources([source])
        except Exception:  # a crash is what we measure here
            score.crashes.append(f"{name}: {traceback.format_exc(limit=-1).strip()}")
            continue
        sources.append(source)
    report = check_sources(sources)
    firsts = {f.path: (f.articles[0] if f.articles else None) for f in report.files}
    for name, want in sorted(expected.items()):
        got = record_of(firsts.get(name))
        for name_field in GRADED:
            wanted = want.get(name_field)
            if wanted is None:
                continue
            score.graded += 1
            score.per_field[name_field][1] += 1
            if field_right(name_field, wanted, got[name_field]):
                score.right += 1
                score.per_field[name_field][0] += 1
            else:
                score.misses.append(Miss(path=name, field=name_field, expected=wanted,
                                         got=got[name_field],
                                         invented=_is_empty(wanted) and not _is_empty(
                                             got[name_field])))
    _grade_duplicates(score, expected, report)
    return score


def duplicate_groups(report: CheckReport) -> dict[str, frozenset[str]]:
    """Source path -> the source paths in its duplicate group (itself included)."""
    groups: dict[str, set[str]] = {}
    for canonical, refs in report.also_archived.items():
        members = {canonical.split("#")[0], *(r.source_path for r in refs)}
        merged = set(members)
        for member in members:
            merged |= groups.get(member, set())
        for member in merged:
            groups[member] = merged
    return {path: frozenset(members) for path, members in groups.items()}


def _grade_duplicates(score: RealScore, expected: dict[str, dict[str, Any]],
                      report: CheckReport) -> None:
    groups = duplicate_groups(report)
    for name, want in sorted(expected.items()):
        group = groups.get(name, frozenset({name}))
        dups = set(want.get("duplicate_of_any", ()))
        if dups:
            score.dup_files += 1
            if dups <= group:
                score.dup_found += 1
            else:
                score.dup_missing.append(f"{name}: not grouped with {sorted(dups - group)}")
        for other in want.get("_related_not_duplicate", ()):
            if other in group and name < other:
                score.related_folded.append(f"{name} ~ {other}")
        strangers = group - dups - {name} - set(want.get("_related_not_duplicate", ()))
        if strangers:
            score.wrongly_grouped.append(f"{name}: grouped with {sorted(strangers)}")


def summary_lines(score: RealScore, *, verbose: bool = False) -> list[str]:
    pct = 100 * score.right / score.graded if score.graded else 0.0
    lines = [f"real files ({score.files}): fields right: {score.right} / {score.graded} "
             f"({pct:.1f}%); invented: {score.invented}; crashes: {len(score.crashes)}; "
             f"duplicate files found: {score.dup_found} / {score.dup_files}; related pairs "
             f"folded: {len(score.related_folded)}; wrongly grouped: "
             f"{len(score.wrongly_grouped)}",
             "  per field: " + ", ".join(f"{name} {r}/{g}"
                                         for name, (r, g) in score.per_field.items())]
    if verbose:
        lines += [f"  {m.path}: {m.field}: expected {m.expected!r}, got {m.got!r}"
                  + ("  [invented]" if m.invented else "") for m in score.misses]
        lines += [f"  crash: {c}" for c in score.crashes]
        lines += [f"  duplicates: {d}" for d in score.dup_missing]
        lines += [f"  related folded: {d}" for d in score.related_folded]
        lines += [f"  wrongly grouped: {d}" for d in score.wrongly_grouped]
    return lines
