"""Red-team cases of issue #14 not covered elsewhere: each failed before its fix.

Each case is built through the CLI in a project folder of its own, as a user would run it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from archivegen.cli import main
from conftest import SEEDS, run_build

ARTICLE = "Harbour reopens after the storm\n\nThe harbour reopened on Monday after a week.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with in/ holding two ordinary articles."""
    (tmp_path / "in").mkdir()
    shutil.copy(SEEDS / "000_680446ff0202b48e.txt", tmp_path / "in" / "seed.txt")
    (tmp_path / "in" / "harbour.txt").write_text(ARTICLE)
    return tmp_path


def build(project: Path) -> int:
    return run_build(project / "in", project / "out")


def write_manifest(out: Path, files: list[object]) -> None:
    (out / ".archivegen-manifest.json").write_text(
        json.dumps({"generator": "archivegen", "files": files}))


def test_a_folder_listed_in_the_manifest_is_left_alone_and_builds_go_on(
        project: Path) -> None:
    """A folder (the user's, or one made where a page was) named by the manifest stopped
    every build with 'Is a directory', forever: the manifest was never rewritten."""
    assert build(project) == 0
    out = project / "out"
    (out / "userdir" / "sub").mkdir(parents=True)
    (out / "userdir" / "sub" / "keep").write_text("mine\n")
    (out / "file").write_text("mine\n")
    listed = json.loads((out / ".archivegen-manifest.json").read_text())["files"]
    write_manifest(out, [*listed, "userdir", "userdir/sub", "file/below", ".archivegen-tmp",
                         ".archivegen-tmp/x", ".archivegen-manifest.json"])
    assert build(project) == 0
    assert build(project) == 0
    assert (out / "userdir" / "sub" / "keep").read_text() == "mine\n"
    assert (out / "file").read_text() == "mine\n"
    files = json.loads((out / ".archivegen-manifest.json").read_text())["files"]
    assert "userdir" not in files and ".archivegen-manifest.json" not in files
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["project", "home", "theme", "theme/sub", "state"])
def test_an_output_folder_over_the_users_own_files_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    """Input elsewhere, the output the project folder, the home folder, the theme or the
    state folder: the build wrote index.html, 404.html and feed.xml over the user's own
    (a theme's 404.html and feed.xml templates were replaced by pages)."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(ARTICLE)
    proj = tmp_path / "proj"
    (proj / "templates").mkdir(parents=True)
    (proj / "templates" / "404.html").write_text("{% extends 'base.html' %}\n")
    (proj / ".archivegen").mkdir()
    home = tmp_path / "home"
    (proj / "index.html").write_text("mine\n")
    home.mkdir()
    (home / "index.html").write_text("mine\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(proj)
    output = {"project": proj, "home": home, "theme": proj / "templates",
              "theme/sub": proj / "templates" / "sub", "state": proj / ".archivegen"}[where]
    assert run_build(articles, output) == 2
    assert "must not be" in capsys.readouterr().err
    assert (proj / "index.html").read_text() == "mine\n"
    assert (home / "index.html").read_text() == "mine\n"
    assert (proj / "templates" / "404.html").read_text() == "{% extends 'base.html' %}\n"
    assert not (output / "feed.xml").exists()


def test_folders_nested_thousands_deep_are_walked_without_recursion(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1,500 nested folders ended build and check with a RecursionError traceback."""
    deep = project / "in" / "deep"
    deep.mkdir()
    folder = os.fspath(deep)
    for _ in range(1500):
        folder = os.path.join(folder, "d")
        os.mkdir(folder)
    with open(os.path.join(folder, "bottom.txt"), "w") as handle:
        handle.write("Found at the bottom\n\nA body.\n")
    assert build(project) == 0
    assert list((project / "out").glob("undated/found-at-the-bottom/index.html"))
    assert main(["check", str(project / "in")]) == 0
    assert "Traceback" not in capsys.readouterr().err
