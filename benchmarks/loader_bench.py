"""Loader throughput: files per second for read + detect layout + load + repair.

    python benchmarks/loader_bench.py [--n 10000] [--corpus DIR] [--repeat 3]

Without --corpus it generates the shared synthetic archive (../shared/bench/gen_corpus.py,
raw Global Research layout) into a temporary folder. It also times the 50-file layout fixture
set (every layout, several encodings) and the real third-party files (../shared/real and
tests/fixtures/real2-4: reposts, news extraction, research corpora, saved web pages; files
read into memory first, so this row is loading alone). Prints the best of --repeat runs;
loading only, no rendering or writing. Peak RSS is for the whole process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import iter_article_paths, read_source

REPO = Path(__file__).resolve().parents[1]
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
LAYOUTS = REPO / "tests" / "fixtures" / "layouts"


def load_all(root: Path) -> tuple[int, int, float]:
    """(files, articles, seconds) for loading every article file below root."""
    start = time.perf_counter()
    files = articles = 0
    for rel in iter_article_paths(root):
        diags = Diagnostics()
        source = read_source(root, rel, diags)
        if source is None:
            continue
        files += 1
        articles += len([repair_article(a, diags) for a in load_source(source, diags)])
    return files, articles, time.perf_counter() - start


REAL_SETS = [REPO.parent / "shared" / "real",
             *(REPO / "tests" / "fixtures" / f"real{n}" for n in (2, 3, 4))]


def load_real(repeat: int) -> None:
    """Best time to load and repair every real file, read into memory beforehand."""
    sources = [source for root in REAL_SETS if root.is_dir()
               for rel in iter_article_paths(root) if rel.endswith(".txt")
               if (source := read_source(root, rel, Diagnostics())) is not None]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for source in sources:
            diags = Diagnostics()
            for article in load_source(source, diags):
                repair_article(article, diags)
        best = min(best, time.perf_counter() - start)
    print(f"real files: {len(sources)} files, best of {repeat}: {best:.2f} s = "
          f"{len(sources) / best:,.0f} files/s, {1000 * best / len(sources):.2f} ms per file")


def report(label: str, root: Path, repeat: int) -> None:
    runs = [load_all(root) for _ in range(repeat)]
    files, articles, best = min(runs, key=lambda r: r[2])
    print(f"{label}: {files} files, {articles} articles, best of {repeat}: {best:.2f} s "
          f"= {files / best:,.0f} files/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="articles to generate")
    parser.add_argument("--corpus", type=Path, help="an existing folder of articles")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report("layout fixtures", LAYOUTS, args.repeat)
    load_real(args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp) / "raw"
            subprocess.run([sys.executable, str(GEN), "--n", str(args.n), "--out", str(corpus),
                            "--format", "raw"], check=True, stdout=subprocess.DEVNULL)
        report(f"synthetic raw corpus ({corpus})", corpus, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
