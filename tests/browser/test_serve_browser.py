"""`archivegen serve` in Debian's Chromium: an open tab follows edits on disk by itself.

Opens an article served by the preview, edits the article's file, and waits for the tab to
show the new text without a manual reload; breaks its YAML front matter and waits for the
overlay naming file:line; fixes it and waits for the overlay to go. Screenshots of the page
and of the overlay go to docs/screenshots/ for a human to look at.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from archivegen.config import SiteConfig
from archivegen.serve.command import Served, ServeRequest
from conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 20_000
OLD = 1_600_000_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    shutil.copytree(FIXTURES / "archive", tmp_path / "articles")
    for path in (tmp_path / "articles").rglob("*"):
        os.utime(path, (OLD, OLD))
    preview = Served(ServeRequest(base=tmp_path, config=SiteConfig(input="articles",
                                                                   output="site"),
                                  config_file=tmp_path / "archivegen.yaml",
                                  overrides={"input": "articles", "output": "site"},
                                  port=0), lambda line: None)
    preview.rebuild()
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


def test_an_open_tab_follows_edits_and_shows_build_errors(served: Served,
                                                          browser: Browser) -> None:
    project = served.request.base
    article = sorted((project / "articles").glob("md_*.md"))[3]
    report = json.loads((project / ".archivegen" / "build-report.json").read_text())
    url = next(a["url"] for a in report["articles"] if a["source"] == article.name)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served.url.rstrip("/") + url, wait_until="load")
    good = article.read_text()

    article.write_text(good + "\n\nA paragraph written while the page was open.\n")
    added = page.get_by_text("A paragraph written while the page was open.")
    added.wait_for(timeout=TIMEOUT_MS)
    added.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "serve-reloaded.png"))

    article.write_text(good.replace("title:", "title: a: b", 1))  # YAML error on line 2
    overlay = page.locator("#archivegen-overlay")
    overlay.wait_for(timeout=TIMEOUT_MS)
    assert f"{article.name}:2:" in overlay.inner_text()
    assert "AG010" in overlay.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "serve-overlay.png"))

    # While the error lasts, another edit still reloads the tab (the overlay comes back).
    page.evaluate("window.__before_reload = true")
    other = sorted((project / "articles").glob("md_*.md"))[5]
    other.write_text(other.read_text() + "\n\nAnother edit while the error lasts.\n")
    page.wait_for_function("window.__before_reload === undefined", timeout=TIMEOUT_MS)
    overlay.wait_for(timeout=TIMEOUT_MS)

    article.write_text(good)
    overlay.wait_for(state="detached", timeout=TIMEOUT_MS)
    assert page.get_by_text("A paragraph written while the page was open.").count() == 0
    assert errors == []


def test_an_article_edit_is_swapped_into_the_open_tab_without_a_reload(
        served: Served, browser: Browser) -> None:
    """Only article text changed: the tab fetches its page and swaps it in (its stylesheet,
    scroll and script state kept), and goes on following edits."""
    project = served.request.base
    article = sorted((project / "articles").glob("md_*.md"))[2]
    report = json.loads((project / ".archivegen" / "build-report.json").read_text())
    url = next(a["url"] for a in report["articles"] if a["source"] == article.name)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served.url.rstrip("/") + url, wait_until="load")
    title = page.title()
    page.evaluate("window.__kept = true")
    good = article.read_text()
    for n in (1, 2):
        article.write_text(good + f"\n\nSwapped in place, edit {n}.\n")
        page.get_by_text(f"Swapped in place, edit {n}.").wait_for(timeout=TIMEOUT_MS)
        assert page.evaluate("window.__kept === true")
    assert page.title() == title
    assert page.locator("script[src='/__archivegen/reload.js']").count() == 1
    assert errors == []
