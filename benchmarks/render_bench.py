"""Rendering and writing alone, in one process: microseconds per page of a cold build.

    python benchmarks/render_bench.py --corpus DIR [--n 2000] [--repeat 3]

A whole cold build spreads its pages over worker processes and shares two cores with the
loaders, so its render+write phase moves by ±10 % from run to run here: too much to see a
change of a few per cent. This script builds the first --n articles of --corpus (a folder of
article files, such as the shared bench's raw corpus) cold, --repeat times, in this process
only (the worker thresholds raised above the page count), and prints the best render+write
phase per page, beside the load phase per article.

Each build's site must be byte for byte the site of a normal build (workers, cache) of the
same articles, made first: a faster renderer that writes other pages is no result.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from archivegen import workers
from archivegen.config import SiteConfig
from archivegen.dispatch import build


def _project(root: Path, articles: list[Path]) -> Path:
    """A project folder whose seeds/ (the default input) holds copies of `articles` (a
    build does not follow a symlink out of its input folder)."""
    folder = root / "seeds"
    folder.mkdir(parents=True)
    for path in articles:
        shutil.copyfile(path, folder / path.name)
    return root


def _differences(left: Path, right: Path) -> list[str]:
    """What `diff -rq` finds between two trees (as incremental_bench.py compares them)."""
    found = subprocess.run(["diff", "-rq", str(left), str(right)], capture_output=True,
                           text=True)
    return found.stdout.splitlines() + found.stderr.splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of articles")
    parser.add_argument("--n", type=int, default=2000, help="articles taken (by file name)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())[: args.n]
    if not files:
        print(f"no article files in {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        reference = _project(Path(tmp) / "reference", files)
        subprocess.run([sys.executable, "-m", "archivegen", "build", "-q"], cwd=reference,
                       check=True)
        # Pages and articles rendered and loaded here, never in worker processes.
        workers.RENDER_PARALLEL_MIN = workers.PARALLEL_MIN_FILES = 1 << 60
        best: dict[str, float] = {}
        for run in range(args.repeat):
            project = _project(Path(tmp) / f"run{run}", files)
            report = build(project, SiteConfig(), use_cache=True)
            if report.errors or report.articles < len(files):
                print(f"the build loaded {report.articles} articles of {len(files)} files, "
                      f"with {report.errors} errors", file=sys.stderr)
                return 1
            different = _differences(reference / "build", project / "build")
            if different:
                print(f"run {run + 1}: {len(different)} files differ from a normal build's, "
                      f"such as {different[0]}", file=sys.stderr)
                return 1
            phases = dict(report.phases)
            per = {"load": phases["load"] / report.articles * 1e6,
                   "render+write": phases["render+write"] / report.rendered * 1e6}
            print(f"run {run + 1}: {report.articles} articles, {report.rendered} pages; "
                  f"load {per['load']:.0f} us an article, render+write "
                  f"{per['render+write']:.0f} us a page; same bytes as a normal build")
            best = {k: min(v, best.get(k, v)) for k, v in per.items()}
        print(f"best of {args.repeat}: load {best['load']:.0f} us an article, "
              f"render+write {best['render+write']:.0f} us a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
