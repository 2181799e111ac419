"""A first build from a cold disk: the page cache emptied before each build, as on a machine
that has not read the archive yet (a fresh CI runner, a server after a reboot).

    python benchmarks/cold_disk.py --corpus DIR [--work DIR] [--runs 2] [--src LABEL=SRC ...]

Each run syncs, drops the kernel's page cache (`/proc/sys/vm/drop_caches`: root only; the
script refuses to measure a warm cache and call it cold) and builds --corpus cold into
--work (on the same disk as the corpus, not tmpfs), then prints the wall time and the
build's phases. With `--src LABEL=SRC` (a checkout's `src/` folder, several allowed) the
builds alternate between those source trees (PYTHONPATH) and this one; every site must be
byte for byte the first one's (`diff -rq`), or the script exits 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DROP_CACHES = Path("/proc/sys/vm/drop_caches")
_PHASES = re.compile(r"^phases: (.*)$", re.MULTILINE)


def drop_page_cache() -> bool:
    """Written-back and dropped: the next reads come from the disk. False if not allowed."""
    os.sync()
    try:
        DROP_CACHES.write_text("3\n")
    except OSError:
        return False
    return True


def build_once(project: Path, src: str | None) -> tuple[float, str]:
    """A cold build of project/articles into project/site: (seconds, its phases line)."""
    for folder in ("site", ".archivegen"):
        shutil.rmtree(project / folder, ignore_errors=True)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "archivegen", "build", "--input", "articles",
                           "--output", "site"], cwd=project, env=env, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    found = _PHASES.search(done.stdout)
    return seconds, found[1] if found else "(no phases line)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of articles")
    parser.add_argument("--work", type=Path, help="where to build (default: beside --corpus)")
    parser.add_argument("--runs", type=int, default=2, help="builds per source tree")
    parser.add_argument("--src", action="append", default=[], metavar="LABEL=SRC",
                        help="another source tree to alternate with this one")
    args = parser.parse_args()
    variants: list[tuple[str, str | None]] = [("this", None)]
    for given in args.src:
        label, _, src = given.partition("=")
        if not src or not Path(src, "archivegen").is_dir():
            parser.error(f"--src {given}: not LABEL=a folder holding archivegen/")
        variants.append((label, str(Path(src).resolve())))
    if not drop_page_cache():
        print(f"cannot write {DROP_CACHES} (run as root): a build would read a warm cache",
              file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="cold-disk-", dir=args.work or args.corpus.parent))
    sites: dict[str, Path] = {}
    try:
        for label, _ in variants:
            project = work / label
            project.mkdir()
            (project / "articles").symlink_to(args.corpus.resolve(), target_is_directory=True)
        for run in range(args.runs):
            for label, src in variants:
                drop_page_cache()
                seconds, phases = build_once(work / label, src)
                print(f"{label:12s} run {run + 1}: {seconds:6.2f} s  [{phases}]", flush=True)
                sites.setdefault(label, work / label / "site")
        first = sites[variants[0][0]]
        for label, site in sites.items():
            diff = subprocess.run(["diff", "-rq", str(first), str(site)], capture_output=True,
                                  text=True)
            if diff.returncode != 0:
                print(f"{label}: its site differs from {variants[0][0]}'s:\n"
                      f"{diff.stdout[:2000]}", file=sys.stderr)
                return 1
        if len(sites) > 1:
            print("same bytes built by every source tree (diff -rq)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
