"""loaders/frontmatter.py: YAML front matter into an Article, every problem with file:line."""

from __future__ import annotations

import hashlib

import pytest

from archivegen.errors import Diagnostics, Level, SourceLocation
from archivegen.load.layouts import frontmatter
from archivegen.model import Article, Source
from archivegen.partial_date import PartialDate


def load_text(text: str, path: str = "a.md") -> tuple[Article | None, Diagnostics]:
    data = text.encode("utf-8")
    source = Source(path=path, data=data, sha256=hashlib.sha256(data).hexdigest())
    diags = Diagnostics()
    return frontmatter.load(text, source, diags), diags


def codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items]


def loc(diags: Diagnostics, i: int = 0) -> tuple[str, int, int]:
    d = diags.items[i].location
    return d.path, d.line, d.col


FULL = """\
---
title: "Breaking:  Situation   Escalates"
date: 2017-05-30
authors: [South Front, Gearóid Ó Colmáin]
publisher: Global Research
source: South Front
url: https://www.globalresearch.ca/breaking/5592866
regions: [Middle East & North Africa]
themes:
  - Terrorism
  - US NATO War Agenda
tags: [syria, iraq]
reports: [SYRIA]
slug: custom-slug
summary: A short summary.
language: en
---

First body paragraph.

Second body paragraph.
"""


def test_all_keys_land_in_the_article():
    article, diags = load_text(FULL)
    assert not diags.items
    assert article is not None
    assert article.title == "Breaking: Situation Escalates"
    assert article.date == PartialDate(year=2017, month=5, day=30)
    assert article.authors == ("South Front", "Gearóid Ó Colmáin")
    assert article.publisher == "Global Research"
    assert article.original_source == "South Front"
    assert article.url == "https://www.globalresearch.ca/breaking/5592866"
    assert article.regions == ("Middle East & North Africa",)
    assert article.themes == ("Terrorism", "US NATO War Agenda")
    assert article.tags == ("syria", "iraq")
    assert article.reports == ("SYRIA",)
    assert article.slug == "custom-slug"
    assert article.summary == "A short summary."
    assert article.language == "en"
    assert article.body == "First body paragraph.\n\nSecond body paragraph."
    assert article.provenance.layout == "markdown-front-matter"
    assert article.provenance.source_path == "a.md"


def test_field_origins_have_the_file_lines():
    article, _ = load_text(FULL)
    lines = {f.name: f.line for f in article.provenance.fields}
    assert lines == {"title": 2, "date": 3, "authors": 4, "publisher": 5,
                     "original_source": 6, "url": 7, "regions": 8, "themes": 9, "tags": 12,
                     "reports": 13, "slug": 14, "summary": 15, "language": 16}
    assert {f.rule for f in article.provenance.fields} == {"front-matter"}


def test_body_line_points_at_first_body_line():
    article, _ = load_text(FULL)
    assert article.body_line == 19
    assert FULL.split("\n")[article.body_line - 1] == "First body paragraph."


def test_body_line_without_blank_line_after_front_matter():
    article, _ = load_text("---\ntitle: T\n---\nBody starts here.\n")
    assert article.body_line == 4
    assert article.body == "Body starts here."


def test_empty_body():
    article, diags = load_text("---\ntitle: T\n---\n")
    assert not diags.items
    assert article.body == ""


def test_closing_with_dots():
    article, diags = load_text("---\ntitle: T\n...\n\nBody.\n")
    assert not diags.items
    assert article.title == "T"
    assert article.body == "Body."
    assert article.body_line == 5


@pytest.mark.parametrize(("key", "attr"), [
    ("authors", "authors"), ("author", "authors"), ("regions", "regions"),
    ("themes", "themes"), ("tags", "tags"), ("reports", "reports"),
])
def test_string_where_list_expected_becomes_one_tuple(key, attr):
    article, diags = load_text(f"---\ntitle: T\n{key}: Gearóid Ó Colmáin\n---\nBody.\n")
    assert not diags.items
    assert getattr(article, attr) == ("Gearóid Ó Colmáin",)


def test_list_values_are_cleaned_and_deduplicated():
    article, _ = load_text("---\ntitle: T\ntags: ['  a   b ', '**c**', a b, '', 2017]\n---\n")
    assert article.tags == ("a b", "c", "2017")


def test_empty_list_value():
    article, diags = load_text("---\ntitle: T\ntags:\n---\n")
    assert not diags.items
    assert article.tags == ()


@pytest.mark.parametrize("value", ["2017-05-30", '"2017-05-30"', '"May 30, 2017"',
                                   "May 30, 2017", "30 May 2017", "2017-05-30 10:20:30"])
def test_date_forms(value):
    article, diags = load_text(f"---\ntitle: T\ndate: {value}\n---\n")
    assert not diags.items
    assert article.date == PartialDate(year=2017, month=5, day=30)


def test_no_date_is_fine():
    article, diags = load_text("---\ntitle: T\n---\nBody.\n")
    assert not diags.items
    assert article.date is None


def test_unknown_key_warns_with_line_and_column():
    article, diags = load_text("---\ntitle: T\ndate: 2017-05-30\nfoo: bar\n---\nBody.\n")
    assert article is not None
    assert article.title == "T"
    assert codes(diags) == ["AG011"]
    assert diags.items[0].level is Level.WARNING
    assert loc(diags) == ("a.md", 4, 1)
    assert "foo" in diags.items[0].message


def test_unknown_key_in_nested_file_reports_its_path():
    _, diags = load_text("---\nsubtitle: x\ntitle: T\n---\n", path="2017/05/a.md")
    assert loc(diags) == ("2017/05/a.md", 2, 1)


@pytest.mark.parametrize(("line", "code"), [
    ("title: [a, b]", "AG012"),
    ("title: {a: 1}", "AG012"),
    ("summary: 12", "AG012"),
    ("tags: {a: 1}", "AG012"),
    ("tags: [a, [b]]", "AG012"),
    ("authors: [true]", "AG012"),
    ("date: yes", "AG013"),
    ("date: February 30, 2017", "AG013"),
    ("date: [2017-05-30]", "AG013"),
])
def test_wrong_type_is_an_error_with_line_and_no_article(line, code):
    key = line.split(":")[0]
    header = [f"{k}: {v}" for k, v in (("title", "T"), ("date", "2017-05-30")) if k != key]
    lines = ["---", *header, line, "---", "Body."]
    key_line = lines.index(line) + 1
    article, diags = load_text("\n".join(lines) + "\n")
    assert article is None
    assert code in codes(diags)
    d = next(d for d in diags.items if d.code == code)
    assert d.level is Level.ERROR
    assert (d.location.path, d.location.line, d.location.col) == ("a.md", key_line, 1)


def test_yaml_syntax_error_has_file_line():
    article, diags = load_text("---\ntitle: ok\nsummary: a: b\n---\nBody.\n")
    assert article is None
    assert codes(diags) == ["AG010"]
    assert diags.items[0].level is Level.ERROR
    assert loc(diags) == ("a.md", 3, 11)


def test_yaml_syntax_error_unclosed_flow_list():
    article, diags = load_text("---\ntitle: ok\nauthors: [a, b\ndate: 2017-05-30\n---\n")
    assert article is None
    assert codes(diags) == ["AG010"]
    assert diags.items[0].location.line in (3, 4)


def test_unclosed_front_matter():
    article, diags = load_text("---\ntitle: T\n\nBody but no closing line.\n")
    assert article is None
    assert codes(diags) == ["AG010"]
    assert loc(diags) == ("a.md", 1, 1)


def test_front_matter_that_is_not_a_mapping():
    article, diags = load_text("---\n- a\n- b\n---\nBody.\n")
    assert article is None
    assert codes(diags) == ["AG012"]
    assert diags.items[0].location.line == 2


def test_missing_title_warns():
    article, diags = load_text("---\ndate: 2017-05-30\n---\nBody.\n")
    assert article is not None
    assert article.title == ""
    assert codes(diags) == ["AG014"]
    assert diags.items[0].level is Level.WARNING
    assert loc(diags) == ("a.md", 1, 1)


def test_blank_title_warns():
    _, diags = load_text("---\ntitle: '   '\n---\nBody.\n")
    assert codes(diags) == ["AG014"]


def test_author_and_authors_together_is_an_error():
    article, diags = load_text("---\ntitle: T\nauthor: A\nauthors: [B]\n---\n")
    assert article is None
    assert codes(diags) == ["AG011"]
    assert diags.items[0].location.line == 4


def test_error_does_not_leak_into_a_warning_only_file():
    # errors counted per call: earlier errors in the same Diagnostics do not veto this file
    diags = Diagnostics()
    diags.error("AG001", "earlier", SourceLocation(path="other.txt", line=1, col=1))
    data = b"---\ntitle: T\n---\nBody.\n"
    source = Source(path="a.md", data=data, sha256="")
    article = frontmatter.load(data.decode(), source, diags)
    assert article is not None
    assert article.title == "T"


def test_sniff():
    assert frontmatter.sniff("---\ntitle: T\n---\n", "a.md")
    assert not frontmatter.sniff("Title\n---\n", "a.md")
    assert not frontmatter.sniff(" ---\ntitle: T\n---\n", "a.md")
