"""Grade the loader on the shared benchmark corpus: text we did not write, with true fields.

    python benchmarks/bench_grading.py [--n 2000]

../shared/bench/gen_corpus.py writes the same articles as raw Global Research scrapes and as
Hugo pages whose front matter holds their fields. Each raw file is loaded and repaired as a
build does; its title, date, authors, regions, themes and reports are compared with the
front matter, and its body (before repair) with the Hugo body. Prints the counts right.
(tests/e2e/test_bench_corpus.py asserts the same on 300 articles.)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source

GEN = Path(__file__).resolve().parents[2] / "shared" / "bench" / "gen_corpus.py"
FIELDS = ("title", "date", "authors", "regions", "themes", "reports")


def _generate(n: int, fmt: str, out: Path) -> None:
    subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(out),
                    "--format", fmt], check=True, stdout=subprocess.DEVNULL)


def _by_index(paths: list[Path], pattern: str) -> dict[int, Path]:
    return {int(m["index"]): p for p in paths if (m := re.search(pattern, p.name))}


def _front_matter(path: Path) -> tuple[dict[str, object], str]:
    head, body = path.read_text("utf-8")[4:].split("\n---\n", 1)
    front = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        front[key] = json.loads(value)  # gen_corpus writes one `key: <JSON>` per line
    return front, body.strip("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="articles to generate and grade")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    _generate(args.n, "raw", root / "raw")
    _generate(args.n, "hugo", root / "hugo")
    raw = _by_index(sorted((root / "raw").glob("*.txt")), r"^(?P<index>\d{6})_")
    hugo = _by_index(sorted((root / "hugo" / "content" / "articles").glob("*.md")),
                     r"-(?P<index>\d{6})\.md$")
    right = {name: 0 for name in FIELDS}
    bodies = 0
    for index, path in sorted(raw.items()):
        diags = Diagnostics()
        source = read_source(path.parent, path.name, diags)
        if source is None:
            continue
        (loaded,) = load_source(source, diags)
        article = repair_article(loaded, diags)
        front, hugo_body = _front_matter(hugo[index])
        got = {"title": article.title,
               "date": article.date.isoformat() if article.date else None,
               "authors": list(article.authors), "regions": list(article.regions),
               "themes": list(article.themes), "reports": list(article.reports)}
        for name in FIELDS:
            right[name] += got[name] == front[name]
        bodies += loaded.body == hugo_body
    total = sum(right.values())
    print(f"bench corpus ({len(raw)} articles): fields right {total} / {len(raw) * len(FIELDS)}; "
          f"bodies equal {bodies} / {len(raw)}")
    print("  per field: " + ", ".join(f"{name} {right[name]}/{len(raw)}" for name in FIELDS))
    return 0 if total == len(raw) * len(FIELDS) and bodies == len(raw) else 1


if __name__ == "__main__":
    sys.exit(main())
