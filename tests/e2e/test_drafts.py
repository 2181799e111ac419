"""Drafts: an article marked `draft: true` (front matter or sidecar) is left out of `build`
unless `--drafts`, and shown by `serve`; a wrong value is an error naming its line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archivegen.cli import main
from conftest import run_build, serve_once

PUBLISHED = "---\ntitle: Harbour Reopens\ndate: 2020-01-02\n---\n\nThe harbour reopened today.\n"
DRAFT = ("---\ntitle: Storm Warning Draft\ndate: 2020-01-03\ndraft: true\n---\n\n"
         "A storm is coming to the harbour.\n")
DRAFT_PAGE = "2020/01/03/storm-warning-draft/index.html"


def project(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(PUBLISHED)
    (tmp_path / "in" / "b.md").write_text(DRAFT)
    return tmp_path


def everywhere(site: Path, word: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and word.encode() in p.read_bytes())


def test_build_leaves_drafts_out_and_drafts_puts_them_in(tmp_path: Path) -> None:
    project(tmp_path)
    assert run_build(tmp_path / "in", tmp_path / "out") == 0
    assert not (tmp_path / "out" / DRAFT_PAGE).exists()
    assert everywhere(tmp_path / "out", "Storm Warning") == []  # no listing, feed or index
    assert (tmp_path / "out" / "2020/01/02/harbour-reopens/index.html").is_file()
    assert run_build(tmp_path / "in", tmp_path / "with", "--drafts") == 0
    assert (tmp_path / "with" / DRAFT_PAGE).is_file()
    assert "index.html" in everywhere(tmp_path / "with", "Storm Warning Draft")


def test_a_sidecar_marks_a_scraped_file_as_draft(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(PUBLISHED)
    (tmp_path / "in" / "scrape.txt").write_text("Storm Warning Scraped\n\nA storm is coming.\n")
    (tmp_path / "in" / "scrape.txt.yaml").write_text("draft: true\n")
    assert run_build(tmp_path / "in", tmp_path / "out") == 0
    assert everywhere(tmp_path / "out", "Storm Warning") == []


def test_a_draft_that_is_not_true_or_false_is_an_error(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(PUBLISHED.replace("date:", "draft: yes please\ndate:"))
    assert run_build(tmp_path / "in", tmp_path / "out") == 1
    assert "a.md:3:1: error: 'draft' must be true or false, got str [AG012]" in (
        capsys.readouterr().err)


def test_publishing_a_draft_rebuilds_and_shows_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # With the cache: the edit that removes `draft: true` is a full build (a quick rebuild
    # declines), and the article appears in its listings.
    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["build", "-q", "--input", "in", "--output", "out"]
    assert main(args) == 0
    (tmp_path / "in" / "b.md").write_text(DRAFT.replace("draft: true\n", ""))
    future = os.stat(tmp_path / "in" / "b.md").st_mtime + 5
    os.utime(tmp_path / "in" / "b.md", (future, future))
    assert main(args) == 0
    assert "index.html" in everywhere(tmp_path / "out", "Storm Warning Draft")
    assert (tmp_path / "out" / DRAFT_PAGE).is_file()
    # And back: marked draft again, it is gone (its page removed: the build wrote it).
    (tmp_path / "in" / "b.md").write_text(DRAFT)
    os.utime(tmp_path / "in" / "b.md", (future + 5, future + 5))
    assert main(args) == 0
    assert everywhere(tmp_path / "out", "Storm Warning") == []


def test_serve_shows_drafts(tmp_path: Path) -> None:
    project(tmp_path)
    serve_once(tmp_path, "--input", "in", "--output", "site", "--no-reload")
    assert (tmp_path / "site" / DRAFT_PAGE).is_file()


def test_check_says_an_article_is_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "in"]) == 0
    out = capsys.readouterr().out
    assert "  draft: true  [line 4, front-matter]" in out
    assert out.count("draft:") == 1  # the published article says nothing of it


def test_the_drafts_switch_alone_renders_no_page_again(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    # build, then serve (drafts on) on an archive with no draft: the same pages, none made
    # again; the switch still counts for replaying a build (the output could differ).
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(PUBLISHED)
    monkeypatch.chdir(tmp_path)
    args = ["build", "--input", "in", "--output", "out"]
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--drafts"]) == 0
    summary = capsys.readouterr().out
    assert ": 0 rendered, 0 written," in summary and "full build" in summary
