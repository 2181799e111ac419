"""Quick rebuilds (archivegen.incremental.quick): a few changed bodies or heads are rendered
with the pages that show them, from the cached listings, nothing else planned again; every
edit that could change more (copies, new terms, added files, settings, a damaged report or
cache) takes the full build and says why. Each result equals a clean build's."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from incremental_helpers import (
    NOOP_IMPORTS,
    OLD,
    PIECE_MARK,
    SECOND_PIECE,
    age,
    assert_like_a_clean_build,
    assert_listings_like_a_full_build,
    clean_build,
    config_of,
    edit_body,
    phase_names,
    report_file,
    run,
)

from archivegen.dispatch import build
from conftest import REPO, tree_bytes

pytestmark = pytest.mark.slow  # each test builds the fixture archive several times


def test_a_body_edit_renders_its_page_without_planning_the_site(project: Path,
                                                                tmp_path: Path) -> None:
    first = run(project)
    was = tree_bytes(project / "site")
    article = sorted((project / "articles").glob("gr_*.txt"))[3]
    edit_body(article)
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    now = tree_bytes(project / "site")
    changed = sorted(path for path in now if now[path] != was.get(path))
    # Its page, the feeds holding it (they carry its body), and the search index's files
    # holding the words the edit changed.
    pages = [path for path in changed
             if not path.startswith("search/") and not path.endswith("feed.xml")]
    assert len(pages) == 1 and pages[0].endswith("/index.html")
    assert any(p.endswith("feed.xml") for p in changed)
    assert all(p.endswith((".bin", "feed.xml")) for p in changed if p not in pages)
    assert (report.rendered, report.written, report.removed) == (len(changed),) * 2 + (0,)
    assert report.unchanged == first.written - len(changed)
    assert (report.articles, report.pages) == (first.articles, first.pages)
    assert_like_a_clean_build(project, tmp_path)
    again = run(project)  # and the next build has nothing to do
    assert phase_names(again) == ["check"] and again.written == 0


# Edits of what listings show, within listings that exist: (pattern, replacement) for the
# front matter of the first article matching, then of the next one.
SHOWN_EDITS = {
    "title": [(r"^title: (.*)$", r"title: Retitled \1")] * 2,
    "theme": [(r"^themes: \[", "themes: [Economy, "), (r"^themes: \[", "themes: [History, ")],
    "author": [(r"^authors: ([^\[\n]+)$", r"authors: [Farah Siddiqui, \1]")] * 2,
    # the same month, another day (its URL and place change); then into another month
    "date": [(r"^date: 2019-03-14$", "date: 2019-03-02"),
             (r"^date: 2019-03-14$", "date: 2020-03-14")],
}


@pytest.mark.parametrize("kind", sorted(SHOWN_EDITS))
def test_edits_other_pages_show_render_just_those_pages(project: Path, tmp_path: Path,
                                                        kind: str) -> None:
    """Its listings, their feeds, its taxonomies' index pages: from the cached listings."""
    run(project)
    for step, (pattern, replacement) in enumerate(SHOWN_EDITS[kind], start=1):
        article = next(p for p in sorted((project / "articles").glob("md_*.md"))
                       if re.search(pattern, p.read_text(), flags=re.M))
        article.write_text(re.sub(pattern, replacement, article.read_text(), count=1,
                                  flags=re.M))
        age(project / "articles", OLD + step)
        report = run(project)
        assert phase_names(report) == ["check", "quick"], report.full_because
        assert_like_a_clean_build(project, tmp_path)
        assert_listings_like_a_full_build(project, tmp_path)


@pytest.mark.parametrize("piece", [1, 2])
def test_editing_one_piece_of_a_file_of_several(project: Path, tmp_path: Path,
                                                piece: int) -> None:
    """The file's other piece is read back from the cache as it was: the edited one must
    keep its new head (its listings showed the old title, linking to a page gone)."""
    source = project / "articles" / "gr_001_aid-convoys-checkpoint.txt"
    source.write_text(source.read_text().replace(PIECE_MARK, SECOND_PIECE + PIECE_MARK, 1))
    age(project / "articles")
    run(project)
    keys = [a["source"] for a in report_file(project)["articles"]]  # type: ignore[union-attr]
    assert {f"{source.name}#1", f"{source.name}#2"} <= set(keys)
    title = ("Aid Convoys Held at Eastern Desert Checkpoint as Border Talks Stall" if piece == 1
             else "Second Piece About Grain Prices In The Valley")
    source.write_text(source.read_text().replace(title, title + " Again", 1))
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    assert_like_a_clean_build(project, tmp_path)
    assert_listings_like_a_full_build(project, tmp_path)


def test_a_layout_change_that_keeps_the_url_is_in_the_report(project: Path,
                                                            tmp_path: Path) -> None:
    body = ("The river ferry that links the two halves of the old town stopped running on "
            "Monday after its engine failed again, and residents say the council has not said "
            "when it will be repaired or replaced this year.\n")
    article = project / "articles" / "zz_ferry.txt"
    article.write_text("River Ferry Stops Again\n\n" + body)
    age(project / "articles")
    run(project)
    article.write_text("---\ntitle: River Ferry Stops Again\n---\n\n" + body)
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    assert_like_a_clean_build(project, tmp_path)  # (its report too: the layout it names)


def test_a_title_edit_moves_the_page_and_renders_only_what_shows_it(project: Path,
                                                                    tmp_path: Path) -> None:
    first = run(project)
    before = tree_bytes(project / "site")
    article = sorted((project / "articles").glob("md_*.md"))[4]
    old_url = next(a["url"] for a in report_file(project)["articles"]  # type: ignore[union-attr]
                   if a["source"] == article.name)
    article.write_text(article.read_text().replace("title:", "title: Retitled", 1))
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    # The old URL is kept as a redirect page (site/redirects.py): nothing is removed.
    assert report.removed == 0
    old_page = (project / "site" / old_url.strip("/") / "index.html").read_text()
    assert 'http-equiv="refresh"' in old_page
    after = tree_bytes(project / "site")
    changed = {path for path, data in after.items() if before.get(path) != data}
    # Every page rendered changed (its page, the listing pages and feeds showing it), and
    # nothing else did: the index pages show counts, not titles.
    assert report.rendered == report.written == len(changed) - 1  # (the manifest)
    assert ".archivegen-manifest.json" in changed
    assert not {"archive/index.html", "themes/index.html", "authors/index.html"} & changed
    assert (report.articles, report.pages) == (first.articles, first.pages)
    assert_like_a_clean_build(project, tmp_path)
    assert phase_names(run(project)) == ["check"]


def test_a_body_edited_into_a_copy_of_another_takes_the_full_build(project: Path,
                                                                    tmp_path: Path) -> None:
    """Duplicate detection then groups it with another article, which can change pages
    beyond its own. Its stated summary keeps its head unchanged: only that sends the edit
    to the full build."""
    first, second = sorted((project / "articles").glob("md_*.md"))[2:4]
    first.write_text(first.read_text().replace("---\n", "---\nsummary: A stated summary.\n", 1))
    age(project / "articles")
    run(project)
    edit_body(first)
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]  # an ordinary edit is quick
    front, _, _ = first.read_text()[4:].partition("\n---\n")
    first.write_text("---\n" + front + "\n---\n" + second.read_text()[4:].partition("\n---\n")[2])
    age(project / "articles", OLD + 2)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)
    first.write_text("---\n" + front + "\n---\n\nA story of its own, told in its own words.\n")
    age(project / "articles", OLD + 3)
    assert "quick" not in phase_names(run(project))  # it was grouped: not any more
    assert_like_a_clean_build(project, tmp_path)


def test_a_title_edit_that_makes_two_copies_one_article_takes_the_full_build(
        project: Path, tmp_path: Path) -> None:
    """Two bodies alike under different titles are two articles; give them one title and
    they fold into one page. The edit keeps every body as it was: only the cached groups of
    duplicate detection can tell."""
    a, b = sorted((project / "articles").glob("md_*.md"))[2:4]
    front_a, _, body_a = a.read_text()[4:].partition("\n---\n")
    front_b = b.read_text()[4:].partition("\n---\n")[0]
    date_a = re.search(r"^date: .*$", front_a, flags=re.M)
    assert date_a is not None
    b.write_text("---\n" + re.sub(r"^date: .*$", date_a[0], front_b, flags=re.M)
                 + "\n---\n" + body_a)
    age(project / "articles")
    assert "AG024" not in [d.code for d in run(project).diagnostics]  # titles differ
    title_a = re.search(r"^title: .*$", front_a, flags=re.M)
    assert title_a is not None
    b.write_text(re.sub(r"^title: .*$", title_a[0], b.read_text(), count=1, flags=re.M))
    age(project / "articles", OLD + 1)
    report = run(project)
    assert "quick" not in phase_names(report)
    assert "has the body of another article" in report.full_because
    assert "AG024" in [d.code for d in report.diagnostics]
    assert_like_a_clean_build(project, tmp_path)


def test_a_body_edit_of_an_article_with_copies_takes_the_full_build(project: Path,
                                                                    tmp_path: Path) -> None:
    article = sorted((project / "articles").glob("gr_*.txt"))[5]
    shutil.copy(article, article.with_name("zz_copy_" + article.name))
    age(project / "articles")
    assert "AG024" in [d.code for d in run(project).diagnostics]
    edit_body(article)
    age(project / "articles", OLD + 1)
    report = run(project)
    assert "quick" not in phase_names(report)
    assert_like_a_clean_build(project, tmp_path)


def test_quick_rebuilds_report_the_warnings_of_what_they_load(project: Path,
                                                              tmp_path: Path) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[1]
    original = article.read_text()
    edit_body(article, "See [this](javascript:alert(1)) for more.")
    age(project / "articles", OLD + 1)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert [d.code for d in report.diagnostics] == ["AG031"]
    assert_like_a_clean_build(project, tmp_path)
    article.write_text(original)
    age(project / "articles", OLD + 2)
    report = run(project)
    assert phase_names(report) == ["check", "quick"]
    assert report.diagnostics == ()
    assert_like_a_clean_build(project, tmp_path)


@pytest.mark.parametrize("damage", ["report deleted", "report edited", "page edited",
                                    "summary garbled", "summary mistyped"])
def test_a_quick_rebuild_trusts_only_what_the_last_build_left(project: Path, tmp_path: Path,
                                                              damage: str) -> None:
    run(project)
    report_path = project / ".archivegen" / "build-report.json"
    if damage == "report deleted":
        report_path.unlink()
    elif damage == "report edited":
        report_path.write_text(report_path.read_text().replace('"url"', '"URL"'))
    elif damage.startswith("summary"):
        garble_summary(project, damage)
    else:
        page = next((project / "site").glob("archive/index.html"))
        page.write_text("edited by hand")
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[0])
    age(project / "articles", OLD + 1)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)


def garble_summary(project: Path, how: str) -> None:
    import sqlite3

    from archivegen.incremental.cache import CACHE_PATH

    text = ('{' if how == "summary garbled" else
            '{"articles": 1, "pages": 1, "files": 1, '
            '"diagnostics": [["warning", "AG031", "m", ["a list"], 1, 1]]}')
    with sqlite3.connect(project / CACHE_PATH) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'summary'", (text,))


@pytest.mark.parametrize("how", ["summary garbled", "summary mistyped"])
def test_a_garbled_summary_with_nothing_changed_means_a_build(project: Path, tmp_path: Path,
                                                              how: str) -> None:
    run(project)
    garble_summary(project, how)
    assert phase_names(run(project)) != ["check"]
    assert_like_a_clean_build(project, tmp_path)


def unreadable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make reading the file `name` fail as it would without permission (tests run as
    root here, where chmod 000 does not stop a read). Builds of the fixture load in-process."""
    real = os.open

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(os.fsdecode(path)) == name:
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def test_a_file_unreadable_for_one_build_is_loaded_again_after(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its cache entry went with it: the copy it was is folded again, not taken for touched."""
    original = sorted((project / "articles").glob("gr_*.txt"))[7]
    copy = original.with_name("zz_copy_" + original.name)
    shutil.copy(original, copy)
    age(project / "articles")
    assert "AG024" in [d.code for d in run(project).diagnostics]
    with monkeypatch.context() as patch:
        unreadable(patch, copy.name)
        os.utime(copy, (OLD + 1, OLD + 1))
        assert [d.code for d in run(project).diagnostics] == ["AG003"]
    os.utime(copy, (OLD + 2, OLD + 2))
    assert [d.code for d in run(project).diagnostics] == ["AG024"]
    assert_like_a_clean_build(project, tmp_path)


@pytest.mark.parametrize("quick_rebuilds", [True, False])
def test_an_unreadable_sidecar_is_reported_by_every_kind_of_build(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        quick_rebuilds: bool) -> None:
    """The article's bytes are unchanged: it is not only touched, it lost its sidecar."""
    from archivegen.incremental import quick

    if not quick_rebuilds:
        monkeypatch.setattr(quick, "QUICK_MAX_FILES", 0)
    run(project)
    article = sorted((project / "articles").glob("gr_*.txt"))[2]
    sidecar = Path(str(article) + ".yaml")
    sidecar.write_text("tags: [added]\n")
    age(project / "articles", OLD + 1)
    unreadable(monkeypatch, sidecar.name)
    assert [d.code for d in run(project).diagnostics] == ["AG003"]
    assert_like_a_clean_build(project, tmp_path)


def test_a_theme_sees_term_counts_in_the_same_order_in_quick_rebuilds(
        project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    base = (REPO / "templates" / "base.html").read_text()
    (project / "templates" / "base.html").write_text(
        base.replace("</footer>", "{{ term_counts | list | join(',') }}</footer>"))
    age(project)
    run(project)
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[4])
    age(project / "articles", OLD + 1)
    assert phase_names(run(project)) == ["check", "quick"]
    elsewhere = tmp_path / "clean-project"
    elsewhere.mkdir()
    shutil.copytree(project / "templates", elsewhere / "templates")
    assert tree_bytes(project / "site") == clean_build(project, elsewhere)


def test_a_quick_rebuild_from_the_cli_does_not_import_the_full_build(project: Path) -> None:
    subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)], check=True,
                   capture_output=True)
    edit_body(sorted((project / "articles").glob("gr_*.txt"))[1])
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", NOOP_IMPORTS, str(project)],
                          capture_output=True, text=True, check=True)
    imported = proc.stdout.splitlines()[-1].split()[1:]
    assert "archivegen.build" not in imported and "jinja2" in imported  # it rendered a page
    report = json.loads((project / ".archivegen" / "build-report.json").read_text())
    # Its page and the search index's files holding the words the edit changed.
    assert report["summary"]["written"] > 1


@pytest.mark.parametrize("edit, because", [
    ("term", "an edit adds the listing /themes/brand-new/"),
    ("add", "article files were added, removed or renamed"),
    ("config", "settings, templates or archivegen itself changed"),
    ("copy", "is, or was, a copy of another article"),
])
def test_a_full_build_says_why_it_was_not_quick(project: Path, edit: str, because: str) -> None:
    first, second = sorted((project / "articles").glob("md_*.md"))[5:7]
    first.write_text(first.read_text().replace("---\n", "---\nsummary: Stated.\n", 1))
    age(project / "articles")
    run(project)
    if edit == "term":
        first.write_text(first.read_text().replace("themes: [", "themes: [Brand new, ", 1))
    elif edit == "add":
        (project / "articles" / "zz_new.md").write_text("---\ntitle: New\n---\n\nBody.\n")
    elif edit == "config":
        (project / "archivegen.yaml").write_text("page_size: 4\n")
        os.utime(project / "archivegen.yaml", (OLD, OLD))
    else:  # the body of another article under this one's front matter (same head)
        front = first.read_text()[4:].partition("\n---\n")[0]
        body = second.read_text()[4:].partition("\n---\n")[2]
        first.write_text("---\n" + front + "\n---\n" + body)
    age(project / "articles", OLD + 1)
    report = build(project, config_of(project))
    assert "quick" not in phase_names(report)
    assert because in report.full_because
    if edit == "copy":
        assert first.name in report.full_because


def test_the_cli_prints_why_a_build_was_not_quick(project: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.cli import main

    monkeypatch.chdir(project)
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    article = sorted((project / "articles").glob("md_*.md"))[0]
    (project / "articles" / "zz_new.md").write_text("---\ntitle: New\n---\n\nBody.\n")
    age(project / "articles", OLD + 1)
    capsys.readouterr()
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    out = capsys.readouterr().out
    assert "full build: article files were added, removed or renamed" in out
    edit_body(article)
    age(project / "articles", OLD + 2)
    assert main(["build", "--input", "articles", "--output", "site"]) == 0
    out = capsys.readouterr().out
    assert "phases: check" in out and "quick" in out and "full build:" not in out
