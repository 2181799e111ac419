"""Fields right / fields expected: on real third-party files and on our layout fixtures.

Two sets, printed one after the other:

- `../shared/real/` (54 files other people wrote, fields read by hand in expected.json): the
  measure that counts. Graded by `real_grading.py` (see there for the rules).
- `tests/fixtures/layouts/` (50 files we wrote, one expected record each): conformance.

    python benchmarks/field_accuracy.py [--verbose] [--real DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import real_grading

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source
from archivegen.markdown.engine import bare_links, make_markdown
from archivegen.model import Article

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
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--real", type=Path, default=real_grading.REAL,
                        help="folder of real files with expected.json (default ../shared/real)")
    args = parser.parse_args()
    if (args.real / "expected.json").is_file():
        print("\n".join(real_grading.summary_lines(real_grading.grade(args.real),
                                                   verbose=args.verbose)))
    else:
        print(f"real files: {args.real}/expected.json not found; not graded")
    total = wrong = 0
    for name in fixture_names():
        fields, problems = check_file(name)
        total += fields
        wrong += sum(1 for p in problems if "." in p.split(":")[0] or "missing" in p)
        if args.verbose:
            for p in problems:
                print(p)
    print(f"layout fixtures ({len(fixture_names())} files): fields right: "
          f"{total - wrong} / {total} ({100 * (total - wrong) / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
