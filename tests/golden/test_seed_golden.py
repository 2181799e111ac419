"""Golden records for the seed article: the loaded record and the rendered page.

Set ARCHIVEGEN_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then read
the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.load.sources import read_source
from archivegen.model import Article
from archivegen.partial_date import PartialDate
from conftest import SEED_FILE, SEEDS, run_build

GOLDEN = Path(__file__).resolve().parent
UPDATE = os.environ.get("ARCHIVEGEN_UPDATE_GOLDEN") == "1"
SEED_PAGE = ("2017/05/30/breaking-situation-escalates-at-syrian-iraqi-border-towards-a-"
             "dangerous-standoff/index.html")


def seed_record() -> tuple[Article, Diagnostics]:
    diags = Diagnostics()
    source = read_source(SEEDS, SEED_FILE, diags)
    assert source is not None
    (article,) = load_source(source, diags)
    assert article is not None
    return repair_article(article, diags), diags


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, "utf-8")
    assert path.read_text("utf-8") == actual, f"{name} differs (ARCHIVEGEN_UPDATE_GOLDEN=1)"


def test_seed_record_fields() -> None:
    article, _ = seed_record()
    assert article.title == (
        "Breaking: Situation Escalates at Syrian-Iraqi Border. Towards a Dangerous Standoff "
        "between U.S Special Forces and Syria's Arab Army?")
    assert article.authors == ("South Front",)
    assert article.publisher == "Global Research"
    assert article.date == PartialDate(year=2017, month=5, day=30)
    assert article.original_source == "South Front"
    assert article.regions == ("Middle East & North Africa",)
    assert article.themes == ("Terrorism", "US NATO War Agenda")
    assert article.reports == ("SYRIA",)
    assert article.tags == ()
    assert article.provenance.layout == "global-research"


def test_seed_body_is_the_article_and_only_the_article() -> None:
    article, diags = seed_record()
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("The US-led coalition is desperately trying")
    assert paragraphs[-1].startswith("Last weekend, reports appeared in the Russian media")
    assert "**US Special Forces are involved in a standoff with the SAA.**" in article.body
    # The split paragraph is rejoined...
    assert "if ISIS terrorists decide to defend the town, the SAA may just outflank it" in (
        article.body)
    # ...the repeated sentence is kept (twice) and reported, never deleted.
    assert article.body.count("Warplanes of the Russian and Syrian air forces targeted") == 2
    assert [d.code for d in diags.items] == ["AG030"]
    # The donation appeal and everything after it is footer, kept as provenance.
    assert "PayPal" not in article.body and "Disclaimer" not in article.body
    assert article.provenance.footer.startswith("If you're able, and if you like our content")
    assert article.provenance.footer.endswith("For media inquiries: publications@globalresearch.ca")
    assert "](#)" not in article.body
    assert [r.rule for r in article.provenance.repairs] == ["join_split_paragraphs"]


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value))


def test_seed_record_golden() -> None:
    article, diags = seed_record()
    fields = dataclasses.asdict(article)
    fields["date"] = article.date.isoformat() if article.date else None
    record = {"record": fields,
              "diagnostics": [d.format() for d in diags.sorted()]}
    check_golden("seed_record.json",
                 json.dumps(record, indent=2, ensure_ascii=False, default=_jsonable) + "\n")


def test_seed_article_page_golden(tmp_path: Path) -> None:
    assert run_build(SEEDS, tmp_path) == 0
    html = (tmp_path / SEED_PAGE).read_text("utf-8")
    assert '<time datetime="2017-05-30">May 30, 2017</time>' in html
    assert "<strong>US Special Forces are involved in a standoff with the SAA.</strong>" in html
    assert 'href="#"' not in html
    check_golden("seed_article.html", html)
