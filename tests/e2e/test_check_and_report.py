"""`archivegen check` and the build report: what was read from each file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.cli import main
from conftest import FIXTURES, SEEDS, run_build

LAYOUTS = FIXTURES / "layouts"


def test_check_text_names_layout_fields_lines_and_rules(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(LAYOUTS / "repost_03_spanish_del_sitio_web.txt")]) == 0
    out = capsys.readouterr().out
    assert "  layout: repost\n" in out
    assert "  authors: Julián Ortega; Mercedes Ibarra  [line 6, repost.byline]" in out
    assert "  contributors: Carmen Ibáñez (translator)  [line 7, repost.byline]" in out
    assert "  date: 2012-11-25  [line 8, repost.date-line]" in out
    assert out.rstrip().endswith("checked 1 files: 0 warning(s), 0 error(s)")


def test_check_json_for_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(SEEDS)]) == 0
    data = json.loads(capsys.readouterr().out)
    (entry,) = data["files"]
    (article,) = entry["articles"]
    assert article["layout"] == "global-research"
    assert article["fields"]["date"] == {"value": "2017-05-30", "line": 7, "rule": "gr.dateline"}
    assert article["repairs"][0]["rule"] == "join_split_paragraphs"
    assert [d["code"] for d in entry["diagnostics"]] == ["AG030"]
    assert data["summary"] == {"files": 1, "errors": 0, "warnings": 1}


def test_check_reports_duplicates_and_exits_1_on_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = (SEEDS / "000_680446ff0202b48e.txt").read_text()
    (tmp_path / "a.txt").write_text(seed)
    (tmp_path / "b.txt").write_text(seed.replace("\n", "\r\n"))
    (tmp_path / "bad.md").write_text("---\ntitle: [x, y]\n---\nBody\n")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"  duplicate of: {tmp_path.as_posix()}/a.txt (no page of its own)" in out
    assert f"  also archived as: {tmp_path.as_posix()}/b.txt (exact)" in out
    assert f"{tmp_path.as_posix()}/bad.md:2:1: error: 'title' must be a string" in out
    assert main(["check", str(tmp_path / "missing.txt")]) == 2


def test_build_writes_a_machine_readable_report(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_build(SEEDS, tmp_path / "site") == 0
    report = json.loads((tmp_path / ".archivegen/build-report.json").read_text())
    assert report["summary"]["articles"] == 1 and report["summary"]["warnings"] == 1
    assert report["diagnostics"][0]["code"] == "AG030"
    assert report["articles"][0]["url"].startswith("/2017/05/30/breaking-situation")


@pytest.mark.slow
def test_layout_fixture_site_shows_derived_titles_contributors_and_notes(
        tmp_path: Path) -> None:
    assert run_build(LAYOUTS, tmp_path) == 0
    pages = {p.relative_to(tmp_path).as_posix(): p.read_text()
             for p in tmp_path.rglob("index.html")}
    body_only = next(html for html in pages.values()  # (its neighbours link its heading)
                     if "Farmers in the highland districts have begun"
                     in html.partition('<div class="body">')[2].partition("</article>")[0])
    assert '<h1 class="derived-title"><span class="derived-label">Untitled</span> Farmers' in (
        body_only)
    translated = next(html for html in pages.values()
                      if "<h1>Vineyard Workers Win Back Pay" in html)
    assert "<dt>Translated by</dt>\n      <dd>Zoë Lefèvre</dd>" in translated
    notes = next(html for html in pages.values() if "<h1>The Ports and the Empire" in html)
    assert notes.count('class="footnote-item"') == 4
    assert notes.count('class="footnote-ref"') == 4
