"""Bylines: authors split from contributors, names kept exactly as written, never an error."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivegen.load.names import MAX_BYLINE_WORDS, Byline, is_byline, parse_byline
from archivegen.model import Contributor


def _b(*authors: str, contributors: tuple[tuple[str, str], ...] = ()) -> Byline:
    return Byline(authors=authors,
                  contributors=tuple(Contributor(role=r, name=n) for r, n in contributors))


EMPTY = _b()

CASES = [
    # Leading word removed, in any case and language.
    ("By Jane Doe", _b("Jane Doe")),
    ("by Jane Doe", _b("Jane Doe")),
    ("BY JANE DOE", _b("JANE DOE")),
    ("With Jane Doe", _b("Jane Doe")),
    ("with Jane Doe", _b("Jane Doe")),
    ("Por Juan Pérez", _b("Juan Pérez")),
    ("por Juan Pérez", _b("Juan Pérez")),
    ("Par Jean Dupont", _b("Jean Dupont")),
    ("par Jean Dupont", _b("Jean Dupont")),
    ("By: Jane Doe", _b("Jane Doe")),
    ("de Juan Pérez", _b("Juan Pérez")),
    ("De Souza", _b("De Souza")),  # a capitalised "De" begins a surname
    ("Written by Jane Doe", _b("Jane Doe")),
    ("Jane Doe", _b("Jane Doe")),
    # Markdown links keep their text; emphasis goes.
    ("By [South Front](#)", _b("South Front")),
    ("By [South Front](https://example.org/author/south-front)", _b("South Front")),
    ("**By Jane Doe**", _b("Jane Doe")),
    ("By **Jane Doe**", _b("Jane Doe")),
    ("By *Jane Doe*", _b("Jane Doe")),
    ("By _Jane Doe_", _b("Jane Doe")),
    ("By [**Jane Doe**](#)", _b("Jane Doe")),
    ("By ![photo](x.jpg) [Jane Doe](#)", _b("Jane Doe")),
    # Splitting.
    ("By [A](#) and [B](#)", _b("A", "B")),
    ("By [A](#), [B](#)", _b("A", "B")),
    ("by John Smith, Jane Doe & Ali Veli", _b("John Smith", "Jane Doe", "Ali Veli")),
    ("por Juan Pérez y María López", _b("Juan Pérez", "María López")),
    ("par Jean Dupont et Marie Curie", _b("Jean Dupont", "Marie Curie")),
    ("By Jane Doe; John Roe", _b("Jane Doe", "John Roe")),
    ("By A, B, and C", _b("A", "B", "C")),
    ("By A, B, & C", _b("A", "B", "C")),
    ("By Jane Doe And John Roe", _b("Jane Doe", "John Roe")),
    ("By A,, B ,", _b("A", "B")),
    ("By John Y Smith", _b("John Y Smith")),  # capital Y is an initial, not "y"
    # Contributors are not authors.
    ("Introduction by X", _b(contributors=(("introduction", "X"),))),
    ("introduction by X", _b(contributors=(("introduction", "X"),))),
    ("With an introduction by X", _b(contributors=(("introduction", "X"),))),
    ("By Jane Doe (translated by Pablo Ruiz)",
     _b("Jane Doe", contributors=(("translator", "Pablo Ruiz"),))),
    ("by John Smith, with an introduction by Mary Major",
     _b("John Smith", contributors=(("introduction", "Mary Major"),))),
    ("By A and B. Translated by C", _b("A", "B", contributors=(("translator", "C"),))),
    ("By Jane Doe. Translation by Pablo Ruiz",
     _b("Jane Doe", contributors=(("translator", "Pablo Ruiz"),))),
    ("Por Ana Gómez, traducción de Luis Vega",
     _b("Ana Gómez", contributors=(("translator", "Luis Vega"),))),
    ("Por Ana Gómez; traducido por Luis Vega",
     _b("Ana Gómez", contributors=(("translator", "Luis Vega"),))),
    ("Par Jean Dupont (traduit par Ana Gómez)",
     _b("Jean Dupont", contributors=(("translator", "Ana Gómez"),))),
    ("By Jane Doe, translated from the Spanish by Luis Vega",
     _b("Jane Doe", contributors=(("translator", "Luis Vega"),))),
    ("By Jane Doe. Edited by Zoe Park", _b("Jane Doe", contributors=(("editor", "Zoe Park"),))),
    ("By Jane Doe, photos by Peter Pan",
     _b("Jane Doe", contributors=(("photographer", "Peter Pan"),))),
    ("By Jane Doe. Photographs by Peter Pan and Wendy Darling",
     _b("Jane Doe", contributors=(("photographer", "Peter Pan"),
                                  ("photographer", "Wendy Darling")))),
    ("By Jane Doe; additional reporting by Ali Veli",
     _b("Jane Doe", contributors=(("contributor", "Ali Veli"),))),
    ("By A, translated by B (photos by C)",
     _b("A", contributors=(("translator", "B"), ("photographer", "C")))),
    ("Translated by B. Edited by C",
     _b(contributors=(("translator", "B"), ("editor", "C")))),
    ("By Jane Doe (translated by Pablo Ruiz",  # an unclosed parenthesis runs to the end
     _b("Jane Doe", contributors=(("translator", "Pablo Ruiz"),))),
    # An aside or a later sentence without a marker names no one.
    ("By Jane Doe (Reuters)", _b("Jane Doe")),
    ("By Jane Doe (Reuters) and John Roe", _b("Jane Doe", "John Roe")),
    ("By John Smith. John Smith is a reporter in Paris.", _b("John Smith")),
    # Organisations stay whole.
    ("By Global Research News", _b("Global Research News")),
    ("By The Editors", _b("The Editors")),
    # Names exactly as given, whitespace collapsed.
    ("By Gearóid Ó Colmáin", _b("Gearóid Ó Colmáin")),
    ("By  François   Hollande-Test ", _b("François Hollande-Test")),
    ("By\tjane\u00a0doe", _b("jane doe")),
    ("By Jane Doe\nand John Roe", _b("Jane Doe", "John Roe")),
    # Honorifics and tails: kept unless a comma cuts them off.
    ("By Dr. Jane Roe", _b("Jane Roe")),  # a title is not part of the name
    ("By Bill and Kathy Roe", _b("Bill Roe", "Kathy Roe")),  # a couple's shared surname
    ("By Reuters and Jane Doe", _b("Reuters", "Jane Doe")),
    ("By [Bill](#) and [Kathy Roe](#)", _b("Bill", "Kathy Roe")),  # links are whole names
    ("by Prof. Michel Chossudovsky", _b("Michel Chossudovsky")),
    ("By Professor Jane Roe and Mr. John Roe", _b("Jane Roe", "John Roe")),
    ("By Jane Roe PhD", _b("Jane Roe PhD")),
    ("By Jane Roe, PhD", _b("Jane Roe")),
    ("By Martin Luther King Jr.", _b("Martin Luther King Jr.")),
    ("By J. R. R. Tolkien", _b("J. R. R. Tolkien")),
    ("By Jane Roe, Reuters", _b("Jane Roe", "Reuters")),
    ("By Acme Inc. Translated by X", _b("Acme Inc.", contributors=(("translator", "X"),))),
    # Duplicates keep their first place.
    ("Copyright © [South Front](#), [South Front](#)", _b("South Front")),
    ("Copyright © 2017 [South Front](#), [South Front](#)", _b("South Front")),
    ("By A, B, A", _b("A", "B")),
    # Empty or nonsense.
    ("", EMPTY),
    ("   ", EMPTY),
    ("By", EMPTY),
    ("By ,,, and", EMPTY),
    ("!!!", EMPTY),
    ("()", EMPTY),
    ("((((", EMPTY),
    (")))", EMPTY),
    ("[](", EMPTY),
    ("2017, 2018", EMPTY),
    ("Translated by", EMPTY),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_parse_byline(text: str, expected: Byline) -> None:
    assert parse_byline(text) == expected


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 30


BYLINES = [
    "By Jane Doe",
    "by John Smith, Jane Doe & Ali Veli",
    "BY JANE DOE",
    "By [South Front](#)",
    "By [south front](#)",  # a link counts as a name whatever its case
    "By [A](#), [B](#)",
    "Por Juan Pérez y María López",
    "par Jean Dupont",
    "de Juan Pérez",
    "With Jane Doe",
    "By: Jane Doe",
    "**By Jane Doe**",
    "By Dr. Jane Roe",
    "By Global Research News",
    "By The Editors",
    "By Osama bin Laden",
    "By Ludwig van Beethoven",
    "By Centre for Research on Globalization",
    "By Jane Doe (translated by Pablo Ruiz)",
    "by John Smith, with an introduction by Mary Major",
]

NOT_BYLINES = [
    "",
    "By",
    "By ",
    "By the end of the year, prices rose.",
    "by the way",
    "By 2020, prices had doubled.",
    "By Monday, the deal was done.",
    "With the help of friends, he left.",
    "Par ailleurs, le gouvernement a annoncé",
    "De acuerdo con el informe",
    "De Gaulle est arrivé à Paris",
    "Por favor, lea esto",
    "Bypass the filter",
    "Byline Jane Doe",
    "The article by Jane Doe",
    "Introduction by Mary Major",  # a contributor line, not a byline by this test
    "By " + " ".join(["Name"] * (MAX_BYLINE_WORDS + 1)),
    "By “Jane Doe”",
]


@pytest.mark.parametrize("line", BYLINES)
def test_is_byline(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize("line", NOT_BYLINES)
def test_is_not_byline(line: str) -> None:
    assert not is_byline(line)


def test_a_long_byline_of_random_words_is_processed() -> None:
    rng = random.Random(20240501)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGÁÉÓñç.,;&()[]*_"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
             for _ in range(25_000)]
    words += ["and", "by", "with", "translated", "Dr.", "J."] * 500
    rng.shuffle(words)
    text = "By " + " ".join(words)
    text = text[:100_000]
    assert len(text) == 100_000
    result = parse_byline(text)
    assert isinstance(result, Byline)
    assert isinstance(is_byline(text), bool)


@pytest.mark.parametrize("text", ["[" * 100_000, "(" * 100_000, ")" * 100_000, "A. " * 33_000,
                                  "," * 100_000, "with an " * 12_000, "[a](" * 25_000,
                                  "translated by " * 7_000, "_" * 100_000])
def test_pathological_long_input_is_processed(text: str) -> None:
    assert isinstance(parse_byline(text), Byline)


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZÁÉÍÓÚÑÇÖÜÅØ"
LOWER = "abcdefghijklmnopqrstuvwxyzáéíóúñçöüåøàèìòùâêîôûëïÿ"
# Words the parser reads as connectors, prefixes, contributor markers or dropped tails.
RESERVED = {
    "and", "y", "et", "by", "with", "por", "par", "de", "written", "reporting", "copyright",
    "introduction", "introducción", "introduccion", "translated", "translation", "traducción",
    "traduccion", "traducido", "traducida", "traduit", "traduction", "edited", "editing",
    "editado", "editada", "photo", "photos", "photograph", "photographs", "photography", "foto",
    "fotos", "additional", "contribution", "contributions", "jr", "sr", "phd", "md", "esq",
    "mba", "msc", "ii", "iii", "iv",
    # titles dropped in front of a name
    "prof", "professor", "dr", "doctor", "mr", "mrs", "ms", "di", "von",
}

word = st.builds(lambda first, rest: first + rest, st.sampled_from(UPPER),
                 st.text(alphabet=LOWER, max_size=8)).filter(lambda w: w.lower() not in RESERVED)
name = st.lists(word, min_size=1, max_size=3).map(" ".join)


def _a_couple(names: list[str]) -> bool:
    """'Bill and Kathy Roe': one given name, then a given name and a surname they share."""
    return len(names) == 2 and len(names[0].split()) == 1 and len(names[1].split()) == 2


@given(st.lists(name, min_size=1, max_size=4, unique=True).filter(lambda n: not _a_couple(n)))
def test_random_names_come_back_exactly(names: list[str]) -> None:
    joined = " and ".join(names) if len(names) == 2 else ", ".join(names)
    assert parse_byline("By " + joined) == Byline(authors=tuple(names), contributors=())


@given(st.lists(name, min_size=1, max_size=4, unique=True))
def test_links_to_random_names_come_back_exactly(names: list[str]) -> None:
    joined = ", ".join(f"[{n}](#)" for n in names)
    assert parse_byline("By " + joined).authors == tuple(names)
    assert is_byline("By " + joined)


@given(st.text(max_size=300))
def test_any_text_gives_a_byline(text: str) -> None:
    result = parse_byline(text)
    assert all(a and a == " ".join(a.split()) for a in result.authors)
    assert len(set(result.authors)) == len(result.authors)
    assert isinstance(is_byline(text), bool)
