"""The repost layout's byline block (loaders/repost.py, loaders/bylineblock.py), read through
load_source on invented texts: `# Title` / `> Source: <url>` / the block / the body."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unit_helpers import make_source

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import load_source
from archivegen.model import Article, Contributor
from archivegen.partial_date import PartialDate

SOURCE_URL = "http://www.harbourledger.example/2012/05/quiet-strike.htm"
# The body's first line is long (more than a byline block line can be) unless a test says so.
BODY = ("Dock workers in the fictional port of Lumenhaven walked off the job on Monday\n"
        "morning, saying the new shift rota had been imposed on them without any talks.\n"
        "-\n"
        "The harbour board said the rota would stay.\n"
        "\n"
        "A second meeting is planned for the end of the month, when the board will\n"
        "publish its figures for the season and the union will answer them.")
BODY_FIRST = BODY.split("\n", 1)[0]


def load(text: str, path: str = "repost.txt") -> tuple[Article, Diagnostics]:
    diags = Diagnostics()
    articles = load_source(make_source(text.encode(), path), diags)
    assert len(articles) == 1
    return articles[0], diags


def repost(block: str, body: str = BODY, *, title: str = "The Quiet Harbour Strike",
           url: str | None = SOURCE_URL, gap: str = "\n") -> str:
    """A repost text; `gap` is what separates the block from the body ("" = no blank line)."""
    head = f"# {title}\n\n"
    if url is not None:
        head += f"> Source: {url}\n\n"
    return head + block.strip("\n") + "\n" + gap + body + "\n"


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` that starts with `needle`."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(needle))


def warnings(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items if d.level is Level.WARNING]


# 1. The body right after the block, with no blank line ----------------------------------------

def test_body_right_after_block_without_blank_line():
    block = "by\nMarta Quellwood\nMay 3, 2012\nfrom\nHarbour Ledger Website"
    text = repost(block, gap="")
    article, diags = load(text)
    assert article.provenance.layout == "repost"
    assert article.title == "The Quiet Harbour Strike"
    assert article.authors == ("Marta Quellwood",)
    assert article.date == PartialDate(year=2012, month=5, day=3)
    assert article.original_source == "Harbour Ledger"
    assert article.body.split("\n", 1)[0] == BODY_FIRST
    assert article.body_line == line_of(text, BODY_FIRST)
    assert "Harbour Ledger" not in article.body
    assert diags.items == []


def test_body_with_short_first_line_right_after_block():
    body = "Strikes were rare.\n" + BODY
    text = repost("by\nMarta Quellwood\nMay 3, 2012\nfrom\nHarbour Ledger Website", body,
                  gap="")
    article, _ = load(text)
    assert article.authors == ("Marta Quellwood",)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith("Strikes were rare.\n" + BODY_FIRST)
    assert article.body_line == line_of(text, "Strikes were rare.")


# 2. An author intro word alone on its line -----------------------------------------------------

@pytest.mark.parametrize(("intro", "names", "date_line", "authors", "date"), [
    ("by", "Marta Quellwood and Tobin Arkwright", "May 3, 2012",
     ("Marta Quellwood", "Tobin Arkwright"), PartialDate(year=2012, month=5, day=3)),
    ("por", "Julieta Marrasco y Anselmo Vidrio", "3 de mayo de 2012",
     ("Julieta Marrasco", "Anselmo Vidrio"), PartialDate(year=2012, month=5, day=3)),
    ("di", "Ottavia Pennisetti", "18 aprile 2013", ("Ottavia Pennisetti",),
     PartialDate(year=2013, month=4, day=18)),
    ("par", "Gaspard Lemoinet et Odile Ferrandou", "25 novembre 2012",
     ("Gaspard Lemoinet", "Odile Ferrandou"), PartialDate(year=2012, month=11, day=25)),
    ("By", "Marta Quellwood", "June 2013", ("Marta Quellwood",), PartialDate(year=2013, month=6)),
])
def test_author_intro_alone_then_names(intro, names, date_line, authors, date):
    block = f"{intro}\n{names}\n{date_line}\nfrom\nHarbour Ledger Website"
    text = repost(block)
    article, diags = load(text)
    assert article.provenance.layout == "repost"
    assert article.authors == authors
    assert article.date == date
    assert article.original_source == "Harbour Ledger"
    assert article.contributors == ()
    assert article.body.startswith(BODY_FIRST)
    authors_origin = [f for f in article.provenance.fields if f.name == "authors"]
    assert [f.line for f in authors_origin] == [line_of(text, names)]
    assert diags.items == []


# 3. Names with no intro, first in the block, before a date ------------------------------------

@pytest.mark.parametrize(("names", "authors"), [
    ("Marta Quellwood", ("Marta Quellwood",)),
    ("Marta Quellwood and Tobin Arkwright", ("Marta Quellwood", "Tobin Arkwright")),
    ("Julieta Marrasco, Anselmo Vidrio", ("Julieta Marrasco", "Anselmo Vidrio")),
])
def test_names_without_intro_before_date_are_authors(names, authors):
    text = repost(f"{names}\nMay 3, 2012\nfrom\nHarbour Ledger Website")
    article, _ = load(text)
    assert article.authors == authors
    assert article.date == PartialDate(year=2012, month=5, day=3)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith(BODY_FIRST)
    assert names not in article.body


# 4. Damaged dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("date_lines", "date"), [
    ("18 Aprile\n2013", PartialDate(year=2013, month=4, day=18)),
    ("September 18, 2010n", PartialDate(year=2010, month=9, day=18)),
    ("Noviembre 25\n2012", PartialDate(year=2012, month=11, day=25)),
])
def test_damaged_date_is_read_with_a_note_and_no_warning(date_lines, date):
    text = repost(f"by\nOttavia Pennisetti\n{date_lines}\nfrom\nHarbour Ledger Website")
    article, diags = load(text)
    assert article.date == date
    assert article.authors == ("Ottavia Pennisetti",)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith(BODY_FIRST)
    date_line = line_of(text, date_lines.split("\n")[0])
    notes = article.provenance.notes
    assert [n.line for n in notes] == [date_line]
    assert all(n.rule == "repost.byline-block" for n in notes)
    assert [f.line for f in article.provenance.fields if f.name == "date"] == [date_line]
    assert diags.items == []


# 5. An outlet between the date and "from"; an outlet with its own date ------------------------

def test_outlet_line_between_date_and_from():
    block = ("by\nTobin Arkwright\nJuly 11, 2010\nStrategic Culture Foundation\nfrom\n"
             "Harbour Ledger Website")
    article, diags = load(repost(block))
    assert article.original_source == "Harbour Ledger"
    assert article.date == PartialDate(year=2010, month=7, day=11)
    assert article.authors == ("Tobin Arkwright",)
    assert "Strategic Culture Foundation" not in article.body
    assert article.body.startswith(BODY_FIRST)
    assert diags.items == []


def test_unregistered_outlet_line_between_date_and_from():
    block = "by\nTobin Arkwright\nJuly 11, 2010\nLumenhaven Courier\nfrom\nGlobalResearch Website"
    article, _ = load(repost(block))
    assert article.original_source == "Global Research"
    assert article.authors == ("Tobin Arkwright",)
    assert "Lumenhaven Courier" not in article.body


@pytest.mark.parametrize(("dates", "date"), [
    # the outlet's dated line after the block's own date: the first date is the date
    ("September 2, 2010\nIsla Noticias - 2010-07-11", PartialDate(year=2010, month=9, day=2)),
    # the outlet's dated line first: its date is the block's first date
    ("Isla Noticias - 2010-07-11\nSeptember 2, 2010", PartialDate(year=2010, month=7, day=11)),
])
def test_outlet_with_its_own_date(dates, date):
    text = repost(f"by\nTobin Arkwright\n{dates}\nfrom\nHarbour Ledger Website")
    article, diags = load(text)
    assert article.original_source == "Harbour Ledger"
    assert article.date == date
    assert article.authors == ("Tobin Arkwright",)
    assert "Isla Noticias" not in article.body
    assert article.body.startswith(BODY_FIRST)
    other = {(d.date, d.line) for d in article.provenance.other_dates}
    assert {d for d, _ in other} >= {PartialDate(year=2010, month=7, day=11),
                                     PartialDate(year=2010, month=9, day=2)} - {date}
    assert diags.items == []


# 6. The site after "from", on one, two or three lines -----------------------------------------

@pytest.mark.parametrize(("site_lines", "source"), [
    ("from\nGlobalResearch\nWebsite", "Global Research"),
    ("from\nGlobalResearch Website", "Global Research"),
    ("del Sitio Web\nGlobalResearch", "Global Research"),
    ("from\nwww.globalresearch.ca", "Global Research"),
    ("from\nLumenhaven Courier\nWebsite", "Lumenhaven Courier"),
    ("from\nLumenhaven Courier Website", "Lumenhaven Courier"),
    ("desde\nLumenhaven Courier Sitio Web", "Lumenhaven Courier"),
    ("dal Sito Web\nLumenhaven Courier", "Lumenhaven Courier"),
])
def test_site_after_from(site_lines, source):
    text = repost(f"by\nMarta Quellwood\nMay 3, 2012\n{site_lines}")
    article, diags = load(text)
    assert article.original_source == source
    assert article.authors == ("Marta Quellwood",)
    assert article.body.startswith(BODY_FIRST)
    assert "Website" not in article.body
    origin = [f for f in article.provenance.fields if f.name == "original_source"]
    assert len(origin) == 1 and origin[0].rule == "repost.site-line"
    assert diags.items == []


# 7. Credits: contributors, never authors -------------------------------------------------------

@pytest.mark.parametrize(("credit", "role"), [
    ("traduzione\ndi\nCosimo Barrelli", "translator"),
    ("traducción de\nCosimo Barrelli", "translator"),
    ("translated by Cosimo Barrelli", "translator"),
    ("Traducido por Cosimo Barrelli", "translator"),
    ("edited by Cosimo Barrelli", "editor"),
])
def test_credits_are_contributors(credit, role):
    text = repost(f"by\nMarta Quellwood\n{credit}\nMay 3, 2012\nfrom\nHarbour Ledger Website")
    article, diags = load(text)
    assert article.authors == ("Marta Quellwood",)
    assert article.contributors == (Contributor(role=role, name="Cosimo Barrelli"),)
    assert article.date == PartialDate(year=2012, month=5, day=3)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith(BODY_FIRST)
    assert "Cosimo" not in article.body
    assert diags.items == []


def test_credit_after_site_line_is_contributor():
    text = repost("by\nMarta Quellwood\nMay 3, 2012\nfrom\nHarbour Ledger Website\n"
                  "traduzione\ndi\nCosimo Barrelli")
    article, _ = load(text)
    assert article.authors == ("Marta Quellwood",)
    assert article.contributors == (Contributor(role="translator", name="Cosimo Barrelli"),)
    assert article.body.startswith(BODY_FIRST)


# 8. Language-version links and part labels belong to the block --------------------------------

@pytest.mark.parametrize("extra", [
    "Versión original",
    "Versione in spagnolo",
    "Versión en\nItaliano",
    "English version",
    "Part I",
    "Parte II",
    "Versión original\nParte II",
])
@pytest.mark.parametrize("where", ["after-site", "before-date"])
def test_version_links_and_part_labels_are_block(extra, where):
    if where == "after-site":
        block = f"by\nMarta Quellwood\nMay 3, 2012\nfrom\nHarbour Ledger Website\n{extra}"
    else:
        block = f"by\nMarta Quellwood\n{extra}\nMay 3, 2012\nfrom\nHarbour Ledger Website"
    text = repost(block)
    article, _ = load(text)
    assert article.authors == ("Marta Quellwood",)
    assert article.date == PartialDate(year=2012, month=5, day=3)
    assert article.original_source == "Harbour Ledger"
    assert article.body.split("\n", 1)[0] == BODY_FIRST
    assert article.body_line == line_of(text, BODY_FIRST)
    for part in extra.split("\n"):
        assert part not in article.body


# 9. Years ----------------------------------------------------------------------------------------

def test_year_then_full_date_in_same_year():
    text = repost("by\nMarta Quellwood\n2013\nMarch 4, 2013\nfrom\nHarbour Ledger Website")
    article, diags = load(text)
    assert article.date == PartialDate(year=2013, month=3, day=4)
    assert [f.line for f in article.provenance.fields if f.name == "date"] == [
        line_of(text, "March 4, 2013")]
    assert article.body.startswith(BODY_FIRST)
    assert diags.items == []


def test_year_alone_is_a_year_date():
    article, _ = load(repost("by\nMarta Quellwood\n2013\nfrom\nHarbour Ledger Website"))
    assert article.date == PartialDate(year=2013)
    assert article.body.startswith(BODY_FIRST)


def test_year_range_is_a_range_of_years():
    """'2013-2014' above a compilation: the date covers both years, no single year is made up."""
    text = repost("by\nMarta Quellwood\n2013-2014\nfrom\nHarbour Ledger Website")
    article, diags = load(text)
    assert article.date == PartialDate(year=2013, end_year=2014)
    assert article.date.isoformat() == "2013/2014"
    assert article.authors == ("Marta Quellwood",)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith(BODY_FIRST)
    assert "2013-2014" not in article.body
    range_line = line_of(text, "2013-2014")
    assert [f.line for f in article.provenance.fields if f.name == "date"] == [range_line]
    assert diags.items == []


# 10. A short capitalised body line after the site line ----------------------------------------

@pytest.mark.parametrize("first", [
    "Global Research Editor's Note",
    "The Catastrophe of Flight 17",
    "Lumenhaven Harbour Board",
    "Marta Quellwood",
])
@pytest.mark.parametrize("site", ["from\nHarbour Ledger Website", "from\nGlobalResearch\nWebsite",
                                  "Harbour Ledger Website"])
def test_short_capitalised_body_line_is_not_a_field(first, site):
    body = first + "\n\n" + BODY
    text = repost(f"by\nTobin Arkwright\nMay 3, 2012\n{site}", body)
    article, _ = load(text)
    assert article.authors == ("Tobin Arkwright",)
    assert article.original_source in ("Harbour Ledger", "Global Research")
    assert article.date == PartialDate(year=2012, month=5, day=3)
    assert article.contributors == ()
    assert article.body.startswith(first + "\n")
    assert article.body_line == line_of(text, first)


def test_short_capitalised_body_line_after_block_without_blank():
    body = "The Catastrophe of Flight 17\n" + BODY
    text = repost("Tobin Arkwright\nMay 3, 2012\nfrom\nHarbour Ledger Website", body, gap="")
    article, _ = load(text)
    assert article.authors == ("Tobin Arkwright",)
    assert article.original_source == "Harbour Ledger"
    assert article.body.startswith("The Catastrophe of Flight 17\n")


# 11. Publisher: the site of the Source address -------------------------------------------------

@pytest.mark.parametrize(("url", "publisher"), [
    ("http://www.bibliotecapleyades.net/sociopolitica/esp_sociopol_x.htm", "Biblioteca Pleyades"),
    ("https://bibliotecapleyades.net/ciencia/x.htm", "Biblioteca Pleyades"),
    ("http://www.harbourledger.example/2012/05/quiet-strike.htm", "harbourledger.example"),
    ("https://news.lumencourier.example/a?id=3", "news.lumencourier.example"),
    ("http://www.globalresearch.ca/the-quiet-strike/123", "Global Research"),
])
def test_publisher_is_site_of_source_address(url, publisher):
    text = repost("by\nMarta Quellwood\nMay 3, 2012\nfrom\nLumenhaven Courier Website", url=url)
    article, _ = load(text)
    assert article.url == url
    assert article.publisher == publisher
    assert article.original_source == "Lumenhaven Courier"


def test_no_source_line_no_publisher():
    text = repost("by\nMarta Quellwood\nMay 3, 2012\nfrom\nLumenhaven Courier Website", url=None)
    article, _ = load(text)
    assert article.provenance.layout == "repost"
    assert article.url == ""
    assert article.publisher == ""
    assert article.authors == ("Marta Quellwood",)
    assert article.original_source == "Lumenhaven Courier"


# 12. Property: blank lines inside the block change nothing; no field is invented -------------

FIRST_NAMES = ("Marta", "Tobin", "Ottavia", "Gaspard", "Julieta", "Anselmo", "Odile", "Cosimo",
               "Brisa", "Eadric", "Lenora", "Wilmer")
SURNAMES = ("Quellwood", "Arkwright", "Pennisetti", "Lemoinet", "Marrasco", "Vidrio",
            "Ferrandou", "Barrelli", "Ostrander", "Hallowby", "Castellar", "Drummock")
names = st.tuples(st.sampled_from(FIRST_NAMES), st.sampled_from(SURNAMES)).map(" ".join)
DATES = (("May 3, 2012", PartialDate(year=2012, month=5, day=3)),
         ("3 de mayo de 2012", PartialDate(year=2012, month=5, day=3)),
         ("Noviembre 25, 2012", PartialDate(year=2012, month=11, day=25)),
         ("25 novembre 2012", PartialDate(year=2012, month=11, day=25)),
         ("18 aprile 2013", PartialDate(year=2013, month=4, day=18)),
         ("June 2013", PartialDate(year=2013, month=6)),
         ("2011-11-21", PartialDate(year=2011, month=11, day=21)))
SITES = ("Brightwater Ledger", "Corvale Courier", "Isla Noticias", "Northgate Review")
BODY_OPENERS = ("The Hidden Cost of Calm", "A Winter in Port Lumen", "Notes From the Quay",
                "Why the Tide Turned", "Editor's Note")


@st.composite
def blocks(draw):
    """(block lines, expected authors, expected date, expected site, body first line)."""
    intro = draw(st.sampled_from(["by", "By", "por", "di", "par", None]))
    people = draw(st.lists(names, min_size=1, max_size=2, unique=True))
    date_text, date = draw(st.sampled_from(DATES))
    site = draw(st.sampled_from(SITES))
    lines = ([intro] if intro else []) + [" and ".join(people), date_text, "from",
                                          f"{site} Website"]
    # the body's first line: a short capitalised line, sometimes a person's name
    opener = draw(st.one_of(st.sampled_from(BODY_OPENERS),
                            names.filter(lambda n: n not in people)))
    return lines, tuple(people), date, site, opener


def _fields(article: Article) -> tuple[object, ...]:
    return (article.authors, article.date, article.original_source, article.contributors)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks(), st.data())
def test_blank_lines_inside_block_change_nothing(parts, data):
    lines, people, date, site, opener = parts
    body = opener + "\n" + BODY
    plain_text = repost("\n".join(lines), body)
    plain, _ = load(plain_text)
    # blank lines between block lines: how many after each line (not after the last)
    gaps = data.draw(st.lists(st.integers(0, 2), min_size=len(lines) - 1,
                              max_size=len(lines) - 1))
    spaced_lines: list[str] = []
    for line, gap in zip(lines, [*gaps, 0], strict=True):
        spaced_lines.append(line)
        spaced_lines.extend([""] * gap)
    spaced_text = repost("\n".join(spaced_lines), body)
    spaced, _ = load(spaced_text)

    assert _fields(spaced) == _fields(plain)
    assert plain.authors == people
    assert plain.date == date
    assert plain.original_source == site
    assert plain.contributors == ()
    for article in (plain, spaced):
        assert article.body.startswith(opener + "\n")
        # never invents a field: every word of a field is a word of what the block states
        stated = set(" ".join([*people, site]).split())
        found = " ".join([*article.authors, article.original_source,
                          *(c.name for c in article.contributors)])
        assert set(found.split()) <= stated
        assert opener not in (*article.authors, article.original_source)


# Kinds the second real set showed (tests/fixtures/real2) -------------------------------------

@pytest.mark.parametrize(("block", "authors", "date", "source"), [
    ("by Marta Quellwood October 19, 2015 from HarbourLedger Website",
     ("Marta Quellwood",), PartialDate(year=2015, month=10, day=19), "HarbourLedger"),
    ("by Marta Quellwood 04 September 2017 from HarbourLedger Website",
     ("Marta Quellwood",), PartialDate(year=2017, month=9, day=4), "HarbourLedger"),
    ("by Marta Quellwood Global Research, April 18, 2007 from GlobalResearch Website",
     ("Marta Quellwood",), PartialDate(year=2007, month=4, day=18), "Global Research"),
    ("12 Noviembre 2015 del Sitio Web GlobalResearch",
     (), PartialDate(year=2015, month=11, day=12), "Global Research"),
    ("by Marta Quellwood\nFebruary 1982 published on HarbourLedger Website\nJune 13, 2014",
     ("Marta Quellwood",), PartialDate(year=1982, month=2), "HarbourLedger"),
])
def test_a_block_run_together_on_one_line(block, authors, date, source):
    article, _ = load(repost(block, gap=""))
    assert (article.authors, article.date, article.original_source) == (authors, date, source)
    assert article.body.startswith(BODY_FIRST)


def test_a_damaged_name_in_a_one_line_block_loses_only_the_author():
    article, _ = load(repost("by arta Quellwood October 19, 2015 from HarbourLedger Website"))
    assert article.authors == ()
    assert (article.date, article.original_source) == (
        PartialDate(year=2015, month=10, day=19), "HarbourLedger")
    assert article.provenance.notes


def test_by_then_a_website_line_is_the_site():
    article, _ = load(repost("by Marta Quellwood\nJanuary 10, 2010\nby\nGlobalResearch Website"))
    assert (article.authors, article.original_source) == (("Marta Quellwood",), "Global Research")


@pytest.mark.parametrize("odd", ["Montreal, Centre St-Pierre", "Invierno Austral 2015"])
def test_a_short_unknown_line_inside_a_block_that_goes_on(odd):
    article, _ = load(repost(f"with Marta Quellwood\n{odd}\nJanuary 14, 2009\nfrom\n"
                             "GlobalResearch Website"))
    assert article.date == PartialDate(year=2009, month=1, day=14)
    assert article.original_source == "Global Research"
    assert odd not in article.body


def test_a_date_under_a_block_without_one():
    block = "by Marta Quellwood\nfrom\nGlobalResearch Website"
    body = f"Part 1\nThinking the Unthinkable\nMarch 30, 2011\n{BODY}"
    text = repost(block, body, gap="")
    article, _ = load(text)
    assert article.date == PartialDate(year=2011, month=3, day=30)
    assert [f.line for f in article.provenance.fields if f.name == "date"] == [
        line_of(text, "March 30, 2011")]


def test_a_title_before_the_name_is_dropped():
    article, _ = load(repost("by Prof. Marta Quellwood\nMay 3, 2012\nfrom\nSome Website"))
    assert article.authors == ("Marta Quellwood",)


# Kinds the third real set showed (tests/fixtures/real3) --------------------------------------

def test_hyphened_date_and_an_outlet_line_under_the_name():
    article, _ = load(repost("by Marta Quellwood\nHarbourLedger.com\nFebruary-12-2008\nfrom\n"
                             "Rense Website"))
    assert article.authors == ("Marta Quellwood",)
    assert article.date == PartialDate(year=2008, month=2, day=12)
    assert article.original_source == "Rense"
    assert "HarbourLedger.com" not in article.body


def test_a_place_under_the_name_is_no_second_author():
    article, _ = load(repost("di\nMarta Quellwood\nCittà del Messico\n21 maggio 2014\n"
                             "dal Sito Web\nRedVoltaire"))
    assert article.authors == ("Marta Quellwood",)
    assert article.date == PartialDate(year=2014, month=5, day=21)


def test_subtitle_lines_over_the_block_stay_in_the_body():
    block = ("Destroying a Harbour's Standard of Living\n-\nWhat Lumenhaven Had Achieved\n"
             "by Prof. Marta Quellwood\nSeptember 20, 2011\nfrom\nGlobalResearch Website")
    text = repost(block, gap="")
    article, _ = load(text)
    assert (article.authors, article.original_source) == (("Marta Quellwood",), "Global Research")
    assert article.date == PartialDate(year=2011, month=9, day=20)
    assert article.body.startswith("Destroying a Harbour's Standard of Living")
    assert "by Prof." not in article.body and BODY_FIRST in article.body
    assert article.body_line == line_of(text, "Destroying")


def test_short_first_body_lines_without_a_block_under_them_stay_body():
    text = repost("", "Harbour Workers Walk Out\nThe rota was imposed\n" + BODY, gap="")
    article, _ = load(text)
    assert article.authors == () and article.date is None
    assert article.body.startswith("Harbour Workers Walk Out")


@pytest.mark.parametrize("site", ["GlobalResearch WEebsite", "GlobalResearchWebsite",
                                  "GlobalReserach Website"])
def test_a_mistyped_or_glued_site_line(site):
    article, _ = load(repost(f"by Marta Quellwood\nMay 3, 2012\nfrom\n{site}"))
    assert article.original_source == "Global Research"


def test_a_registered_outlet_after_the_name_is_no_part_of_it():
    article, _ = load(repost("by Prof. Marta Quellwood Global Research\nJanuary 8, 2009\n"
                             "from GlobalResearch Website"))
    assert article.authors == ("Marta Quellwood",)
    assert article.original_source == "Global Research"


# Kinds the fourth real set showed (tests/fixtures/real4) -------------------------------------

def test_a_german_block():
    article, _ = load(repost("von Marta Quellwood\n12. Mai 2012\naus Webseite\nHarbourJournal\n"
                             "Übersetzung von\nKurt Roe\nOriginalfassung"))
    assert (article.authors, article.date, article.original_source) == (
        ("Marta Quellwood",), PartialDate(year=2012, month=5, day=12), "HarbourJournal")
    assert article.contributors == (Contributor(role="translator", name="Kurt Roe"),)
    assert article.body.startswith(BODY_FIRST)


def test_da_introduces_the_site_and_a_degree_ends_a_name():
    article, _ = load(repost("by\nMarta Quellwood, Ph.D.\nHarbour Rising\n04 October 2008\nda\n"
                             "HarbourNet Website"))
    assert (article.authors, article.original_source) == (("Marta Quellwood",), "HarbourNet")


def test_a_couple_and_a_range_of_days():
    article, _ = load(repost("by Bill and Kathy Quellwood\nMarch 8-9, 2008\nfrom\n"
                             "HarbourPunch Website"))
    assert article.authors == ("Bill Quellwood", "Kathy Quellwood")
    assert article.date == PartialDate(year=2008, month=3)


@pytest.mark.parametrize(("block", "authors", "date"), [
    ("por el Prof. Marta Quellwood 28 Julio 2015 del Sitio Web GlobalResearch",
     ("Marta Quellwood",), PartialDate(year=2015, month=7, day=28)),
    ("by Marta Quellwood The Harbour Observer - UK 3-25-2003 from Rense Website",
     ("Marta Quellwood",), PartialDate(year=2003, month=3, day=25)),
])
def test_one_line_blocks_with_an_article_or_a_run_on_outlet(block, authors, date):
    article, _ = load(repost(block, gap=""))
    assert (article.authors, article.date) == (authors, date)


def test_a_numeric_date_whose_order_is_a_guess_is_not_read():
    article, _ = load(repost("by Marta Quellwood 3-5-2003 from Rense Website", gap=""))
    assert article.date is None
