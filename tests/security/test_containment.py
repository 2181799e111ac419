"""An unexpected error inside one article costs that article, with a diagnostic (AG051), never
the build or the check, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import archivegen.check
import archivegen.load.source_file
from archivegen.cli import main
from archivegen.model import Article
from conftest import run_build

BODY = ("The council of the fictional town of Brackenmoor voted on Tuesday to close the old "
        "ferry landing for the winter, after a survey found two rotten piles.")


def _archive(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(f"Ferry Landing Closes\n\n{BODY}\n")
    (folder / "cursed.txt").write_text(f"Ferry Landing Opens Again\n\n{BODY} Again.\n")
    return folder


def _failing_repair(real):  # type: ignore[no-untyped-def]
    def repair(article: Article, diags):  # type: ignore[no-untyped-def]
        if article.provenance.source_path.endswith("cursed.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(article, diags)
    return repair


def test_a_build_skips_the_article_that_failed_and_builds_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = _archive(tmp_path)
    monkeypatch.setattr(archivegen.load.source_file, "repair_article",
                        _failing_repair(archivegen.load.source_file.repair_article))
    assert run_build(folder, tmp_path / "site") == 1
    err = capsys.readouterr().err
    assert "cursed.txt:1:1: error: unexpected error while reading this file (RecursionError" \
        in err
    assert "[AG051]" in err and "Traceback" not in err
    assert (tmp_path / "site/undated/ferry-landing-closes/index.html").is_file()
    assert not (tmp_path / "site/undated/ferry-landing-opens-again").exists()


def test_check_reports_the_file_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = _archive(tmp_path)
    monkeypatch.setattr(archivegen.check, "repair_article",
                        _failing_repair(archivegen.check.repair_article))
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "cursed.txt:1:1: error: unexpected error" in out and "[AG051]" in out
    assert "title: Ferry Landing Closes" in out
