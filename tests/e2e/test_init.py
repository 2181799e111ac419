"""`archivegen init`: from an empty folder to a built archive in the two commands it prints;
nothing is ever overwritten."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from archivegen.cli import main


def test_init_then_the_printed_commands_build_and_check_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "news"]) == 0
    out = capsys.readouterr().out
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()} == {
        "news/archivegen.yaml", "news/articles/example-article.md", "news/.gitignore"}
    commands = out.split("next:\n")[1].splitlines()
    assert [c.split("#")[0].strip() for c in commands] == [
        "cd news && archivegen build", "archivegen serve"]
    # The first printed command, as a shell runs it.
    shell = commands[0].split("#")[0].replace(
        "archivegen", " ".join(map(shlex.quote, [sys.executable, "-m", "archivegen"])))
    done = subprocess.run(shell, shell=True, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "0 warning(s), 0 error(s)" in done.stdout
    site = tmp_path / "news" / "site"
    page = site / "2024/05/30/an-example-article-to-replace-with-your-own/index.html"
    assert "An example article to replace with your own" in page.read_text("utf-8")
    assert (site / "search" / "index.json").is_file()
    monkeypatch.chdir(tmp_path / "news")
    assert main(["check", "--strict"]) == 0


def test_init_in_the_current_folder_prints_no_cd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "  archivegen build" in capsys.readouterr().out
    assert (tmp_path / "archivegen.yaml").is_file()


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "example-article.md").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "already exists; nothing was written" in capsys.readouterr().err
    assert (tmp_path / "articles" / "example-article.md").read_text() == "mine"
    assert not (tmp_path / "archivegen.yaml").exists()
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
