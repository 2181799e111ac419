"""Links never break: an article that moves (retitled, redated, folded into a copy) or a
listing page number that disappears leaves a redirect page at its old URL, in full and quick
builds, for every URL the site ever published (site/redirects.py, the build state's
`published` table); `redirects: false` forgets them and removes their pages."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from incremental_helpers import OLD, age, run

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.report import BuildReport
from archivegen.urls import output_file

MD = "md_002_ceasefire-northern-districts.md"
TITLE = "Ceasefire Holds in Northern Districts as Displaced Families Weigh Return"
FIRST = "/2019/03/14/ceasefire-holds-in-northern-districts-as-displaced-families-weigh-return/"
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


def retitle(project: Path, title: str, step: int) -> None:
    path = project / "articles" / MD
    text = path.read_text()
    path.write_text(re.sub(r"^title: .*$", "title: " + json.dumps(title), text, count=1,
                           flags=re.M))
    age(project / "articles", OLD + step)


def slug_url(title: str) -> str:
    return "/2019/03/14/" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + "/"


def redirect_of(site: Path, url: str) -> str | None:
    """The site URL the page at `url` sends a browser to, or None if it is no redirect."""
    page = site / output_file(url)
    html = page.read_text("utf-8")
    found = REFRESH.search(html)
    if found is None:
        return None
    target = urljoin("https://h" + url, found.group(1))
    assert target.startswith("https://h/")
    return target.removeprefix("https://h").removesuffix("index.html")


def is_article(site: Path, url: str, title: str) -> bool:
    html = (site / output_file(url)).read_text("utf-8")
    return REFRESH.search(html) is None and f"<h1>{title}</h1>" in html.replace("\n", "")


def quick(report: BuildReport) -> bool:
    return any(name == "quick" for name, _ in report.phases)


@pytest.mark.parametrize("path", ["quick", "full"])
def test_a_retitled_article_leaves_a_redirect_at_its_old_url(project: Path, path: str) -> None:
    run(project)
    site = project / "site"
    assert is_article(site, FIRST, TITLE)
    new_title = "Ceasefire Holds as Families Weigh Return"
    retitle(project, new_title, 1)
    if path == "full":  # an added file: the quick rebuild declines
        shutil.copy(project / "articles" / "gr_001_aid-convoys-checkpoint.txt",
                    project / "articles" / "zz_added.txt")
        (project / "articles" / "zz_added.txt").write_text(
            "An added article\n\nIts body, a sentence about something else entirely.\n")
        age(project / "articles", OLD + 1)
    report = run(project)
    assert quick(report) == (path == "quick"), report.full_because
    assert report.errors == 0
    second = slug_url(new_title)
    assert is_article(site, second, new_title)
    assert redirect_of(site, FIRST) == second
    html = (site / output_file(FIRST)).read_text("utf-8")
    assert '<meta name="robots" content="noindex">' in html
    # No base_url: the canonical link is the same relative link as the refresh.
    assert CANONICAL.search(html).group(1) == REFRESH.search(html).group(1)

    # Retitled again: both old URLs send to the newest (no chain of redirects).
    third_title = "Families Weigh Return"
    retitle(project, third_title, 2)
    report = run(project)
    assert quick(report), report.full_because
    third = slug_url(third_title)
    assert is_article(site, third, third_title)
    assert redirect_of(site, FIRST) == third
    assert redirect_of(site, second) == third

    # Back to the first title: the redirect at its URL gives way to the article again.
    retitle(project, TITLE, 3)
    report = run(project)
    assert quick(report), report.full_because
    assert is_article(site, FIRST, TITLE)
    assert redirect_of(site, second) == FIRST
    assert redirect_of(site, third) == FIRST
    assert report.errors == 0


def test_quick_and_full_builds_leave_the_same_tree(project: Path, tmp_path: Path) -> None:
    """The same history through quick rebuilds and through full builds: the same files."""
    twin = tmp_path / "twin"
    shutil.copytree(project / "articles", twin / "articles")
    for where in (project, twin):
        run(where)
    for step, title in enumerate(["A New Title", "Another One", TITLE, "Last Title"], 1):
        for where in (project, twin):
            retitle(where, title, step)
        assert quick(run(project))
        assert not quick(_full(twin))
        assert _tree(project / "site") == _tree(twin / "site"), title


def _full(project: Path) -> BuildReport:
    from archivegen.build import full_build

    return full_build(project, SiteConfig(input="articles", output="site"))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_deleted_article_takes_its_redirects_with_it(project: Path) -> None:
    run(project)
    retitle(project, "A Title That Moves It", 1)
    run(project)
    moved = slug_url("A Title That Moves It")
    assert redirect_of(project / "site", FIRST) == moved
    (project / "articles" / MD).unlink()
    report = run(project)
    assert report.errors == 0
    assert not (project / "site" / output_file(FIRST)).exists()
    assert not (project / "site" / output_file(moved)).exists()


def test_a_vanished_listing_page_redirects_to_the_listing(project: Path) -> None:
    run(project, page_size=3)
    site = project / "site"
    last = max(int(p.parent.name) for p in (site / "page").glob("*/index.html"))
    assert last >= 3
    (project / "archivegen.yaml").write_text("page_size: 50\n")
    report = run(project, page_size=50)
    assert report.errors == 0
    assert not (site / "page" / "2" / "index.html").read_text().count("<article")
    for number in range(2, last + 1):
        assert redirect_of(site, f"/page/{number}/") == "/"
    assert redirect_of(site, "/") is None


def test_a_copy_folded_into_another_redirects_to_it(project: Path) -> None:
    """An article published on its own, then found to copy another: its URL sends readers
    to the page it was folded into."""
    # The same title and date (copies fold only then), a slug of its own: its own URL.
    head = f"---\ntitle: {json.dumps(TITLE)}\ndate: 2019-03-14\nslug: reprint\n---\n"
    copy = project / "articles" / "zz_copy.md"
    copy.write_text(head + "\nA short text of its own, for now, about something else.\n")
    age(project / "articles")
    run(project)
    copy_url = "/2019/03/14/reprint/"
    assert is_article(project / "site", copy_url, TITLE)
    body = (project / "articles" / MD).read_text().split("\n---\n", 1)[1]
    copy.write_text(head + body)
    age(project / "articles", OLD + 1)
    report = run(project)
    assert report.errors == 0
    assert redirect_of(project / "site", copy_url) == FIRST


def test_redirects_false_forgets_old_urls(project: Path) -> None:
    run(project)
    retitle(project, "A Title That Moves It", 1)
    run(project)
    site = project / "site"
    assert redirect_of(site, FIRST) is not None
    run(project, redirects=False)
    assert not (site / output_file(FIRST)).exists()
    run(project)  # switched on again: the old URL is forgotten, not brought back
    assert not (site / output_file(FIRST)).exists()


@pytest.mark.parametrize("mode", ["portable", "base_path"])
def test_redirect_targets_resolve_in_every_link_mode(project: Path, mode: str) -> None:
    config = {"portable": True} if mode == "portable" else {
        "base_url": "https://example.org/archive/"}
    run(project, **config)
    retitle(project, "A Title That Moves It", 1)
    run(project, **config)
    html = (project / "site" / output_file(FIRST)).read_text("utf-8")
    target = REFRESH.search(html).group(1)
    moved = slug_url("A Title That Moves It")
    if mode == "portable":  # a file, as a browser opening files from disk needs
        assert target.endswith("/index.html")
        resolved = (project / "site" / output_file(FIRST)).parent / target
        assert resolved.resolve() == (project / "site" / output_file(moved)).resolve()
    else:
        assert CANONICAL.search(html).group(1) == "https://example.org/archive" + moved
        assert urljoin("https://example.org/archive" + FIRST, target) == \
            "https://example.org/archive" + moved


def test_no_page_links_to_a_redirect(project: Path) -> None:
    """Redirect pages are reached by old links only: no page of the site points at one,
    and the search index does not list them."""
    run(project)
    retitle(project, "A Title That Moves It", 1)
    run(project)
    site = project / "site"
    old = FIRST.strip("/")
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".xml", ".json") \
                and page != site / output_file(FIRST) and not page.name.startswith("."):
            assert old not in page.read_text("utf-8", errors="replace"), page


def test_no_cache_no_redirects(project: Path) -> None:
    """Without the build state there is no memory of old URLs: said in the README."""
    config = SiteConfig(input="articles", output="site")
    build(project, config, use_cache=False)
    retitle(project, "A Title That Moves It", 1)
    build(project, dataclasses.replace(config), use_cache=False)
    assert not (project / "site" / output_file(FIRST)).exists()


def test_a_build_with_errors_forgets_no_old_url(project: Path) -> None:
    """An article that fails to load for one build keeps its old URLs: once it loads
    again, they redirect to it again (a build with errors only adds to what is kept)."""
    run(project)
    retitle(project, "A Title That Moves It", 1)
    run(project)
    moved = slug_url("A Title That Moves It")
    path = project / "articles" / MD
    good = path.read_text()
    path.write_text(good.replace("date: 2019-03-14", "date: [unclosed", 1))
    age(project / "articles", OLD + 2)
    assert run(project).errors > 0
    path.write_text(good)
    age(project / "articles", OLD + 3)
    report = run(project)
    assert report.errors == 0
    assert is_article(project / "site", moved, "A Title That Moves It")
    assert redirect_of(project / "site", FIRST) == moved


PIECES = [("Flood Barriers Fail After Three Days of Rain", 2, "Flood barriers failed along "
           "the river on Monday, engineers said, after three days of heavy rain in the hills."),
          ("Rice Exporters Warn of Lower Harvest", 3, "Rice exporters warned on Thursday that "
           "the floods in the delta could reduce the harvest by a tenth this year."),
          ("Fishermen Count Losses After Delta Floods", 4, "Fishermen counted their losses "
           "on Friday after the floods swept away nets and two small boats on the coast.")]


def pieces_file(pieces: list[tuple[str, int, str]]) -> str:
    """A scraped file holding several articles (each a title, byline and dateline: AG023)."""
    return "".join(f"{title}\n\nBy [Author {day}](#)\n\nGlobal Research, June {day}, 2017\n\n"
                   f"{body}\n\n" for title, day, body in pieces)


def test_an_old_url_of_a_piece_never_sends_to_another_article(tmp_path: Path) -> None:
    """The pieces of a file are named by their place in it: when the first goes, the
    second is "#1". The first article's URL (its article gone) must not send readers to
    the second: it goes, as a deleted article's does."""
    (tmp_path / "articles").mkdir()
    split = tmp_path / "articles" / "split.txt"
    split.write_text(pieces_file(PIECES))
    age(tmp_path / "articles")
    run(tmp_path)
    site = tmp_path / "site"
    first = "/2017/06/02/flood-barriers-fail-after-three-days-of-rain/"
    assert is_article(site, first, PIECES[0][0])
    split.write_text(pieces_file(PIECES[1:]))  # the first article cut out
    age(tmp_path / "articles", OLD + 1)
    assert run(tmp_path).errors == 0
    assert not (site / output_file(first)).exists()
    for title, day, _ in PIECES[1:]:
        assert is_article(site, f"/2017/06/{day:02d}/{slug_url(title).split('/')[-2]}/", title)
