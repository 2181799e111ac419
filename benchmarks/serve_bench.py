"""Issue #6's figure: how long an edit to one article of a large archive takes to show in a
browser tab that `archivegen serve` is showing.

    python benchmarks/serve_bench.py --corpus /tmp/agbench/raw-10000 [--work DIR] [--edits 5]

Copies the corpus (raw format, as ../shared/bench/gen_corpus.py writes it) into a fresh
project, starts `archivegen serve` on a free port, waits for its first build, opens one
article in Debian's Chromium (Playwright), then edits that article's body on disk several
times: each time, the seconds from the write until the new text is visible in the tab (the
watcher's batching, the rebuild, the reload request and the page load). Prints each time and
the median.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "agserve")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    project = args.work / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(args.corpus, project / "articles")
    old = time.time() - 3600  # an hour ago: stats are trusted, as after any real edit
    for path in (project / "articles").rglob("*"):
        os.utime(path, (old, old))
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "archivegen", "serve", "--input",
                               "articles", "--output", "site", "--port", "0"], cwd=project,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = ""
        while " at http://" not in line:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("serve stopped before serving")
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        print(f"first build and start: {time.perf_counter() - started:.1f} s; {url}")
        articles = sorted((project / "articles").glob("*.txt"))
        target = articles[len(articles) // 2]
        report = json.loads((project / ".archivegen" / "build-report.json").read_text())
        page_url = next(a["url"] for a in report["articles"] if a["source"] == target.name)
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(url.rstrip("/") + page_url, wait_until="load")
            for number in range(1, args.edits + 1):
                time.sleep(1.0)  # a person's pause between saves
                text = target.read_text()
                marker = "\nThe original source" if "\nThe original source" in text else "\n"
                added = f"Paragraph {number} added while the page was open."
                began = time.perf_counter()
                target.write_text(text.replace(marker, f"\n{added}\n" + marker, 1))
                page.get_by_text(added).wait_for(timeout=30_000)
                times.append(time.perf_counter() - began)
                print(f"edit {number}: {times[-1]:.2f} s from the write to the new text in the tab")
            browser.close()
        print(f"median of {len(times)}: {statistics.median(times):.2f} s")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
