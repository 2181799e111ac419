"""Helpers of the incremental-build tests (tests/e2e/test_incremental_*.py): the fixture
archive and its builds, edits made the way an editor makes them (each step a later mtime), and
comparisons with a clean build. Imported as `from incremental_helpers import ...` (tests/e2e/
is on sys.path while its tests run: pytest's default "prepend" import mode)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
from pathlib import Path

from archivegen.config import SiteConfig, parse_config
from archivegen.dispatch import build
from archivegen.errors import Diagnostics
from archivegen.incremental.cache import CACHE_PATH
from conftest import FIXTURES, published, remember, tree_bytes

ARCHIVE = FIXTURES / "archive"


OLD = 1_600_000_000  # an mtime far in the past, so stats are trusted (not "racy")


def age(folder: Path, seconds: int = OLD) -> None:
    """Set every mtime to `seconds`, so stats are trusted (not "racy"); each step of an edit
    sequence uses a later time, as real edits do."""
    for path in folder.rglob("*"):
        os.utime(path, (seconds, seconds))


def run(project: Path, **config: object):
    return build(project, SiteConfig(input="articles", output="site", **config))  # type: ignore[arg-type]


def clean_build(project: Path, tmp: Path) -> dict[str, bytes]:
    """A clean build of `project`'s articles in `tmp`, remembering the URLs `project`
    published (so it writes the same redirect pages)."""
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    remember(tmp, published(project))
    build(tmp, SiteConfig(input=str(project / "articles"), output=str(out)))
    return {k: v for k, v in tree_bytes(out).items()}


def config_of(project: Path) -> SiteConfig:
    path = project / "archivegen.yaml"
    text = path.read_text() if path.exists() else ""
    config = parse_config(text, str(path), Diagnostics())
    return dataclasses.replace(config, input="articles", output="site")


PIECE_MARK = "The original source of this article is"


NOOP_IMPORTS = """
import os, sys
from archivegen.cli import main
os.chdir(sys.argv[1])
assert main(["build", "-q", "--input", "articles", "--output", "site"]) == 0
print("imported:", *(m for m in ("jinja2", "markdown_it", "numpy", "archivegen.build",
                                  "yaml", "archivegen.dedupe.detect", "importlib.resources")
                     if m in sys.modules))
"""


def phase_names(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for name, _ in report.phases]


def report_file(project: Path) -> dict[str, object]:
    """The build report without its summary (counts and seconds differ between builds)."""
    data = json.loads((project / ".archivegen" / "build-report.json").read_text("utf-8"))
    del data["summary"]
    return data


def assert_like_a_clean_build(project: Path, tmp_path: Path) -> None:
    """The site and the report's diagnostics and articles equal a clean build's (made in
    a folder of its own: the report is written to the project folder)."""
    elsewhere = tmp_path / "clean-project"
    shutil.rmtree(elsewhere, ignore_errors=True)
    elsewhere.mkdir()
    assert tree_bytes(project / "site") == clean_build(project, elsewhere)
    assert report_file(project) == report_file(elsewhere)


def edit_body(path: Path, added: str = "A sentence added at the end.") -> None:
    path.write_text(path.read_text() + f"\n\n{added}\n")


def quick_basis(project: Path) -> str:
    with sqlite3.connect(project / CACHE_PATH) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'quick_basis'").fetchone()
        return str(row[0]) if row else ""


def listings_table(project: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(project / CACHE_PATH) as db:
        return sorted(db.execute("SELECT url, count, spec, members FROM listings"))


def assert_listings_like_a_full_build(project: Path, tmp_path: Path) -> None:
    """The listings the cache keeps for quick rebuilds are those a full build stores."""
    elsewhere = tmp_path / "full-project"
    shutil.rmtree(elsewhere, ignore_errors=True)
    elsewhere.mkdir()
    build(elsewhere, SiteConfig(input=str(project / "articles"), output="site"))
    assert listings_table(project) == listings_table(elsewhere)


SECOND_PIECE = ("Second Piece About Grain Prices In The Valley\n\nBy [Owen Clarke](#)\n\n"
                "Global Research, May 30, 2017\n\nGrain prices in the valley rose sharply this "
                "week as traders reported shortages of seed and fuel, and farmers said they could "
                "not plan the coming season without clearer guidance from the ministry about "
                "subsidies and import quotas for the spring.\n\n")

