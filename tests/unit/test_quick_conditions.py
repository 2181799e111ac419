"""quick.rebuild's conditions (incremental/quick.py), against a small project built once:
each edit a quick rebuild cannot prove the effects of is Declined with its reason before
anything is written (the output folder and the cache are left as they were); an edit it can
prove is rebuilt quickly, into the bytes a clean build of the same input gives."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from incremental_unit_helpers import (
    BODIES,
    CONFIG,
    OLD,
    built_project,
    clean_build,
    make_project,
    open_cache,
    phase_names,
    tree_bytes,
    tree_state,
    write,
    write_article,
)

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.incremental import quick
from archivegen.incremental.quick import rebuild
from archivegen.report import BuildReport, Declined

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archive"
PIECES_FILE = "gr_001_aid-convoys-checkpoint.txt"
PIECE_MARK = "The original source of this article is"
SECOND_PIECE = ("Second Piece About Grain Prices In The Valley\n\nBy [Owen Clarke](#)\n\n"
                "Global Research, May 30, 2017\n\nGrain prices in the valley rose sharply this "
                "week as traders reported shortages of seed and fuel, and farmers said they could "
                "not plan the coming season without clearer guidance from the ministry about "
                "subsidies and import quotas for the spring.\n\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    built_project(tmp_path / "p")
    return tmp_path / "p"


def cache_state(project: Path) -> tuple[object, ...]:
    cache = open_cache(project)
    try:
        return cache.outputs(), cache.quick_basis(), cache.summary(), cache.source_stats()
    finally:
        cache.close()


def declined(project: Path, config: SiteConfig = CONFIG) -> str:
    """The reason rebuild gives, having checked it changed nothing in the output folder
    nor in the cache."""
    site = project / config.output
    before, kept = tree_state(site), cache_state(project)
    done = rebuild(project, config)
    assert isinstance(done, Declined), phase_names(done)
    assert tree_state(site) == before
    assert cache_state(project) == kept
    return done.reason


def test_without_an_earlier_build_there_is_nothing_to_start_from(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    done = rebuild(tmp_path, config)
    assert isinstance(done, Declined)
    assert done.reason == "no complete earlier build to start from"
    # (the output folder's build lock aside: it is taken before the cache is read)
    assert [p.name for p in (tmp_path / "site").rglob("*")] == [".archivegen-lock"]


def test_changed_settings_are_declined(project: Path) -> None:
    assert declined(project, replace(CONFIG, page_size=4)) == (
        "settings, templates or archivegen itself changed since the last full build")


def test_a_changed_theme_file_is_declined_and_a_fresh_one_is_not_trusted(
        tmp_path: Path) -> None:
    project = tmp_path / "p"
    make_project(project)
    (project / "templates").mkdir()
    write(project / "templates" / "notes.txt", "a theme's notes\n")
    build(project, CONFIG)
    write_article(project, "alpha", OLD + 10, title="Alpha Retitled")
    write(project / "templates" / "notes.txt", "other notes\n", OLD + 10)
    assert declined(project) == (
        "settings, templates or archivegen itself changed since the last full build")
    (project / "templates" / "notes.txt").write_text("notes written just now\n")
    assert declined(project) == "a template or theme file changed in the last two seconds"


@pytest.mark.parametrize("how", ["added", "removed", "renamed"])
def test_a_file_added_removed_or_renamed_is_declined(project: Path, how: str) -> None:
    folder = project / "in"
    if how == "added":
        write(folder / "zeta.md", "---\ntitle: Zeta\n---\n\nA wholly new story.\n", OLD + 1)
    elif how == "removed":
        (folder / "beta.md").unlink()
    else:
        (folder / "beta.md").rename(folder / "beta2.md")
    assert declined(project) == "article files were added, removed or renamed"


def test_nothing_changed_but_an_output_edited_by_hand_is_declined(project: Path) -> None:
    page = project / "site" / "archive" / "index.html"
    page.write_text("edited by hand")
    assert declined(project) == "the output folder no longer matches the last build"
    assert page.read_text() == "edited by hand"


@pytest.mark.parametrize("damage", ["edited", "removed"])
def test_an_edit_with_an_output_changed_by_hand_is_declined(project: Path,
                                                            damage: str) -> None:
    page = project / "site" / "regions" / "index.html"
    if damage == "edited":
        page.write_text("edited by hand")
    else:
        page.unlink()
    write_article(project, "alpha", OLD + 1, title="Alpha Retitled")
    assert declined(project) == (
        "files in the output folder were changed or removed since the last build")


def test_more_changed_files_than_a_quick_rebuild_takes_are_declined(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quick, "QUICK_MAX_FILES", 1)
    write_article(project, "alpha", OLD + 1, title="Alpha Retitled")
    write_article(project, "gamma", OLD + 1, title="Gamma Retitled")
    assert declined(project) == "2 article files changed (a quick rebuild takes 1)"
    monkeypatch.setattr(quick, "QUICK_MAX_FILES", 2)  # as many as it takes: quick
    done = rebuild(project, CONFIG)
    assert isinstance(done, BuildReport), done
    assert "quick" in phase_names(done)


def test_a_file_whose_pieces_change_is_declined(tmp_path: Path) -> None:
    project = tmp_path / "p"
    make_project(project)
    original = (FIXTURES / PIECES_FILE).read_text(encoding="utf-8")
    assert PIECE_MARK in original
    write(project / "in" / PIECES_FILE,
          original.replace(PIECE_MARK, SECOND_PIECE + PIECE_MARK, 1))
    report = build(project, CONFIG)
    assert report.articles == 7  # five articles and the file's two pieces
    write(project / "in" / PIECES_FILE, original, OLD + 1)  # one piece again
    assert declined(project) == f"'{PIECES_FILE}' now holds other articles (pieces)"


def test_a_body_that_becomes_a_copy_of_another_article_is_declined(project: Path) -> None:
    write_article(project, "alpha", OLD + 1, body=BODIES["beta"])
    assert declined(project) == "'alpha.md' is, or was, a copy of another article"


def test_a_copy_stays_declined_whether_its_body_or_its_title_is_edited(tmp_path: Path) -> None:
    project = tmp_path / "p"
    make_project(project)
    write_article(project, "gamma", body=BODIES["beta"])  # beta's body, gamma's title
    build(project, CONFIG)
    write_article(project, "gamma", OLD + 1, body=BODIES["gamma"])
    assert declined(project) == "'gamma.md' is, or was, a copy of another article"
    write_article(project, "gamma", OLD + 2, body=BODIES["beta"], title="Gamma Retitled")
    assert declined(project) == "'gamma.md' has the body of another article"


def test_a_page_moving_to_a_url_another_page_has_is_declined(project: Path) -> None:
    # alpha with beta's title and date: beta's URL.
    write_article(project, "alpha", OLD + 1, title="Beta Report", date="2020-01-03")
    assert declined(project) == (
        "'alpha.md' moves to /2020/01/03/beta-report/, which another page has")


def test_a_listing_change_relist_declines_is_declined(project: Path) -> None:
    write_article(project, "gamma", OLD + 1, regions=("Iraq", "Lebanon"))
    assert declined(project) == "an edit adds the listing /regions/lebanon/"


def test_a_title_edit_is_rebuilt_quickly_into_a_clean_builds_bytes(project: Path,
                                                                  tmp_path: Path) -> None:
    before = tree_bytes(project / "site")
    write_article(project, "alpha", OLD + 1, title="Alpha Retitled")
    done = rebuild(project, CONFIG)
    assert isinstance(done, BuildReport), done
    assert phase_names(done)[-1] == "quick"
    after = tree_bytes(project / "site")
    assert after == clean_build(project, tmp_path / "clean")
    assert "2020/01/05/alpha-report/index.html" in before
    # The old URL is kept as a redirect page (site/redirects.py), nothing is removed.
    assert b'http-equiv="refresh"' in after["2020/01/05/alpha-report/index.html"]
    assert done.removed == 0
    assert b"Alpha Retitled" in after["2020/01/05/alpha-retitled/index.html"]
    changed = {path for path in after if before.get(path) != after[path]}
    assert "page/2/index.html" not in changed and "archive/index.html" not in changed
    # And the next build replays it: nothing changed since.
    assert phase_names(build(project, CONFIG)) == ["check"]


def test_an_edit_just_made_is_read_again_and_rebuilt_quickly(project: Path,
                                                             tmp_path: Path) -> None:
    """Modified in the last two seconds, its stat is not trusted: it is read."""
    path = write_article(project, "beta", OLD + 1, title="Beta Retitled")
    os.utime(path, None)  # now
    done = rebuild(project, CONFIG)
    assert isinstance(done, BuildReport), done
    assert tree_bytes(project / "site") == clean_build(project, tmp_path / "clean")


def test_a_declined_rebuild_leaves_the_full_build_a_site_like_a_clean_one(
        project: Path, tmp_path: Path) -> None:
    write_article(project, "alpha", OLD + 1, body=BODIES["beta"])
    report = build(project, CONFIG)
    assert "is, or was, a copy of another article" in report.full_because
    assert tree_bytes(project / "site") == clean_build(project, tmp_path / "clean")
