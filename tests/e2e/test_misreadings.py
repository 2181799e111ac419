"""Texts that must not be misread: found by review, kept as regressions.

Each case is a small archive built or checked through the CLI, as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.cli import main
from conftest import run_build

GR_HEAD = ("Coalition Gains in the North\n\nRegion: [Middle East](#)\n\n"
           "Theme: [War](#)\n\n")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An empty input folder; sites are built next to it, in tmp_path / "site"."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    main(["check", "--format", "json", str(path)])
    return json.loads(capsys.readouterr().out)


def test_body_opening_with_by_is_not_a_byline(archive: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "g.txt").write_text(GR_HEAD + "By the end of 2016, the coalition had taken every "
                                    "town on the river.\n\nSecond paragraph.\n")
    (article,) = check_json(archive, capsys)["files"][0]["articles"]
    assert "authors" not in article["fields"]


def test_repost_body_opening_with_with_is_not_a_byline(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "r.txt").write_text(
        "# Campaign Enters Last Weeks\n\n> Source: http://example.org/a\n\n"
        "With the election only weeks away, both parties\nhave stepped up their campaigns.\n\n"
        "Second paragraph.\n")
    out = tmp_path / "site"
    assert run_build(archive, out) == 0
    html = next(p.read_text() for p in out.rglob("index.html")
                if '<article class="article">' in p.read_text())
    assert "With the election only weeks away" in html
    assert "<dt>By</dt>" not in html


def test_different_articles_with_the_same_short_body_are_not_folded(archive: Path,
                                                                   tmp_path: Path) -> None:
    (archive / "a.md").write_text("---\ntitle: Earthquake hits Chile\ndate: 2015-09-16\n---\n\n"
                                   "Watch the video below.\n")
    (archive / "b.md").write_text("---\ntitle: Parliament votes on budget\ndate: 2019-03-02\n"
                                   "---\n\nWatch the video below.\n")
    out = tmp_path / "site"
    assert run_build(archive, out) == 0
    assert (out / "2015/09/16/earthquake-hits-chile/index.html").is_file()
    assert (out / "2019/03/02/parliament-votes-on-budget/index.html").is_file()


def test_a_folded_copy_is_reported(archive: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    body = " ".join(f"word{i}" for i in range(60)) + "."
    (archive / "a.md").write_text(f"---\ntitle: Same story\n---\n\n{body}\n")
    (archive / "b.txt").write_text(f"Same Story\n\n{body}\n")
    assert run_build(archive, tmp_path / "site") == 0
    assert "b.txt:1:1: warning: exact copy of 'a.md'" in capsys.readouterr().err


def test_body_paragraph_about_a_donation_stays_body(archive: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "g.txt").write_text(
        "Treasurer Cleared\n\nBy [Ann Lee](#)\n\nGlobal Research, May 3, 2019\n\n"
        "The inquiry closed on Monday.\n\nThe treasurer said the donation from the shipping "
        "magnate was declared on time and was legal.\n\n"
        "The original source of this article is [Wire](#)\n\nCopyright © [Wire](#), 2019\n")
    (article,) = check_json(archive, capsys)["files"][0]["articles"]
    assert article["fields"]["authors"]["value"] == ["Ann Lee"]
    out = tmp_path / "site"
    assert run_build(archive, out) == 0
    html = (out / "2019/05/03/treasurer-cleared/index.html").read_text()
    body = html.split('<div class="body">')[1].split("</div>")[0]
    assert "declared on time and was legal." in body
    assert "The original source of this article" not in body


def test_disclaimer_inside_the_body_does_not_cut_it(archive: Path, tmp_path: Path) -> None:
    (archive / "g.txt").write_text(
        GR_HEAD + "First paragraph.\n\nDisclaimer: the author owns shares in the port.\n\n"
        "Last paragraph of the article.\n")
    out = tmp_path / "site"
    assert run_build(archive, out) == 0
    html = next(p.read_text() for p in out.rglob("index.html")
                if '<article class="article">' in p.read_text())
    assert "Last paragraph of the article." in html.split('<div class="body">')[1]


def test_citation_inside_an_article_is_not_a_second_piece(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "g.txt").write_text(
        "Rivers and Empire\n\nBy [Ann Lee](#)\n\nGlobal Research, May 3, 2019\n\n"
        "First paragraph.\n\nFurther reading\n\nBy Mark Twain\n\nThe Guardian, June 3, 2016\n\n"
        "Last paragraph.\n")
    files = check_json(archive, capsys)["files"]
    assert len(files[0]["articles"]) == 1


@pytest.mark.parametrize("front", ["tags: !!bool maybe", 'title: !!int ""',
                                   "date: !!timestamp x", "date: 2017-02-30"])
def test_bad_yaml_values_are_diagnostics(archive: Path, tmp_path: Path, front: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "a.md").write_text(f"---\ntitle: x\n{front}\n---\n\nbody\n".replace(
        "title: x\ntitle", "title"))
    assert run_build(archive, tmp_path / "site") == 1
    assert "a.md:" in capsys.readouterr().err


def test_file_name_that_is_not_utf8_is_a_diagnostic(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import os
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(b"Cafe news\n\nThe cafe opened today.\n")
    (folder / "ok.txt").write_text("Other news\n\nFine.\n")
    assert run_build(folder, tmp_path / "site") == 1
    err = capsys.readouterr().err
    assert "file name is not valid UTF-8; rename the file to build it [AG007]" in err
    assert (tmp_path / "site/undated/other-news/index.html").is_file()


def test_long_runs_of_brackets_build_and_stay_text(archive: Path, tmp_path: Path) -> None:
    # Their scaling (once quadratic: 39 s) is measured by benchmarks/linkify_bench.py.
    (archive / "a.txt").write_text("Brackets\n\n" + "[" * 60_000 + "\n")
    assert run_build(archive, tmp_path / "site") == 0
    html = (tmp_path / "site/undated/brackets/index.html").read_text()
    assert "[" * 60_000 in html


def test_notes_list_ends_at_a_paragraph_starting_with_a_number(
        archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "p.txt").write_text(
        "Cabinet Crisis\n\nMinisters met.[1] They argued.[2]\n\nNotes\n\n1. First note.\n\n"
        "2. Second note.\n\n3 ministers resigned on Tuesday.\n")
    (article,) = check_json(archive, capsys)["files"][0]["articles"]
    assert article["notes"] == 2


def test_output_that_is_a_file_is_a_usage_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in/a.txt").write_text("T\n\nBody.\n")
    (tmp_path / "out").write_text("not a folder")
    assert run_build(tmp_path / "in", tmp_path / "out") == 2
    assert "is a file" in capsys.readouterr().err
    (tmp_path / "site").mkdir()
    (tmp_path / "site/archive").write_text("a user's file where a folder must go")
    assert run_build(tmp_path / "in", tmp_path / "site") == 2
    assert "cannot write the site" in capsys.readouterr().err


def test_txt_opening_with_a_rule_is_not_front_matter(archive: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "a.txt").write_text("---\nCeasefire talks resume\n---\n\nBody text here.\n")
    data = check_json(archive, capsys)
    assert data["summary"]["errors"] == 0
    assert data["files"][0]["articles"][0]["layout"] != "markdown-front-matter"


def test_check_reports_files_it_cannot_read(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "b.txt"
    target.symlink_to("/proc/self/mem")  # exists, but reading it fails
    assert main(["check", str(target)]) == 1
    assert "b.txt: error: cannot read file" in capsys.readouterr().out
