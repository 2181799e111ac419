#!/usr/bin/env python3
"""What the built-in search costs and whether it finds the right articles (issue #16).

    python benchmarks/search_bench.py --corpus DIR --work DIR [--runs N] [--skip cold,edit]

On a raw corpus (`../shared/bench/gen_corpus.py --n N --format raw`):

- cold: `archivegen build --no-cache` into a fresh folder, with and without `--no-search`:
  wall time, the build's own "search" phase, and the peak RSS summed over the process tree
  (sampled every 50 ms from /proc);
- edit: a cached project (a copy of the corpus), one article's title and a body word changed
  and changed back, `runs` times each way: wall time, and the quick phase, with search and
  without;
- bytes: what a query downloads from the search build (manifest, the shards of its words in
  every segment, the result data of the first 10 results, and their 10 article pages, which
  give the snippets), counted from the files; the filter lists a search page loads once;
- right: each query's results against a brute-force scan of every built article page (its
  title, byline and body split into words as search/terms.py does): the same set, or the
  differences are printed.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from archivegen.search.index import CHUNK, MANIFEST, chunk_path, decode_chunk, facet_path
from archivegen.search.postings import bucket_of, decode_postings, unpack_shard
from archivegen.search.terms import words

ARCHIVEGEN = [sys.executable, "-m", "archivegen"]
QUERIES = ("pipeline", "government", "sugar factory", "nato sanctions")
SHOWN = 10  # results a search page shows at first


def tree_rss(root: int) -> int:
    """Summed RSS (bytes) of `root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measured(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """(wall seconds, peak tree RSS bytes, stdout+stderr) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    peak = 0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    reader.join()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{''.join(out)[-2000:]}")
    return wall, peak, "".join(out)


def phase(output: str, name: str) -> float | None:
    found = re.search(rf"\b{name} ([0-9.]+) s", output.split("phases:", 1)[-1])
    return float(found.group(1)) if found else None


def cold(corpus: Path, work: Path, runs: int) -> None:
    print("\n## cold build (--no-cache, fresh output folder)\n")
    print("| build | wall (s) | search phase (s) | peak tree RSS (MiB) |")
    print("| --- | --- | --- | --- |")
    for run in range(runs):
        for label, extra in (("--no-search", ["--no-search"]), ("with search", [])):
            out = work / f"cold-{label.strip('-').replace(' ', '-')}"
            shutil.rmtree(out, ignore_errors=True)
            wall, peak, text = measured([*ARCHIVEGEN, "build", "--no-cache", "--input",
                                         str(corpus), "--output", str(out), *extra], work)
            print(f"| {label} (run {run + 1}) | {wall:.1f} | {phase(text, 'search') or 0:.2f} "
                  f"| {peak / 2**20:.0f} |", flush=True)


def edit(corpus: Path, work: Path, runs: int) -> None:
    print("\n## one-article edit (cached project, quick rebuild)\n")
    print("| build | edit | wall (ms) | quick phase (ms) | how |")
    print("| --- | --- | --- | --- | --- |")
    for label, extra in (("--no-search", ["--no-search"]), ("with search", [])):
        project = work / f"edit-{label.strip('-').replace(' ', '-')}"
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(corpus, project / "seeds")
        wall, peak, _ = measured([*ARCHIVEGEN, "build", *extra], project)
        print(f"| {label} | first build (cold, with the cache) | {wall * 1000:.0f} | — | "
              f"peak tree RSS {peak / 2**20:.0f} MiB |", flush=True)
        target = sorted((project / "seeds").rglob("*.txt"))[len(list(
            (project / "seeds").rglob("*.txt"))) // 2]
        original = target.read_text(encoding="utf-8")
        first, rest = original.split("\n", 1)
        body_word = next(w for w in re.findall(r"\b[a-z]{6,}\b", rest))
        changed = first + " Revised\n" + rest.replace(body_word, "zanzibarite", 1)
        for run in range(runs):
            for name, text in (("edited", changed), ("restored", original)):
                time.sleep(0.01)
                target.write_text(text, encoding="utf-8")
                wall, _, out = measured([*ARCHIVEGEN, "build", *extra], project)
                quick = phase(out, "quick") is not None
                how = "quick" if quick else out.strip().splitlines()[-1][:60]
                print(f"| {label} (run {run + 1}) | {name} | {wall * 1000:.0f} | "
                      f"{(phase(out, 'quick') or 0) * 1000:.0f} | {how} |", flush=True)


class Site:
    """A built site's search files, read as search.js reads them (counting bytes)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = json.loads((root / MANIFEST).read_bytes())
        self.fetched: dict[str, int] = {}

    def read(self, path: str) -> bytes:
        data = (self.root / path).read_bytes()
        self.fetched[path] = len(data)
        return data

    def query(self, text: str) -> list[int]:
        m = self.manifest
        terms = list(dict.fromkeys(words(text)))
        self.read(MANIFEST)
        scores: dict[int, float] = {}
        lists = []
        for term in terms:
            per_doc: dict[int, int] = {}
            for segment, buckets in enumerate(m["buckets"]):
                shard = unpack_shard(self.read(
                    f"search/s{segment}/{bucket_of(term, buckets):x}.bin"))
                if term in shard:
                    n, payload = shard[term]
                    docs, counts = decode_postings(payload, n)
                    per_doc.update((segment * m["segment"] + d, c)
                                   for d, c in zip(docs, counts, strict=True))
            lists.append(per_doc)
        found = set.intersection(*(set(p) for p in lists)) if lists else set()
        for doc in found:
            scores[doc] = sum(p[doc] * math.log(1 + m["docs"] / len(p)) for p in lists)
        return sorted(found, key=lambda d: (-scores[d], d))

    def entry(self, doc: int) -> list[object]:
        return decode_chunk(self.read(chunk_path(doc // CHUNK)))[doc % CHUNK]


_TAG = re.compile(r"<[^>]+>")


def page_words(page: Path) -> set[str]:
    """The words of an article page's title, byline and body, as search/terms.py splits
    them (what the index should hold)."""
    text = page.read_text(encoding="utf-8")
    main = text[text.index("<main"):text.index("</main>")]
    title = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S)
    body = re.search(r'<div class="body">(.*?)</div>\s*(?:<footer|<aside|<nav|</article)',
                     main, re.S)
    by = re.search(r"<dt>By</dt>\s*<dd>(.*?)</dd>", main, re.S)
    parts = [m.group(1) for m in (title, body, by) if m]
    return set(words(html.unescape(_TAG.sub(" ", " ".join(parts)))))


def bytes_and_right(site_dir: Path) -> None:
    site = Site(site_dir)
    print(f"\n## bytes per query and results against a brute-force scan ({site_dir})\n")
    once = sum((site_dir / facet_path(f)).stat().st_size for f in site.manifest["facets"])
    print(f"Filter lists, loaded once per visit of the search page: {once / 1024:.1f} KiB; "
          f"search.js {(site_dir / 'static/search.js').stat().st_size / 1024:.1f} KiB.\n")
    pages = {p.parent.relative_to(site_dir).as_posix() + "/": p
             for p in site_dir.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html")}
    brute = {url: page_words(path) for url, path in pages.items()}
    print("| query | results | shard requests | index bytes (KiB) | + 10 results' data "
          "(KiB) | + 10 article pages for snippets (KiB) | brute force agrees |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for q in QUERIES:
        site.fetched = {}
        found = site.query(q)
        index_bytes = sum(site.fetched.values())
        shards = sum(1 for p in site.fetched if "/s" in p and p.endswith(".bin"))
        before = set(site.fetched)
        entries = [site.entry(doc) for doc in found[:SHOWN]]
        data = sum(v for k, v in site.fetched.items() if k not in before)
        snippet_pages = sum((site_dir / str(e[0]) / "index.html").stat().st_size for e in entries)
        urls = set()
        for doc in found:
            urls.add(str(site.entry(doc)[0]))
        want = set(words(q))
        expected = {url for url, ws in brute.items() if want <= ws}
        agree = ("yes" if urls == expected else
                 f"no: {len(urls - expected)} extra, {len(expected - urls)} missing")
        print(f"| `{q}` | {len(found):,} | {shards} | {index_bytes / 1024:.1f} | "
              f"{data / 1024:.1f} | {snippet_pages / 1024:.1f} | {agree} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip", default="", help="comma-separated: cold, edit, bytes")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    files = sum(1 for _ in args.corpus.rglob("*.txt"))
    print(f"# search benchmark: {files:,} article files in {args.corpus}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if "cold" not in skip:
        cold(args.corpus, args.work, args.runs)
    if "edit" not in skip:
        edit(args.corpus, args.work, args.runs)
    if "bytes" not in skip:
        site = args.work / "cold-with-search"
        if not (site / MANIFEST).exists():
            measured([*ARCHIVEGEN, "build", "--no-cache", "--input", str(args.corpus),
                      "--output", str(site)], args.work)
        bytes_and_right(site)


if __name__ == "__main__":
    main()
