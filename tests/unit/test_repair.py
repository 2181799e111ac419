"""repair.py: each rule alone, the chain on the seed, and properties of the whole chain."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivegen.errors import Diagnostics, Level
from archivegen.load.layouts import load_source
from archivegen.load.repair import (
    DEAD_LINK_RE,
    MIN_COLLAPSE_WORDS,
    RULES,
    Paragraph,
    collapse_repeated_paragraphs,
    join_paragraphs,
    join_split_paragraphs,
    repair_article,
    report_repeated_sentences,
    split_paragraphs,
    unlink_dead_links,
)
from archivegen.model import Article, Provenance, Source

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_680446ff0202b48e.txt"
WARPLANES = ("Warplanes of the Russian and Syrian air forces targeted ISIS units and their "
             "vehicles inside the town of Maskana, and in the villages of Al-Taybeh and "
             "Al-Hamidiya.")


def paras(*texts: str, first_line: int = 1) -> tuple[Paragraph, ...]:
    """Paragraphs as split_paragraphs would number them (one blank line between)."""
    return split_paragraphs("\n\n".join(texts), first_line)


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs]


def make_article(body: str, body_line: int = 1, path: str = "a.txt") -> Article:
    return Article(title="T", body=body, body_line=body_line,
                   provenance=Provenance(source_path=path, sha256="0", layout="plain-text"))


@pytest.fixture(scope="module")
def seed_article() -> Article:
    data = SEED.read_bytes()
    diags = Diagnostics()
    (article,) = load_source(Source(path=SEED.name, data=data,
                                    sha256=hashlib.sha256(data).hexdigest()), diags)
    assert not diags.items
    return article


# --- split / join ------------------------------------------------------------------------------

def test_split_paragraphs_numbers_lines():
    body = "one\ntwo\n\n\n three\n   \nfour  \n"
    result = split_paragraphs(body, 10)
    assert result == (Paragraph(text="one\ntwo", line=10), Paragraph(text=" three", line=14),
                      Paragraph(text="four", line=16))


def test_split_empty_body():
    assert split_paragraphs("", 1) == ()
    assert split_paragraphs("\n \n", 1) == ()


def test_rules_are_named_and_ordered():
    # Exact repeats go before joining, so removing one cannot enable a join on a second run.
    assert [r.name for r in RULES] == ["unlink_dead_links", "collapse_repeated_paragraphs",
                                       "join_split_paragraphs", "report_repeated_sentences"]
    assert all(r.description for r in RULES)


# --- unlink_dead_links -------------------------------------------------------------------------

def test_unlink_dead_links_hash_and_empty():
    result = unlink_dead_links(paras("See [South Front](#) and [the report]() here."))
    assert texts(result.paragraphs) == ["See South Front and the report here."]
    assert [r.rule for r in result.repairs] == ["unlink_dead_links"] * 2
    assert "South Front" in result.repairs[0].detail
    assert "the report" in result.repairs[1].detail


def test_unlink_dead_links_keeps_real_links():
    original = "A [real link](https://x) and [another](http://example.org/a#frag)."
    result = unlink_dead_links(paras(original))
    assert texts(result.paragraphs) == [original]
    assert result.repairs == ()


def test_unlink_dead_links_mixed():
    result = unlink_dead_links(paras("[dead](#) then [t](https://x)"))
    assert texts(result.paragraphs) == ["dead then [t](https://x)"]
    assert len(result.repairs) == 1


def test_unlink_dead_links_records_each_line():
    body = "Intro line.\n\nfirst [a](#) here\nsecond line\nthird [b]() and [c](#)"
    result = unlink_dead_links(split_paragraphs(body, 20))
    assert [r.line for r in result.repairs] == [22, 24, 24]
    assert ["'a'" in result.repairs[0].detail, "'b'" in result.repairs[1].detail,
            "'c'" in result.repairs[2].detail] == [True, True, True]
    assert texts(result.paragraphs) == ["Intro line.",
                                        "first a here\nsecond line\nthird b and c"]
    assert [p.line for p in result.paragraphs] == [20, 22]


def test_unlink_dead_links_with_spaces_inside_parentheses():
    result = unlink_dead_links(paras("x [a]( # ) y"))
    assert texts(result.paragraphs) == ["x a y"]


def test_unlink_leaves_text_without_links_untouched():
    p = paras("Nothing [here] (#) to do.")
    result = unlink_dead_links(p)
    assert result.paragraphs == p
    assert result.repairs == ()


# --- join_split_paragraphs ---------------------------------------------------------------------

def test_join_seed_split(seed_article):
    p = split_paragraphs(seed_article.body, seed_article.body_line)
    result = join_split_paragraphs(p)
    joined = [t for t in texts(result.paragraphs) if "may just outflank it" in t]
    assert len(joined) == 1
    assert "decide to defend the town, the SAA may just outflank it and continue" in joined[0]
    assert len(result.paragraphs) == len(p) - 1
    assert [(r.rule, r.line) for r in result.repairs] == [("join_split_paragraphs", 29)]
    assert "27" in result.repairs[0].detail


def test_join_simple():
    result = join_split_paragraphs(paras("the border, the SAA", "may just outflank it."))
    assert texts(result.paragraphs) == ["the border, the SAA may just outflank it."]
    assert result.paragraphs[0].line == 1
    assert result.repairs[0].line == 3


def test_join_three_pieces():
    result = join_split_paragraphs(paras("one", "two", "three."))
    assert texts(result.paragraphs) == ["one two three."]
    assert [r.line for r in result.repairs] == [3, 5]


@pytest.mark.parametrize(("first", "second"), [
    ("The sentence ends.", "and a lower-case start"),
    ("A question?", "lower"),
    ("An exclamation!", "lower"),
    ("He said “stop”", "lower"),
    ("A list follows:", "lower"),
    ("Ellipsis…", "lower"),
    ("No end here", "Upper-case start"),
    ("No end here", "1984 was a year"),
    ("No end here", "- a list item"),
    ("No end here", "* a list item"),
    ("No end here", "> a quote"),
    ("No end here", "# heading"),
    ("- a list item", "continues lower"),
    ("* a list item", "continues lower"),
    ("1. numbered item", "continues lower"),
    ("# A heading", "lower text"),
    ("## A heading", "lower text"),
    ("> a quote", "lower text"),
    ("```", "code"),
])
def test_join_refuses(first, second):
    p = paras(first, second)
    result = join_split_paragraphs(p)
    assert result.paragraphs == p
    assert result.repairs == ()


# --- collapse_repeated_paragraphs --------------------------------------------------------------

A5 = "Alpha alpha alpha alpha alpha."


def test_collapse_exact_repeats():
    result = collapse_repeated_paragraphs(paras(A5, "Beta.", A5, "Gamma.", A5))
    assert texts(result.paragraphs) == [A5, "Beta.", "Gamma."]
    assert [p.line for p in result.paragraphs] == [1, 3, 7]
    assert [(r.rule, r.line) for r in result.repairs] == [
        ("collapse_repeated_paragraphs", 5), ("collapse_repeated_paragraphs", 9)]
    assert all("line 1" in r.detail for r in result.repairs)


@pytest.mark.parametrize("variant", ["Alpha beta gamma!", "alpha beta gamma.",
                                     "Alpha beta gamma. ", "Alpha  beta gamma.",
                                     "Alpha beta gamma.\nAlpha beta gamma."])
def test_collapse_keeps_near_repeats(variant):
    p = (Paragraph(text="Alpha beta gamma.", line=1), Paragraph(text=variant, line=3))
    result = collapse_repeated_paragraphs(p)
    assert result.paragraphs == p
    assert result.repairs == ()


# --- report_repeated_sentences -----------------------------------------------------------------

def test_report_repeated_sentence_keeps_text():
    long = "This sentence has clearly more than eight words in it."
    p = paras(f"Start here. {long} End.", f"{long} Other text follows.")
    result = report_repeated_sentences(p)
    assert result.paragraphs == p
    assert result.repairs == ()
    assert [(n.rule, n.line) for n in result.notes] == [("report_repeated_sentences", 3)]
    assert "line 1" in result.notes[0].detail


def test_short_repeated_sentence_not_reported():
    p = paras("Seven words are in this sentence. A.", "Seven words are in this sentence. B.")
    assert report_repeated_sentences(p).notes == ()


def test_seed_repeated_sentence_note_and_warning(seed_article):
    diags = Diagnostics()
    repaired = repair_article(seed_article, diags)
    notes = repaired.provenance.notes
    assert len(notes) == 1
    assert notes[0].rule == "report_repeated_sentences"
    assert notes[0].line == 31
    assert "Warplanes of the Russian and Syrian air forces" in notes[0].detail
    assert [(d.code, d.level, d.location.path, d.location.line) for d in diags.items] == [
        ("AG030", Level.WARNING, SEED.name, 31)]
    assert repaired.body.count(WARPLANES) == 2


def test_seed_repairs_recorded(seed_article):
    repaired = repair_article(seed_article, Diagnostics())
    assert [(r.rule, r.line) for r in repaired.provenance.repairs] == [
        ("join_split_paragraphs", 29)]
    assert "the SAA may just outflank it" in repaired.body
    assert "the SAA\n\nmay just" not in repaired.body
    # Every word of the original body survives.
    assert Counter(repaired.body.split()) == Counter(seed_article.body.split())


def test_repair_keeps_other_fields(seed_article):
    repaired = repair_article(seed_article, Diagnostics())
    assert repaired.title == seed_article.title
    assert repaired.body_line == seed_article.body_line
    assert repaired.provenance.footer == seed_article.provenance.footer
    assert repaired.provenance.fields == seed_article.provenance.fields


def test_repair_article_with_chosen_rules():
    article = make_article("A [b](#) c d e\n\nA [b](#) c d e", body_line=7)
    only_unlink = [r for r in RULES if r.name == "unlink_dead_links"]
    repaired = repair_article(article, Diagnostics(), only_unlink)
    assert repaired.body == "A b c d e\n\nA b c d e"
    assert [r.line for r in repaired.provenance.repairs] == [7, 9]
    full = repair_article(article, Diagnostics())
    assert full.body == "A b c d e"


def test_short_repeated_paragraphs_are_structure_and_stay():
    result = collapse_repeated_paragraphs(paras("Notes:", "[1] one", "Part II", "Notes:"))
    assert texts(result.paragraphs) == ["Notes:", "[1] one", "Part II", "Notes:"]
    assert result.repairs == ()


# --- properties --------------------------------------------------------------------------------

VOCAB = ["alpha", "beta", "Gamma", "delta.", "Syria", "the", "SAA", "may", "end.", "Ó",
         "Colmáin", "why?", "“quoted”", "x:", "1984"]


@st.composite
def tokens(draw) -> tuple[str, str]:
    """(source text, text after dead links are removed)."""
    word = draw(st.sampled_from(VOCAB))
    kind = draw(st.sampled_from(["word", "word", "word", "dead#", "dead", "live"]))
    if kind == "dead#":
        return f"[{word}](#)", word
    if kind == "dead":
        return f"[{word}]()", word
    if kind == "live":
        return f"[{word}](https://example.org/{len(word)})", \
            f"[{word}](https://example.org/{len(word)})"
    return word, word


@st.composite
def paragraph(draw) -> tuple[str, str]:
    prefix = draw(st.sampled_from(["", "", "", "", "- ", "> ", "# ", "1. "]))
    lines = draw(st.lists(st.lists(tokens(), min_size=1, max_size=5), min_size=1, max_size=3))
    src = "\n".join(" ".join(t[0] for t in line) for line in lines)
    plain = "\n".join(" ".join(t[1] for t in line) for line in lines)
    return prefix + src, prefix + plain


@st.composite
def bodies(draw) -> list[tuple[str, str]]:
    """Paragraph lists drawn from a small pool, so exact repeats are common."""
    pool = draw(st.lists(paragraph(), min_size=1, max_size=5))
    return draw(st.lists(st.sampled_from(pool), max_size=9))


def words(text: str) -> Counter[str]:
    return Counter(text.split())


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(bodies(), st.integers(min_value=1, max_value=50))
def test_repair_deletes_only_exact_repeats_and_dead_link_syntax(body_paras, first_line):
    body = "\n\n".join(src for src, _ in body_paras)
    expected_words = sum((words(plain) for _, plain in body_paras), Counter())
    article = make_article(body, first_line)

    # Without the collapse rule nothing but dead-link syntax may disappear.
    no_collapse = [r for r in RULES if r.name != "collapse_repeated_paragraphs"]
    kept_all = repair_article(article, Diagnostics(), no_collapse)
    assert words(kept_all.body) == expected_words

    # With it, only repeats disappear: no word is lost entirely, no word gains, and the
    # surviving paragraphs are pairwise distinct. (Collapsing runs before joining and the chain
    # runs to a fixed point, so a paragraph that becomes an exact repeat after a join goes too.)
    full = repair_article(article, Diagnostics())
    out_words = words(full.body)
    assert set(out_words) == set(expected_words)
    assert out_words - expected_words == Counter()
    out_paras = [t for t in texts(split_paragraphs(full.body, 1))
                 if len(t.split()) >= MIN_COLLAPSE_WORDS]  # shorter ones are structure
    assert len(out_paras) == len(set(out_paras))
    # Where no paragraph repeats another (before or after joining), nothing at all is removed.
    unlinked = repair_article(article, Diagnostics(), [RULES[0]])
    if (len(set(texts(split_paragraphs(unlinked.body, 1))))
            == len(texts(split_paragraphs(unlinked.body, 1)))):
        kept_paras = texts(split_paragraphs(kept_all.body, 1))
        if len(set(kept_paras)) == len(kept_paras):
            assert out_words == expected_words
            assert not [r for r in full.provenance.repairs
                        if r.rule == "collapse_repeated_paragraphs"]


@st.composite
def plain_paragraphs(draw) -> list[str]:
    line = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp",
                                                                    "Cc")),
                   min_size=1, max_size=12)
    para = st.lists(st.lists(line, min_size=1, max_size=4).map(" ".join), min_size=1,
                    max_size=3).map("\n".join)
    return draw(st.lists(para, max_size=6))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(plain_paragraphs(), st.integers(min_value=1, max_value=1000))
def test_split_join_round_trip(texts_in, first_line):
    body = "\n\n".join(texts_in)
    split = split_paragraphs(body, first_line)
    assert texts(split) == texts_in
    assert join_paragraphs(split) == body
    expected_line = first_line
    for p in split:
        assert p.line == expected_line
        expected_line += p.text.count("\n") + 2


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("ab \n\t."), max_size=60), st.integers(min_value=1, max_value=9))
def test_split_join_split_is_stable(body, first_line):
    once = split_paragraphs(body, first_line)
    assert texts(split_paragraphs(join_paragraphs(once), first_line)) == texts(once)
    for p in once:
        assert body.split("\n")[p.line - first_line].rstrip() == p.text.split("\n")[0]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(bodies(), st.integers(min_value=1, max_value=50))
@example([("Alpha.", "Alpha."), ("beta", "beta"), ("Alpha.", "Alpha."), ("gamma.", "gamma.")], 1)
def test_repair_article_is_idempotent(body_paras, first_line):
    article = make_article("\n\n".join(src for src, _ in body_paras), first_line)
    once = repair_article(article, Diagnostics())
    twice = repair_article(once, Diagnostics())
    assert twice.body == once.body


def test_repair_article_idempotent_when_a_removed_repeat_separated_a_split():
    # "Second part" ends mid-sentence; the repeat after it keeps it from joining "and more.",
    # until the repeat is removed.
    article = make_article("First thing.\n\nSecond part\n\nFirst thing.\n\nand more.")
    once = repair_article(article, Diagnostics())
    twice = repair_article(once, Diagnostics())
    assert twice.body == once.body


@given(st.text(st.sampled_from('ab .!?:;\u2026"\u201d\u2019\')]*_\n\t'), max_size=12))
@example("a.\n")
@example("a\n.\n")
@example("\n")
def test_ends_sentence_is_the_pattern_at_the_end(text: str) -> None:
    from archivegen.load.repair import SENTENCE_END_RE, _ends_sentence

    assert _ends_sentence(text) == bool(SENTENCE_END_RE.search(text))


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(("[", "]", "(", ")", "](", "!", "#", " ", "\t", "\n", "a",
                                 " " * 30, "w" * 250)), max_size=60).map("".join))
def test_dead_link_pattern_matches_as_its_backtracking_form(text: str) -> None:
    """DEAD_LINK_RE's runs are possessive ("[a](" then 40,000 spaces was quadratic, issue
    #14): the same matches as the pattern that backtracks."""
    backtracking = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([ \t]*#?[ \t]*\)")
    assert ([m.span() for m in DEAD_LINK_RE.finditer(text)]
            == [m.span() for m in backtracking.finditer(text)])


@given(st.text(st.sampled_from('ab AZ.!?:\u2026"\u201c\u201d\n\t\u00a0\u2003'), max_size=40))
@example("One. Two! Three? \u201cFour.\"  Five")
@example("a..  B")
@example("End.")
def test_sentences_split_as_the_lookbehind_pattern(text: str) -> None:
    """sentences() finds the boundaries from the punctuation; the rule is the split on
    white space after . ! ? and before a capital or an opening quote."""
    from archivegen.load.repair import sentences

    assert sentences(text) == re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", text)


def _repeated_sentences_by_sentence(paragraphs: tuple[Paragraph, ...]) -> list[tuple[int, str]]:
    """The rule as first written: each sentence split into words, then joined."""
    seen: dict[str, int] = {}
    found = []
    for para in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", para.text):
            words = sentence.split()
            if len(words) < 8:
                continue
            key = " ".join(words)
            if key in seen and seen[key] != para.line:
                found.append((para.line, key))
            seen.setdefault(key, para.line)
    return found


# Sentences of 7 to 9 words, with white space of several kinds between them: a paragraph of
# a few of them repeats one often.
_SPACE = st.sampled_from([" ", "  ", "\u00a0", "\t", "\n ", " \u2003"])
_SENTENCE = st.sampled_from(["Seven words stand in this short line.",
                             "Eight words stand in this rather short line.",
                             "\u201cNine words stand in this one, a longer line?\u201d",
                             "Nine  words\tstand in this one, a longer line!",
                             "lower nine words stand in this one, a longer line."])


@given(st.lists(st.lists(st.tuples(_SENTENCE, _SPACE).map("".join), max_size=5).map("".join),
                max_size=5))
@example(["Eight words stand in this rather short line. x",
          "Eight  words stand in this rather short\nline."])
def test_repeated_sentences_as_found_sentence_by_sentence(texts: list[str]) -> None:
    """report_repeated_sentences makes a paragraph's white space single spaces once: the
    notes are those of splitting and joining every sentence."""
    paragraphs = tuple(Paragraph(text=t, line=n * 2 + 1) for n, t in enumerate(texts))
    notes = report_repeated_sentences(paragraphs).notes
    expected = _repeated_sentences_by_sentence(paragraphs)
    assert [note.line for note in notes] == [line for line, _ in expected]
    assert all(f"'{' '.join(key.split()[:8])}" in note.detail
               for note, (_, key) in zip(notes, expected, strict=True))
