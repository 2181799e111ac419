"""What the command line says when it cannot start, and what `build --help` promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from archivegen.cli import EXIT_USAGE, main
from archivegen.load.filenames import ARTICLE_SUFFIXES


def _archivegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_build_input_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("A title\n\nSome text.\n", encoding="utf-8")
    run = _archivegen("build", "--input", str(article), "--output", str(tmp_path / "site"),
                      cwd=tmp_path)
    assert run.returncode == EXIT_USAGE
    assert f"input folder '{article}' is a file, not a folder" in run.stderr
    assert "does not exist" not in run.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["build", "serve"])
def test_input_a_file_is_a_usage_error_for_build_and_serve(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    article = tmp_path / "article.md"
    article.write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    code = main([command, "--input", str(article), "--output", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "is a file, not a folder" in err and "does not exist" not in err


def test_missing_input_folder_still_says_it_does_not_exist(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    code = main(["build", "--input", str(missing), "--output", str(tmp_path / "site")])
    assert code == EXIT_USAGE
    assert f"input folder '{missing}' does not exist" in capsys.readouterr().err


def test_build_help_names_every_extension_read(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--help"])
    assert exit_.value.code == 0
    listed = re.search(r"Read every article \(([^)]*)\)", " ".join(capsys.readouterr().out.split()))
    assert listed, "build --help says which files it reads"
    assert set(re.findall(r"\.\w+", listed[1])) == set(ARTICLE_SUFFIXES)
