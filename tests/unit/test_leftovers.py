"""Warning AG025 (loaders/leftovers.py): metadata a loader left in the first lines of a body is
reported with its file and line; read metadata, later body text and front matter are not."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unit_helpers import make_source

from archivegen.errors import Diagnostic, Diagnostics
from archivegen.load.layouts import load_source
from archivegen.model import Article

# Whole paragraphs on one line each: sentences of more than twelve words, so that they read as
# the body's prose and never as a headline or a credit.
PARAGRAPHS = (
    "The council of the fictional town of Brackenmoor voted on Tuesday to close the old ferry "
    "landing for the winter.",
    "A survey found that two of the timber piles under the landing had rotted through and "
    "could no longer carry a loaded cart.",
    "Residents who cross to the island every morning will have to use the road bridge further "
    "upstream until the spring.",
    "The council has promised a shuttle bus for the months the landing stays shut, paid for "
    "out of the harbour fund.",
    "Ferrymen say they were told of the decision only a day before the vote and have asked for "
    "a meeting with the mayor.",
)
LABELS = ("Region", "Regions", "Theme", "Themes", "In-depth Report", "Tags")
FIELD_OF_LABEL = {"Region": "regions", "Regions": "regions", "Theme": "themes",
                  "Themes": "themes", "In-depth Report": "reports", "Tags": "tags"}


def load(text: str, path: str) -> tuple[Article, Diagnostics]:
    diags = Diagnostics()
    articles = load_source(make_source(text.encode(), path), diags)
    assert len(articles) == 1
    return articles[0], diags


def ag025(diags: Diagnostics) -> list[Diagnostic]:
    return [d for d in diags.items if d.code == "AG025"]


def paragraph(n: int) -> str:
    return PARAGRAPHS[n % len(PARAGRAPHS)]


words = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=12)
label_values = st.lists(words, min_size=1, max_size=3).map(" ".join)


# 1. Label lines -----------------------------------------------------------------------------------

def _with_label(head: list[str], label: str, value: str, position: int,
                blanks: list[bool]) -> tuple[str, int]:
    """Text of head lines, then paragraphs with the label line as the position-th non-blank
    line of the body; and the label line's 1-based number."""
    lines = list(head)
    body = [paragraph(n) for n in range(position - 1)] + [f"{label}: {value}"] + [
        paragraph(n) for n in range(position - 1, 5)]
    label_lineno = 0
    for n, line in enumerate(body):
        lines.append(line)
        if n == position - 1:
            label_lineno = len(lines)
        if blanks[n]:
            lines.append("")
    return "\n".join(lines) + "\n", label_lineno


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=label_values, position=st.integers(2, 4),
       blanks=st.lists(st.booleans(), min_size=6, max_size=6), data=st.data())
def test_label_line_left_in_a_repost_body_is_ag025(label, value, position, blanks, data):
    """A repost reads labels nowhere: a label line among its body's first lines is reported."""
    head = ["# Ferry Landing Closed for the Winter", "", "> Source: http://harbour.example/a",
            "", "by Jane Roe", "May 3, 2012", "from", "Harbour Ledger Website", ""]
    text, label_lineno = _with_label(head, label, value, position, blanks)
    path = data.draw(st.sampled_from(["notes/ferry.txt", "a.txt", "x/y/z.txt"]))
    article, diags = load(text, path)
    assert article.provenance.layout == "repost"
    found = ag025(diags)
    assert len(found) == 1, [d.message for d in diags.items]
    (warning,) = found
    assert warning.location.path == path
    assert warning.location.line == label_lineno
    assert text.split("\n")[warning.location.line - 1] == f"{label}: {value}"
    assert f"{label}:" in warning.message


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=label_values, position=st.integers(2, 4),
       blanks=st.lists(st.booleans(), min_size=6, max_size=6))
def test_label_line_among_a_plain_texts_first_lines_is_read(label, value, position, blanks):
    """Plain text reads a label line among its body's first lines: terms, not body, no AG025."""
    text, _ = _with_label(["Ferry Landing Closed for the Winter", ""], label, value, position,
                          blanks)
    article, diags = load(text, "notes/ferry.txt")
    assert article.provenance.layout == "plain-text"
    assert article.title == "Ferry Landing Closed for the Winter"
    assert ag025(diags) == [], [d.message for d in diags.items]
    assert " ".join(value.split()) in getattr(article, FIELD_OF_LABEL[label])
    assert f"{label}:" not in article.body


def global_research(label_lines: list[str], body: str) -> str:
    return ("Ferry Landing Closed for the Winter\n\n"
            "By [Jane Roe](#)\n\n"
            "Global Research, May 3, 2012\n\n"
            + "\n\n".join(label_lines) + "\n\n" + body + "\n")


@pytest.mark.parametrize("label", LABELS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=label_values)
def test_label_line_in_global_research_header_is_read(label, value):
    text = global_research([f"{label}: {value}"], "\n\n".join(PARAGRAPHS))
    article, diags = load(text, "gr.txt")
    assert article.provenance.layout == "global-research"
    assert ag025(diags) == [], [d.message for d in diags.items]
    assert value in getattr(article, FIELD_OF_LABEL[label])
    assert f"{label}:" not in article.body
    assert article.body.startswith(PARAGRAPHS[0])


def test_global_research_header_with_every_label():
    labels = ["Region: Northern Shores", "Theme: Harbours", "In-depth Report: Ferry Crisis",
              "Tags: Ferries, Councils"]
    article, diags = load(global_research(labels, "\n\n".join(PARAGRAPHS)), "gr.txt")
    assert ag025(diags) == [], [d.message for d in diags.items]
    assert article.regions == ("Northern Shores",)
    assert article.themes == ("Harbours",)
    assert article.reports == ("Ferry Crisis",)
    assert article.tags == ("Ferries", "Councils")
    assert article.body.startswith(PARAGRAPHS[0])


def test_empty_label_value_is_no_ag025():
    text = f"Ferry Landing Closed\n\n{PARAGRAPHS[0]}\nRegion: ,\n\n{PARAGRAPHS[1]}\n"
    _, diags = load(text, "p.txt")
    assert ag025(diags) == []


# 2. Bylines, datelines, "from ... Website" ---------------------------------------------------

METADATA = {
    "byline": ["By Abel Marsh"],
    "dateline": ["Heathfield Courier, October 5, 2010"],
    "from-website": ["from", "Corvale Courier Website"],
    "from-website-one-line": ["from Corvale Courier Website"],
}


def repost(body_lines: list[str]) -> str:
    return ("# Ferry Landing Closed for the Winter\n\n"
            "> Source: http://www.harbourledger.example/ferry.htm\n\n"
            "by\nJane Roe\nMay 3, 2012\nfrom\nHarbour Ledger Website\n\n"
            + "\n".join(body_lines) + "\n")


def gr(body_lines: list[str]) -> str:
    return global_research(["Region: Northern Shores"], "\n".join(body_lines))


def with_metadata(meta: list[str], before: int, after: int = 3) -> tuple[list[str], int]:
    """Body lines: `before` paragraphs, the metadata lines, `after` paragraphs; and the index
    of the metadata's first line in the body (paragraphs separated by blank lines)."""
    body: list[str] = []
    for n in range(before):
        body += [paragraph(n), ""]
    index = len(body)
    body += [*meta, ""]
    for n in range(after):
        body += [paragraph(before + n), ""]
    return body, index


LAYOUTS = {"repost": repost, "global-research": gr}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", METADATA)
@pytest.mark.parametrize("before", [1, 2, 4])
def test_metadata_in_first_body_lines_is_ag025(layout, kind, before):
    body, index = with_metadata(METADATA[kind], before)
    text = LAYOUTS[layout](body)
    article, diags = load(text, "m.txt")
    assert article.provenance.layout == layout
    found = ag025(diags)
    assert len(found) == 1, [d.message for d in diags.items]
    lines = text.split("\n")
    meta_lineno = next(n for n, line in enumerate(lines, 1)
                       if line == METADATA[kind][0] and n > 8)
    assert found[0].location.path == "m.txt"
    assert found[0].location.line == meta_lineno
    assert lines[meta_lineno - 1] == body[index]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", METADATA)
@pytest.mark.parametrize("before", [8, 10])
def test_metadata_later_in_body_is_no_ag025(layout, kind, before):
    body, _ = with_metadata(METADATA[kind], before)
    article, diags = load(LAYOUTS[layout](body), "m.txt")
    assert article.provenance.layout == layout
    assert ag025(diags) == [], [d.message for d in diags.items]
    assert METADATA[kind][0] in article.body


def test_metadata_in_plain_text_body_after_prose_is_ag025():
    text = (f"Ferry Landing Closed\n\n{PARAGRAPHS[0]}\n\nHeathfield Courier, October 5, 2010\n\n"
            f"{PARAGRAPHS[1]}\n")
    _, diags = load(text, "p.txt")
    assert [d.location.line for d in ag025(diags)] == [5]


@pytest.mark.parametrize("suffix", [".md", ".markdown"])
def test_front_matter_body_never_gets_ag025(suffix):
    text = ("---\ntitle: Ferry Landing Closed\ndate: 2012-05-03\n---\n\n"
            "By Abel Marsh\n"
            "Heathfield Courier, October 5, 2010\n"
            "Region: Northern Shores\n"
            "Tags: Ferries\n"
            "from\nCorvale Courier Website\n\n"
            + "\n\n".join(PARAGRAPHS) + "\n")
    article, diags = load(text, "fm" + suffix)
    assert article.provenance.layout == "markdown-front-matter"
    assert article.body.startswith("By Abel Marsh")
    assert ag025(diags) == []
    assert diags.items == []
