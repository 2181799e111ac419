"""loaders/globalresearch.py on the real seed file and on in-memory variants of its layout."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from unit_helpers import make_source

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import globalresearch
from archivegen.load.layouts.text import decode
from archivegen.model import Article
from archivegen.partial_date import PartialDate

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_680446ff0202b48e.txt"

FOOTER = """\
If you're able, and if you like our content and approach, please support the project. PayPal: x@y.z

The original source of this article is [South Front](#)

Copyright © [South Front](#), [South Front](#), 2017

Disclaimer: The contents of this article are of sole responsibility of the author(s)."""


def load_text(text: str, path: str = "x.txt") -> tuple[Article | None, Diagnostics]:
    diags = Diagnostics()
    articles = globalresearch.load(text, make_source(text.encode(), path), diags)
    assert len(articles) <= 1
    return (articles[0] if articles else None), diags


def gr_text(*header: str, body: str = "First paragraph of the body.\n\nSecond one.",
            footer: str = FOOTER, title: str = "A Title") -> str:
    parts = [title, *header, body]
    if footer:
        parts.append(footer)
    return "\n\n".join(parts) + "\n"


def field_lines(article: Article) -> dict[str, int]:
    return {f.name: f.line for f in article.provenance.fields}


@pytest.fixture(scope="module")
def seed() -> tuple[Article, Diagnostics]:
    data = SEED.read_bytes()
    diags = Diagnostics()
    source = make_source(data, SEED.name)
    text = decode(source, diags)
    assert text is not None
    (article,) = globalresearch.load(text, source, diags)
    assert article is not None
    return article, diags


# --- the seed ----------------------------------------------------------------------------------

def test_seed_fields(seed):
    article, diags = seed
    assert not diags.items
    assert article.title == ("Breaking: Situation Escalates at Syrian-Iraqi Border. Towards a "
                             "Dangerous Standoff between U.S Special Forces and Syria's Arab Army?")
    assert article.authors == ("South Front",)
    assert article.date == PartialDate(year=2017, month=5, day=30)
    assert article.publisher == "Global Research"
    assert article.original_source == "South Front"
    assert article.regions == ("Middle East & North Africa",)
    assert article.themes == ("Terrorism", "US NATO War Agenda")
    assert article.reports == ("SYRIA",)
    assert article.tags == ()
    assert article.provenance.layout == "global-research"
    assert article.provenance.source_path == SEED.name
    assert article.provenance.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_seed_field_origins(seed):
    article, _ = seed
    # Line 9, "[South Front](#)", repeats the byline's author: the author line, not the source;
    # the source is the footer's statement on line 39.
    assert field_lines(article) == {"title": 3, "authors": 5, "date": 7, "publisher": 7,
                                    "original_source": 39, "regions": 11, "themes": 13,
                                    "reports": 15}
    rules = {f.name: f.rule for f in article.provenance.fields}
    assert rules["title"] == "gr.first-line"
    assert rules["authors"] == "gr.byline"
    assert rules["original_source"] == "gr.footer-source"
    names = [f.name for f in article.provenance.fields]
    assert len(names) == len(set(names))


def test_seed_field_lines_point_at_the_right_text(seed):
    article, _ = seed
    lines = SEED.read_text("utf-8").split("\n")
    lines_of = field_lines(article)
    assert lines[lines_of["title"] - 1].startswith("Breaking:")
    assert lines[lines_of["authors"] - 1].startswith("By ")
    assert lines[lines_of["date"] - 1] == "Global Research, May 30, 2017"
    assert lines[lines_of["original_source"] - 1] == (
        "The original source of this article is [South Front](#)")
    assert lines[lines_of["regions"] - 1].startswith("Region:")
    assert lines[lines_of["themes"] - 1].startswith("Theme:")
    assert lines[lines_of["reports"] - 1].startswith("In-depth Report:")


def test_seed_body_bounds(seed):
    article, _ = seed
    assert article.body.startswith("The US-led coalition is desperately trying")
    last = article.body.split("\n\n")[-1]
    assert last.startswith("Last weekend, reports appeared")
    assert article.body.endswith("US-backed force is not considering this option.")
    assert article.body_line == 17
    lines = SEED.read_text("utf-8").split("\n")
    assert lines[article.body_line - 1].startswith("The US-led coalition")


def test_seed_body_has_no_header_or_footer(seed):
    article, _ = seed
    for boilerplate in ("Region:", "Theme:", "In-depth Report:", "Global Research, May",
                        "If you're able", "PayPal", "original source of this article",
                        "Copyright", "Disclaimer", "publications@globalresearch.ca"):
        assert boilerplate not in article.body


def test_seed_body_keeps_split_paragraph_and_repeat_for_repair(seed):
    article, _ = seed
    assert "the SAA\n\nmay just outflank it" in article.body
    assert article.body.count("Warplanes of the Russian and Syrian air forces") == 2


def test_seed_footer(seed):
    article, _ = seed
    footer = article.provenance.footer
    assert footer.startswith("If you're able")
    assert "The original source of this article is [South Front](#)" in footer
    assert "Disclaimer:" in footer
    assert footer.endswith("For media inquiries: publications@globalresearch.ca")
    assert "Last weekend" not in footer


def test_seed_body_and_footer_cover_everything_after_the_header(seed):
    article, _ = seed
    text = SEED.read_text("utf-8")
    tail = text.split("\n", article.body_line - 1)[-1]
    assert tail.strip() == article.body + "\n\n" + article.provenance.footer


# --- variants ----------------------------------------------------------------------------------

SOURCE_LINE = "[South Front](#)"
DATELINE = "Global Research, May 30, 2017"
FOOTER_NO_SOURCE = "Copyright © [X](#), 2017\n\nDisclaimer: The contents of this article are ..."


def test_minimal_variant_reads_all_fields():
    text = gr_text("By [A](#)", DATELINE, SOURCE_LINE, "Region: [R](#)", "Theme: [T](#)",
                   "In-depth Report: [X](#)")
    article, diags = load_text(text)
    assert not diags.items
    assert article.authors == ("A",)
    assert article.original_source == "South Front"
    assert (article.regions, article.themes, article.reports) == (("R",), ("T",), ("X",))
    assert article.body == "First paragraph of the body.\n\nSecond one."
    # The footer states the same source (line 21): its statement is the field's origin.
    assert field_lines(article) == {"title": 1, "authors": 3, "date": 5, "publisher": 5,
                                    "original_source": 21, "regions": 9, "themes": 11,
                                    "reports": 13}
    assert article.body_line == 15


def test_lone_source_link_names_the_source_when_the_footer_is_silent():
    text = gr_text("By [A](#)", DATELINE, SOURCE_LINE, "Region: [R](#)",
                   footer=FOOTER_NO_SOURCE)
    article, diags = load_text(text)
    assert not diags.items
    assert article.original_source == "South Front"
    rules = {f.name: (f.line, f.rule) for f in article.provenance.fields}
    assert rules["original_source"] == (7, "gr.source-link")


def test_two_authors():
    article, _ = load_text(gr_text("By [A](#) and [B](#)", DATELINE, "Region: [R](#)"))
    assert article.authors == ("A", "B")


def test_three_authors_with_commas_and_diacritics():
    article, _ = load_text(gr_text("By [Gearóid Ó Colmáin](#), [B](#) and [C](#)", DATELINE))
    assert article.authors == ("Gearóid Ó Colmáin", "B", "C")


def test_plain_text_byline():
    article, _ = load_text(gr_text("By Jane Doe and John Roe", DATELINE, "Region: [R](#)"))
    assert article.authors == ("Jane Doe", "John Roe")


def test_no_original_source_line():
    article, diags = load_text(gr_text("By [A](#)", DATELINE, "Region: [R](#)",
                                       "Theme: [T](#)", footer=FOOTER_NO_SOURCE))
    assert not diags.items
    assert article.original_source == ""
    assert "original_source" not in field_lines(article)
    assert article.regions == ("R",)
    assert article.themes == ("T",)
    assert article.body.startswith("First paragraph")


def test_no_in_depth_report_line():
    article, _ = load_text(gr_text("By [A](#)", DATELINE, SOURCE_LINE, "Region: [R](#)",
                                   "Theme: [T](#)"))
    assert article.reports == ()
    assert "reports" not in field_lines(article)
    assert article.body.startswith("First paragraph")


def test_several_regions_and_themes():
    article, _ = load_text(gr_text(
        "By [A](#)", DATELINE, SOURCE_LINE,
        "Region: [Middle East & North Africa](#), [Europe](#), [Russia and FSU](#)",
        "Theme: [Terrorism](#), [US NATO War Agenda](#)"))
    assert article.regions == ("Middle East & North Africa", "Europe", "Russia and FSU")
    assert article.themes == ("Terrorism", "US NATO War Agenda")


def test_plural_labels():
    article, _ = load_text(gr_text("By [A](#)", DATELINE, "Regions: [R1](#), [R2](#)",
                                   "Themes: [T](#)", "In-depth Reports: [X](#)"))
    assert article.regions == ("R1", "R2")
    assert article.themes == ("T",)
    assert article.reports == ("X",)


def test_tags_label():
    article, _ = load_text(gr_text("By [A](#)", DATELINE, "Region: [R](#)",
                                   "Tags: Ferries, Councils"))
    assert article.tags == ("Ferries", "Councils")
    assert article.body.startswith("First paragraph")


def test_a_tags_line_is_no_mark_of_the_layout():
    assert not globalresearch.sniff("Title\n\nTags: a, b\n\n" + DATELINE + "\n\nBody.\n", "x.txt")


def test_header_lines_without_blank_lines_between():
    text = "Title\nBy [A](#)\n" + DATELINE + "\n[Src](#)\nRegion: [R](#)\n\nBody text.\n"
    article, _ = load_text(text)
    assert article.authors == ("A",)
    assert article.original_source == "Src"
    assert article.regions == ("R",)
    assert article.body == "Body text."
    assert field_lines(article)["regions"] == 5
    assert article.body_line == 7


def test_file_without_footer_keeps_body_whole():
    body = ("Opening paragraph.\n\nMiddle paragraph.\n\n"
            "Readers who wish to donate can support our work via PayPal.")
    article, diags = load_text(gr_text("By [A](#)", DATELINE, "Region: [R](#)", body=body,
                                       footer=""))
    assert not diags.items
    assert article.body == body
    assert article.provenance.footer == ""


def test_appeal_not_right_before_footer_stays_in_body():
    body = ("Please support our work and donate.\n\nA normal closing paragraph.")
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body=body))
    assert article.body == body
    assert article.provenance.footer.startswith("If you're able")


@pytest.mark.parametrize("appeal", [
    "Global Research is a reader-funded media. We do not accept any funding from corporations "
    "or governments. Help us stay afloat. Click the image below to make a one-time or recurring "
    "donation.",
    "Note to readers: Please click the share buttons above or below. Follow us on Instagram and "
    "Twitter and subscribe to our Telegram Channel. Feel free to repost and share widely Global "
    "Research articles.",
    "Click the share button below.\nFollow us on Twitter.",
])
def test_site_notes_right_before_the_footer_are_footer(appeal):
    footer = appeal + "\n\nThe original source of this article is [X](#)"
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body="Only paragraph.", footer=footer))
    assert article.body == "Only paragraph."
    assert article.provenance.footer == footer


def test_one_share_phrase_before_the_footer_stays_body():
    body = "Only paragraph.\n\nThe minister asked people to share widely the new numbers."
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body=body,
                                   footer="The original source of this article is [X](#)"))
    assert article.body == body


def test_footer_without_appeal_starts_at_original_source_line():
    footer = "The original source of this article is [X](#)\n\nCopyright © [X](#), 2017"
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body="Only paragraph.", footer=footer))
    assert article.body == "Only paragraph."
    assert article.provenance.footer == footer


def test_unparseable_date_warns_and_leaves_date_empty():
    text = gr_text("By [A](#)", "Global Research, February 30, 2017", "Region: [R](#)")
    article, diags = load_text(text)
    assert article is not None
    assert article.date is None
    assert article.publisher == "Global Research"
    assert [d.code for d in diags.items] == ["AG013"]
    d = diags.items[0]
    assert d.level is Level.WARNING
    assert (d.location.path, d.location.line, d.location.col) == ("x.txt", 5, 18)
    assert "February 30, 2017" in d.message
    assert "date" not in field_lines(article)


def test_unparseable_date_does_not_stop_the_rest_of_the_header():
    text = gr_text("By [A](#)", "Global Research, Febtember 30, 2017", SOURCE_LINE,
                   "Region: [R](#)", "Theme: [T](#)", "In-depth Report: [X](#)")
    article, diags = load_text(text)
    assert [d.code for d in diags.items] == ["AG013"]
    assert article.date is None
    assert article.original_source == "South Front"
    assert (article.regions, article.themes, article.reports) == (("R",), ("T",), ("X",))
    assert article.body.startswith("First paragraph")
    assert "Region:" not in article.body


def test_markdown_heading_title_is_stripped():
    article, _ = load_text(gr_text("By [A](#)", DATELINE, title="# A **Bold** Title"))
    assert article.title == "A Bold Title"


def test_leading_blank_lines_shift_title_line():
    article, _ = load_text("\n\n\n" + gr_text("By [A](#)", DATELINE))
    assert field_lines(article)["title"] == 4
    assert field_lines(article)["authors"] == 6


# --- the author line and the footer's source --------------------------------------------------

LABELS = ("Region: [R](#)", "Theme: [T1](#), [T2](#)", "In-depth Report: [X](#)")


def footer_naming(source: str) -> str:
    return FOOTER.replace("[South Front](#)", f"[{source}](#)")


TWO = ("Ann Lee", "Bo Chen")


@pytest.mark.parametrize("byline, author_line, authors", [
    ("By [Ann Lee](#) and [Bo Chen](#)", "[Ann Lee](#) and [Bo Chen](#)", TWO),
    ("By [Ann Lee](#), [Bo Chen](#) and [Cy Diaz](#)",
     "[Ann Lee](#), [Bo Chen](#) and [Cy Diaz](#)", (*TWO, "Cy Diaz")),
    ("By [Ann Lee](#) & [Bo Chen](#)", "**[Ann Lee](#)** & **[Bo Chen](#)**", TWO),
    ("By [Ann Lee](#) and [Bo Chen](#)", "[Bo Chen](#), [Ann Lee](#)", TWO),
    ("By Ann Lee and Bo Chen", "[ann lee](#) and [BO CHEN](#)", TWO),
    ("By [Ann Lee](#) and [Bo Chen](#)", "[Ann Lee](#)", TWO),
])
def test_author_line_is_header_and_the_labels_after_it_are_read(byline, author_line, authors):
    text = gr_text(byline, DATELINE, author_line, *LABELS, footer=footer_naming("Wire"))
    article, diags = load_text(text)
    assert not diags.items
    assert article.authors == authors
    assert (article.regions, article.themes, article.reports) == (("R",), ("T1", "T2"), ("X",))
    assert article.original_source == "Wire"
    assert article.body == "First paragraph of the body.\n\nSecond one."
    assert article.body_line == 15
    # The byline is where the authors come from; the author line adds no origin.
    assert [(f.line, f.rule) for f in article.provenance.fields if f.name == "authors"] == [
        (3, "gr.byline")]


def test_author_line_may_name_a_credited_translator():
    text = gr_text("By [Ann Lee](#)", "Translated by [Bo Chen](#)", DATELINE,
                   "[Ann Lee](#) and [Bo Chen](#)", *LABELS, footer=footer_naming("Wire"))
    article, diags = load_text(text)
    assert not diags.items
    assert article.authors == ("Ann Lee",)
    assert [c.name for c in article.contributors] == ["Bo Chen"]
    assert article.regions == ("R",)
    assert article.body.startswith("First paragraph")


def test_one_author_line_is_not_the_source():
    text = gr_text("By [Ann Lee](#)", DATELINE, "[Ann Lee](#)", *LABELS,
                   footer=footer_naming("Wire"))
    article, diags = load_text(text)
    assert not diags.items
    assert article.authors == ("Ann Lee",)
    assert article.original_source == "Wire"
    lines = text.split("\n")
    origin = next(f for f in article.provenance.fields if f.name == "original_source")
    assert origin.rule == "gr.footer-source"
    assert lines[origin.line - 1] == "The original source of this article is [Wire](#)"


def test_one_author_line_and_a_silent_footer_give_no_source():
    text = gr_text("By [Ann Lee](#)", DATELINE, "[Ann Lee](#)", *LABELS, footer=FOOTER_NO_SOURCE)
    article, diags = load_text(text)
    assert not diags.items
    assert article.original_source == ""
    assert article.regions == ("R",)


def test_author_line_then_source_link():
    text = gr_text("By [Ann Lee](#)", DATELINE, "[Ann Lee](#)", "[Wire](#)", *LABELS,
                   footer=FOOTER_NO_SOURCE)
    article, _ = load_text(text)
    assert article.original_source == "Wire"
    assert article.regions == ("R",)


def test_footer_source_wins_over_a_header_link_and_says_so():
    text = gr_text("By [Ann Lee](#)", DATELINE, "[Other Wire](#)", *LABELS,
                   footer=footer_naming("Wire"))
    article, diags = load_text(text)
    assert article.original_source == "Wire"
    assert [(d.code, d.level, d.location.line) for d in diags.items] == [
        ("AG021", Level.WARNING, 7)]
    assert "Other Wire" in diags.items[0].message
    assert [f.rule for f in article.provenance.fields if f.name == "original_source"] == [
        "gr.footer-source"]
    assert article.regions == ("R",)
    assert "Other Wire" not in article.body


def test_footer_source_in_plain_text():
    footer = "The original source of this article is Global Research.\n\nCopyright © X, 2017"
    article, _ = load_text(gr_text("By [A](#)", DATELINE, *LABELS, footer=footer))
    assert article.original_source == "Global Research"


def test_source_in_the_body_is_not_the_footer_statement():
    body = ("First paragraph.\n\nThe original source of this article is [Wire](#), they said."
            "\n\nA closing paragraph of the article.")
    article, _ = load_text(gr_text("By [A](#)", DATELINE, *LABELS, body=body, footer=""))
    assert article.original_source == ""
    assert article.body == body


def test_no_byline_two_names_are_the_authors():
    text = gr_text(DATELINE, "[Ann Lee](#) and [Bo Chen](#)", *LABELS, footer=FOOTER_NO_SOURCE)
    article, diags = load_text(text)
    assert not diags.items
    assert article.authors == ("Ann Lee", "Bo Chen")
    assert [(f.line, f.rule) for f in article.provenance.fields if f.name == "authors"] == [
        (5, "gr.author-line")]
    assert article.original_source == ""
    assert article.regions == ("R",)


def test_no_byline_one_name_is_the_source_when_the_footer_says_nothing():
    article, _ = load_text(gr_text(DATELINE, "[Wire](#)", *LABELS, footer=FOOTER_NO_SOURCE))
    assert article.authors == ()
    assert article.original_source == "Wire"


def test_no_byline_one_name_is_the_source_the_footer_states():
    article, diags = load_text(gr_text(DATELINE, "[Wire](#)", *LABELS,
                                       footer=footer_naming("Wire")))
    assert not diags.items
    assert article.authors == ()
    assert article.original_source == "Wire"


def test_no_byline_one_name_the_footer_rules_out_as_source_is_the_author():
    article, diags = load_text(gr_text(DATELINE, "[Ann Lee](#)", *LABELS,
                                       footer=footer_naming("Wire")))
    assert not diags.items
    assert article.authors == ("Ann Lee",)
    assert article.original_source == "Wire"


def test_no_byline_articles_by_confirms_the_author_line():
    footer = ("The original source of this article is [Ann Lee](#)\n\n"
              "Articles by: **[Ann Lee](#)**")
    article, _ = load_text(gr_text(DATELINE, "[Ann Lee](#)", *LABELS, footer=footer))
    assert article.authors == ("Ann Lee",)
    assert article.original_source == "Ann Lee"


def test_footer_source_belongs_to_the_last_piece_only():
    first = gr_text("By [A](#)", DATELINE, "[A](#)", "Region: [R](#)", body="One.\n\nTwo.",
                    footer="", title="First Piece")
    second = gr_text("By [B](#)", "Global Research, June 2, 2017", "Region: [S](#)",
                     body="Three.", footer=footer_naming("Wire"), title="Second Piece")
    diags = Diagnostics()
    text = first + "\n" + second
    a, b = globalresearch.load(text, make_source(text.encode()), diags)
    assert (a.original_source, b.original_source) == ("", "Wire")
    assert (a.regions, b.regions) == (("R",), ("S",))
    assert a.body == "One.\n\nTwo."


# --- header lines not understood ---------------------------------------------------------------

def test_labels_after_a_line_not_understood_are_still_read():
    text = gr_text("By [A](#) and [B](#)", DATELINE, "[A](#), [B](#) and [C](#)", *LABELS)
    article, diags = load_text(text)
    assert not diags.items
    assert (article.regions, article.themes, article.reports) == (("R",), ("T1", "T2"), ("X",))
    # The line not understood is kept, as the body's start; the labels are not in the body.
    assert article.body_line == 7
    assert article.body.split("\n\n", 1)[0] == "[A](#), [B](#) and [C](#)"
    assert "Region:" not in article.body and "Theme:" not in article.body
    assert "In-depth Report:" not in article.body
    assert article.body.endswith("First paragraph of the body.\n\nSecond one.")
    # Lines keep their numbers: the first paragraph is still on line 15.
    assert article.body.split("\n").index("First paragraph of the body.") + 7 == 15


def test_a_few_lines_not_understood_before_labels():
    text = gr_text("By [A](#)", DATELINE, "Url of this article:", "Author's Introduction",
                   *LABELS)
    article, _ = load_text(text)
    assert article.regions == ("R",)
    assert article.body.startswith("Url of this article:\n\nAuthor's Introduction\n")


def test_labels_after_a_paragraph_are_body_text():
    body = ("The talks resumed on Monday after a pause of two weeks, officials said.\n\n"
            "Region: [R](#)\n\nTheme: [T](#)")
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body=body, footer=""))
    assert (article.regions, article.themes) == ((), ())
    assert article.body == body


def test_label_shaped_sentence_after_a_line_not_understood_is_body_text():
    body = ("Part I\n\nTheme: the war that nobody in the capital wanted to name.\n\n"
            "More text follows here.")
    article, _ = load_text(gr_text("By [A](#)", DATELINE, body=body, footer=""))
    assert article.themes == ()
    assert article.body == body


def test_short_opening_lines_without_labels_stay_body():
    body = "Part I\n\nA short opening\n\nThe talks resumed on Monday, officials said."
    article, _ = load_text(gr_text("By [A](#)", DATELINE, "Region: [R](#)", body=body,
                                   footer=""))
    assert article.regions == ("R",)
    assert article.body == body


# --- sniff -------------------------------------------------------------------------------------

def test_sniff_seed():
    assert globalresearch.sniff(SEED.read_text("utf-8"), SEED.name)


def test_sniff_plain_text_article():
    text = ("A Plain Title\n\nBy John Smith\n\nThis article, written on May 30, 2017, "
            "talks about the region.\n\nAnother paragraph.\n")
    assert not globalresearch.sniff(text, "plain.txt")


def test_sniff_front_matter_file():
    text = ("---\ntitle: A Title\ndate: 2017-05-30\nauthors: [A, B]\nregions: Syria\n---\n\n"
            "Body text.\n")
    assert not globalresearch.sniff(text, "a.md")


def test_sniff_needs_two_marks():
    assert not globalresearch.sniff("Title\n\nBy [A](#)\n\nBody.\n", "x.txt")
    assert globalresearch.sniff("Title\n\nBy [A](#)\n\n" + DATELINE + "\n\nBody.\n", "x.txt")
