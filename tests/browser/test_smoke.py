"""Browser smoke test: build the seed archive, serve it, and drive Debian's Chromium over it.

Loads the home page, a term page and the seed article; fails on console errors, page
errors, failed requests and HTTP errors; checks a few things a reader would see; and
saves screenshots to docs/screenshots/ for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Response
from static_server import served

from conftest import SEEDS, run_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1200, "height": 900}
MOBILE = {"width": 390, "height": 844}
TERM_TITLE = "Middle East & North Africa"
ARTICLE_TITLE_START = "Breaking: Situation Escalates"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed archive, built once for this module."""
    out = tmp_path_factory.mktemp("site")
    assert run_build(SEEDS, out) == 0
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 with an ephemeral port."""
    with served(site) as url:
        yield url


@dataclass
class Watch:
    """A page plus everything that went wrong on it."""

    page: Page
    problems: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    favicon_404s: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        problems = list(self.problems)
        # The theme declares no icon, so Chromium probes /favicon.ico on its own and logs
        # the 404. That probe is tolerated; an icon a page does declare must load.
        declared = self.page.evaluate("document.querySelectorAll('link[rel~=icon]').length")
        if declared:
            problems += self.favicon_404s
        assert problems == [], "browser reported problems:\n" + "\n".join(problems)


def _is_favicon_404(msg: Any) -> bool:
    url = msg.location.get("url", "")
    return url.endswith("/favicon.ico") and "404" in msg.text


def _open(browser: Browser, viewport: dict[str, int]) -> Iterator[Watch]:
    context = browser.new_context(viewport=viewport, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch(page)

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        text = f"console error: {msg.text} ({msg.location})"
        if _is_favicon_404(msg):
            watch.favicon_404s.append(text)
        else:
            watch.problems.append(text)

    def on_pageerror(exc: Any) -> None:
        watch.problems.append(f"page error: {exc}")

    def on_requestfailed(req: Request) -> None:
        if req.failure == "net::ERR_ABORTED" and "favicon" in req.url.rsplit("/", 1)[-1]:
            return  # an icon fetch the browser gave up as the test moved on; a broken icon
            # still shows as an HTTP error (on_response)
        watch.problems.append(f"request failed: {req.method} {req.url}: {req.failure}")

    def on_response(resp: Response) -> None:
        watch.responses.append(resp)
        if resp.status >= 400:
            watch.problems.append(f"HTTP {resp.status}: {resp.request.method} {resp.url}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.on("requestfailed", on_requestfailed)
    page.on("response", on_response)
    try:
        yield watch
    finally:
        context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Watch]:
    yield from _open(browser, DESKTOP)


@pytest.fixture
def mobile(browser: Browser) -> Iterator[Watch]:
    yield from _open(browser, MOBILE)


# Pages are left only when the network is idle: Chromium fetches a page's icon after its
# load event, and leaving before that fetch ends aborts it (ERR_ABORTED, reported as a
# failed request although the reader never sees a problem).
def _goto(watch: Watch, url: str) -> None:
    response = watch.page.goto(url, wait_until="networkidle")
    assert response is not None, url
    assert response.status == 200, f"{url}: HTTP {response.status}"


def _click_through(page: Page, link: Locator) -> None:
    """Click a link and wait for the page it leads to."""
    with page.expect_navigation(wait_until="networkidle"):
        link.click()


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _assert_styled(watch: Watch) -> None:
    """The theme stylesheet was fetched with 200 and applied."""
    css = [r for r in watch.responses if r.url.endswith("/static/style.css")]
    assert css, "static/style.css was never requested"
    # The first fetch in a context is a 200; later pages may revalidate it (304, cached copy).
    statuses = [r.status for r in css]
    assert statuses[0] == 200 and all(s in (200, 304) for s in statuses), statuses
    page = watch.page
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Georgia" in font, f"body font-family is {font!r}: stylesheet not applied"
    # The theme caps the measure of <main>; an unstyled page would span the viewport.
    max_width = page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")
    assert max_width != "none", "main has no max-width: stylesheet not applied"


def _assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"page scrolls horizontally: {widths}"


def _article_url(watch: Watch, base_url: str) -> str:
    """Follow the first article link on the home page; return the article's URL."""
    page = watch.page
    _goto(watch, base_url + "/")
    _click_through(page, page.locator("ol.article-list article.summary h2 a").first)
    return page.url


def test_home(desktop: Watch, base_url: str) -> None:
    page = desktop.page
    _goto(desktop, base_url + "/")
    assert page.locator("h1").inner_text() == "News archive"
    assert page.locator("header.site-header nav a").count() >= 7
    assert page.locator("ol.article-list article.summary").count() >= 1
    _assert_styled(desktop)
    _assert_no_horizontal_scroll(page)
    _screenshot(page, "home.png")
    desktop.assert_clean()


def test_term_page(desktop: Watch, base_url: str) -> None:
    page = desktop.page
    _goto(desktop, base_url + "/")
    nav = page.get_by_role("navigation", name="Sections")
    _click_through(page, nav.get_by_role("link", name="Regions", exact=True))
    assert page.url == base_url + "/regions/"
    assert page.locator("h1").inner_text() == "Regions"
    _click_through(page, page.locator("main ul.terms a").first)
    assert page.url.startswith(base_url + "/regions/")
    assert page.url != base_url + "/regions/"
    assert page.locator("h1").inner_text() == TERM_TITLE
    # The term lists the seed article.
    assert page.locator(f"main a:has-text('{ARTICLE_TITLE_START}')").count() >= 1
    _assert_styled(desktop)
    _assert_no_horizontal_scroll(page)
    _screenshot(page, "term.png")
    desktop.assert_clean()


def _check_article(watch: Watch) -> None:
    page = watch.page
    assert page.locator("h1").inner_text().startswith(ARTICLE_TITLE_START)
    assert page.locator('article time[datetime="2017-05-30"]').count() >= 1
    assert page.locator('article time[datetime="2017-05-30"]').first.is_visible()

    body = page.locator("article .body")
    assert page.get_by_text("may just outflank it").first.is_visible()
    assert "may just outflank it" in body.inner_text()

    # The scraped site footer must not be part of the readable article. It may only
    # appear inside the (closed) <details> provenance block.
    footer = "Become a Member of Global Research"
    assert footer not in body.inner_text()
    matches = page.get_by_text(footer)
    for i in range(matches.count()):
        m = matches.nth(i)
        inside_details = m.evaluate("el => el.closest('details') !== null")
        assert inside_details or not m.is_visible(), f"site footer text shown: {footer!r}"

    _assert_styled(watch)


def test_article(desktop: Watch, base_url: str) -> None:
    _article_url(desktop, base_url)
    _check_article(desktop)
    _assert_no_horizontal_scroll(desktop.page)
    _screenshot(desktop.page, "article.png")
    desktop.assert_clean()


def test_article_mobile(mobile: Watch, base_url: str) -> None:
    page = mobile.page
    _article_url(mobile, base_url)
    _check_article(mobile)
    assert page.evaluate("window.innerWidth") == MOBILE["width"]
    _assert_no_horizontal_scroll(page)
    _screenshot(page, "article-mobile.png")
    mobile.assert_clean()
