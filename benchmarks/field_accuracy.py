"""Fields right / fields expected on the layout fixture set (tests/fixtures/layouts).

Each input file has a hand-written expected record in expected/<file>.json; this script loads
every file the way `archivegen build` does and compares field by field.

    python benchmarks/field_accuracy.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from archivegen.errors import Diagnostics
from archivegen.loaders import load_source
from archivegen.markdown import bare_links, make_markdown
from archivegen.model import Article
from archivegen.repair import repair_article
from archivegen.sources import read_source

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "layouts"
LIST_FIELDS = ("authors", "regions", "themes", "reports", "tags")
TEXT_FIELDS = ("title", "publisher", "original_source", "url")
MD = make_markdown()
FOOTNOTE_REF_RE = re.compile(r"\[\^(?:\d+-)?(\d+)\]")


def _squash(text: str) -> str:
    """Whitespace folded, and footnote markers written back as the text had them ("[1]")."""
    return " ".join(FOOTNOTE_REF_RE.sub(r"[\1]", text).split())


def record_of(article: Article, codes: list[str]) -> dict[str, Any]:
    """The loaded article in the expected-record schema."""
    record: dict[str, Any] = {"layout": article.provenance.layout}
    record.update({f: getattr(article, f) for f in TEXT_FIELDS})
    record.update({f: list(getattr(article, f)) for f in LIST_FIELDS})
    record["contributors"] = [{"role": c.role, "name": c.name} for c in article.contributors]
    record["date"] = article.date.isoformat() if article.date else None
    record["other_dates"] = [d.date.isoformat() for d in article.provenance.other_dates]
    record["body"] = article.body
    record["notes"] = len(article.notes)
    record["links"] = len(bare_links(MD, article.body))
    record["diagnostics"] = sorted(set(codes))
    return record


def load_records(name: str) -> list[dict[str, Any]]:
    diags = Diagnostics()
    source = read_source(FIXTURES, name, diags)
    assert source is not None
    articles = [repair_article(a, diags) for a in load_source(source, diags)]
    codes = [d.code for d in diags.items]
    return [record_of(a, codes) for a in articles]


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Mismatching fields as (field, expected, actual)."""
    wrong = []
    for field, want in expected.items():
        if field == "body_starts":
            got = _squash(actual["body"])[: len(_squash(want))]
            ok = got == _squash(want)
        elif field == "body_ends":
            got = _squash(actual["body"])[-len(_squash(want)):] if want.strip() else ""
            ok = got == _squash(want)
        elif field == "diagnostics":
            got = actual["diagnostics"]
            ok = sorted(set(want)) == got
        else:
            got = actual.get(field)
            ok = got == want
        if not ok:
            wrong.append((field, want, got))
    return wrong


def expected_records(name: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "expected" / f"{name}.json").read_text("utf-8"))
    return data if isinstance(data, list) else [data]


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir()
                  if p.is_file() and p.suffix in (".txt", ".md"))


def check_file(name: str) -> tuple[int, list[str]]:
    """Number of expected fields and the mismatches, as readable lines."""
    expected = expected_records(name)
    actual = load_records(name)
    problems: list[str] = []
    total = sum(len(r) for r in expected)
    if len(actual) != len(expected):
        problems.append(f"{name}: {len(actual)} records, expected {len(expected)}")
    for n, (want, got) in enumerate(zip(expected, actual, strict=False)):
        for field, w, g in compare(want, got):
            problems.append(f"{name}[{n}].{field}: expected {w!r}, got {g!r}")
    if len(actual) < len(expected):  # fields of missing records are all wrong
        problems += [f"{name}[{n}]: missing" for n in range(len(actual), len(expected))]
    return total, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    args = parser.parse_args()
    total = wrong = 0
    for name in fixture_names():
        fields, problems = check_file(name)
        total += fields
        wrong += sum(1 for p in problems if "." in p.split(":")[0] or "missing" in p)
        if args.verbose:
            for p in problems:
                print(p)
    print(f"files: {len(fixture_names())}; fields right: {total - wrong} / {total} "
          f"({100 * (total - wrong) / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
