"""dispatch.build: the one place that chooses replay, quick rebuild or full build (issue #15),
for `archivegen build` and `archivegen serve` alike."""

from __future__ import annotations

import os
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dispatch import build, summary
from archivegen.incremental.quick import rebuild
from archivegen.report import BuildReport, Declined

ARTICLE = "---\ntitle: {title}\ndate: 2020-01-02\n---\n\nBody of {title}.\n"
OLD = 1_600_000_000  # an mtime long past: a stat a build may trust


def project(tmp_path: Path) -> SiteConfig:
    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        write(tmp_path / "in" / f"{name}.md", ARTICLE.format(title=name.upper()), OLD)
    return SiteConfig(input="in", output="site")


def write(path: Path, text: str, when: int) -> None:
    path.write_text(text)
    os.utime(path, (when, when))


def phases(report: BuildReport) -> list[str]:
    return [name for name, _ in report.phases]


def test_full_then_replay_then_quick_then_full_with_the_reason(tmp_path: Path) -> None:
    config = project(tmp_path)
    first = build(tmp_path, config)
    assert "render+write" in phases(first) and first.written > 0
    assert first.full_because  # no earlier build to start from: said
    again = build(tmp_path, config)  # nothing changed: the last report, nothing written
    assert phases(again) == ["check"] and again.written == 0
    write(tmp_path / "in" / "a.md", ARTICLE.format(title="A2"), OLD + 10)
    quick = build(tmp_path, config)  # one title edited: its pages and listings only
    assert phases(quick) == ["check", "quick"] and quick.written > 0
    write(tmp_path / "in" / "c.md", ARTICLE.format(title="C"), OLD + 20)
    full = build(tmp_path, config)  # a file added: a full build, saying why
    assert "render+write" in phases(full)
    assert "added" in full.full_because


def test_without_the_cache_every_build_is_full_and_gives_no_reason(tmp_path: Path) -> None:
    config = project(tmp_path)
    for _ in range(2):
        report = build(tmp_path, config, use_cache=False)
        assert "render+write" in phases(report) and report.full_because == ""


def test_a_quick_rebuild_that_cannot_apply_says_why_in_a_declined(tmp_path: Path) -> None:
    config = project(tmp_path)
    declined = rebuild(tmp_path, config)  # no build yet
    assert isinstance(declined, Declined) and declined.reason


def test_the_summary_is_one_format_for_build_and_serve(tmp_path: Path) -> None:
    report = build(tmp_path, project(tmp_path))
    quiet = summary(report, tmp_path / "site", quiet=True)
    assert quiet.startswith(f"built 2 articles, {report.pages} pages into {tmp_path / 'site'} ")
    assert "phases:" not in quiet and "full build:" not in quiet
    loud = summary(report, tmp_path / "site")
    assert loud.startswith(quiet) and "\nphases: check " in loud and "\nfull build: " in loud


def test_after_a_build_that_kept_stale_pages_the_reason_says_so(tmp_path: Path) -> None:
    config = project(tmp_path)
    build(tmp_path, config)
    # b takes a's title and date: one URL for two articles (AG040, an error), so b's old
    # page is kept, not pruned, and no quick rebuild may start from this build.
    write(tmp_path / "in" / "b.md", "---\ntitle: A\ndate: 2020-01-02\n---\n\n"
          + " ".join(f"other{n}" for n in range(50)) + "\n", OLD + 10)
    kept = build(tmp_path, config)
    assert "AG040" in [d.code for d in kept.diagnostics]
    write(tmp_path / "in" / "a.md", ARTICLE.format(title="A") + "\nMore.\n", OLD + 20)
    after = build(tmp_path, config)
    assert "render+write" in phases(after)
    assert after.full_because == "the last build kept stale pages"


def test_after_a_build_made_as_a_template_changed_the_reason_says_so(tmp_path: Path) -> None:
    config = project(tmp_path)
    build(tmp_path, config)
    (tmp_path / "templates").mkdir()
    # Written just now: a template whose mtime cannot be trusted yet (racy).
    (tmp_path / "templates" / "terms.html").write_text('{% extends "base.html" %}')
    racy = build(tmp_path, config)
    assert racy.full_because == "a template or theme file changed in the last two seconds"
    os.utime(tmp_path / "templates" / "terms.html", (OLD, OLD))
    os.utime(tmp_path / "templates", (OLD, OLD))
    write(tmp_path / "in" / "a.md", ARTICLE.format(title="A") + "\nMore.\n", OLD + 20)
    after = build(tmp_path, config)
    assert after.full_because == ("the last build ran as a template or theme file changed "
                                  "(within two seconds)")
    write(tmp_path / "in" / "a.md", ARTICLE.format(title="A") + "\nMore again.\n", OLD + 30)
    assert phases(build(tmp_path, config)) == ["check", "quick"]


def test_after_an_interrupted_build_the_reason_says_so(tmp_path: Path) -> None:
    from archivegen.incremental.cache import CACHE_PATH, BuildCache

    config = project(tmp_path)
    build(tmp_path, config)
    cache = BuildCache.open(tmp_path / CACHE_PATH)
    cache.set_quick_basis(None, "the last build was interrupted")  # what a full build does first
    cache.commit()
    cache.close()
    write(tmp_path / "in" / "a.md", ARTICLE.format(title="A") + "\nMore.\n", OLD + 20)
    assert build(tmp_path, config).full_because == "the last build was interrupted"
