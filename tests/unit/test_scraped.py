"""Scraped text (loaders/scraped.py with chrome.py, credits.py, attributions.py, candidates.py):
plain text, body-only text and saved web pages, read through load_source on invented .txt
texts."""

from __future__ import annotations

import pytest
from unit_helpers import make_source

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import load_source
from archivegen.model import Article
from archivegen.partial_date import PartialDate

# A paragraph long enough to read as prose (and to make a file more than an error page).
PARA = ("The council of the fictional town of Brackenmoor voted on Tuesday to close the old "
        "ferry landing for the winter, after a survey found that two of its timber piles had "
        "rotted through and could not carry the weight of a loaded cart.")
PARA2 = ("Residents who cross to the island every morning will have to use the road bridge "
         "further upstream, which adds some forty minutes to the journey each way, and the "
         "council has promised a shuttle bus for the months the landing stays shut.")

# Eight paragraphs: a body longer than the tail the reader looks at for credits.
LONG = "\n\n".join([PARA, PARA2] * 4)
BODIES = {"two paragraphs": f"{PARA}\n\n{PARA2}", "eight paragraphs": LONG}


def day(year: int, month: int, date: int) -> PartialDate:
    return PartialDate(year=year, month=month, day=date)


def load(text: str, path: str = "page.txt") -> tuple[Article | None, Diagnostics]:
    diags = Diagnostics()
    articles = load_source(make_source(text.encode(), path), diags)
    assert len(articles) <= 1
    return (articles[0] if articles else None), diags


def load_one(text: str, path: str = "page.txt") -> tuple[Article, Diagnostics]:
    article, diags = load(text, path)
    assert article is not None
    return article, diags


def codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(needle))


# 1. A byline first: no title ------------------------------------------------------------------

def test_byline_first_line_means_no_title():
    text = f"By Jane Roe\n\n{PARA}\n\n{PARA2}\n"
    article, diags = load_one(text)
    assert article.title == ""
    assert "AG014" in codes(diags)
    assert article.authors == ("Jane Roe",)
    assert article.provenance.layout == "body-only"
    assert article.body.startswith(PARA[:40])
    assert "Jane Roe" not in article.body
    assert article.body_line == 3


# 2. Bylines with a date, an outlet ------------------------------------------------------------

@pytest.mark.parametrize(("byline", "authors", "date", "source"), [
    ("By Jane Roe and Abel Marsh: April 4, 2016", ("Jane Roe", "Abel Marsh"),
     PartialDate(year=2016, month=4, day=4), ""),
    ("by Abel Marsh, 5 October 2010", ("Abel Marsh",), PartialDate(year=2010, month=10, day=5), ""),
    ("By Jane Roe, Brackenmoor Tribune November 15, 2018:", ("Jane Roe",),
     PartialDate(year=2018, month=11, day=15), "Brackenmoor Tribune"),
    ('By Jane Roe, "Heathfield Review"', ("Jane Roe",), None, "Heathfield Review"),
])
@pytest.mark.parametrize("with_title", [False, True])
def test_byline_with_date_and_outlet(byline, authors, date, source, with_title):
    head = "Ferry Landing Closed for the Winter\n\n" if with_title else ""
    text = f"{head}{byline}\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.authors == authors
    assert article.date == date
    assert article.original_source == source
    assert article.title == ("Ferry Landing Closed for the Winter" if with_title else "")
    assert byline not in article.body
    assert article.body.startswith(PARA[:40])


# 3. A credit line first ------------------------------------------------------------------------

def test_credit_line_first():
    text = f"Jane Roe, Heathfieldpost\n\n{PARA} {PARA2}\n"
    article, diags = load_one(text)
    assert article.title == ""
    assert "AG014" in codes(diags)
    assert article.authors == ("Jane Roe",)
    assert article.original_source == "Heathfieldpost"
    assert article.body.startswith(PARA[:40])
    assert "Heathfieldpost" not in article.body


# 4. A saved web page ---------------------------------------------------------------------------

WEB_PAGE = (
    "Skip to content\n"
    "Home | News | About | Contact\n"
    "Thread Rating:\n"
    "12 Vote(s) - 3.5 Average\n"
    "\n"
    "Ferry Landing Closed for the Winter\n"
    "\n"
    "By Jane Roe\n"
    "Heathfield Courier, October 5, 2010\n"
    "\n"
    f"{PARA}\n"
    "\n"
    f"{PARA2}\n"
)


def test_saved_web_page():
    article, diags = load_one(WEB_PAGE)
    assert article.provenance.layout == "web-page"
    assert article.title == "Ferry Landing Closed for the Winter"
    assert article.authors == ("Jane Roe",)
    assert article.date == PartialDate(year=2010, month=10, day=5)
    assert article.original_source == "Heathfield Courier"
    assert article.body.startswith(PARA[:40])
    for chrome in ("Skip to content", "Home | News", "Thread Rating", "Vote(s)", "By Jane Roe",
                   "Heathfield Courier"):
        assert chrome not in article.body
    footer = article.provenance.footer
    for chrome in ("Skip to content", "Home | News | About | Contact", "Thread Rating:"):
        assert chrome in footer
    assert article.body_line == line_of(WEB_PAGE, PARA[:40])
    assert "AG014" not in codes(diags)
    assert "AG025" not in codes(diags)


# 5. A blog --------------------------------------------------------------------------------------

BLOG = (
    "Jane's Weblog\n"
    "\n"
    "Thursday, April 23, 2009\n"
    "\n"
    "The Ferry That Never Came Back\n"
    "What happened to the Brackenmoor crossing?\n"
    "by Jane Roe\n"
    "janeroeblog.net (April 20 2009)\n"
    "Originally posted on Heathfield Courier (April 18 2009)\n"
    "\n"
    f"{PARA}\n"
    "\n"
    f"{PARA2}\n"
)


def test_blog_post():
    article, _ = load_one(BLOG)
    assert article.publisher == "Jane's Weblog"
    assert article.title == "The Ferry That Never Came Back"
    assert article.authors == ("Jane Roe",)
    assert article.date in (PartialDate(year=2009, month=4, day=23),
                            PartialDate(year=2009, month=4, day=20),
                            PartialDate(year=2009, month=4, day=18))
    assert article.original_source == "Heathfield Courier"
    for credit in ("by Jane Roe", "janeroeblog.net", "Originally posted", "Thursday, April"):
        assert credit not in article.body


# 6. A mailing-list archive ---------------------------------------------------------------------

MAIL = (
    "[brackenmoor-l] Ferry landing closed\n"
    "From: Gerrit Poster <gerrit@lists.example>\n"
    "Date: Thu Apr 23 2009 - 09:16:54 EDT\n"
    "\n"
    "Thought the list would want to see this.\n"
    "\n"
    "Ferry Landing Closed for the Winter\n"
    "\n"
    'By Jane Roe, "Heathfield Courier"\n'
    "\n"
    f"{PARA}\n"
    "\n"
    f"{PARA2}\n"
)


def test_mailing_list_archive():
    article, _ = load_one(MAIL)
    assert article.authors == ("Jane Roe",)
    assert "Gerrit Poster" not in article.authors
    assert article.original_source == "Heathfield Courier"
    assert "Gerrit Poster" not in article.body
    assert "Jane Roe" not in article.body


# 7. A breadcrumb and a "Posted on ... by ..." line ---------------------------------------------

def test_breadcrumb_and_posted_on_line():
    text = ("Home » News » Ferry Landing Closed for the Winter\n"
            "\n"
            "Ferry Landing Closed for the Winter\n"
            "\n"
            "Posted on July 29, 2016 by Jane Roe in News, US // 0 Comments\n"
            "\n"
            f"{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "Ferry Landing Closed for the Winter"
    assert article.date == PartialDate(year=2016, month=7, day=29)
    assert article.authors == ("Jane Roe",)
    assert "Posted on" not in article.body
    assert "Home »" not in article.body
    assert article.body.startswith(PARA[:40])


# 8. A deck before the headline -----------------------------------------------------------------

def test_sentence_case_deck_then_title_case_headline():
    text = ("the council says the old timber piles cannot carry a loaded cart any longer\n"
            "\n"
            "Ferry Landing Closed for the Whole Winter\n"
            "\n"
            f"{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "Ferry Landing Closed for the Whole Winter"
    assert article.provenance.layout == "plain-text"


# 9. A timestamp first --------------------------------------------------------------------------

def test_updated_timestamp_first_gives_no_title_and_no_date():
    text = f"Updated Dec. 25 at 3:53 pm E.T.\n\n{PARA}\n\n{PARA2}\n"
    article, diags = load_one(text)
    assert article.title == ""
    assert "AG014" in codes(diags)
    assert article.date is None
    assert "Updated Dec. 25" not in article.body
    assert article.body.startswith(PARA[:40])


# 10. An error page -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "ERROR\nThe requested page could not be found.\n",
    "ERROR\n\nThe server is busy.\nPlease try again later.\n",
    "404\nPage not found\n",
])
def test_error_page_is_no_article(text):
    article, diags = load(text, "broken.txt")
    assert article is None
    assert codes(diags) == ["AG002"]
    d = diags.items[0]
    assert d.level is Level.WARNING
    assert d.location.path == "broken.txt"


def test_short_real_article_still_reads():
    article, diags = load("Other news\n\nFine.\n")
    assert article is not None
    assert article.title == "Other news"
    assert article.body == "Fine."
    assert "AG002" not in codes(diags)


# 11. Lead tags ---------------------------------------------------------------------------------

def test_lead_tag_names_publisher():
    text = f"Ferry Landing Closed\n\n(BrackenNews) {PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.publisher == "BrackenNews"
    assert article.original_source == ""


def test_wire_dateline_names_original_source():
    text = (f"Ferry Landing Closed\n\nBRACKENMOOR, WESSEX (The Heathfield Report)\u2014{PARA}\n\n"
            f"{PARA2}\n")
    article, _ = load_one(text)
    assert article.original_source == "The Heathfield Report"
    assert article.publisher == ""


def test_agency_lead_tag_names_original_source():
    text = f"Ferry Landing Closed\n\n(Reuters) - {PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.original_source == "Reuters"
    assert article.publisher == ""


# 12. Tail credits ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_tail_reprinted_with_permission(body):
    text = f"Ferry Landing Closed\n\n{body}\n\nReprinted with permission from Example.com.\n"
    article, _ = load_one(text)
    assert article.title == "Ferry Landing Closed"
    assert article.original_source == "Example.com"
    origin = [f for f in article.provenance.fields if f.name == "original_source"]
    assert [f.line for f in origin] == [line_of(text, "Reprinted with permission")]


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
@pytest.mark.parametrize("box", [
    "Older articles by Jane Roe",
    "Jane Roe is the author of The Ferrymen of Brackenmoor (Heathfield Books, 2009).",
])
def test_tail_author_box_gives_authors_without_byline(box, body):
    text = f"Ferry Landing Closed\n\n{body}\n\n{box}\n"
    article, _ = load_one(text)
    assert article.authors == ("Jane Roe",)


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_byline_wins_over_tail_author_box(body):
    text = f"Ferry Landing Closed\n\nBy Abel Marsh\n\n{body}\n\nOlder articles by Jane Roe\n"
    article, _ = load_one(text)
    assert article.authors == ("Abel Marsh",)


# 13. A site naming itself ----------------------------------------------------------------------

def test_subscribe_line_names_publisher():
    text = (f"Subscribe to Brackenmoor Free Press for FREE\n\nFerry Landing Closed\n\n{PARA}\n\n"
            f"{PARA2}\n")
    article, _ = load_one(text)
    assert article.publisher == "Brackenmoor Free Press"
    assert "Subscribe to" not in article.body


def test_donate_line_in_head_names_publisher():
    text = f"Ferry Landing Closed\n\nDonate to Heathfield Research.\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.publisher == "Heathfield Research"
    assert article.title == "Ferry Landing Closed"


# 14. Title suffix ------------------------------------------------------------------------------

def test_title_section_suffix_is_not_publisher():
    article, _ = load_one(f"Ferry Landing Closed | Articles\n\n{PARA}\n")
    assert article.title == "Ferry Landing Closed"
    assert article.publisher == ""


def test_title_site_suffix_is_publisher():
    article, _ = load_one(f"Ferry Landing Closed | Heathfield Wire\n\n{PARA}\n")
    assert article.title == "Ferry Landing Closed"
    assert article.publisher == "Heathfield Wire"


# 15. "Article originally published in 2014" under the title ----------------------------------

def test_originally_published_note_gives_year():
    text = (f"Ferry Landing Closed\n\nNote: Article originally published in 2014.\n\n{PARA}\n\n"
            f"{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "Ferry Landing Closed"
    assert article.date == PartialDate(year=2014)
    assert "originally published" not in article.body


# 16. Never invent -------------------------------------------------------------------------------

def test_body_only_quoting_dates_places_names_invents_nothing():
    text = ("On May 3, 2012, John Smith said in London that the ferry would never run again, "
            "and the council of Brackenmoor agreed with him at its meeting of June 9, 2012.\n"
            "\n"
            "Mary Jones, a ferryman's daughter from Heathfield, told the Brackenmoor Gazette "
            "on 4 July 2012 that the town had lost more than a crossing.\n")
    article, diags = load_one(text)
    assert article.title == ""
    assert "AG014" in codes(diags)
    assert article.provenance.layout == "body-only"
    assert article.date is None
    assert article.authors == ()
    assert article.contributors == ()
    assert article.publisher == ""
    assert article.original_source == ""
    assert article.body == text.strip("\n")
    assert {d.date for d in article.provenance.other_dates} >= {
        PartialDate(year=2012, month=5, day=3), PartialDate(year=2012, month=6, day=9)}


# 17. An empty label ------------------------------------------------------------------------------

def test_empty_region_label_gives_no_region_and_leaves_body():
    text = f"Ferry Landing Closed\n\nRegion: ,\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.title == "Ferry Landing Closed"
    assert article.regions == ()
    assert "Region:" not in article.body
    assert article.body.startswith(PARA[:40])


# Kinds the second real set showed (tests/fixtures/real2) -------------------------------------

@pytest.mark.parametrize(("first", "date"), [
    ("Vatican City, Jan 24, 2018 / 04:26 am (Harbour Wire News).- ", day(2018, 1, 24)),
    ("Park City, Utah (HWN)", None),
    ("Feb 9 (Harbour Wire) - ", None),
])
def test_dateline_before_an_agency_tag(first, date):
    text = f"A Ferry Landing Closes for the Winter\n\n{first}{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.original_source.startswith(("Harbour Wire", "HWN"))
    assert article.publisher == ""
    assert article.date == date


def test_a_sentence_with_a_gloss_in_brackets_is_no_dateline():
    text = ("A Ferry Landing Closes\n\nThe Mayor (Jane Roe) - a ferry user herself - said so."
            f"\n\n{PARA}\n")
    article, _ = load_one(text)
    assert article.original_source == ""


def test_segmented_meta_line():
    text = (f"The Integrated Ferry Platforms\n\nnews.brackenmoor.net / By: Jane Roe, Ferry "
            f"Gazette / 26 December 2017\n\n{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert (article.authors, article.date, article.original_source) == (
        ("Jane Roe",), day(2017, 12, 26), "Ferry Gazette")
    assert "By: Jane Roe" not in article.body


def test_widget_lines_are_not_the_headline():
    text = (f"Mission must be at the heart of the ferry service, mayor says\n\n"
            f"Headline: Ferry Coins Exceed the Bridge! Ferry Stocks Are Next!\n\n{PARA}\n")
    article, _ = load_one(text)
    assert article.title == "Mission must be at the heart of the ferry service, mayor says"
    assert "Headline:" not in article.body


def test_poster_line_without_date_then_byline():
    text = f"Posted on by harbourblogger\n\nby Jane Roe\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert (article.title, article.authors) == ("", ("Jane Roe",))


def test_post_date_above_the_headline_and_outlet_dash_byline():
    text = (f"Saturday, 3 September 2011\n\nThe Ferry Insurgency in Brackenmoor\n\n\n"
            f"Harbour Research - by Jane Roe:\n{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "The Ferry Insurgency in Brackenmoor"
    assert (article.authors, article.original_source) == (("Jane Roe",), "Harbour Research")
    assert article.date == day(2011, 9, 3)


def test_dated_by_line_under_the_headline():
    text = f"Ferry Video Reviewed\n\nMarch 29th, 2023 by The Harbour Network\n\n{PARA}\n"
    article, _ = load_one(text)
    assert (article.authors, article.date) == (("The Harbour Network",), day(2023, 3, 29))


def test_name_alone_under_the_headline_is_the_byline():
    text = f"Is Brackenmoor Tilting Toward the Island?\n\nXuan Loc DOAN\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.authors == ("Xuan Loc DOAN",)
    assert "Xuan Loc DOAN" not in article.body


def test_a_short_heading_under_the_headline_is_not_a_name():
    text = f"Ferry Landing Closes\n\nWhat Happens Next\n\n{PARA}\n"
    article, _ = load_one(text)
    assert article.authors == ()


def test_headline_over_two_lines_with_credits_under_it():
    text = ("The 10 big ferry stories the mainstream\nmedia ignored in 2008\n"
            f"Harbour Censored, www.harbourcensored.org\n{PARA}\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "The 10 big ferry stories the mainstream media ignored in 2008"


def test_masthead_above_the_headline_is_the_publisher():
    text = (f"www.globalresearch.ca\nCentre for Research on Globalisation\n\n"
            f"The Predatory Policies of the Ferry Board\n\nby Jane Roe\n\n{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.publisher == "Global Research"
    assert article.title == "The Predatory Policies of the Ferry Board"
    assert article.authors == ("Jane Roe",)


def test_outlet_line_under_the_headline_is_the_source():
    text = (f"The Ferry Heroin Trade\nCentre for Research on Globalisation\n6 April 2004\n"
            f"{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert (article.original_source, article.publisher) == ("Global Research", "")
    assert article.date == day(2004, 4, 6)


def test_headline_repeated_under_its_date_is_no_blog_name():
    text = (f"This Ferry Story Proves the Point\n\nNovember 29, 2018\n"
            f"This Ferry Story Proves the Point\n{PARA}\n")
    article, _ = load_one(text)
    assert (article.title, article.publisher) == ("This Ferry Story Proves the Point", "")
    assert not article.body.startswith("This Ferry Story")


def test_last_line_alone_an_address_credits_the_source():
    text = f"Ferry Landing Closes\n\n{PARA}\n\n{PARA2}\n\nharbourtimes.com\n"
    article, _ = load_one(text)
    assert article.original_source == "harbourtimes.com"


def test_originally_published_by_writer_at_outlet():
    text = (f"Ferry Receipt Shows a Second Guest\n\nThis report was originally published by "
            f"Jane Roe at Harbourwars\n{PARA}\n")
    article, _ = load_one(text)
    assert (article.authors, article.original_source) == (("Jane Roe",), "Harbourwars")


def test_german_posted_date_is_day_first():
    text = f"Wer ist der Fährmann?\n\nvon Jane Roe\n\nGepostet 12.9.2001\n\n{PARA}\n"
    article, _ = load_one(text)
    assert (article.authors, article.date) == (("Jane Roe",), day(2001, 9, 12))


# Kinds the third real set showed (tests/fixtures/real3) --------------------------------------

def test_byline_with_an_outlet_after_a_slash():
    text = f"By Jane Roe / Ferry Gazette\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert (article.authors, article.original_source) == (("Jane Roe",), "Ferry Gazette")


def test_dated_byline_with_a_dash_and_an_outlet_of_several_words():
    text = ("[News] Permanent Aggression on the Harbour\n\nFri Mar 12 11:36:21 EST 2010\n\n"
            f"March 12th 2010, by Jane Roe - Correo del Puerto International\n\n{PARA}\n")
    article, _ = load_one(text)
    assert article.title == "Permanent Aggression on the Harbour"
    assert (article.authors, article.original_source) == (
        ("Jane Roe",), "Correo del Puerto International")


@pytest.mark.parametrize("suffix", [" by Jane Roe", "/ By Prof. Jane Roe"])
def test_the_authors_name_pasted_into_the_title_is_cut(suffix):
    text = f"Permanent Aggression on the Harbour{suffix}\n\nby Jane Roe\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.title == "Permanent Aggression on the Harbour"


def test_a_title_ending_in_by_someone_else_is_kept():
    text = f"Killed by Ferry Officers\n\nby Jane Roe\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.title == "Killed by Ferry Officers"


def test_forum_archive_chrome_and_the_source_address_under_the_headline():
    text = ("PDA\n\nView Full Version : Martial Law on the Ferry\n\nharbourfan\n"
            "01-09-2009, 09:38 AM\nMartial Law on the Ferry\n\n"
            "http://harbourtruth.org/article.php?story=2009\n\nby Jane Roe\nJanuary 7, 2009\n\n"
            f"{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "Martial Law on the Ferry"
    assert (article.authors, article.original_source) == (("Jane Roe",), "harbourtruth.org")
    assert article.date == day(2009, 1, 7)


@pytest.mark.parametrize(("line", "source"), [
    ("The post Ferry Stars Pushed Around appeared first on Harbour Today.", "Harbour Today"),
    ("Article posted with permission from Sons Of The Harbour Media", "Sons Of The Harbour Media"),
])
def test_tail_syndication_lines_credit_the_source(line, source):
    text = f"Ferry Stars Pushed Around\n\n{PARA}\n\n{PARA2}\n\n{line}\n"
    article, _ = load_one(text)
    assert article.original_source == source


def test_a_quoted_articles_byline_further_down_is_read_but_an_embed_caption_is_not():
    lines = [f"Sentence number {n} of the commentary goes on for more than twelve words here."
             for n in range(4)]
    quoted = "\n".join(["Harbour Tribune Sues the Ferry Board", "", *lines,
                        "By Jane Roe, Harbour Tribune, September 26, 2018:", PARA])
    article, _ = load_one(quoted)
    assert (article.authors, article.original_source) == (("Jane Roe",), "Harbour Tribune")
    caption = "\n".join(["Pit Bull Reporter Hounds the Ferry Board", "", *lines,
                         "Posted by Jane Roe on Monday, September 3, 2018", PARA])
    article, _ = load_one(caption)
    assert article.authors == ()


def test_name_outlet_and_date_lines_under_the_headline_past_widgets():
    text = ("Feds Seize the Ferry\n\n% of readers think this story is Fact. Add your two cents."
            "\n\nJames O\u2019Toole\n\nHarbour Money\n\nOctober 26, 2013\n\n"
            f"{PARA}\n\nTags: ferries, harbour news\n\n{PARA2}\n")
    article, diags = load_one(text)
    assert article.authors == ("James O\u2019Toole",)
    assert article.date == day(2013, 10, 26)
    assert article.tags == ("ferries", "harbour news")
    assert "AG025" not in codes(diags)


# Kinds the fourth real set showed (tests/fixtures/real4) -------------------------------------

def test_a_photo_caption_first_is_no_headline():
    text = (f"The mayor, right, with the ferryman ( HARBOUR/Jane Roe/Harbour Wire )\n\n{PARA}\n\n"
            f"{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == ""


def test_a_list_of_short_lines_is_no_headline():
    text = f"Fermented herring\n\nKefir\n\nPickled kelp\n\n(HarbourNews) {PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert (article.title, article.publisher) == ("", "HarbourNews")


def test_name_writes_line():
    text = f"The Ferry Fund Shifts the Blame\n\nJane Roe writes:\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.authors == ("Jane Roe",)


@pytest.mark.parametrize(("first", "source"), [
    ("Washington (HWN) ", "HWN"),
    ("LUMENHAVEN, Harbourshire (The Adobo Wire, Washington Bureau) \u2013 ", "The Adobo Wire"),
])
def test_more_datelines(first, source):
    text = f"Ferry Landing Closes\n\n{first}{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.original_source == source


def test_a_person_then_the_outlet_and_a_posted_date():
    text = (f"Thursday, April 17, 2008\n\nTorturers on the Ferry\n\nBy Jane Roe, The Progressive "
            f"Harbour. Posted April 17, 2008.\n\n{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert (article.authors, article.original_source) == (("Jane Roe",),
                                                          "The Progressive Harbour")


def test_the_sites_editors_note_names_it():
    text = f"Who's Who at the Ferry?\n\nHarbour Research Editor's Note\n\n{PARA}\n\n{PARA2}\n"
    article, _ = load_one(text)
    assert article.publisher == "Harbour Research"


def test_a_byline_run_into_the_first_sentence():
    text = ("Wednesday, 26 November 2008\n\nColossal Ferry Collapse\n\nby Jane Roe from Harbour "
            f"Research 25 November 2008 On Friday the ferry board met. {PARA}\n")
    article, _ = load_one(text)
    assert (article.authors, article.original_source) == (("Jane Roe",), "Harbour Research")
    assert article.date == day(2008, 11, 25)


def test_the_byline_followed_by_its_outlet_wins_over_a_posters():
    text = ("Bail-in and the Ferry Deposits\n\nSaturday, April 13, 2013\nBy Paul Poster\n\n"
            "By Jane Roe and Prof John Roe\nGlobal Research\nApril 13, 2013\n\n"
            f"{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.authors == ("Jane Roe", "John Roe")
    assert article.original_source == "Global Research"


def test_a_breadcrumb_names_the_headline_past_foreign_chrome():
    chrome_lines = "\n\n".join(["\u0411\u0430\u043d\u0435\u0440"] * 12)
    text = (f"{chrome_lines}\n\nHome > In English > Who Runs the Ferry?\nIn English\n\n"
            f"Who Runs the Ferry?\n\nJane Roe\n\n{PARA}\n\n{PARA2}\n")
    article, _ = load_one(text)
    assert article.title == "Who Runs the Ferry?"


def test_hard_wrapped_lines_are_prose_not_headlines():
    wrapped = ("The following is an excerpt of a chapter by Jane Roe from the\n"
               "new book by Harbour Publishers, which the ferry board did not like\n"
               "at all, and said so in a statement of its own on Tuesday.\n")
    text = (f"Secretive Plan For a Ferry Currency\n\nBy Jane Roe\n\nHarbour Research, March 17, "
            f"2011\n\n{wrapped}\nLondon, April 2, 2009\n\n{PARA}\n")
    article, _ = load_one(text)
    assert article.date == day(2011, 3, 17)
    assert "London, April 2, 2009" in article.body
