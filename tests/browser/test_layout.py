"""The default theme's layout in Debian's Chromium (issue #16).

Builds the fixture archive plus 60 one-author notes (conftest.theme_site: every kind of page,
and an index of more than 50 authors), serves it, and checks what a reader sees: no page
(nor the search page with results) scrolls sideways at 320, 390 or 1280 px; every section link
is on screen at phone width; a taxonomy index is a two-column list of names and counts, ordered
by name or by count without JavaScript, with an A-Z jump list past 50 terms; the date archive's
months read across; an article's metadata is short on a desktop; the home page names the site
once and does not repeat the nav; home and term pages show their feed. Saves a screenshot of
each kind of page at phone and desktop width to docs/screenshots/theme-*.png for a human to
look at (the search page's: tests/browser/test_search.py).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from static_server import open_ok

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
WIDTHS = (320, 390, 1280)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
TABS = 6  # pages loaded at once by the overflow test
# From the end of an article's title to the start of its text on a desktop: the byline and
# the term lines. Before issue #16: 164 px for most articles and 341 px at most; now about 116
# and 224 (five byline fields, eight terms).
MAX_METADATA_PX = 240


def _page(browser: Browser, viewport: dict[str, int], **options: object) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, color_scheme="light", **options)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


def _all_pages(site: Path) -> list[str]:
    return sorted("/" + p.relative_to(site).as_posix().removesuffix("index.html")
                  for p in site.rglob("*.html"))


def test_no_page_scrolls_sideways(browser: Browser, theme_site: Path, theme_url: str,
                                  page_kinds: dict[str, str]) -> None:
    """Every page of the site, at each width: the document is no wider than the window."""
    paths = _all_pages(theme_site)
    assert set(page_kinds.values()) <= set(paths)
    wide: list[str] = []
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        tabs = [context.new_page() for _ in range(TABS)]
        for start in range(0, len(paths), TABS):
            batch = list(zip(tabs, paths[start:start + TABS], strict=False))
            for tab, path in batch:  # load a few pages at once
                tab.goto(theme_url + path, wait_until="commit")
            for tab, path in batch:
                tab.wait_for_load_state("load")
                widths = WIDTHS if tab.viewport_size["width"] == WIDTHS[0] else WIDTHS[::-1]
                for width in widths:
                    tab.set_viewport_size({"width": width, "height": 800})
                    scroll, inner = tab.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]")
                    if scroll > inner:
                        wide.append(f"{path} at {width} px: {scroll} px wide")
    finally:
        context.close()
    assert wide == [], f"{len(wide)} of {len(paths)} pages scroll sideways:\n" + "\n".join(wide)


def test_search_results_do_not_scroll_sideways(browser: Browser, theme_url: str) -> None:
    """The search page once search.js has shown results (their marked words, the snippets
    from the articles' pages, the filters filled), and after "Show more", at each width."""
    wide: list[str] = []
    for width in WIDTHS:
        for page in _page(browser, {"width": width, "height": 800}):
            open_ok(page, theme_url + "/search/?q=officials")
            status = page.locator("#search-status")
            status.filter(has_text="16 articles found.").wait_for()
            page.wait_for_load_state("networkidle")
            assert page.locator("#search-results mark").count() > 0
            page.get_by_role("button", name="Show more results").click()
            page.locator("#search-results > li").nth(15).wait_for()
            page.wait_for_load_state("networkidle")
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                wide.append(f"search/?q=officials at {width} px: {scroll} px wide")
    assert wide == [], "the search page scrolls sideways:\n" + "\n".join(wide)


@pytest.mark.parametrize("width", [320, 390])
def test_every_section_link_is_on_screen_at_phone_width(browser: Browser, theme_url: str,
                                                        page_kinds: dict[str, str],
                                                        width: int) -> None:
    for page in _page(browser, {"width": width, "height": 800}):
        open_ok(page, theme_url + page_kinds["article"])
        nav = page.get_by_role("navigation", name="Sections")
        links = nav.get_by_role("link")
        assert links.count() == 1 + sum(k.startswith("index of ") for k in page_kinds)
        # No strip that scrolls sideways: what the list holds is what it shows.
        strip = nav.locator("ul").evaluate("ul => [ul.scrollWidth, ul.clientWidth]")
        assert strip[0] <= strip[1], f"the nav scrolls sideways: {strip}"
        for i in range(links.count()):
            link = links.nth(i)
            box = link.bounding_box()
            assert box is not None and link.is_visible(), link.inner_text()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link.inner_text(), box)
            # Nothing covers or clips it: the point at its centre is the link itself.
            hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a')"
                                "?.textContent", [box["x"] + box["width"] / 2,
                                                  box["y"] + box["height"] / 2])
            assert hit == link.inner_text(), (hit, link.inner_text())


def _index_kinds(page_kinds: dict[str, str]) -> list[str]:
    return [k for k in page_kinds if k.startswith("index of ")]


def test_taxonomy_indexes_are_lists_in_two_columns(desktop: Page, phone: Page, theme_url: str,
                                                   page_kinds: dict[str, str]) -> None:
    """No bullets over the counts, no run-on row: one name and its count a line, two columns
    on a desktop, one on a phone."""
    for kind in _index_kinds(page_kinds):
        for page, columns in ((desktop, 2), (phone, 1)):
            open_ok(page, theme_url + page_kinds[kind])
            rows = page.evaluate("""() => [...document.querySelectorAll('main li')]
                .filter(li => li.closest('.terms') && li.offsetParent !== null)
                .map(li => {
                  const a = li.querySelector('a').getBoundingClientRect();
                  const n = li.querySelector('.n').getBoundingClientRect();
                  const r = li.getBoundingClientRect();
                  return {marker: getComputedStyle(li).display === 'list-item'
                                  && getComputedStyle(li).listStyleType !== 'none',
                          list: getComputedStyle(li.parentElement).display,
                          left: Math.round(r.left), top: r.top, bottom: r.bottom,
                          a: [a.left, a.right, a.top, a.bottom],
                          n: [n.left, n.right, n.top, n.bottom]};
                })""")
            assert len(rows) >= 4, kind
            where = f"{kind} at {page.viewport_size}"
            assert not any(r["marker"] for r in rows), f"{where}: list markers drawn"
            assert {r["list"] for r in rows} <= {"block"}, f"{where}: {rows[0]['list']} list"
            for r in rows:
                a, n = r["a"], r["n"]
                assert a[1] <= n[0], f"{where}: a count overlaps its name: {r}"
                assert r["top"] <= n[2] and n[3] <= r["bottom"] + 1, f"{where}: {r}"
            assert len({r["left"] for r in rows}) == columns, f"{where}: columns {rows}"


def _visible_terms(page: Page, rows: bool = False) -> list[tuple[str, int]]:
    """(name, count) of the terms shown: in the page's order, or as they are placed on screen
    row by row (the order by count places items with CSS, not in the page)."""
    items = page.locator("main .term-index .terms li:visible")
    shown = items.evaluate_all("""lis => lis.map(li => {
        const r = li.getBoundingClientRect();
        return [Math.round(r.top), Math.round(r.left), li.innerText];
    })""")
    if rows:
        shown.sort(key=lambda item: (item[0], item[1]))
    texts = [text.rsplit(maxsplit=1) for _, _, text in shown]
    return [(name.strip(), int(n)) for name, n in texts]


def _by_letter(term: tuple[str, int]) -> tuple[str, str]:
    """The order by name: by first letter without its accent ("#" for no letter), then by
    name."""
    first = unicodedata.normalize("NFD", term[0][:1].upper())[:1]
    return (first if first.isalpha() else "#", term[0].casefold())


def test_taxonomy_index_orders_by_name_or_count_without_javascript(
        browser: Browser, theme_url: str, page_kinds: dict[str, str]) -> None:
    for viewport in (DESKTOP, PHONE):
        for page in _page(browser, viewport, java_script_enabled=False):
            open_ok(page, theme_url + page_kinds["index of authors"])
            by_name = _visible_terms(page)
            assert len(by_name) > 50
            assert by_name == sorted(by_name, key=_by_letter)
            page.get_by_text("by number of articles", exact=True).click()
            assert not page.locator("main nav.az").is_visible()
            by_count = _visible_terms(page, rows=True)
            assert sorted(by_count) == sorted(by_name)
            counts = [n for _, n in by_count]
            assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
            # Ties keep the order by name.
            ones = [term for term in by_count if term[1] == 1]
            assert len(ones) > 10 and ones == sorted(ones, key=_by_letter)
            page.get_by_text("by name", exact=True).click()
            assert _visible_terms(page) == by_name
            assert page.locator("main nav.az").is_visible()


def test_a_to_z_jump_list_past_50_terms(desktop: Page, theme_url: str,
                                        page_kinds: dict[str, str]) -> None:
    long_indexes = []
    for kind in _index_kinds(page_kinds):
        open_ok(desktop, theme_url + page_kinds[kind])
        shown = len(_visible_terms(desktop))
        assert shown == int(desktop.locator("main p.count").inner_text().split()[0]), kind
        jump = desktop.locator("main nav.az a")
        if shown <= 50:
            assert jump.count() == 0, kind
            continue
        long_indexes.append(kind)
        letters = jump.all_inner_texts()
        assert len(letters) >= 10 and letters == sorted(set(letters)), letters
        for i in range(jump.count()):
            target = jump.nth(i).get_attribute("href")
            assert target and target.startswith("#")
            heading = desktop.locator(f"[id='{target[1:]}']")
            assert heading.count() == 1 and heading.inner_text() == letters[i]
        # Every term is under the heading of its first letter.
        firsts = desktop.evaluate("""() => [...document.querySelectorAll('.letter')].map(s =>
            [s.querySelector('h2').textContent,
             [...s.querySelectorAll('li a')].map(a => a.textContent[0].toUpperCase())])""")
        for letter, initials in firsts:
            assert all(_by_letter((c, 0))[0] == letter for c in initials), (letter, initials)
        # The lowest heading, below the first screenful: the jump brings it on screen.
        lowest = desktop.evaluate("""() => [...document.querySelectorAll('.letter h2')]
            .map(h => [h.getBoundingClientRect().top, h.textContent])
            .sort((a, b) => b[0] - a[0])[0]""")
        assert lowest[0] > DESKTOP["height"], lowest
        jump.get_by_text(lowest[1], exact=True).click()
        desktop.wait_for_function("location.hash !== ''")
        target = desktop.locator(":target")
        assert target.inner_text() == lowest[1]
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] <= DESKTOP["height"] - box["height"], box
    assert long_indexes == ["index of authors"]


def test_date_archive_months_read_across(desktop: Page, phone: Page, theme_url: str,
                                         page_kinds: dict[str, str]) -> None:
    """In a year's months (newest first) the next one is to the right on the same line or on
    a line below: never up to the top of a next column."""
    for page in (desktop, phone):
        open_ok(page, theme_url + page_kinds["date archive"])
        years = page.evaluate("""() => [...document.querySelectorAll('.months')].map(ul =>
            [...ul.querySelectorAll('li')].map(li => {
              const r = li.getBoundingClientRect();
              return [li.textContent.trim(), r.left, r.top];
            }))""")
        assert sum(len(y) for y in years) >= 20
        for months in years:
            for (m1, x1, y1), (m2, x2, y2) in itertools.pairwise(months):
                assert (y2 == y1 and x2 > x1) or y2 > y1, f"{m1!r} then {m2!r}: {months}"
        # On a desktop a year with up to four months is one line.
        if page is desktop:
            short = [y for y in years if 1 < len(y) <= 4]
            assert short and all(len({top for _, _, top in y}) == 1 for y in short)


def test_article_metadata_is_short_on_a_desktop(desktop: Page, theme_site: Path, theme_url: str,
                                                page_kinds: dict[str, str]) -> None:
    """From the title to the text: the byline and the term lines, for every article."""
    tall = []
    articles = sorted("/" + p.parent.relative_to(theme_site).as_posix() + "/"
                      for p in theme_site.glob("*/*/*/*/index.html")
                      if '<article class="article">' in p.read_text("utf-8"))
    assert page_kinds["article"] in articles
    for path in articles:
        open_ok(desktop, theme_url + path)
        gap = desktop.evaluate("""() => document.querySelector('article .body')
            .getBoundingClientRect().top
            - document.querySelector('article h1').getBoundingClientRect().bottom""")
        if gap > MAX_METADATA_PX:
            tall.append(f"{path}: {gap:.0f} px")
    assert tall == [], f"metadata taller than {MAX_METADATA_PX} px:\n" + "\n".join(tall)


def test_home_names_the_site_once_and_does_not_repeat_the_nav(desktop: Page, theme_url: str,
                                                              page_kinds: dict[str, str]) -> None:
    open_ok(desktop, theme_url + "/")
    title = desktop.locator("header.site-header .site-title").inner_text()
    assert desktop.locator("h1").all_inner_texts() == [title]
    shown = desktop.locator("body").inner_text()
    assert shown.count(title) == 2  # the header, and the footer's credit line
    nav_targets = set(desktop.get_by_role("navigation", name="Sections").get_by_role(
        "link").evaluate_all("links => links.map(a => a.href)"))
    main_targets = set(desktop.locator("main a").evaluate_all(
        "links => links.map(a => a.href)"))
    assert not nav_targets & main_targets, "the home page repeats the nav's links"
    # Pages after the first name the site in the header too, and link it home.
    open_ok(desktop, theme_url + page_kinds["home, page 2"])
    assert desktop.locator("h1").all_inner_texts() == [title]
    assert desktop.locator("header .site-title a").get_attribute("href")


@pytest.mark.parametrize("kind", ["home", "term"])
def test_feed_link_is_visible(desktop: Page, theme_url: str, page_kinds: dict[str, str],
                              kind: str) -> None:
    open_ok(desktop, theme_url + page_kinds[kind])
    feed = desktop.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.count() == 1
    href = feed.get_attribute("href")
    link = desktop.locator(f'main a[href="{href}"]')
    assert link.count() == 1 and link.is_visible() and "feed" in link.inner_text().lower()
    response = desktop.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and b"<feed" in response.body()


SCREENSHOT_KINDS = {"home": "home", "article": "article", "index of authors": "index",
                    "term": "term", "date archive": "archive", "404": "404"}


def test_screenshots(browser: Browser, theme_url: str, page_kinds: dict[str, str]) -> None:
    """docs/screenshots/theme-<kind>-<phone|desktop>.png: the first screenful of each kind."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for page in _page(browser, viewport):
            for kind, name in SCREENSHOT_KINDS.items():
                open_ok(page, theme_url + page_kinds[kind])
                page.screenshot(path=str(SCREENSHOTS / f"theme-{name}-{label}.png"))
