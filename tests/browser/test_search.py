"""Built-in search (issue #16) in Debian's Chromium: sites built with the real command line
(`python -m archivegen build`, in a folder of their own) and served by the plain static
server (static_server.served), as any static host serves them; never by `archivegen serve`.

- the seed article is found by a word only its body has, from the search page's form and
  from `search/?q=`; its result links to its page and the word is marked in the snippet;
- the same when the site is served from a sub-folder of the host;
- the header's search box on the home page leads to the search page and its results;
- each filter (region, theme, author, publisher, year) narrows a small archive sharing one
  word to exactly the articles it should;
- a body edit is rebuilt quickly: the new word finds the article, the old one nothing, and
  the index is the bytes of a clean `--no-cache` build of the edited input;
- hostile articles: no dialog fires, titles and filter names show as text;
- `--no-search`: no search/ folder and no header search form;
- opened from disk (file://), the page says that search needs the site served over http(s).

Also saves docs/screenshots/search-<phone|desktop>.png: the search page with results.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from static_server import open_ok, served

from conftest import FIXTURES, SEEDS, tree_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
SEED_URL = ("/2017/05/30/breaking-situation-escalates-at-syrian-iraqi-border-towards-a-dangerous"
            "-standoff/")
SEED_TITLE_START = "Breaking: Situation Escalates"
BODY_WORD = "Switchblade"  # in the seed's body once, not in its title nor its excerpt
THEME_WORD = "officials"  # in 16 articles of the fixture archive: more than a page of results
FOUND = re.compile(r"^[\d,]+ articles? found\.$")
NOTHING = "No article has all of these words."
FILE_NOTE = "Search needs the site served over http(s)"


def cli_build(project: Path, articles: Path, out: str = "site", *extra: str) -> tuple[int, str]:
    """`archivegen build` run as a command in `project` (its cache goes there): exit code and
    everything it printed."""
    done = subprocess.run([sys.executable, "-m", "archivegen", "build", "--input", str(articles),
                           "--output", out, *extra], cwd=project, capture_output=True,
                          text=True, timeout=300, check=False)
    return done.returncode, done.stdout + done.stderr


@dataclass
class Watch:
    """A tab, and every dialog, uncaught error and console error it had."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def assert_clean(self, console: bool = True) -> None:
        problems = self.dialogs + self.errors + (self.console if console else [])
        assert problems == [], "the page reported problems:\n" + "\n".join(problems)


def _watch(browser: Browser, viewport: dict[str, int]) -> Iterator[Watch]:
    context = browser.new_context(viewport=viewport, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch(page)

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: watch.errors.append(f"uncaught error: {exc}"))
    page.on("console", lambda msg: watch.console.append(f"console error: {msg.text}")
            if msg.type == "error" else None)
    try:
        yield watch
    finally:
        context.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Watch]:
    yield from _watch(browser, DESKTOP)


def _results(page: Page, count: int | None = None) -> list[dict[str, str]]:
    """The results shown once the search is done: title, link, snippet text, by order."""
    status = page.locator("#search-status")
    expect(status).to_have_text(NOTHING if count == 0 else FOUND)
    items = page.locator("#search-results > li")
    if count is not None:
        if count:
            expect(status).to_have_text(f"{count:,} article{'s' if count > 1 else ''} found.")
        expect(items).to_have_count(min(count, 10))
    return list(items.evaluate_all("""lis => lis.map(li => {
        const a = li.querySelector('h2 a');
        return {title: a.textContent, href: a.href,
                snippet: li.querySelector('.snippet').textContent};
    })"""))


def _titles(page: Page, count: int) -> set[str]:
    return {r["title"] for r in _results(page, count)}


# The seed archive -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("seed")
    code, output = cli_build(project, SEEDS)
    assert code == 0, output
    assert (project / "site" / "search" / "index.json").is_file()
    return project / "site"


@pytest.fixture(scope="module")
def seed_url(seed_site: Path) -> Iterator[str]:
    with served(seed_site, "search-seed-server") as url:
        yield url


def _check_seed_result(page: Page, base: str) -> None:
    [result] = _results(page, 1)
    assert result["title"].startswith(SEED_TITLE_START)
    assert BODY_WORD.lower() not in result["title"].lower()
    assert result["href"] == base + SEED_URL
    # The snippet comes from the article's page (the excerpt does not have the word) and
    # marks it.
    mark = page.locator("#search-results .snippet mark")
    expect(mark).to_have_text(BODY_WORD)
    assert page.locator("#search-results h2 mark").count() == 0


def test_words_typed_before_the_filters_load_are_kept(tab: Watch, seed_url: str) -> None:
    """The page's first search runs once the filters' values have loaded; words typed
    before that (a slow server, a busy machine) stay in the box and are searched."""
    page = tab.page
    held: list[Any] = []
    page.route("**/search/f/*.json", lambda route: held.append(route))  # held back
    open_ok(page, seed_url + "/search/")
    box = page.locator("#search-q")
    box.fill(BODY_WORD.lower())
    while len(held) < 5:  # (regions, themes, authors, publishers, years)
        page.wait_for_timeout(20)
    for route in held:
        route.continue_()
    expect(page.locator("select[name=regions] option")).not_to_have_count(1)
    page.wait_for_timeout(300)  # the first search runs right after the filters are filled
    expect(box).to_have_value(BODY_WORD.lower())
    page.locator("form.search-form").get_by_role("button", name="Search").click()
    expect(page).to_have_url(seed_url + f"/search/?q={BODY_WORD.lower()}")
    _check_seed_result(page, seed_url)


def test_a_word_of_the_body_finds_the_seed_article(tab: Watch, seed_site: Path,
                                                   seed_url: str) -> None:
    page = tab.page
    # The word is in the body, not in the title nor in the excerpt the index keeps.
    [entry] = json.loads(gzip.decompress((seed_site / "search/d/0.bin").read_bytes()))
    assert BODY_WORD.lower() not in entry[1].lower() and BODY_WORD.lower() not in entry[5].lower()
    body = (seed_site / SEED_URL.strip("/") / "index.html").read_text("utf-8")
    assert BODY_WORD in body
    # Typed into the search page's form.
    open_ok(page, seed_url + "/search/")
    page.locator("#search-q").fill(BODY_WORD.lower())
    page.locator("form.search-form").get_by_role("button", name="Search").click()
    expect(page).to_have_url(seed_url + f"/search/?q={BODY_WORD.lower()}")
    _check_seed_result(page, seed_url)
    # The result leads to the article.
    with page.expect_navigation(wait_until="load"):
        page.locator("#search-results h2 a").click()
    assert page.url == seed_url + SEED_URL
    assert page.locator("h1").inner_text().startswith(SEED_TITLE_START)
    # Asked for in the URL, in another case.
    open_ok(page, seed_url + f"/search/?q={BODY_WORD.upper()}")
    expect(page.locator("#search-q")).to_have_value(BODY_WORD.upper())
    _check_seed_result(page, seed_url)
    tab.assert_clean()


def test_search_works_from_a_sub_folder_of_the_host(tab: Watch, seed_site: Path) -> None:
    """A site served below the host's root (as a project's pages often are): the index, the
    result links and the snippets are all found relative to the page."""
    with served(seed_site.parent, "search-subfolder-server") as url:
        base = url + "/" + seed_site.name
        open_ok(tab.page, base + f"/search/?q={BODY_WORD}")
        _check_seed_result(tab.page, base)
    tab.assert_clean()


def test_the_header_search_box_leads_to_the_results(tab: Watch, seed_url: str) -> None:
    page = tab.page
    open_ok(page, seed_url + "/")
    header = page.locator("header.site-header form[role=search]")
    expect(header).to_have_count(1)
    header.get_by_label("Search the archive").fill(BODY_WORD)
    with page.expect_navigation(wait_until="load"):
        header.get_by_role("button", name="Search").click()
    assert page.url == seed_url + f"/search/?q={BODY_WORD}"
    assert page.locator("h1").inner_text() == "Search"
    _check_seed_result(page, seed_url)
    # A word nobody wrote: no result, and says so.
    open_ok(page, seed_url + "/")
    header.get_by_label("Search the archive").fill("zzyzx")
    with page.expect_navigation(wait_until="load"):
        header.get_by_label("Search the archive").press("Enter")
    assert _results(page, 0) == []
    tab.assert_clean()


# Filters ----------------------------------------------------------------------------------

COMMON = "lighthouse"
# name: (region, theme, author, publisher, date)
FILTERED = {
    "Alpha": ("Europe", "Economy", "Ann Keeper", "Harbour Press", "2019-04-02"),
    "Bravo": ("Europe", "Health", "Ben Keeper", "Coast News", "2020-05-03"),
    "Charlie": ("Asia", "Economy", "Ann Keeper", "Coast News", "2020-06-04"),
    "Delta": ("Africa", "Health", "Cid Keeper", "Harbour Press", "2021-07-05"),
    "Echo": ("Asia", "Energy", "Ben Keeper", "Harbour Press", "2019-08-06"),
}


def _filtered_article(name: str, region: str, theme: str, author: str, publisher: str,
                      date: str, word: str = COMMON) -> str:
    return (f"---\ntitle: \"{name} report from the coast\"\ndate: {date}\n"
            f"authors: [{author}]\nregions: [{region}]\nthemes: [{theme}]\n"
            f"publisher: {publisher}\n---\n\n"
            f"The old {word} on the point was repainted this spring, the {name.lower()} "
            "desk reports. Fishing boats came back early.\n")


@pytest.fixture(scope="module")
def filter_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("filters")
    articles = project / "in"
    articles.mkdir()
    for name, fields in FILTERED.items():
        (articles / f"{name.lower()}.md").write_text(_filtered_article(name, *fields), "utf-8")
    # One more article of the same region, year and author, without the word.
    (articles / "foxtrot.md").write_text(_filtered_article(
        "Foxtrot", "Europe", "Economy", "Ann Keeper", "Harbour Press", "2019-09-07",
        word="breakwater"), "utf-8")
    code, output = cli_build(project, articles)
    assert code == 0, output
    with served(project / "site", "search-filter-server") as url:
        yield url


def _title(name: str) -> str:
    return f"{name} report from the coast"


def test_filters_narrow_the_results_to_the_right_articles(tab: Watch, filter_url: str) -> None:
    page = tab.page
    open_ok(page, filter_url + f"/search/?q={COMMON}")
    assert _titles(page, 5) == {_title(n) for n in FILTERED}
    # Each filter offers its values by name, their listing's URL as the value.
    cases = [  # (select, option shown, its value, the articles it leaves)
        ("regions", "Europe", "/regions/europe/", {"Alpha", "Bravo"}),
        ("themes", "Health", "/themes/health/", {"Bravo", "Delta"}),
        ("authors", "Ann Keeper", "/authors/ann-keeper/", {"Alpha", "Charlie"}),
        ("publishers", "Harbour Press", "/publishers/harbour-press/", {"Alpha", "Delta", "Echo"}),
        ("years", "2020", "/2020/", {"Bravo", "Charlie"}),
    ]
    for facet, label, value, names in cases:
        select = page.locator(f"select[name={facet}]")
        expect(select.locator("option", has_text=label)).to_have_attribute("value", value)
        select.select_option(label=label)
        expect(page).to_have_url(re.compile(re.escape(f"{facet}={value.replace('/', '%2F')}")))
        assert _titles(page, len(names)) == {_title(n) for n in names}, (facet, label)
        select.select_option("")  # "any" again: all five
        assert _titles(page, 5) == {_title(n) for n in FILTERED}
    # Two filters at once, in the URL: the one article of both.
    open_ok(page, filter_url + f"/search/?q={COMMON}&regions=/regions/asia/&years=/2019/")
    expect(page.locator("select[name=regions]")).to_have_value("/regions/asia/")
    expect(page.locator("select[name=years]")).to_have_value("/2019/")
    assert _titles(page, 1) == {_title("Echo")}
    # A filter no article with the word is in: nothing.
    open_ok(page, filter_url
          + f"/search/?q={COMMON}&regions=/regions/africa/&themes=/themes/economy/")
    assert _results(page, 0) == []
    # Back in the browser's history: the earlier search again.
    open_ok(page, filter_url + f"/search/?q={COMMON}")
    _titles(page, 5)
    page.locator("select[name=regions]").select_option(label="Africa")
    assert _titles(page, 1) == {_title("Delta")}
    page.go_back()
    assert _titles(page, 5) == {_title(n) for n in FILTERED}
    tab.assert_clean()


# A quick rebuild ---------------------------------------------------------------------------

OLD_WORD = "quokka"
NEW_WORD = "wombat"
QUICK_PHASES = re.compile(r"^phases: check [\d.]+ s, quick [\d.]+ s$", re.M)


def _note(i: int) -> str:
    word = f" A {OLD_WORD} was seen at the pier." if i == 21 else ""
    return (f"---\ntitle: \"Pier note {i:02d}\"\ndate: 2018-{i % 12 + 1:02d}-{i % 27 + 1:02d}\n"
            f"authors: [Writer {i % 4}]\nregions: [Region {i % 3}]\n---\n\n"
            f"Note number {i} from the pier.{word} The tide was ordinary.\n")


def test_a_quick_rebuild_patches_the_index(tab: Watch, browser: Browser,
                                           tmp_path: Path) -> None:
    # 40 articles: 3 files of result data and 8 shards; the edited one is in the second file.
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(40):
        (articles / f"note_{i:02d}.md").write_text(_note(i), "utf-8")
    code, output = cli_build(tmp_path, articles)
    assert code == 0, output
    site = tmp_path / "site"
    with served(site, "search-quick-server") as url:
        page = tab.page
        open_ok(page, url + f"/search/?q={OLD_WORD}")
        [found] = _results(page, 1)
        assert found["title"] == "Pier note 21"
        open_ok(page, url + f"/search/?q={NEW_WORD}")
        _results(page, 0)
        tab.assert_clean()

        edited = articles / "note_21.md"
        edited.write_text(edited.read_text("utf-8").replace(OLD_WORD, NEW_WORD), "utf-8")
        code, output = cli_build(tmp_path, articles)
        assert code == 0, output
        assert QUICK_PHASES.search(output), f"not a quick rebuild:\n{output}"

        for again in _watch(browser, DESKTOP):  # a new context: nothing cached
            page = again.page
            open_ok(page, url + f"/search/?q={NEW_WORD}")
            [found] = _results(page, 1)
            assert found["title"] == "Pier note 21"
            assert found["href"] == url + f"/2018/{21 % 12 + 1:02d}/{21 % 27 + 1:02d}/pier-note-21/"
            expect(page.locator("#search-results .snippet mark")).to_have_text(NEW_WORD)
            open_ok(page, url + f"/search/?q={OLD_WORD}")
            assert _results(page, 0) == []
            expect(page.locator("#search-status")).to_have_text(NOTHING)
            again.assert_clean()

    # The patched index is the bytes of a clean build of the edited input.
    clean = tmp_path / "clean"
    clean.mkdir()
    code, output = cli_build(clean, articles, "site", "--no-cache")
    assert code == 0, output
    patched, fresh = tree_bytes(site / "search"), tree_bytes(clean / "site" / "search")
    assert sorted(patched) == sorted(fresh)
    assert [p for p in patched if patched[p] != fresh[p]] == []


# Hostile articles ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("hostile")
    code, output = cli_build(project, FIXTURES / "hostile")
    assert code == 1, output  # the YAML attack file is an error; the other two are built
    return project / "site"


def test_hostile_articles_show_as_text(tab: Watch, hostile_site: Path) -> None:
    entries = json.loads(gzip.decompress((hostile_site / "search/d/0.bin").read_bytes()))
    assert len(entries) == 2
    facets = {f.stem: json.loads(f.read_text("utf-8"))
              for f in (hostile_site / "search" / "f").glob("*.json")}
    with served(hostile_site, "search-hostile-server") as url:
        page = tab.page
        # "alert" is in every hostile title and body; "script" and "onerror" too.
        for word in ("alert", "script onerror", "svg onload"):
            open_ok(page, url + f"/search/?q={word.replace(' ', '+')}")
            results = _results(page)
            assert {r["title"] for r in results} <= {e[1] for e in entries}, results
            page.wait_for_load_state("networkidle")  # the snippets, from the articles' pages
            shown = page.locator("#search-results")
            assert shown.locator("script, svg, img, iframe, b, div").count() == 0
            assert page.evaluate("""() => [...document.querySelectorAll('#search-results *')]
                .flatMap(e => [...e.attributes].map(a => a.name))
                .filter(n => n.startsWith('on'))""") == []
            hrefs = shown.locator("a").evaluate_all("as => as.map(a => a.href)")
            assert all(h.startswith(url + "/") for h in hrefs), hrefs
        # Every title in full, as text.
        open_ok(page, url + "/search/?q=alert")
        titles = [r["title"] for r in _results(page, 2)]
        assert sorted(titles) == sorted(e[1] for e in entries)
        assert any("<script>" in t or "<svg" in t for t in titles), titles
        # The filters' names, as text.
        for facet, values in facets.items():
            options = page.locator(f"select[name={facet}] option")
            expect(options).to_have_count(len(values) + 1)
            assert options.all_text_contents()[1:] == [name for _, name in values]
        assert any("<" in name for values in facets.values() for _, name in values)
        # Filtering by a hostile name.
        region = next(v for v in facets["regions"] if "<" in v[1])
        page.locator("select[name=regions]").select_option(region[0])
        results = _results(page)
        assert results and all(r["title"] in titles for r in results)
        page.wait_for_load_state("networkidle")
    tab.assert_clean()


# No search ---------------------------------------------------------------------------------


def test_no_search_writes_no_index_and_no_search_box(tab: Watch, tmp_path: Path) -> None:
    code, output = cli_build(tmp_path, SEEDS, "site", "--no-search")
    assert code == 0, output
    site = tmp_path / "site"
    assert not (site / "search").exists()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    with_form = [p for p in pages if 'role="search"' in p.read_text("utf-8")
                 or "site-search" in p.read_text("utf-8")]
    assert with_form == []
    with served(site, "search-off-server") as url:
        page = tab.page
        open_ok(page, url + "/")
        expect(page.get_by_role("search")).to_have_count(0)
        assert page.locator("input[type=search]").count() == 0
        response = page.goto(url + "/search/")
        assert response is not None and response.status == 404
    tab.assert_clean(console=False)  # the 404 of /search/ is logged


# In French (issue #17) ----------------------------------------------------------------------


def test_the_search_ui_speaks_the_site_language(tab: Watch, tmp_path: Path) -> None:
    """Built with `language: fr`, search.js shows the words the search page hands it: the
    count of results, their dates, "no results", and the note opened from disk."""
    (tmp_path / "archivegen.yaml").write_text("language: fr\n")
    code, output = cli_build(tmp_path, SEEDS)
    assert code == 0, output
    site = tmp_path / "site"
    page = tab.page
    with served(site, "search-french-server") as url:
        open_ok(page, url + f"/search/?q={BODY_WORD}")
        status = page.locator("#search-status")
        expect(status).to_have_text("1 article trouvé.")
        expect(page.locator("#search-results .meta time")).to_have_text("30 mai 2017")
        open_ok(page, url + "/search/?q=zzqxwv")
        expect(status).to_have_text("Aucun article ne contient tous ces mots.")
        expect(page.locator("#search-results > li")).to_have_count(0)
        expect(page.locator("form.search-form").get_by_role("button", name="Rechercher")
               ).to_have_count(1)
    tab.assert_clean()
    page.goto((site / "search" / "index.html").as_uri() + f"?q={BODY_WORD}", wait_until="load")
    expect(page.locator("#search-status")).to_contain_text(
        "La recherche nécessite que le site soit servi en http(s)")


# Opened from disk ----------------------------------------------------------------------------


def test_opened_from_disk_the_page_says_search_needs_a_server(tab: Watch,
                                                              seed_site: Path) -> None:
    page = tab.page
    url = (seed_site / "search" / "index.html").as_uri() + f"?q={BODY_WORD}"
    page.goto(url, wait_until="load")
    status = page.locator("#search-status")
    expect(status).to_contain_text(FILE_NOTE)
    expect(page.locator("#search-results > li")).to_have_count(0)
    expect(page.locator("#search-q")).to_have_value(BODY_WORD)
    page.wait_for_timeout(300)  # late rejections would show by now
    # The fetches the browser refuses are logged as console errors; nothing is uncaught.
    tab.assert_clean(console=False)


# Screenshots --------------------------------------------------------------------------------


def test_screenshots(browser: Browser, theme_url: str) -> None:
    """docs/screenshots/search-<phone|desktop>.png: the search page with a page of results."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for watch in _watch(browser, viewport):
            page = watch.page
            open_ok(page, theme_url + f"/search/?q={THEME_WORD}")
            _results(page, 16)
            expect(page.get_by_role("button", name="Show more results")).to_be_visible()
            page.wait_for_load_state("networkidle")
            unmarked = page.locator("#search-results .snippet").evaluate_all(
                "ps => ps.filter(p => !p.querySelector('mark')).map(p => p.textContent)")
            assert unmarked == []
            page.screenshot(path=str(SCREENSHOTS / f"search-{label}.png"))
            # The rest of the results, after the first ten.
            page.get_by_role("button", name="Show more results").click()
            expect(page.locator("#search-results > li")).to_have_count(16)
            expect(page.get_by_role("button", name="Show more results")).to_be_hidden()
            watch.assert_clean()
