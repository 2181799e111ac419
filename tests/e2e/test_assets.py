"""Assets (#17): images and files an article references by a relative path are copied
beside its page, so the reference works as written (normal, under a base path, --portable);
a missing or refused one is a warning at its line and column; builds after an edit of the
article or of the asset alone give what a clean build gives."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from incremental_helpers import OLD, age, assert_like_a_clean_build, phase_names, run

from archivegen.build import _assets_in_place, _Output
from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.errors import Diagnostics
from conftest import run_build, tree_bytes

ARTICLE = """---
title: The Report
date: 2020-05-01
---
Intro text.

![Map](img/map.png)

Read [the PDF](files/report%20full.pdf#page=2) and see ![gone](img/nope.png).
"""
PAGE = "2020/05/01/the-report/index.html"
MAP = b"\x89PNG\r\n\x1a\n map bytes"
PDF = b"%PDF-1.4 the report"


def make_inputs(root: Path) -> Path:
    folder = root / "articles" / "2020"
    (folder / "img").mkdir(parents=True)
    (folder / "files").mkdir()
    (folder / "report.md").write_text(ARTICLE)
    (folder / "img" / "map.png").write_bytes(MAP)
    (folder / "files" / "report full.pdf").write_bytes(PDF)
    (root / "articles" / "other.md").write_text(
        "---\ntitle: Other\ndate: 2021-01-01\n---\nNothing referenced.\n")
    age(root / "articles")
    return root / "articles"


def local_targets(site: Path, page: str) -> dict[str, Path]:
    """Each relative src/href of the page's body, resolved as a browser resolves it from
    the page's file (file://), to the file it names."""
    html = (site / page).read_text()
    body = html.split('class="article-body"', 1)[-1]
    found = {}
    for url in re.findall(r'(?:src|href)="([^"#?:]+)(?:[#?][^"]*)?"', body):
        if url.startswith(("/", "../", "./")) or url.endswith("/") or url.endswith(".html"):
            continue
        resolved = urljoin("file:///site/" + page, url).removeprefix("file:///site/")
        found[url] = site / unquote(resolved)
    return found


@pytest.mark.parametrize("extra", [(), ("--portable",), ("--base-url", "/sub/path/")])
def test_referenced_files_are_copied_beside_the_page(tmp_path: Path, extra: tuple[str, ...],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    articles = make_inputs(tmp_path)
    assert run_build(articles, tmp_path / "site", *extra) == 0
    targets = local_targets(tmp_path / "site", PAGE)
    assert sorted(targets) == ["files/report%20full.pdf", "img/map.png", "img/nope.png"]
    assert targets["img/map.png"].read_bytes() == MAP
    assert targets["files/report%20full.pdf"].read_bytes() == PDF
    assert not targets["img/nope.png"].exists()  # kept in the page: the user was told
    page_folder = tmp_path / "site" / "2020/05/01/the-report"
    assert sorted(p.relative_to(page_folder).as_posix() for p in page_folder.rglob("*")
                  if p.is_file()) == ["files/report full.pdf", "img/map.png", "index.html"]
    err = capsys.readouterr().err
    assert ("2020/report.md:9:64: warning: image 'img/nope.png' not found next to the "
            "article [AG035]") in err


def test_a_missing_file_warns_and_fails_only_a_strict_build(tmp_path: Path) -> None:
    articles = make_inputs(tmp_path)
    assert run_build(articles, tmp_path / "site") == 0
    assert (tmp_path / "site" / PAGE).is_file()
    assert run_build(articles, tmp_path / "strict", "--strict") == 1


HOSTILE = """---
title: Hostile
date: 2020-06-01
---
![a](../../../../etc/passwd) ![b](%2e%2e/secret.bin) ![c](img/../../secret.bin)
[d](linked/x.png) [e](link.png) [f](%2Fetc%2Fpasswd) [g](.hidden) [h](../other.md)
[i](javascript:alert(1)) [j](JAVASCRIPT:alert(1)) ![k](img/%00.png) ![l](LONG.png)
[m](index.html) [n](self.md)
"""


def test_hostile_references_copy_nothing_and_write_nothing_outside(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = tmp_path / "articles"
    (articles / "2020").mkdir(parents=True)
    (articles / "secret.bin").write_text("SECRET")
    (articles / "other.md").write_text("---\ntitle: Other\n---\nbody\n")
    (articles / "2020" / "self.md").write_text(HOSTILE.replace("LONG", "y" * 300))
    (articles / "2020" / ".hidden").write_text("HIDDEN")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_text("OUTSIDE")
    (articles / "2020" / "linked").symlink_to(outside)
    (articles / "2020" / "link.png").symlink_to(outside / "x.png")
    age(articles)
    before = {p.name for p in tmp_path.iterdir()}
    assert run_build(articles, tmp_path / "site") == 0
    assert {p.name for p in tmp_path.iterdir()} - before == {"site", ".archivegen"}
    page = tmp_path / "site" / "2020/06/01/hostile"
    assert sorted(p.name for p in page.rglob("*")) == ["index.html"]
    for text in (b"SECRET", b"HIDDEN", b"OUTSIDE"):
        assert not [p for p in (tmp_path / "site").rglob("*")
                    if p.is_file() and text in p.read_bytes()]
    html = (page / "index.html").read_text()
    assert 'href="javascript' not in html.lower()
    err = capsys.readouterr().err
    # One warning per path: "img/../../secret.bin" is "%2e%2e/secret.bin" again.
    assert err.count("[AG036]") == 10 and err.count("[AG035]") == 1  # (the long name)
    assert err.count("[AG031]") == 2


def write_project(root: Path) -> Path:
    make_inputs(root)
    (root / "archivegen.yaml").write_text("title: T\n")
    return root


def bump(path: Path, step: int) -> None:
    os.utime(path, (OLD + step, OLD + step))


def test_quick_rebuilds_follow_edits_of_the_article_and_of_the_asset(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    folder = project / "articles" / "2020"
    assert run(project).errors == 0
    copy = project / "site" / "2020/05/01/the-report/img/map.png"

    # The asset alone changes: not a no-op, its copy follows.
    (folder / "img" / "map.png").write_bytes(b"new map bytes")
    bump(folder / "img" / "map.png", 10)
    report = run(project)
    assert "quick" in phase_names(report) and copy.read_bytes() == b"new map bytes"
    assert_like_a_clean_build(project, tmp_path)
    assert run(project).written == 0  # and then a no-op

    # A missing asset appears: copied, its warning gone.
    (folder / "img" / "nope.png").write_bytes(b"found")
    bump(folder / "img" / "nope.png", 20)
    report = run(project)
    assert "quick" in phase_names(report)
    assert not any(d.code == "AG035" for d in report.diagnostics)
    assert_like_a_clean_build(project, tmp_path)

    # The article stops referencing the map: its copy is pruned.
    (folder / "report.md").write_text(ARTICLE.replace("![Map](img/map.png)", "No map."))
    bump(folder / "report.md", 30)
    report = run(project)
    assert "quick" in phase_names(report) and not copy.exists()
    assert_like_a_clean_build(project, tmp_path)

    # It references one again, in a new folder.
    (folder / "pics").mkdir()
    (folder / "pics" / "p.jpg").write_bytes(b"JPEG")
    bump(folder / "pics" / "p.jpg", 40)
    bump(folder / "pics", 40)
    (folder / "report.md").write_text(ARTICLE + "\n![P](pics/p.jpg)\n")
    bump(folder / "report.md", 40)
    report = run(project)
    assert "quick" in phase_names(report)
    assert (project / "site" / "2020/05/01/the-report/pics/p.jpg").read_bytes() == b"JPEG"
    assert_like_a_clean_build(project, tmp_path)

    # The article moves (new date): its copies move with it.
    (folder / "report.md").write_text(ARTICLE.replace("2020-05-01", "2020-05-02"))
    bump(folder / "report.md", 50)
    run(project)
    assert (project / "site" / "2020/05/02/the-report/img/map.png").is_file()
    # The old URL keeps only a redirect page (site/redirects.py), not the copies.
    old = project / "site" / "2020/05/01/the-report"
    assert sorted(p.name for p in old.iterdir()) == ["index.html"]
    assert 'http-equiv="refresh"' in (old / "index.html").read_text()
    assert_like_a_clean_build(project, tmp_path)


def test_a_full_build_follows_an_asset_edit_too(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    assert run(project).errors == 0
    (project / "articles" / "2020" / "files" / "report full.pdf").write_bytes(b"%PDF v2")
    bump(project / "articles" / "2020" / "files" / "report full.pdf", 10)
    (project / "articles" / "other.md").write_text(
        "---\ntitle: Other\ndate: 2021-01-01\ntags: [x]\n---\nNothing referenced.\n")
    (project / "articles" / "new.md").write_text("---\ntitle: New\n---\nA new one.\n")
    age(project / "articles" / "new.md", OLD + 10)
    run(project)  # a file added: the full build
    assert (project / "site" / "2020/05/01/the-report/files/report full.pdf").read_bytes() == (
        b"%PDF v2")
    assert_like_a_clean_build(project, tmp_path)


def test_two_builds_are_identical(tmp_path: Path) -> None:
    articles = make_inputs(tmp_path)
    assert run_build(articles, tmp_path / "one") == 0
    shutil.rmtree(tmp_path / ".archivegen")
    assert run_build(articles, tmp_path / "two") == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_an_asset_never_takes_a_pages_place() -> None:
    claims = [_Output("undated/page/index.html", "page.md", "article", "a"),
              _Output("undated/page/2/index.html", "/undated/page/2/", "listing", "b"),
              _Output("undated/page/2", "page.md", "asset", "c"),
              _Output("undated/page/2/index.html", "page.md", "asset", "d"),
              _Output("undated/page/index.html/x.png", "page.md", "asset", "e"),
              _Output("undated/page/img/x.png", "page.md", "asset", "f")]
    diags = Diagnostics()
    kept = _assets_in_place(claims, diags)
    assert [c.fingerprint for c in kept] == ["a", "b", "f"]
    assert [d.code for d in diags.items] == ["AG036"] * 3


def test_copies_are_files_not_pages(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    with_assets = run(project)
    (project / "articles" / "2020" / "report.md").write_text("---\ntitle: The Report\n"
                                                             "date: 2020-05-01\n---\nText.\n")
    bump(project / "articles" / "2020" / "report.md", 10)
    without = run(project)
    assert with_assets.pages == without.pages and without.removed == 2


@pytest.mark.parametrize("name", ["sub/index.html", "img/x.svg", "img/a.js", "page.htm",
                                  "feed.xml", "x.XHTML", "run.mjs"])
def test_files_that_would_run_as_the_site_are_not_copied(tmp_path: Path, name: str) -> None:
    """An input folder saved from a browser holds HTML, SVG and scripts: copied beside a
    page, a script in one would run on the site's own address."""
    folder = tmp_path / "articles"
    (folder / Path(name).parent).mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("<script>alert(document.domain)</script>")
    (folder / "a.md").write_text(f"---\ntitle: A\ndate: 2020-05-01\n---\n\nSee [it]({name}).\n")
    report = build(tmp_path, SiteConfig(input="articles", output="site"))
    assert [d.code for d in report.diagnostics] == ["AG036"]
    assert "not a kind of file the site copies" in report.diagnostics[0].message
    assert not any(p.read_bytes().startswith(b"<script") for p in (tmp_path / "site").rglob("*")
                   if p.is_file())
