"""`archivegen check --summary`: a set of files in a few lines, exact counts."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from archivegen.cli import main
from conftest import FIXTURES

# Distinct bodies with no date, byline or heading in them, so each file reads one way only.
BODIES = [
    "The harbour board met on Tuesday to discuss dredging the northern channel, which "
    "shipping lines have asked for since the spring. Fishermen say the work would disturb "
    "the spawning grounds at the mouth of the channel and want it paused in the main weeks.",
    "Farmers in the highland districts have begun harvesting the first coffee cherries of "
    "the season, weeks earlier than usual, after a warm and dry spell hastened ripening "
    "across the slopes above the lake. Cooperatives are short of pickers.",
    "Residents of the valley gathered outside the town hall to ask for a new bridge over the "
    "river, after the old one was closed for repairs and the detour added an hour to every "
    "trip to the market towns on the other side.",
    "The library will stay open in the evenings from next month, the council said, after a "
    "petition signed by students and retired teachers asked for a quiet place to read and "
    "study once the schools and offices have closed.",
]
FRONT_MATTER = ("---\ntitle: Dredging the Northern Channel\ndate: 2011-11-21\n"
                "authors: [Ana Ruiz, Bo Li]\npublisher: Nordic Ledger\nregions: [Europe]\n"
                "themes: [Environment]\ntags: [ports]\n---\n\n")


def _archive(folder: Path) -> Path:
    """Five files: three Markdown (one an exact copy of another, one with an unknown key),
    one plain text, one body only. Warnings, no error."""
    folder.mkdir()
    (folder / "a.md").write_text(FRONT_MATTER + BODIES[0] + "\n")
    (folder / "copy.md").write_text(FRONT_MATTER + BODIES[0] + "\n")
    (folder / "extra.md").write_text(
        f"---\ntitle: Library Hours\ncolour: blue\n---\n\n{BODIES[3]}\n")
    (folder / "plain.txt").write_text(f"Harvest Begins Early in the Highlands\n\n{BODIES[1]}\n")
    (folder / "untitled.txt").write_text(BODIES[2] + "\n")
    return folder


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_summary_text_counts_files_layouts_fields_diagnostics_and_copies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--summary", str(_archive(tmp_path / "in")))
    assert code == 0
    assert out.splitlines() == [
        "checked 5 files: 5 articles (0 files without one)",
        "layouts:     markdown-front-matter 3, body-only 1, plain-text 1",
        "fields:      title 4 (80%)      authors 2 (40%)         contributors 0 (0%)  "
        "date 2 (40%)",
        "             publisher 2 (40%)  original_source 0 (0%)  url 0 (0%)           "
        "regions 2 (40%)",
        "             themes 2 (40%)     tags 2 (40%)            reports 0 (0%)",
        "diagnostics: 2 warning(s), 0 error(s)",
        "             1 warning AG011 unknown key",
        "             1 warning AG014 article has no title",
        "duplicates:  1 article(s) folded into 1 other(s) as copies",
    ]


def test_summary_json_is_one_object_without_the_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--summary", "--format", "json", str(_archive(tmp_path / "in")))
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"archivegen", "summary"}
    summary = data["summary"]
    assert {k: summary[k] for k in ("files", "articles", "files_without_article", "errors",
                                    "warnings", "duplicates", "duplicated")} == {
        "files": 5, "articles": 5, "files_without_article": 0, "errors": 0, "warnings": 2,
        "duplicates": 1, "duplicated": 1}
    assert summary["layouts"] == {"markdown-front-matter": 3, "body-only": 1, "plain-text": 1}
    assert summary["fields"]["title"] == {"count": 4, "percent": 80.0}
    assert summary["fields"]["regions"] == {"count": 2, "percent": 40.0}
    assert summary["fields"]["url"] == {"count": 0, "percent": 0.0}
    assert "slug" not in summary["fields"]  # front matter only: says nothing about a scrape
    assert summary["diagnostics"] == [
        {"level": "warning", "code": "AG011", "count": 1, "meaning": "unknown key"},
        {"level": "warning", "code": "AG014", "count": 1,
         "meaning": "article has no title (a heading is derived from its first words)"}]


def test_summary_exit_codes_follow_errors_and_strict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _archive(tmp_path / "in")
    assert _run(capsys, "--summary", "--strict", str(folder))[0] == 1  # warnings
    (folder / "empty.txt").write_text("")
    (folder / "bad.md").write_text("---\ntitle: [x, y]\n---\nBody\n")
    code, out = _run(capsys, "--summary", str(folder))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "checked 7 files: 5 articles (2 files without one)"
    assert "diagnostics: 2 warning(s), 2 error(s)" in lines
    # errors first; AG012's own aside ("(...)") is cut from the short meaning
    assert lines[lines.index("diagnostics: 2 warning(s), 2 error(s)") + 1:][:2] == [
        "             1 error   AG002 file is empty or holds no article",
        "             1 error   AG012 value has the wrong type"]
    assert _run(capsys, "--summary", str(tmp_path / "missing"))[0] == 2


def test_summary_counts_a_file_it_cannot_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _archive(tmp_path / "in")
    # A name that is not UTF-8 cannot be used (AG007): a file without an article.
    fd = os.open(os.fsencode(folder) + b"/bad\xff.txt", os.O_WRONLY | os.O_CREAT)
    os.close(fd)
    code, out = _run(capsys, "--summary", "--format", "json", str(folder))
    summary = json.loads(out)["summary"]
    assert code == 1
    assert (summary["files"], summary["files_without_article"], summary["errors"]) == (6, 1, 1)
    assert summary["diagnostics"][0]["code"] == "AG007"


def test_summary_agrees_with_the_per_file_report(capsys: pytest.CaptureFixture[str]) -> None:
    """The two modes read the same files: the summary's numbers are the per-file report's,
    counted (on the 50 layout fixtures: every layout, several pieces, warnings)."""
    layouts = str(FIXTURES / "layouts")
    files = json.loads(_run(capsys, "--format", "json", layouts)[1])["files"]
    summary = json.loads(_run(capsys, "--summary", "--format", "json", layouts)[1])["summary"]
    articles = [a for f in files for a in f["articles"]]
    diagnostics = Counter((d["level"], d["code"]) for f in files for d in f["diagnostics"])
    assert summary["files"] == len(files)
    assert summary["articles"] == len(articles) > len(files) - 1
    assert summary["files_without_article"] == sum(1 for f in files if not f["articles"])
    assert summary["layouts"] == dict(Counter(a["layout"] for a in articles))
    assert {name: f["count"] for name, f in summary["fields"].items()} == {
        name: sum(1 for a in articles if name in a["fields"]) for name in summary["fields"]}
    assert {(d["level"], d["code"]): d["count"] for d in summary["diagnostics"]} == diagnostics
    assert summary["duplicates"] == sum(1 for a in articles if a["duplicate_of"])
    assert len(summary["layouts"]) >= 4 and diagnostics



@pytest.mark.slow
def test_summary_finds_the_excerpts_the_per_file_report_finds(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Excerpts are verified on text: the summary keeps no bodies, and reads the few
    candidates' files again (the second real set holds excerpts of three articles)."""
    real2 = str(FIXTURES / "real2")
    files = json.loads(_run(capsys, "--format", "json", real2)[1])["files"]
    summary = json.loads(_run(capsys, "--summary", "--format", "json", real2)[1])["summary"]
    copies = sum(1 for f in files for a in f["articles"] if a["duplicate_of"])
    assert summary["duplicates"] == copies >= 3
