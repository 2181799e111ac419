"""Earlier / later links on article pages (issue #16): the home listing's order, never the
article itself, and kept right by quick rebuilds when an edit moves or retitles an article."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from conftest import published, remember, run_build, tree_bytes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "archive"
ARTICLE = "---\ntitle: {title}\ndate: {date}\nthemes: [Trade]\n---\n\nBody of {title}.\n"
OLD = 1_600_000_000  # an mtime long past: a stat a build may trust
NAV = re.compile(r'<nav class="article-nav".*?</nav>', re.S)


def nav_links(page: Path) -> dict[str, str]:
    """{"earlier"|"later": the linked page's path} of one article page."""
    found = NAV.search(page.read_text())
    if found is None:
        return {}
    return {kind: os.path.normpath(page.parent / href / "index.html")
            for kind, href in re.findall(r'<p class="(earlier|later)">.*?<a href="([^"]+)"',
                                         found.group(0))}


def test_every_article_links_its_neighbours_in_the_home_order(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_build(FIXTURE, site) == 0
    home_pages = [site / "index.html", *sorted(site.glob("page/*/index.html"),
                                               key=lambda p: int(p.parent.name))]
    order = [os.path.normpath(p.parent / href / "index.html") for p in home_pages
             for href in re.findall(r'<h[23] class="title"><a href="([^"]+)"', p.read_text())
             or re.findall(r'<article[^>]*>\s*<h[23][^>]*><a href="([^"]+)"', p.read_text())]
    assert len(order) > 40, "the home pages list the articles"
    for n, page in enumerate(order):
        links = nav_links(Path(page))
        assert links.get("later") == (order[n - 1] if n > 0 else None), page
        assert links.get("earlier") == (order[n + 1] if n + 1 < len(order) else None), page
        assert page not in links.values()


def clean_build(project: Path) -> dict[str, bytes]:
    """The site a clean build makes of `project`'s articles (another project, whose new
    build state remembers the URLs `project` published: the same redirect pages)."""
    elsewhere = project / "clean"
    elsewhere.mkdir(exist_ok=True)
    shutil.rmtree(elsewhere / "site", ignore_errors=True)
    remember(elsewhere, published(project))
    build(elsewhere, SiteConfig(input=str(project / "in"), output="site"))
    return tree_bytes(elsewhere / "site")


def write(path: Path, text: str, when: int) -> None:
    path.write_text(text)
    os.utime(path, (when, when))


def test_a_quick_rebuild_moves_an_article_and_fixes_its_old_and_new_neighbours(
        tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for n, name in enumerate("abcdef"):  # two a month: no listing appears or empties
        write(tmp_path / "in" / f"{name}.md",
              ARTICLE.format(title=name.upper(), date=f"2020-0{n // 2 + 1}-{10 + n % 2}"), OLD)
    config = SiteConfig(input="in", output="site")
    build(tmp_path, config)
    # B moves from between A and C to after F (the newest), and is retitled.
    write(tmp_path / "in" / "b.md", ARTICLE.format(title="B moved", date="2020-03-25"), OLD + 10)
    report = build(tmp_path, config)
    assert [name for name, _ in report.phases] == ["check", "quick"], report.full_because
    assert tree_bytes(tmp_path / "site") == clean_build(tmp_path)
    # ... and retitled in place: its neighbours show the new title after a quick rebuild.
    write(tmp_path / "in" / "d.md", ARTICLE.format(title="D retitled", date="2020-02-11"),
          OLD + 20)
    report = build(tmp_path, config)
    assert [name for name, _ in report.phases] == ["check", "quick"], report.full_because
    assert tree_bytes(tmp_path / "site") == clean_build(tmp_path)
    pages = [p for p in (tmp_path / "site").glob("2020/*/*/*/index.html")
             if "D retitled" in p.read_text()]
    assert len(pages) >= 3  # its own page and the two beside it


def test_an_article_links_more_of_its_first_region_and_theme(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_build(FIXTURE, site) == 0
    page = next(p for p in site.glob("20*/*/*/*/index.html")
                if "transit-agreement-extension" in str(p))
    found = NAV.search(page.read_text())
    assert found is not None
    more = re.findall(r'<a href="([^"]+)">More in ([^<]+)</a>', found.group(0))
    assert [name for _, name in more] == ["Europe", "Oil and Energy"]
    assert all((page.parent / href / "index.html").resolve().is_file() for href, _ in more)


def test_an_edit_to_the_article_that_lost_a_url_clash_takes_the_full_build(
        tmp_path: Path) -> None:
    """It has no page and is in no listing (AG040): a quick rebuild crashed looking for the
    articles beside it."""
    (tmp_path / "in").mkdir()
    for name in ("x", "y"):  # one title, one date, bodies apart: one URL for two articles
        text = " ".join(f"{name}word{n}" for n in range(60))
        write(tmp_path / "in" / f"{name}.md",
              f"---\ntitle: X\ndate: 2020-02-12\n---\n\n{text}\n", OLD)
    for n, name in enumerate("abc"):
        write(tmp_path / "in" / f"{name}.md",
              ARTICLE.format(title=name.upper(), date=f"2020-0{n + 1}-10"), OLD)
    config = SiteConfig(input="in", output="site")
    first = build(tmp_path, config)
    assert [d.code for d in first.diagnostics] == ["AG040"]
    y = tmp_path / "in" / "y.md"
    write(y, y.read_text() + "\nA paragraph past the excerpt.\n", OLD + 10)
    again = build(tmp_path, config)
    assert "render+write" in [name for name, _ in again.phases]
    assert "no page of its own" in again.full_because
    assert tree_bytes(tmp_path / "site") == clean_build(tmp_path)


def test_a_retitle_beside_a_page_showing_copies_rebuilds_quickly(tmp_path: Path) -> None:
    """The page beside the edited article shows the copy folded into it ("also archived
    as"): the quick rebuild makes it again with that copy, as the full build does."""
    (tmp_path / "in").mkdir()
    body = " ".join(f"word{n}" for n in range(80))
    for name in ("x", "y"):  # the same article twice: y is folded into x's page
        write(tmp_path / "in" / f"{name}.md",
              f"---\ntitle: X\ndate: 2020-02-12\n---\n\n{body}\n", OLD)
    for n, name in enumerate("abcd"):
        write(tmp_path / "in" / f"{name}.md",
              ARTICLE.format(title=name.upper(), date=f"2020-0{n // 2 + 2}-{10 + n % 2}"), OLD)
    config = SiteConfig(input="in", output="site")
    build(tmp_path, config)
    x_page = next((tmp_path / "site").glob("2020/02/12/*/index.html"))
    assert "y.md" in x_page.read_text()  # the copy is shown on x's page
    # b.md (2020-02-11) is beside x (2020-02-12) in the order: retitle it.
    write(tmp_path / "in" / "b.md", ARTICLE.format(title="B retitled", date="2020-02-11"),
          OLD + 10)
    report = build(tmp_path, config)
    assert [name for name, _ in report.phases] == ["check", "quick"], report.full_because
    assert "B retitled" in x_page.read_text()
    assert tree_bytes(tmp_path / "site") == clean_build(tmp_path)
