"""Issue #6's and #18's figures: how long an edit to a large archive takes to show in a
browser tab that `archivegen serve` is showing.

    python benchmarks/serve_bench.py --corpus /tmp/agbench/raw-10000 [--work DIR] \\
        [--edits 10] [--theme-edits 3] [--rows article,template,stylesheet,taxonomy]

Copies the corpus (raw format, as ../shared/bench/gen_corpus.py writes it) into a fresh
project with overrides of the default theme's base.html and stylesheet (copies: the site is
the default theme's), starts `archivegen serve` on a free port (a subprocess of this Python,
which passes PYTHONPATH on), waits for its first build, opens one article in Debian's
Chromium (Playwright), then saves edits on disk, a person's pause apart, and times each
from the write until the change is visible in the tab:

- article: a paragraph added to the open article's body (`--edits`, median);
- template: a paragraph added to the override of base.html, which every page extends: every
  page of the site changes, the worst case of a theme edit (`--theme-edits`);
- stylesheet: a rule added to the override of the stylesheet (`--theme-edits`);
- taxonomy: the open article joins the theme (the taxonomy) most articles carry, the
  worst case of an article edit for listings (`--theme-edits`: each adds it, then the next
  takes it out again; shown when the page's term links name the theme, or no longer do).

After each edit it also waits for serve's summary line of the build that follows it, and
prints that build's time ("whole site"): after a theme edit the open article page is made
first (incremental/preview.py), the rest of the site by the full build after it.

"Visible": a script in the tab (Playwright's init script) notes the time of the first
animation frame after the new text is in the document (or the new rule applies): the
watcher's batching, the rebuild, the reload request, the page load or swap and the frame.
Playwright's own wait is not the clock: after a page load it retries on a back-off of up
to half a second, which once made every edit look 0.25 s slower than it was.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
THEME = Path(__file__).resolve().parents[1] / "templates"
PAUSE = 1.0  # a person's pause between saves

# Notes (in sessionStorage, which lasts across the tab's reloads) when the awaited text is in
# the document as many times as awaited, or the stylesheet's awaited custom property applies,
# at the next frame.
WATCH_SCRIPT = """(() => {
  function shownText() {  // the page's text, not its scripts' (structured data names terms)
    if (!document.body) { return ""; }
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walk.nextNode()) {
      const tag = walk.currentNode.parentNode.nodeName;
      if (tag !== "SCRIPT" && tag !== "STYLE") { parts.push(walk.currentNode.data); }
    }
    return parts.join("");
  }
  window.__agShownText = shownText;
  function look() {
    const want = JSON.parse(sessionStorage.getItem("agWant") || "null");
    if (!want || sessionStorage.getItem("agSeen") || !document.documentElement) { return; }
    const count = want.selector
      ? [...document.querySelectorAll(want.selector)].filter(
          (el) => el.textContent.trim() === want.text).length
      : shownText().split(want.text).length - 1;
    const css = getComputedStyle(document.documentElement).getPropertyValue("--ag-bench");
    if (count === want.count || css.includes(want.text)) {
      requestAnimationFrame(() => {
        if (!sessionStorage.getItem("agSeen")) {
          sessionStorage.setItem("agSeen", String(Date.now()));
        }
      });
    }
  }
  new MutationObserver(look).observe(document, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", look);
  window.addEventListener("load", look);
  look();
})();"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "agserve")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--theme-edits", type=int, default=3)
    parser.add_argument("--rows", default="article,template,stylesheet,taxonomy",
                        help="which kinds of edit to time, comma-separated")
    args = parser.parse_args()
    project = args.work / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(args.corpus, project / "articles")
    (project / "templates" / "static").mkdir(parents=True)
    shutil.copy(THEME / "base.html", project / "templates" / "base.html")
    shutil.copy(THEME / "static" / "style.css", project / "templates" / "static" / "style.css")
    old = time.time() - 3600  # an hour ago: stats are trusted, as after any real edit
    for path in project.rglob("*"):
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
        threading.Thread(target=_read_lines, args=(server.stdout,), daemon=True).start()
        articles = sorted((project / "articles").glob("*.txt"))
        target = articles[len(articles) // 2]
        report = json.loads((project / ".archivegen" / "build-report.json").read_text())
        page_url = next(a["url"] for a in report["articles"] if a["source"] == target.name)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.add_init_script(WATCH_SCRIPT)
            page.goto(url.rstrip("/") + page_url, wait_until="load")
            templates = project / "templates"
            rows = [("article", args.edits, lambda: _edit_article(target)),
                    ("template", args.theme_edits, lambda: _edit_base(templates / "base.html")),
                    ("stylesheet", args.theme_edits,
                     lambda: _edit_style(templates / "static" / "style.css")),
                    ("taxonomy", args.theme_edits,
                     lambda: _edit_taxonomy(target, _largest_theme(articles)))]
            rows = [row for row in rows if row[0] in args.rows.split(",")]
            medians = {name: _timed(page, name, count, edit) for name, count, edit in rows}
            browser.close()
        for name, median in medians.items():
            print(f"{name}: median {median:.2f} s from the write to the change in the tab")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
    return 0


def _timed(page: Page, name: str, count: int,
           edit: Callable[[], tuple[Path, str, str | None]]) -> float:
    """Seconds from each of `count` edits to its change in the tab; their median. `edit`
    gives the file to write, its new text with @WANT@ where a new text to await goes, and
    the text whose count in the page changes instead (None: @WANT@'s)."""
    times = []
    for number in range(1, count + 1):
        time.sleep(PAUSE)
        path, text, named = edit()
        want = named or f"{name.capitalize()} edit {number} at {time.time():.0f}"
        # A term is counted among the page's term links (a.term); new text in the page's text.
        selector = "a.term" if named else ""
        now = page.evaluate("([w, s]) => s ? [...document.querySelectorAll(s)].filter("
                            "(el) => el.textContent.trim() === w).length : "
                            "window.__agShownText().split(w).length - 1", [want, selector])
        shown = now + (1 if "@WANT@" in text or text.count(want) > path.read_text().count(want)
                       else -1)
        page.evaluate("w => { sessionStorage.setItem('agWant', JSON.stringify(w)); "
                      "sessionStorage.removeItem('agSeen'); }",
                      {"text": want, "count": shown, "selector": selector})
        began = time.time()
        path.write_text(text.replace("@WANT@", want))
        page.wait_for_function("sessionStorage.getItem('agSeen')", timeout=120_000,
                               polling=100)
        seen = float(page.evaluate("sessionStorage.getItem('agSeen')")) / 1000
        times.append(seen - began)
        built = _built_after(began)
        print(f"{name} edit {number}: {times[-1]:.2f} s from the write to the change in the tab"
              f"; whole site: {built - began:.2f} s ({_built[-1][1].strip()[-60:]})")
    return statistics.median(times)


_built: list[tuple[float, str]] = []  # serve's summary lines, with when they came


def _read_lines(stream: IO[str]) -> None:
    for line in stream:
        if " changed: built " in line:
            _built.append((time.time(), line))


def _built_after(began: float) -> float:
    """When serve printed the summary of a build that started after `began`."""
    end = time.time() + 300
    while time.time() < end:
        if _built and _built[-1][0] > began:
            return _built[-1][0]
        time.sleep(0.05)
    raise SystemExit("no build summary after an edit")


def _edit_article(target: Path) -> tuple[Path, str, None]:
    text = target.read_text()
    marker = "\nThe original source" if "\nThe original source" in text else "\n"
    return (target, text.replace(marker, "\n@WANT@ added while the page was open.\n" + marker,
                                 1), None)


def _edit_base(base: Path) -> tuple[Path, str, None]:
    return (base, base.read_text().replace('<main id="main">', '<main id="main">\n<p>@WANT@</p>',
                                           1), None)


def _edit_style(style: Path) -> tuple[Path, str, None]:
    return style, style.read_text() + ':root { --ag-bench: "@WANT@"; }\n', None


def _largest_theme(articles: list[Path]) -> str:
    """The theme (taxonomy) most articles carry, as the raw format names it."""
    found = Counter(m[1] for path in articles
                    if (m := re.search(r"^Theme: \[([^\]]+)\]", path.read_text(
                        errors="replace"), re.M)))
    return found.most_common(1)[0][0]


def _edit_taxonomy(target: Path, theme: str) -> tuple[Path, str, str]:
    """The article joins `theme`, or leaves it if it is in it."""
    text = target.read_text()
    line = re.search(r"^Theme: .*$", text, re.M)
    assert line is not None, "the open article names no theme"
    link = f"[{theme}](#)"
    links = [part for part in line[0][len("Theme: "):].split(", ") if part]
    links = [part for part in links if part != link] if link in links else [link, *links]
    return target, text[:line.start()] + "Theme: " + ", ".join(links) + text[line.end():], theme


if __name__ == "__main__":
    raise SystemExit(main())
