"""End-to-end: the CLI builds the seed archive and the 50-article fixture into complete sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.render.writer import MANIFEST_NAME
from conftest import FIXTURES, SEEDS, run_build

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

ARCHIVE = FIXTURES / "archive"
SEED_URL = ("2017/05/30/breaking-situation-escalates-at-syrian-iraqi-border-towards-a-"
            "dangerous-standoff")


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixture-site")
    assert run_build(ARCHIVE, out) == 0
    return out


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-site")
    assert run_build(SEEDS, out) == 0
    return out


def test_seed_site_has_article_every_listing_and_assets(seed_site: Path) -> None:
    expected = [
        "index.html", "404.html", "static/style.css", "archive/index.html",
        f"{SEED_URL}/index.html", "2017/index.html", "2017/05/index.html",
        "regions/index.html", "regions/middle-east-north-africa/index.html",
        "themes/terrorism/index.html", "themes/us-nato-war-agenda/index.html",
        "reports/syria/index.html", "authors/south-front/index.html",
        "publishers/global-research/index.html", "sources/south-front/index.html",
    ]
    missing = [p for p in expected if not (seed_site / p).is_file()]
    assert missing == []


def test_seed_summary_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_build(SEEDS, tmp_path / "out") == 0
    out, err = capsys.readouterr()
    assert out.startswith("built 1 articles, ")
    assert "1 warning(s), 0 error(s)" in out
    assert "000_680446ff0202b48e.txt:31:1: warning: sentence 'Warplanes of the Russian" in err
    assert err.rstrip().endswith("[AG030]")


def test_fixture_site_has_every_page_type(fixture_site: Path) -> None:
    pages = [
        "index.html", "page/2/index.html", "page/3/index.html",
        "regions/index.html", "regions/middle-east-north-africa/index.html",
        "regions/middle-east-north-africa/page/2/index.html",
        "themes/index.html", "tags/index.html", "authors/index.html", "reports/index.html",
        "publishers/index.html", "sources/index.html",
        "authors/maria-kowalski/index.html", "reports/syria/index.html",
        "archive/index.html", "2019/index.html", "2019/03/index.html", "undated/index.html",
    ]
    missing = [p for p in pages if not (fixture_site / p).is_file()]
    assert missing == []
    # 50 articles: every one of them has its own page.
    articles = [p for p in fixture_site.rglob("index.html")
                if '<article class="article">' in p.read_text()]
    assert len(articles) == 50


def test_paginated_term_page_counts(fixture_site: Path) -> None:
    page1 = (fixture_site / "regions/middle-east-north-africa/index.html").read_text()
    page2 = (fixture_site / "regions/middle-east-north-africa/page/2/index.html").read_text()
    assert page1.count('<article class="summary">') == 20
    assert page2.count('<article class="summary">') == 5
    assert 'rel="next" href="page/2/"' in page1
    assert 'rel="prev" href="../../"' in page2
    assert "25 articles · page 2 of 2" in page2


def test_terms_differing_in_case_merge(fixture_site: Path) -> None:
    reports = (fixture_site / "reports/index.html").read_text()
    assert reports.count('href="syria/"') == 1
    syria = (fixture_site / "reports/syria/index.html").read_text()
    assert syria.count('<article class="summary">') == 15


def test_newest_first_with_undated_last(fixture_site: Path) -> None:
    import re
    dates: list[str] = []
    for n in ("", "page/2/", "page/3/"):
        html = (fixture_site / n / "index.html").read_text()
        for block in html.split('<article class="summary">')[1:]:
            m = re.search(r'<time datetime="([\d-]+)">', block)
            dates.append(m[1] if m else "undated")
    assert len(dates) == 50
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated, reverse=True)
    assert dates[-2:] == ["undated", "undated"]


@pytest.mark.slow
def test_second_build_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert run_build(ARCHIVE, out) == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert run_build(ARCHIVE, out) == 0
    summary = capsys.readouterr().out
    assert ": 0 rendered, 0 written, " in summary
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_deleted_article_is_pruned_user_files_survive(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    extra = seed_copy / "second.md"
    extra.write_text("---\ntitle: A second article\ndate: 2020-01-02\ntags: [lonely]\n"
                     "---\n\nText.\n")
    assert run_build(seed_copy, out) == 0
    page = out / "2020/01/02/a-second-article/index.html"
    assert page.is_file() and (out / "tags/lonely/index.html").is_file()
    (out / "CNAME").write_text("archive.example.org\n")  # the user's own file
    extra.unlink()
    assert run_build(seed_copy, out) == 0
    assert not page.exists()
    assert not (out / "2020").exists()  # emptied folders go too
    assert not (out / "tags").exists()
    assert (out / "CNAME").read_text() == "archive.example.org\n"
    assert (out / MANIFEST_NAME).is_file()


def test_bad_file_is_reported_and_the_rest_builds(seed_copy: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (seed_copy / "broken.md").write_text("---\ntitle: ok\ndate: [not, a, date]\n---\n\nBody\n")
    (seed_copy / "badbytes.txt").write_bytes(b"Title\n\nBody \xff\xfe here\n")
    out = tmp_path / "site"
    assert run_build(seed_copy, out) == 1
    err = capsys.readouterr().err
    assert "broken.md:3:1: error: 'date' must be a date" in err
    assert "[AG013]" in err
    assert "badbytes.txt:3:6: warning: not UTF-8 (byte 0xff); decoded as Windows-1252" in err
    assert (out / SEED_URL / "index.html").is_file()


def test_errors_keep_previously_published_pages(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    article = seed_copy / "note.md"
    article.write_text("---\ntitle: Note\ndate: 2020-01-02\n---\n\nFirst version.\n")
    assert run_build(seed_copy, out) == 0
    page = out / "2020/01/02/note/index.html"
    before = page.read_bytes()
    article.write_text("---\ntitle: Note\ndate: 2020-01-02\nthemes: {bad: 1}\n---\n\nBroken.\n")
    assert run_build(seed_copy, out) == 1
    assert page.read_bytes() == before  # not lost, not half-written


def test_url_collision_names_both_sources(seed_copy: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.md", "b.md"):
        (seed_copy / name).write_text(f"---\ntitle: Same Title\ndate: 2020-05-05\n---\n\n{name}\n")
    assert run_build(seed_copy, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "b.md:1:1: error: 'b.md' and 'a.md' both map to the URL /2020/05/05/same-title/" in err
    html = (tmp_path / "out/2020/05/05/same-title/index.html").read_text()
    assert "<p>a.md</p>" in html


@pytest.mark.slow
def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    # The seed's repeated sentence is a warning: fine normally, a failure with --strict.
    assert run_build(SEEDS, tmp_path / "a") == 0
    assert run_build(SEEDS, tmp_path / "b", "--strict") == 1


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_build(tmp_path / "missing", tmp_path / "out") == 2
    assert "does not exist" in capsys.readouterr().err
    assert run_build(SEEDS, SEEDS / "inside") == 2
    with pytest.raises(SystemExit) as exc:
        from archivegen.cli import main
        main(["build", "--no-such-flag"])
    assert exc.value.code == 2


@pytest.mark.slow
def test_config_file_and_flag_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "archivegen.yaml").write_text(
        "title: My Archive\npage_size: 2\ninput: articles\noutput: public\n")
    import shutil
    shutil.copytree(ARCHIVE, project / "articles")
    monkeypatch.chdir(project)
    from archivegen.cli import main
    assert main(["build", "-q"]) == 0
    home = (project / "public/index.html").read_text()
    assert "<title>My Archive</title>" in home
    assert home.count('<article class="summary">') == 2
    assert (project / "public/page/25/index.html").is_file()
    assert main(["build", "-q", "--output", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere/index.html").is_file()


def test_bad_config_reports_every_problem_and_builds_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "archivegen.yaml").write_text("title: T\npage_sise: 3\npage_size: lots\n")
    monkeypatch.chdir(tmp_path)
    from archivegen.cli import main
    assert main(["build", "--input", str(SEEDS), "--output", "out"]) == 2
    err = capsys.readouterr().err
    assert "archivegen.yaml:2:1: error: unknown config key 'page_sise'" in err
    assert "archivegen.yaml:3:1: error: 'page_size' must be a whole number, got a string" in err
    assert not (tmp_path / "out").exists()


def test_sidecar_corrects_fields_without_touching_the_original(seed_copy: Path,
                                                               tmp_path: Path) -> None:
    original = (seed_copy / "000_680446ff0202b48e.txt").read_bytes()
    (seed_copy / "000_680446ff0202b48e.txt.yaml").write_text(
        "title: Standoff at the Syrian-Iraqi border\ntags: [al-Tanf]\n")
    out = tmp_path / "site"
    assert run_build(seed_copy, out) == 0
    page = out / "2017/05/30/standoff-at-the-syrian-iraqi-border/index.html"
    html = page.read_text()
    assert "<h1>Standoff at the Syrian-Iraqi border</h1>" in html
    assert "<li>title: line 1 (<em>sidecar</em>)</li>" in html
    assert "<code>000_680446ff0202b48e.txt.yaml</code>" in html
    assert (out / "tags/al-tanf/index.html").is_file()
    assert (seed_copy / "000_680446ff0202b48e.txt").read_bytes() == original


def test_broken_sidecar_is_an_error_and_is_not_half_applied(
        seed_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seed_copy / "000_680446ff0202b48e.txt.yaml").write_text("title: New\ndate: someday\n")
    assert run_build(seed_copy, tmp_path / "site") == 1
    assert ("000_680446ff0202b48e.txt.yaml:2:1: error: 'date' must be a date"
            in capsys.readouterr().err)
    assert (tmp_path / "site" / SEED_URL / "index.html").is_file()  # built without the sidecar


def test_duplicates_get_one_page_listing_the_other_copies(seed_copy: Path,
                                                          tmp_path: Path) -> None:
    seed = (seed_copy / "000_680446ff0202b48e.txt").read_text()
    # An exact copy (re-wrapped whitespace) and a near copy (a few words changed, other URL).
    (seed_copy / "copy_exact.txt").write_text(seed.replace(". ", ".  ").replace("\n", "\r\n"))
    near = seed.replace("desperately trying", "trying hard").replace("800th", "eight-hundredth")
    (seed_copy / "copy_near.txt").write_text(near)
    out = tmp_path / "site"
    assert run_build(seed_copy, out) == 0
    pages = [p for p in out.rglob("index.html") if '<article class="article">' in p.read_text()]
    assert [p.relative_to(out).as_posix() for p in pages] == [f"{SEED_URL}/index.html"]
    html = pages[0].read_text()
    assert "<dt>Also archived as</dt>" in html
    assert "<li><code>copy_exact.txt</code> (exact copy)</li>" in html
    assert "<li><code>copy_near.txt</code> (near copy, estimated similarity 0." in html
    home = (out / "index.html").read_text()
    assert home.count('<article class="summary">') == 1


def test_a_saved_pages_excerpt_is_folded_into_the_whole_article(seed_copy: Path,
                                                                  tmp_path: Path) -> None:
    """A forum's copy of the article's first paragraphs, cut off, with the forum's chrome."""
    record = json.loads((GOLDEN / "seed_record.json").read_text())["record"]
    opening = "\n\n".join(record["body"].split("\n\n")[:3])[:1500]
    (seed_copy / "forum_copy.txt").write_text(
        "Thread Rating:\n  \u2022 1 Vote(s) - 5 Average\n#1\n" + record["title"] + "\n\n"
        "By South Front\n\nGlobal Research, May 30, 2017\n\n" + opening + "\n")
    out = tmp_path / "site"
    assert run_build(seed_copy, out) == 0
    pages = [p for p in out.rglob("index.html") if '<article class="article">' in p.read_text()]
    assert [p.relative_to(out).as_posix() for p in pages] == [f"{SEED_URL}/index.html"]
    html = pages[0].read_text()
    assert "<li><code>forum_copy.txt</code> (excerpt: 100% of its text is in this article)</li>" \
        in html


def test_file_times_are_used_only_when_the_config_asks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    articles = tmp_path / "articles"
    articles.mkdir()
    note = articles / "note.md"
    note.write_text("---\ntitle: Undated note\n---\n\nText.\n")
    os.utime(note, (1_500_000_000, 1_500_000_000))  # 2017-07-14 UTC
    monkeypatch.chdir(tmp_path)
    from archivegen.cli import main
    assert main(["build", "-q", "--input", "articles", "--output", "plain"]) == 0
    assert (tmp_path / "plain/undated/undated-note/index.html").is_file()
    (tmp_path / "archivegen.yaml").write_text("dates_from_file_times: true\n")
    assert main(["build", "-q", "--input", "articles", "--output", "dated"]) == 0
    html = (tmp_path / "dated/2017/07/14/undated-note/index.html").read_text()
    # (The theme's words are escaped as any value is: the apostrophe as &#39;.)
    assert "<em>(the file&#39;s modification date; the text states none)</em>" in html
    assert "<li>date: line 0 (file-mtime)</li>" in html


@pytest.mark.slow
def test_progress_is_reported_per_phase_and_never_printed_off_a_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from archivegen.config import SiteConfig
    from archivegen.dispatch import build

    calls: list[tuple[str, int, int | None, str]] = []  # (phase, done, total, unit)
    phases: list[str] = []

    class Recorder:
        def begin(self, phase: str) -> None:
            phases.append(phase)

        def count(self, done: int, total: int | None, unit: str) -> None:
            calls.append((phases[-1], done, total, unit))

        def end(self) -> None:
            phases.append("end")

    build(tmp_path, SiteConfig(input=str(ARCHIVE), output=str(tmp_path / "site")),
          progress=Recorder())
    # Every phase the summary times, each begun and ended in turn.
    assert phases[::2] == ["check", "quick", "check", "load", "dedupe", "index", "search",
                           "plan", "render+write"]
    assert set(phases[1::2]) == {"end"}
    loads = [c for c in calls if c[0] == "load"]
    assert loads[-1] == ("load", 50, 50, "files")
    assert [c[1] for c in loads] == sorted(c[1] for c in loads)
    renders = [c for c in calls if c[0] == "render+write"]
    assert renders[-1][1] == renders[-1][2] and renders[-1][3] == "pages"
    assert [c[1] for c in renders] == list(range(1, len(renders) + 1))  # every page
    assert run_build(ARCHIVE, tmp_path / "other") == 0  # stderr is not a terminal here
    assert "load" not in capsys.readouterr().err
