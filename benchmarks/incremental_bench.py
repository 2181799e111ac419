"""Issue #5's table: cold, no-op and incremental builds, and peak memory, beside Hugo.

    python benchmarks/incremental_bench.py --n 10000 [--hugo-site DIR --hugo BIN] [--work DIR]

Generates the shared synthetic archive (../shared/bench/gen_corpus.py --format raw) unless
--corpus is given, then times whole `archivegen build` processes (wall seconds and peak RSS,
from wait4 like ../shared/bench/timecmd.py):

  cold            empty output folder, no cache
  CI restore      empty output folder, the build state of the cold build, every article
                  touched (a fresh checkout): the site must be the cold build's, byte for byte
  no-op           the same again, nothing changed (files written must be 0; median of 3)
  body edit       one article gets a new last paragraph (three times; the median is shown)
  title edit      one article's title gets a word at its end (its listings change too; its
                  URL does not: slugs are cut after a few words)
  title, new URL  one article's title gets a word at its start: its page moves
  theme edit      one article joins the theme most articles have (every page of that theme's
                  listing, its feed and the themes index change)
  template edit   the archive's own terms.html override changes (7 taxonomy pages use it)
  CI, new article a CI run as above (empty output, state restored, every file touched) whose
                  checkout adds one article (an existing one, retitled, each body line's
                  words reversed: no copy of another): the pages it changes are rendered

With --hugo-site (a corpus from `bench.sh gen N`, hugo format) and --hugo (the binary), Hugo's
cold build is timed in the same run and every row is also printed as a ratio to it.
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
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
ARCHIVEGEN = [sys.executable, "-m", "archivegen"]
THEME_RE = re.compile(r"^Theme: \[([^\]]+)\]", re.M)
SUMMARY_RE = re.compile(r"(\d+) rendered, (\d+) written, (\d+) unchanged, (\d+) removed")
COPIED_RE = re.compile(r"(\d+) copied from the build state")
PHASES_RE = re.compile(r"^phases: (.*)$", re.M)


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one whole process. Dirty pages are flushed
    first: a cold 10k build leaves ~0.4 GB (site and cache) to write back, which would slow the next
    command's file stats (a no-op measured 0.34 s right after it, 0.23 to 0.26 s later)."""
    os.sync()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, _status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - start, usage.ru_maxrss / 1024, out


def build(project: Path) -> tuple[float, float, str]:
    # Not -q: its summary is read (one line on a pipe; stderr is not a terminal: no bars).
    wall, rss, out = timed([*ARCHIVEGEN, "build", "--input", "articles", "--output",
                            "site"], project)
    m = SUMMARY_RE.search(out)
    counts = "rendered {}, written {}, unchanged {}, removed {}".format(*m.groups()) if m else out
    if copied := COPIED_RE.search(out):
        counts += f", copied {copied[1]}"
    if phases := PHASES_RE.search(out):
        counts += f" [{phases[1]}]"
    return wall, rss, counts


def fresh_checkout(project: Path) -> None:
    """What a CI job starts from: every file of the archive touched (checked out just now,
    though not "racy": over 2 s ago); the output folder is moved away by the caller."""
    fresh = time.time() - 10
    for path in project.rglob("*"):
        if ".archivegen" not in path.parts and "site" not in path.parts:
            os.utime(path, (fresh, fresh))


def ci_restore(project: Path, work: Path) -> tuple[float, float, str]:
    """A CI run: a fresh checkout (every article's mtime new), the build state restored
    from the cold build, an empty output folder. The site it writes must be the cold
    build's, byte for byte."""
    cold = work / "site-cold"
    shutil.rmtree(cold, ignore_errors=True)
    (project / "site").rename(cold)
    fresh_checkout(project)
    wall, rss, counts = build(project)
    same = subprocess.run(["diff", "-rq", str(cold), str(project / "site")],
                          stdout=subprocess.DEVNULL).returncode == 0
    shutil.rmtree(cold)
    return wall, rss, f"{counts}; {'same bytes as cold' if same else 'DIFFERS from cold'}"


def median_of_3(change: Callable[[int], None], project: Path) -> tuple[float, float, str]:
    """Three builds, each after `change(number)`: this machine's timings vary run to run."""
    runs = []
    for number in range(3):
        change(number)
        runs.append(build(project))
    runs.sort()
    wall, rss, counts = runs[1]
    return wall, rss, f"{counts}; median of 3: {', '.join(f'{r[0]:.2f}' for r in runs)} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, help="an existing raw corpus folder")
    parser.add_argument("--hugo", type=Path, help="the hugo binary")
    parser.add_argument("--hugo-site", type=Path, help="hugo corpus of the same articles")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="agbench-"))
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    if args.corpus:
        shutil.copytree(args.corpus, project / "articles")
    else:
        subprocess.run([sys.executable, str(GEN), "--n", str(args.n), "--out",
                        str(project / "articles"), "--format", "raw"], check=True,
                       stdout=subprocess.DEVNULL)
    old = time.time() - 3600  # an hour ago: stats are trusted, as after any real edit
    for path in (project / "articles").rglob("*"):
        os.utime(path, (old, old))
    rows: list[tuple[str, float, float, str]] = []
    hugo_wall = hugo_rss = None
    if args.hugo and args.hugo_site:
        out = work / "hugo-out"
        shutil.rmtree(out, ignore_errors=True)
        hugo_wall, hugo_rss, _ = timed([str(args.hugo), "--quiet", "-s", str(args.hugo_site),
                                        "-d", str(out)], work)
        rows.append(("hugo cold", hugo_wall, hugo_rss, ""))
    rows.append(("cold", *build(project)))
    rows.append(("CI restore", *ci_restore(project, work)))
    rows.append(("no-op", *median_of_3(lambda number: None, project)))
    articles = sorted((project / "articles").glob("*.txt"))
    target = articles[len(articles) // 2]
    text = target.read_text()
    marker = "\nIf you're able" if "\nIf you're able" in text else "\nThe original source"

    def add_paragraph(number: int) -> None:
        text = target.read_text()
        target.write_text(text.replace(marker, f"\nA paragraph added to the body ({number}).\n"
                                       + marker, 1))

    rows.append(("body edit", *median_of_3(add_paragraph, project)))
    lines = target.read_text().split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    lines[first] += " (updated)"
    target.write_text("\n".join(lines))
    rows.append(("title edit", *build(project)))
    lines = target.read_text().split("\n")
    lines[first] = "Revised: " + lines[first]
    target.write_text("\n".join(lines))
    rows.append(("title, new URL", *build(project)))
    themes = Counter(found[1] for path in articles
                     if (found := THEME_RE.search(path.read_text(errors="replace"))))
    common = themes.most_common(1)[0][0]
    target.write_text(target.read_text().replace("\nTheme: [", f"\nTheme: [{common}](#), [", 1))
    rows.append(("theme edit", *build(project)))
    (project / "templates").mkdir(exist_ok=True)
    terms = (REPO / "templates" / "terms.html").read_text()
    (project / "templates" / "terms.html").write_text(terms.replace("<h1>", "<h1 class='t'>"))
    rows.append(("template edit", *build(project)))
    shutil.rmtree(project / "site")
    fresh_checkout(project)
    new = project / "articles" / "zz-new-article.txt"
    lines = target.read_text().split("\n")
    lines[first] = "New: " + lines[first]
    new.write_text("\n".join(" ".join(reversed(line.split())) if len(line) > 200 else line
                             for line in lines))
    rows.append(("CI, new article", *build(project)))
    print(f"articles: {len(articles)}; machine: {os.cpu_count()} cores")
    for name, wall, rss, counts in rows:
        ratio = f"  {wall / hugo_wall:6.3f} x hugo cold" if hugo_wall else ""
        mem = f"  {rss / hugo_rss:5.2f} x hugo RSS" if hugo_rss and name == "cold" else ""
        print(f"{name:14} {wall:8.2f} s  peak {rss:7.0f} MiB{ratio}{mem}  {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
