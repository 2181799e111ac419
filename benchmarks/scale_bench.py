"""Issue #5's last row: a cold build of 100,000 articles, its peak memory, and its time as a
multiple of a 10,000-article cold build timed in the same run.

    python benchmarks/scale_bench.py [--small 10000] [--large 100000]
        [--small-corpus DIR] [--large-corpus DIR] [--work DIR]

Generates the shared synthetic archives (../shared/bench/gen_corpus.py --format raw) unless
given, then times whole `archivegen build` processes from an empty output folder and no
cache (wall seconds and peak RSS, from wait4; dirty pages flushed before each), the large
archive first and the small one right after it, and prints both with the targets:
peak RSS <= 500 MiB and time <= 11 x the small build's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from incremental_bench import ARCHIVEGEN, GEN, SUMMARY_RE, timed

MAX_RSS_MIB = 500
MAX_RATIO = 11.0


def corpus(given: Path | None, count: int, work: Path) -> Path:
    if given is not None:
        return given.resolve()
    folder = work / f"raw-{count}"
    if not folder.is_dir():
        subprocess.run([sys.executable, str(GEN), "--n", str(count), "--out", str(folder),
                        "--format", "raw"], check=True, stdout=subprocess.DEVNULL)
    return folder


def cold_build(articles: Path, project: Path) -> tuple[float, float, str]:
    """A build of `articles` into project/site with no cache and no earlier output."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    # Not -q: the summary is read (incremental_bench.build says why that is safe).
    wall, rss, out = timed([*ARCHIVEGEN, "build", "--input", str(articles),
                            "--output", "site"], project)
    found = SUMMARY_RE.search(out)
    return wall, rss, ("rendered {}, written {}".format(*found.groups()[:2]) if found
                       else out.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small-corpus", type=Path)
    parser.add_argument("--large-corpus", type=Path)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    work = (args.work or Path(tempfile.mkdtemp(prefix="agscale-"))).resolve()
    large = corpus(args.large_corpus, args.large, work)
    small = corpus(args.small_corpus, args.small, work)
    rows = []
    for name, articles in (("large", large), ("small", small)):
        rows.append((name, articles, *cold_build(articles, work / f"project-{name}")))
    for name, articles, wall, rss, counts in rows:
        print(f"{name:6} {articles}: {wall:8.2f} s  peak {rss:7.1f} MiB  {counts}")
    (_, _, large_wall, large_rss, _), (_, _, small_wall, _, _) = rows
    ratio = large_wall / small_wall
    line = f"large / small time: {ratio:.2f} x; large peak RSS {large_rss:.1f} MiB"
    if (args.small, args.large) == (10_000, 100_000):  # the sizes the targets are for
        line += (f" -- targets: time <= {MAX_RATIO:g} x "
                 f"{'met' if ratio <= MAX_RATIO else 'NOT met'}, peak <= {MAX_RSS_MIB} MiB "
                 f"{'met' if large_rss <= MAX_RSS_MIB else 'NOT met'}")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
