"""Accessibility of the default theme: axe-core (the npm package, 4.x) run in Debian's Chromium
on every kind of page the site has, and on the search page with results, in light and in dark
mode. Zero violations.

conftest.axe_script installs axe-core with npm into tests/browser/.axe/ when it is missing
(scripts/test does it before pytest). Pages come from conftest.theme_site: the fixture archive
plus 60 one-author notes, so the authors' index has its A-Z jump list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 30_000
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=list(VIEWPORTS))
def page(browser: Browser, scheme: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    context.set_default_timeout(TIMEOUT_MS)
    try:
        tab = context.new_page()
        tab.emulate_media(color_scheme=scheme)
        yield tab
    finally:
        context.close()


def _axe(page: Page, axe_script: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    assert page.evaluate("typeof axe !== 'undefined' && axe.version.startsWith('4.')")
    return list(page.evaluate("""() => axe.run(document).then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                  html: n.html.slice(0, 160),
                                  summary: n.failureSummary}))})))"""))


def _readable(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} "
                     f"element(s)] {v['url']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines += [f"        {line}" for line in (node["summary"] or "").splitlines()]
    return "\n".join(lines)


def test_axe_finds_no_violations_on_any_kind_of_page(page: Page, scheme: str, theme_url: str,
                                                     page_kinds: dict[str, str],
                                                     axe_script: Path) -> None:
    found = []
    checked = 0
    for kind, path in page_kinds.items():
        response = page.goto(theme_url + path, wait_until="load")
        assert response is not None and response.status == 200, path
        found.append(_readable(f"{kind} {path}", _axe(page, axe_script)))
        checked += 1
        if kind == "index of authors":
            # The same index ordered by count: one grid, its lists display: contents.
            page.get_by_text("by number of articles", exact=True).click()
            found.append(_readable(f"{kind} by count", _axe(page, axe_script)))
            checked += 1
    assert checked >= 15
    report = "\n".join(f for f in found if f)
    assert report == "", f"axe-core violations ({scheme} mode):\n{report}"


# A word of 16 articles of the fixture archive: a page of results and the "Show more" button.
SEARCH_WORD = "officials"
SEARCHES = ((f"q={SEARCH_WORD}", "16 articles found."),
            (f"q={SEARCH_WORD}&years=/2020/", re.compile(r"^\d+ articles? found\.$")),
            ("q=zzyzx", "No article has all of these words."))


def _search_page_violations(page: Page, theme_url: str,
                            axe_script: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """axe's violations on the search page as search.js fills it: results with marked words,
    the filters filled; then narrowed by one of them; then a search that finds nothing."""
    found = []
    for query, done in SEARCHES:
        response = page.goto(f"{theme_url}/search/?{query}", wait_until="load")
        assert response is not None and response.status == 200, query
        expect(page.locator("#search-status")).to_have_text(done)
        page.wait_for_load_state("networkidle")  # the snippets, from the articles' pages
        if "zzyzx" not in query:
            assert page.locator("#search-results mark").count() > 0, query
        found.append((f"search/?{query}", _axe(page, axe_script)))
    return found


def test_axe_finds_no_violations_on_the_search_page_with_results(page: Page, scheme: str,
                                                                 theme_url: str,
                                                                 axe_script: Path) -> None:
    found = _search_page_violations(page, theme_url, axe_script)
    report = "\n".join(_readable(where, violations) for where, violations in found)
    assert report.strip() == "", f"axe-core violations ({scheme} mode):\n{report}"
