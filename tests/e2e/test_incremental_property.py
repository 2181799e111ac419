"""The property behind incremental builds (hypothesis): after any sequence of edits to a
small archive (bodies, titles, dates, terms, layouts, pieces, added, deleted and renamed
files, sidecars, settings, templates, images referenced and the image files themselves), an
incremental build's site, report, cached listings and remembered URLs equal those of a clean
build that starts from the same remembered URLs (the old ones it keeps as redirect pages:
site/redirects.py). AG_PROPERTY_EXAMPLES sets the number of examples."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from incremental_helpers import (
    ARCHIVE,
    OLD,
    PIECE_MARK,
    SECOND_PIECE,
    age,
    config_of,
    listings_table,
    quick_basis,
    report_file,
)

from archivegen.dispatch import build
from archivegen.report import BuildReport
from conftest import REPO, published, remember, tree_bytes

pytestmark = pytest.mark.slow  # builds a small archive over and over (hypothesis)

EDITS = st.lists(st.tuples(st.sampled_from(["body", "title", "date", "day", "theme",
                                            "known-theme", "author", "layout", "piece",
                                            "delete", "add", "rename", "sidecar", "config",
                                            "template", "copy", "link", "image",
                                            "asset"]),
                           st.integers(min_value=0, max_value=1000)),
                 min_size=1, max_size=4)


def apply_edit(project: Path, kind: str, n: int) -> None:
    articles = sorted(p for p in (project / "articles").iterdir() if p.suffix in (".md", ".txt"))
    if not articles:
        kind = "add"
    target = articles[n % len(articles)] if articles else None
    if kind == "add":
        (project / "articles" / f"new_{n}.md").write_text(
            f"---\ntitle: New article {n}\ndate: 2020-0{1 + n % 9}-1{n % 10}\n"
            f"themes: [Theme {n % 3}]\n---\n\nBody of new article {n}.\n")
    elif kind == "delete":
        target.unlink()
    elif kind == "rename":
        target.rename(target.with_name(f"renamed_{n}_{target.name}"))
    elif kind == "sidecar":
        Path(str(target) + ".yaml").write_text(f"tags: [sidecar-{n % 4}]\n")
    elif kind == "config":
        (project / "archivegen.yaml").write_text(f"page_size: {3 + n % 5}\n"
                                                 + (BASE_URL if n % 2 else ""))
    elif kind == "piece":  # the title of the second piece of the file that has one
        for path in articles:
            if "Grain Prices In The Valley" in path.read_text():
                path.write_text(path.read_text().replace(
                    "Grain Prices In The Valley", f"Grain Prices In The Valley {n}", 1))
    elif kind == "layout":
        plain = project / "articles" / PLAIN_NAME
        if plain.exists():
            text = plain.read_text()
            plain.write_text(text.partition("\n---\n")[2] if text.startswith("---\n") else
                             f"---\ntitle: {PLAIN_TITLE}\n---\n\n{PLAIN_BODY}")
    elif kind == "asset":  # an image file alone, new or edited (its article unchanged)
        (project / "articles" / "img").mkdir(exist_ok=True)
        (project / "articles" / "img" / f"fig{n % 3}.png").write_bytes(f"figure {n}".encode())
    elif kind == "template":
        (project / "templates").mkdir(exist_ok=True)
        base = (REPO / "templates" / "base.html").read_text()
        (project / "templates" / "base.html").write_text(base.replace("</footer>",
                                                                      f"<!-- {n} --></footer>"))
    else:
        text = target.read_text()
        if kind == "body":
            text += f"\n\nAn added paragraph {n}.\n"
        elif kind == "link":
            text += f"\n\nSee [item {n}](javascript:alert({n})).\n"
        elif kind == "image":  # a reference to an image file, there or not (yet)
            text += f"\n\n![Figure {n}](img/fig{n % 3}.png)\n"
        elif kind == "copy":  # the body of the next article, after this one's own head
            other = articles[(n + 1) % len(articles)].read_text()
            text = text[:body_start(text)] + other[body_start(other):]
        elif kind == "title":
            lines = text.split("\n")
            i = next(i for i, line in enumerate(lines) if line.strip() and line != "---")
            if lines[i].startswith("title:"):  # front matter: keep the YAML valid
                title = yaml.safe_load(lines[i])["title"]
                lines[i] = "title: " + json.dumps(f"{title} {n}")
            else:
                lines[i] = lines[i] + f" {n}"
            text = "\n".join(lines)
        elif kind == "date":
            text = text.replace("2019", "2021").replace("2017", "2016")
        elif kind == "day":  # another day of the same month: its URL and place change
            day = 1 + n % 28
            text = re.sub(r"^(date: \d{4}-\d{2})-\d{2}$", rf"\g<1>-{day:02d}", text,
                          count=1, flags=re.M)
            text = re.sub(r"^(Global Research, [A-Z][a-z]+ )\d{1,2}(, \d{4})$",
                          rf"\g<1>{day}\g<2>", text, count=1, flags=re.M)
        elif kind == "known-theme":  # a theme other articles have: no listing appears
            text = text.replace("Theme: [", "Theme: [Economy](#), [").replace(
                "themes: [", "themes: [Economy, ")
        elif kind == "theme":
            text = text.replace("Theme: [", f"Theme: [Extra {n % 3}](#), [").replace(
                "themes: [", f"themes: [Extra {n % 3}, ")
        elif kind == "author":
            text = text.replace("By [", f"By [Author {n % 4}](#) and [").replace(
                "authors: [", f"authors: [Author {n % 4}, ")
        target.write_text(text)


def errors(report: BuildReport) -> list[str]:
    return [d.format() for d in report.diagnostics if d.level == "error"]


def body_start(text: str) -> int:
    """Where the body starts, after front matter or the byline block's short lines."""
    if text.startswith("---\n"):
        return text.index("\n---\n", 4) + 5
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if len(line) > 120)
    return len("\n".join(lines[:first])) + 1


def small_archive(dest: Path) -> None:
    """Twelve articles of both formats, one file of them in two pieces, and an undated plain
    text: enough for every page type, quick to build often."""
    dest.mkdir()
    names = sorted(p.name for p in ARCHIVE.iterdir() if p.suffix in (".md", ".txt"))
    for name in names[:6] + names[-6:]:
        shutil.copy(ARCHIVE / name, dest / name)
    first = dest / names[0]
    assert first.name.startswith("gr_") and PIECE_MARK in first.read_text()
    first.write_text(first.read_text().replace(PIECE_MARK, SECOND_PIECE + PIECE_MARK, 1))
    (dest / PLAIN_NAME).write_text(f"{PLAIN_TITLE}\n\n{PLAIN_BODY}")
    age(dest)


BASE_URL = "base_url: https://example.org/news/\n"


# The undated plain-text article of small_archive; the "layout" edit gives it front matter
# (or takes it away) under the same title.
PLAIN_NAME, PLAIN_TITLE = "zz_ferry.txt", "River Ferry Stops Again"


PLAIN_BODY = ("The river ferry that links the two halves of the old town stopped running on "
              "Monday after its engine failed again, and residents say the council has not "
              "said when it will be repaired or replaced this year.\n")


# AG_PROPERTY_EXAMPLES=150 for a longer run than CI's.
@settings(max_examples=int(os.environ.get("AG_PROPERTY_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
@example(edits=[("copy", 12), ("body", 0)])  # the copy no longer one: an AG040 in both builds
@example(edits=[("image", 0), ("asset", 3), ("asset", 6), ("image", 1)])  # missing, then there
def test_incremental_output_equals_a_clean_build(tmp_path_factory: pytest.TempPathFactory,
                                                 edits: list[tuple[str, int]]) -> None:
    project = tmp_path_factory.mktemp("project")
    small_archive(project / "articles")
    (project / "archivegen.yaml").write_text(BASE_URL)  # a sitemap too, until a config edit
    build(project, config_of(project))
    for step, (kind, n) in enumerate(edits, start=1):
        apply_edit(project, kind, n)
        age(project / "articles", OLD + step)
        config = config_of(project)
        history = published(project)  # the URLs published so far: the clean build's too
        report = build(project, config)
        elsewhere = tmp_path_factory.mktemp("clean")  # a report of its own
        remember(elsewhere, history)
        clean = dataclasses.replace(config, input=str(project / "articles"),
                                    output=str(elsewhere / "site"),
                                    theme_dir=str(project / config.theme_dir))
        # (a cache of its own: the listings a full build stores)
        clean_report = build(elsewhere, clean)
        if report.errors:
            # Some edits make an archive the build must refuse in part (a copy that is no
            # longer one, under the title and date of the article it copied: two articles on
            # one URL, AG040). The clean build must say the same; the trees are not compared
            # (after errors, stale pages are kept on purpose).
            assert errors(report) == errors(clean_report), (kind, n)
            return
        assert tree_bytes(project / "site") == tree_bytes(elsewhere / "site"), (kind, n)
        assert report_file(project) == report_file(elsewhere), (kind, n)
        if quick_basis(project):  # what the next quick rebuild will start from
            assert listings_table(project) == listings_table(elsewhere), (kind, n)
        assert published(project) == published(elsewhere), (kind, n)
