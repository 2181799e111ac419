"""The shared benchmark corpus (../shared/bench/gen_corpus.py) is read exactly right.

The generator writes the same articles as raw Global Research scrapes and as Hugo pages with
front matter. Every raw file is loaded and repaired as a build does, and compared with the
front matter of the same article: title, date, authors, regions, themes and reports equal; the
body equals the Hugo body (before repair) and holds no label text; original_source is what the
raw footer states; nothing is reported. CI always has ../shared beside the repository, so a
missing generator is a failure, never a skip.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source
from archivegen.model import Article

pytestmark = pytest.mark.slow  # the benchmark corpus

GEN = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "gen_corpus.py"
N = 300
# "000123_<hex id>.txt" (raw) and "<title slug>-000123.md" (hugo) are article 123.
RAW_NAME_RE = re.compile(r"^(?P<index>\d{6})_[0-9a-f]{16}\.txt$")
HUGO_NAME_RE = re.compile(r"-(?P<index>\d{6})\.md$")
FOOTER_SOURCE_RE = re.compile(r"^The original source of this article is \[([^\]]+)\]\(#\)$",
                              re.MULTILINE)
LABEL_TEXT = ("Region:", "Theme:", "In-depth Report:")
# Notes about the text (a repeated sentence kept) lose no field; any other warning or error
# means something was misread.
HARMLESS_CODES = {"AG030"}


@dataclass(frozen=True)
class Pair:
    index: int
    raw_text: str
    loaded: Article  # as the loader read it, before repair
    article: Article  # after repair, as a build keeps it
    diagnostics: Diagnostics
    front_matter: dict[str, Any]
    hugo_body: str


def generate(fmt: str, out: Path) -> None:
    subprocess.run([sys.executable, str(GEN), "--n", str(N), "--out", str(out),
                    "--format", fmt], check=True, stdout=subprocess.DEVNULL)


def read_hugo(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter (one `key: <JSON>` per line, as gen_corpus writes it) and body."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    front = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        front[key] = json.loads(value)
    return front, body.strip("\n")


def by_index(names: list[Path], pattern: re.Pattern[str]) -> dict[int, Path]:
    found = {}
    for path in names:
        m = pattern.search(path.name)
        assert m, f"unexpected file {path.name}"
        found[int(m["index"])] = path
    return found


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> list[Pair]:
    if not GEN.is_file():
        pytest.fail(f"the benchmark corpus generator {GEN} is missing; this test needs the "
                    "shared folder beside the repository (../shared/bench/gen_corpus.py)",
                    pytrace=False)
    root = tmp_path_factory.mktemp("bench-corpus")
    generate("raw", root / "raw")
    generate("hugo", root / "hugo")
    raw_files = by_index(sorted((root / "raw").glob("*.txt")), RAW_NAME_RE)
    hugo_files = by_index(sorted((root / "hugo" / "content" / "articles").glob("*.md")),
                          HUGO_NAME_RE)
    assert set(raw_files) == set(hugo_files) == set(range(N))
    found = []
    for index, raw in sorted(raw_files.items()):
        diags = Diagnostics()
        source = read_source(raw.parent, raw.name, diags)
        assert source is not None, raw.name
        (loaded,) = load_source(source, diags)
        front, hugo_body = read_hugo(hugo_files[index])
        found.append(Pair(index=index, raw_text=raw.read_text("utf-8"), loaded=loaded,
                          article=repair_article(loaded, diags), diagnostics=diags,
                          front_matter=front, hugo_body=hugo_body))
    return found


def test_every_field_equals_the_hugo_front_matter(pairs: list[Pair]) -> None:
    wrong = []
    for p in pairs:
        a, fm = p.article, p.front_matter
        got = {"title": a.title, "date": a.date.isoformat() if a.date else None,
               "authors": list(a.authors), "regions": list(a.regions),
               "themes": list(a.themes), "reports": list(a.reports)}
        wrong += [f"article {p.index}: {k}: expected {fm[k]!r}, got {v!r}"
                  for k, v in got.items() if fm[k] != v]
        if a.provenance.layout != "global-research":
            wrong.append(f"article {p.index}: read as {a.provenance.layout}")
    assert wrong == [], f"{len(wrong)} fields misread:\n" + "\n".join(wrong[:20])


def test_the_corpus_has_the_hard_cases(pairs: list[Pair]) -> None:
    """Several authors (whose author line once swallowed the labels) and one-author articles
    whose footer names another source (whose author line was once taken for the source)."""
    several = [p for p in pairs if len(p.front_matter["authors"]) > 1]
    other_source = [p for p in pairs if len(p.front_matter["authors"]) == 1
                    and FOOTER_SOURCE_RE.findall(p.raw_text) != p.front_matter["authors"]]
    assert len(several) > 20
    assert len(other_source) > 20


def test_bodies_hold_the_article_and_no_header_or_site_text(pairs: list[Pair]) -> None:
    wrong = []
    for p in pairs:
        if p.loaded.body != p.hugo_body:
            wrong.append(f"article {p.index}: body differs from the Hugo body: "
                         f"{p.loaded.body[:80]!r} ... {p.loaded.body[-80:]!r}")
        wrong += [f"article {p.index}: {label!r} left in the body"
                  for label in LABEL_TEXT if label in p.article.body]
    assert wrong == [], "\n".join(wrong[:20])


def test_original_source_is_what_the_footer_states(pairs: list[Pair]) -> None:
    wrong = []
    for p in pairs:
        stated = FOOTER_SOURCE_RE.findall(p.raw_text)
        assert len(stated) == 1, f"article {p.index}: the footer states no single source"
        if p.article.original_source != stated[0]:
            wrong.append(f"article {p.index}: original_source {p.article.original_source!r}, "
                         f"the footer states {stated[0]!r}")
        rules = [(f.rule, f.line) for f in p.article.provenance.fields
                 if f.name == "original_source"]
        line = p.raw_text.split("\n").index(
            f"The original source of this article is [{stated[0]}](#)") + 1
        if rules != [("gr.footer-source", line)]:
            wrong.append(f"article {p.index}: original_source from {rules}")
    assert wrong == [], "\n".join(wrong[:20])


def test_nothing_is_reported(pairs: list[Pair]) -> None:
    reported = [d.format() for p in pairs for d in p.diagnostics.items
                if d.level in (Level.WARNING, Level.ERROR) and d.code not in HARMLESS_CODES]
    assert reported == [], "\n".join(reported[:20])
