"""A full build keeps the search index the last build left when its documents and filters
are the same (search/kept.py): a template or settings edit makes no index, while any change
to what the index shows makes it again; the site is a clean build's either way, even when
the output folder or the page store lost the index's files."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from incremental_helpers import OLD, age, clean_build, edit_body, phase_names, run

import archivegen.build
from archivegen.incremental.cache import CACHE_PATH
from conftest import REPO, tree_bytes

pytestmark = pytest.mark.slow  # each test builds the fixture archive several times


@pytest.fixture
def indexes_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per search index a full build makes (index.index_files called)."""
    made: list[int] = []
    real = archivegen.build.index_files

    def counted(*args: object, **kwargs: object) -> Iterator[tuple[str, bytes]]:
        made.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(archivegen.build, "index_files", counted)
    return made


def edit_template(project: Path, mark: str) -> None:
    """The archive's own terms.html, changed (its mtime in the past: not "racy")."""
    (project / "templates").mkdir(exist_ok=True)
    terms = (REPO / "templates" / "terms.html").read_text()
    (project / "templates" / "terms.html").write_text(terms.replace("<h1>", f"<h1 class='{mark}'>"))
    age(project / "templates", OLD + 50)


def clean_with_templates(project: Path, tmp_path: Path) -> dict[str, bytes]:
    elsewhere = tmp_path / "clean-project"
    shutil.rmtree(elsewhere, ignore_errors=True)
    elsewhere.mkdir()
    if (project / "templates").exists():
        shutil.copytree(project / "templates", elsewhere / "templates")
    return clean_build(project, elsewhere)


def test_a_template_edit_keeps_the_index(project: Path, tmp_path: Path,
                                         indexes_made: list[int]) -> None:
    run(project)
    assert len(indexes_made) == 1
    edit_template(project, "x")
    report = run(project)
    assert "quick" not in phase_names(report)  # a full build
    assert len(indexes_made) == 1  # no second index made
    assert report.rendered == 7  # the taxonomy index pages; no search file
    assert tree_bytes(project / "site") == clean_with_templates(project, tmp_path)


def test_a_settings_change_after_a_quick_edit_keeps_the_patched_index(
        project: Path, tmp_path: Path, indexes_made: list[int]) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[3]
    edit_body(article, "Zymurgical quetzals were seen at the harbour.")
    age(project / "articles", OLD + 10)
    assert "quick" in phase_names(run(project))  # the index patched, not made
    report = run(project, page_size=4)  # settings changed: a full build
    assert "quick" not in phase_names(report)
    assert len(indexes_made) == 1
    site = tree_bytes(project / "site")
    shards = b"".join(gzip.decompress(v) for k, v in site.items() if k.startswith("search/s"))
    assert b"zymurgical" in shards  # the word the edit added is found
    elsewhere = tmp_path / "clean-project"
    elsewhere.mkdir()
    (elsewhere / "archivegen.yaml").write_text("page_size: 4\n")
    shutil.rmtree(tmp_path / "clean", ignore_errors=True)
    from archivegen.config import SiteConfig
    from archivegen.dispatch import build

    build(elsewhere, SiteConfig(input=str(project / "articles"), output=str(tmp_path / "clean"),
                                page_size=4))
    assert site == tree_bytes(tmp_path / "clean")


@pytest.mark.parametrize("change", ["title", "body", "theme", "removed"])
def test_a_change_to_what_the_index_shows_makes_it_again(project: Path, tmp_path: Path,
                                                         indexes_made: list[int],
                                                         change: str) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[2]
    text = article.read_text()
    if change == "title":
        article.write_text(text.replace("title:", "title: Renamed —", 1))
    elif change == "body":
        edit_body(article)
    elif change == "theme":
        article.write_text(text.replace("themes: [", "themes: [Brand new, ", 1))
    else:
        article.unlink()
    age(project / "articles", OLD + 10)
    edit_template(project, "y")  # so the build is a full one whatever the change
    report = run(project)
    assert "quick" not in phase_names(report)
    assert len(indexes_made) == 2
    assert tree_bytes(project / "site") == clean_with_templates(project, tmp_path)


def test_index_files_lost_from_the_output_and_the_page_store_are_made_again(
        project: Path, tmp_path: Path, indexes_made: list[int]) -> None:
    run(project)
    shutil.rmtree(project / ".archivegen" / "pages")
    chunks = sorted((project / "site" / "search" / "d").iterdir())
    chunks[0].unlink()
    chunks[1].write_bytes(b"changed by hand")
    edit_template(project, "z")
    run(project)
    # Checked as kept, then made again once to write the two files it lost.
    assert len(indexes_made) == 1 + 1
    assert tree_bytes(project / "site") == clean_with_templates(project, tmp_path)


def test_index_files_lost_from_the_output_come_back_from_the_page_store(
        project: Path, tmp_path: Path, indexes_made: list[int]) -> None:
    run(project)
    (project / "site" / "search" / "index.json").unlink()
    edit_template(project, "w")
    report = run(project)
    assert len(indexes_made) == 1
    assert report.restored >= 1
    assert tree_bytes(project / "site") == clean_with_templates(project, tmp_path)


@pytest.mark.parametrize("damage", [
    "UPDATE meta SET value = '{' WHERE key = 'search_basis'",
    "UPDATE meta SET value = '' WHERE key = 'search_basis'",
    "UPDATE search_docs SET digest = x'00' WHERE doc = 3",
    "DELETE FROM search_docs WHERE doc = 5",
    "UPDATE terms SET digest = x'00' WHERE rowid = 2",
    """UPDATE meta SET value = '{"made_from": "x", "files": [["../../evil", "00"]]}'
       WHERE key = 'search_basis'""",
])
def test_a_build_state_that_does_not_describe_the_index_means_making_it(
        project: Path, tmp_path: Path, indexes_made: list[int], damage: str) -> None:
    run(project)
    with sqlite3.connect(project / CACHE_PATH) as db:
        assert db.execute(damage).rowcount == 1
    edit_template(project, "v")
    run(project)
    assert len(indexes_made) == 2
    assert tree_bytes(project / "site") == clean_with_templates(project, tmp_path)


def test_a_build_without_search_forgets_the_index(project: Path, tmp_path: Path,
                                                  indexes_made: list[int]) -> None:
    run(project)
    run(project, search=False)
    assert not (project / "site" / "search" / "index.json").exists()
    run(project)
    assert len(indexes_made) == 2
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)
