"""Fixtures of the browser tests: Debian's Chromium, headless, driven by Playwright.

Only fixtures: the test modules import shared helpers from tests/conftest.py (see its
pytest_plugin_registered), never from this file."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, sync_playwright
from static_server import served

from archivegen.cli import main as archivegen_main

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
FIXTURE_ARCHIVE = HERE.parent / "fixtures" / "archive"
# axe-core from npm, installed here (git-ignored) by scripts/test or by the axe_script fixture.
AXE_PREFIX = HERE / ".axe"
AXE_SCRIPT = AXE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4"
# Authors added to the fixture archive so that an index has more than 50 terms (the A-Z jump
# list), with names that start with an accent, a digit and a lower-case letter.
EXTRA_AUTHORS = 60
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, once per module. Missing binary is a failure, not a
    skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install chromium` (do not use `playwright install`).",
            pytrace=False,
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js of the npm package axe-core 4.x, installed with npm when absent."""
    if not AXE_SCRIPT.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm not found: the accessibility tests need axe-core from npm. "
                        "Install Node.js and npm (apt-get install npm) or run scripts/test.",
                        pytrace=False)
        subprocess.run([npm, "install", "--prefix", str(AXE_PREFIX), "--no-audit", "--no-fund",
                        "--silent", AXE_PACKAGE], check=True, timeout=300)
    assert AXE_SCRIPT.is_file(), f"npm did not install {AXE_SCRIPT}"
    return AXE_SCRIPT


def _extra_article(i: int) -> str:
    firsts = ["Émile", "Zoë", "3rd", "de", "Ngozi", "Åsa", "Ōta", "Yusuf", "Bea", "Quentin"]
    lasts = ["Adeyemi", "Brennan", "Castellanos", "Dubrovnik", "Eriksdóttir", "Fairweather"]
    author = f"{firsts[i % len(firsts)]} {lasts[i % len(lasts)]} {i:02d}"
    if firsts[i % len(firsts)] == "3rd":
        author = f"3rd Line Press {i:02d}"
    return (f"---\ntitle: \"Desk note {i:02d} from the regional correspondents' bureau\"\n"
            f"date: {2010 + i % 5}-{i % 12 + 1:02d}-{i % 27 + 1:02d}\nauthors: [{author}]\n"
            f"publisher: Example Wire\ntags: [notes]\n---\n\n"
            f"A short desk note, number {i}, filed by the bureau for the archive's index pages. "
            "It names no one and reports nothing of consequence.\n")


@pytest.fixture(scope="session")
def theme_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive (50 articles) plus 60 short notes by as many authors, built once:
    every kind of page, and a taxonomy index of more than 50 terms."""
    root = tmp_path_factory.mktemp("theme")
    articles = root / "articles"
    shutil.copytree(FIXTURE_ARCHIVE, articles)
    for i in range(EXTRA_AUTHORS):
        (articles / f"zz_note_{i:02d}.md").write_text(_extra_article(i), "utf-8")
    out = root / "site"
    with contextlib.chdir(root):  # the build's cache goes to the project folder, not the repo
        code = archivegen_main(["build", "--input", str(articles), "--output", str(out),
                                "--quiet"])
    assert code == 0
    assert (out / "index.html").is_file() and (out / "404.html").is_file()
    return out


@pytest.fixture(scope="session")
def theme_url(theme_site: Path) -> Iterator[str]:
    """theme_site served on 127.0.0.1 (an ephemeral port), without a trailing slash."""
    with served(theme_site, "theme-server") as url:
        yield url


def _links(html: str, start: str, end: str = "</ul>") -> list[str]:
    """The hrefs between the first `start` and the `end` after it."""
    i = html.index(start)
    return re.findall(r'href="([^"]+)"', html[i:html.index(end, i)])


def _page_kinds(site: Path) -> dict[str, str]:
    def read(path: str) -> str:
        return (site / path.lstrip("/") / ("" if path.endswith(".html") else "index.html")
                ).read_text("utf-8")

    home = read("/")
    kinds = {"home": "/"}
    if (site / "page" / "2" / "index.html").is_file():
        kinds["home, page 2"] = "/page/2/"
    # The article with the longest original URL: the widest byline.
    articles = {}
    for page in site.glob("*/*/*/*/index.html"):
        if '<article class="article">' not in page.read_text("utf-8"):
            continue
        urls = re.findall(r'rel="nofollow noopener noreferrer">([^<]*)<', page.read_text("utf-8"))
        articles["/" + page.parent.relative_to(site).as_posix() + "/"] = max(map(len, urls),
                                                                             default=0)
    kinds["article"] = max(sorted(articles), key=lambda u: articles[u])
    for href in _links(home, '<nav aria-label="Sections">'):
        path = urljoin("/", href)
        name = path.strip("/")
        kinds["date archive" if name == "archive" else f"index of {name}"] = path
    authors = read(kinds["index of authors"])
    # The author with the most articles: a term page with a pager and a timeline.
    counts = re.findall(r'<a href="([^"]+)">[^<]*</a> <span class="n">(\d+)</span>', authors)
    top = max(counts, key=lambda hc: int(hc[1]))[0]
    kinds["term"] = urljoin(kinds["index of authors"], top)
    archive = read(kinds["date archive"])
    kinds["year"] = urljoin(kinds["date archive"], _links(archive, '<section class="year">')[0])
    kinds["month"] = urljoin(kinds["date archive"], _links(archive, '<ul class="months">')[0])
    if (site / "undated" / "index.html").is_file():
        kinds["undated"] = "/undated/"
    kinds["404"] = "/404.html"
    return kinds


@pytest.fixture(scope="session")
def page_kinds(theme_site: Path) -> dict[str, str]:
    """One URL path of each kind of page theme_site has, by a readable name."""
    return _page_kinds(theme_site)
