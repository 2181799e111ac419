"""Exact and near-duplicate grouping: what is grouped, what is not, and who is canonical."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen import dedupe
from archivegen.dedupe import (
    Candidate,
    DuplicateGroup,
    Sketch,
    find_duplicates,
    normalise_text,
    sketch_text,
)

VOCABULARY = (
    "the", "a", "of", "to", "in", "and", "on", "for", "with", "by", "from", "at", "as", "that",
    "this", "which", "was", "were", "is", "are", "has", "have", "had", "will", "would", "could",
    "said", "says", "told", "officials", "government", "minister", "ministry", "president",
    "council", "city", "state", "country", "region", "police", "army", "troops", "border",
    "protest", "protesters", "crowd", "election", "vote", "voters", "party", "opposition",
    "parliament", "law", "court", "judge", "ruling", "report", "reports", "investigation",
    "company", "companies", "market", "prices", "oil", "gas", "energy", "bank", "banks", "economy",
    "growth", "inflation", "workers", "strike", "union", "wages", "budget", "tax", "taxes",
    "spending", "plan", "plans", "program", "water", "flood", "storm", "fire", "hospital",
    "doctors", "patients", "health", "school", "students", "teachers", "children", "families",
    "residents", "village", "town", "capital", "north", "south", "east", "west", "week", "month",
    "year", "monday", "tuesday", "wednesday", "thursday", "friday", "morning", "evening", "night",
    "early", "late", "new", "old", "first", "last", "several", "many", "few", "hundreds",
    "thousands", "million", "billion", "percent", "more", "less", "after", "before", "during",
    "while", "since", "despite", "because", "however", "also", "still", "again", "later",
    "earlier", "statement", "interview", "agency", "spokesman", "spokeswoman", "press",
    "conference", "talks", "agreement", "deal", "sanctions", "aid", "support", "security",
    "forces", "attack", "killed", "injured", "arrested", "released", "accused", "denied",
    "confirmed", "announced", "warned", "called", "demanded", "expected", "planned", "reported",
    "estimated",
)


def prose(seed: int, words: int = 300) -> str:
    """A deterministic news-like body: capitalised sentences, commas, paragraphs."""
    rng = random.Random(seed)
    drawn = [rng.choice(VOCABULARY) for _ in range(words)]
    sentences: list[str] = []
    start = 0
    while start < words:
        end = min(words, start + rng.randint(9, 21))
        sentence = drawn[start:end]
        if len(sentence) > 6:
            sentence[4] += ","
        sentences.append(" ".join(sentence).capitalize() + ".")
        start = end
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs) + "\n"


def change_words(text: str, count: int, seed: int) -> str:
    """`count` words of `text` replaced by words it cannot contain (so each change is real)."""
    rng = random.Random(seed)
    tokens = text.split(" ")
    for n, position in enumerate(rng.sample(range(len(tokens)), count)):
        tokens[position] = f"zzreplaced{n}"
    return " ".join(tokens)


def candidate(key: str, text: str, rank: tuple[object, ...] = ()) -> Candidate:
    return Candidate(key=key, text=text, rank=rank)


def members(group: DuplicateGroup) -> set[str]:
    return {group.canonical, *group.others}


def shingle_jaccard(a: str, b: str, size: int = 5) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = normalise_text(text).split()
        return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}

    left, right = shingles(a), shingles(b)
    return len(left & right) / len(left | right)


# Two genuinely different reports of one event. They share the names, the place and a few stock
# phrases ("the city council voted on Tuesday", "according to the mayor's office").
FLOOD_REPORT_A = """\
# Council approves flood defence plan

The city council voted on Tuesday to spend 40 million dollars on new flood defences along the
river, three months after storms left hundreds of homes under water. According to the mayor's
office, work on the first section of the wall will begin in the spring and should be finished
before the autumn rains.

Residents of the lower town, where the water rose above two metres in January, packed the public
gallery. Several of them said the plan came too late and asked why the old embankment had not
been repaired years ago. One shop owner told reporters she had lost her entire stock and was
still waiting for insurance money.

The opposition argued that the cost had been underestimated and that the council should first
publish the engineers' report. The motion passed by 31 votes to 12. Officials said a separate
fund would help families who cannot afford repairs, and that applications would open next month.
"""

FLOOD_REPORT_B = """\
## Flood money: what the vote means for the lower town

Engineers have warned for a decade that the river embankment would fail. In January it did, and
water poured into the streets of the lower town faster than the fire brigade could pump it out.
On Tuesday the city council voted on Tuesday's agenda item nine, a package of pumps, gates and a
concrete wall, which critics call a patch rather than a plan.

According to the mayor's office, the wall will protect about eleven thousand people. Hydrologists
at the university are less sure: their models show the new gates could push floodwater onto farms
upstream, and farmers there were not consulted. A spokeswoman for the farmers' union said it would
ask the regional court to pause construction until a full environmental assessment is published.

Insurance companies, meanwhile, have started to raise premiums across the district, and some
families say they will move away rather than rebuild for a third time in twenty years.
"""


def test_normalise_text_examples() -> None:
    text = (
        "# Héllo  **World**!\r\n\r\nSource: https://www.example.com/a?b=1\n"
        'See [the report](http://x.org/r "t") &amp; <b>more</b>. ﬁne don\'t_do\n'
        "[1]: http://ref.example\n> quoted - item ÉCOLE www.foo.com/x"
    )
    assert normalise_text(text) == (
        "héllo world source see the report more fine don t do quoted item école"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("  \n\t ", ""),
        ("!!! --- ***", ""),
        ("https://example.com/only-a-url", ""),
        ("Straße", "strasse"),
        ("x²  ½", "x2 1 2"),
        ("“Quoted” — dash…", "quoted dash"),
        ("हिन्दी समाचार", "हिन्दी समाचार"),
        ("line one\r\nline two", "line one line two"),
        ("* item\n* item\n1. first", "item item 1 first"),
        ("co\u00adoperation don\u2019t a\u200bb", "cooperation don t a b"),
    ],
)
def test_normalise_text_table(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


def test_empty_input_gives_no_groups() -> None:
    assert find_duplicates([]) == ()


def test_distinct_articles_give_no_groups() -> None:
    assert find_duplicates(candidate(f"k{i}", prose(i)) for i in range(20)) == ()


def test_exact_duplicates_with_other_whitespace_line_endings_and_source_url() -> None:
    body = prose(1)
    original = f"Source: https://www.globalresearch.ca/article-1/5500001\n\n{body}"
    rewrapped = "Source: http://mirror.example.org/p?id=77\r\n\r\n" + body.replace(
        " ", "\r\n", 40
    ).replace(". ", ".   ").replace("\n", "\r\n")
    markdown = f"Source: <https://globalresearch.ca/x>\n\n**{body.strip()}**\n"
    groups = find_duplicates(
        [candidate("a.md", original), candidate("b.md", rewrapped), candidate("c.md", markdown),
         candidate("other.md", prose(2))]
    )
    assert groups == (
        DuplicateGroup(canonical="a.md", others=("b.md", "c.md"), kind="exact", similarity=1.0),
    )


def test_three_changed_words_in_300_is_a_near_duplicate() -> None:
    original = prose(3, words=300)
    edited = change_words(original, 3, seed=3)
    assert normalise_text(original) != normalise_text(edited)
    assert 0.85 < shingle_jaccard(original, edited) < 1.0
    (group,) = find_duplicates([candidate("x/1", original), candidate("x/2", edited),
                                candidate("x/3", prose(4))])
    assert (group.canonical, group.others, group.kind) == ("x/1", ("x/2",), "near")
    assert 0.8 <= group.similarity < 1.0
    assert group.similarity == round(group.similarity, 3)


def test_near_duplicate_respects_threshold() -> None:
    original = prose(5, words=300)
    edited = change_words(original, 12, seed=5)  # about 0.66 Jaccard
    assert shingle_jaccard(original, edited) < 0.75
    pair = [candidate("x/1", original), candidate("x/2", edited)]
    assert find_duplicates(pair) == ()
    assert len(find_duplicates(pair, threshold=0.5)) == 1


def test_different_articles_on_the_same_topic_are_not_grouped() -> None:
    assert shingle_jaccard(FLOOD_REPORT_A, FLOOD_REPORT_B) < 0.05
    assert find_duplicates([candidate("a", FLOOD_REPORT_A), candidate("b", FLOOD_REPORT_B)]) == ()
    assert find_duplicates(
        [candidate("a", FLOOD_REPORT_A), candidate("b", FLOOD_REPORT_B)], threshold=0.3
    ) == ()


def test_same_topic_report_with_its_own_copy_groups_only_the_copy() -> None:
    copy = FLOOD_REPORT_A.replace("40 million", "forty million")
    groups = find_duplicates(
        [candidate("a", FLOOD_REPORT_A), candidate("b", FLOOD_REPORT_B), candidate("c", copy)]
    )
    assert [(g.canonical, g.others, g.kind) for g in groups] == [("a", ("c",), "near")]


def test_three_way_exact_group() -> None:
    body = prose(6)
    (group,) = find_duplicates(
        [candidate("c", body), candidate("a", body.upper()), candidate("b", "  " + body)]
    )
    assert group == DuplicateGroup(canonical="a", others=("b", "c"), kind="exact", similarity=1.0)


def test_three_way_group_mixing_exact_and_near_members_is_near() -> None:
    body = prose(7)
    groups = find_duplicates(
        [candidate("p1", body), candidate("p2", body.replace("\n\n", "\n")),
         candidate("p3", change_words(body, 2, seed=7)), candidate("p4", prose(8))]
    )
    assert len(groups) == 1
    assert members(groups[0]) == {"p1", "p2", "p3"}
    assert groups[0].kind == "near"
    assert 0.8 <= groups[0].similarity < 1.0


def test_canonical_is_lowest_rank_then_lowest_key() -> None:
    body = prose(9)
    edited = change_words(body, 2, seed=9)
    ranked = find_duplicates(
        [candidate("a", body, (2, "2019")), candidate("b", edited, (1, "2020")),
         candidate("c", body, (1, "2021"))]
    )
    assert (ranked[0].canonical, ranked[0].others) == ("b", ("a", "c"))
    tied = find_duplicates(
        [candidate("z", body, (1,)), candidate("m", edited, (1,)), candidate("q", body, (3,))]
    )
    assert (tied[0].canonical, tied[0].others) == ("m", ("q", "z"))


def test_output_sorted_by_canonical_key() -> None:
    bodies = {name: prose(seed) for seed, name in enumerate(["d", "b", "c", "a"], start=20)}
    candidates = [candidate(f"{name}{n}", text) for name, text in bodies.items() for n in (2, 1)]
    groups = find_duplicates(candidates)
    assert [g.canonical for g in groups] == ["a1", "b1", "c1", "d1"]
    assert all(g.others == (f"{g.canonical[0]}2",) for g in groups)


def test_short_texts_can_only_be_exact_duplicates() -> None:
    short = "Police arrested two men after the protest on Monday"  # 9 words < 2 * 5
    one_word_changed = "Police arrested three men after the protest on Monday"
    groups = find_duplicates(
        [candidate("s1", short), candidate("s2", one_word_changed),
         candidate("s3", short.upper() + "!"), candidate("s4", short + " " + prose(10, 40))],
        threshold=0.1,
    )
    assert groups == (
        DuplicateGroup(canonical="s1", others=("s3",), kind="exact", similarity=1.0),
    )


def test_shingle_words_sets_the_short_text_limit() -> None:
    text = "the minister said on tuesday that talks with the union will resume next week"  # 14
    edited = text.replace("next week", "next month")
    pair = [candidate("a", text), candidate("b", edited)]
    assert find_duplicates(pair, threshold=0.5, shingle_words=8) == ()  # 14 < 16: exact only
    assert len(find_duplicates(pair, threshold=0.5, shingle_words=2)) == 1


def test_bodies_that_normalise_to_nothing_are_never_duplicates() -> None:
    assert find_duplicates(
        [candidate("e1", ""), candidate("e2", "   \n"), candidate("e3", "https://x.example/")]
    ) == ()


def test_accepts_a_generator_and_reads_it_once() -> None:
    body = prose(11)
    consumed: list[str] = []

    def stream() -> Iterator[Candidate]:
        for key in ("g1", "g2"):
            consumed.append(key)
            yield candidate(key, body)

    groups = find_duplicates(stream())
    assert consumed == ["g1", "g2"]
    assert [members(g) for g in groups] == [{"g1", "g2"}]


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate candidate key: 'k'"):
        find_duplicates([candidate("k", "one"), candidate("k", "two")])


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 0.0}, {"threshold": 1.5}, {"shingle_words": 0}, {"num_perm": 1},
     {"num_perm": 2**20 + 1}],
)
def test_invalid_parameters_are_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        find_duplicates([], **kwargs)


def mixed_corpus() -> list[Candidate]:
    """Distinct articles, exact copies, near copies, a three-way mix, ranks with ties."""
    corpus = [candidate(f"solo/{i:02d}", prose(100 + i)) for i in range(12)]
    for group in range(5):
        body = prose(200 + group)
        corpus.append(candidate(f"g{group}/orig", body, (group % 2,)))
        corpus.append(candidate(f"g{group}/exact", body.replace(" ", "\n", 30), (0,)))
        if group % 2:
            corpus.append(candidate(f"g{group}/near", change_words(body, 3, group), (0,)))
    corpus += [candidate("short/1", "Talks resume on Monday"),
               candidate("short/2", "talks resume, on monday!"),
               candidate("short/3", "Talks resume on Friday")]
    return corpus


def test_mixed_corpus_groups() -> None:
    groups = find_duplicates(mixed_corpus())
    assert [(g.canonical, g.others, g.kind) for g in groups] == [
        ("g0/exact", ("g0/orig",), "exact"),
        ("g1/exact", ("g1/near", "g1/orig"), "near"),
        ("g2/exact", ("g2/orig",), "exact"),
        ("g3/exact", ("g3/near", "g3/orig"), "near"),
        ("g4/exact", ("g4/orig",), "exact"),
        ("short/1", ("short/2",), "exact"),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_same_groups_for_shuffled_input(seed: int) -> None:
    corpus = mixed_corpus()
    expected = find_duplicates(corpus)
    random.Random(seed).shuffle(corpus)
    assert find_duplicates(corpus) == expected


@settings(max_examples=25, deadline=None)
@given(st.permutations(mixed_corpus()))
def test_same_groups_for_any_permutation(corpus: list[Candidate]) -> None:
    assert find_duplicates(corpus) == find_duplicates(mixed_corpus())


# --- sketches ---------------------------------------------------------------------------------


def estimate(left: Sketch, right: Sketch) -> float:
    count = len(left.values) // 4
    same = sum(left.values[4 * i : 4 * i + 4] == right.values[4 * i : 4 * i + 4]
               for i in range(count))
    return same / count


def reference_values(text: str, shingle_words: int, num_perm: int) -> bytes:
    """The signature computed one shingle and one round at a time, in plain Python: what the
    numpy code must reproduce (see dedupe._signature for the scheme)."""
    full = 2**64
    words = normalise_text(text).encode().split(b" ")
    shingles = {b" ".join(words[i : i + shingle_words])
                for i in range(len(words) - shingle_words + 1)}

    def polynomial(data: bytes) -> int:
        return sum(byte * pow(dedupe._POLY_BASE, j, full) for j, byte in enumerate(data)) % full

    def mix(value: int) -> int:
        value ^= value >> 33
        value = value * 0xFF51AFD7ED558CCD % full
        value ^= value >> 33
        value = value * 0xC4CEB9FE1A85EC53 % full
        return value ^ (value >> 33)

    hashes = [mix(polynomial(shingle)) for shingle in shingles]
    rounds = dedupe._rounds(num_perm)
    a, b = [int(x) for x in rounds.a], [int(x) for x in rounds.b]
    best: list[tuple[int, int] | None] = [None] * num_perm
    for round_ in range(2 * num_perm):
        for x in hashes:
            mixed = (a[round_] * x + b[round_]) % full
            if round_ < num_perm:
                where = ((mixed >> 32) * num_perm) >> 32
            else:
                first = (a[num_perm] * x + b[num_perm]) % full
                where = ((((first >> 32) * num_perm) >> 32) + round_ - num_perm) % num_perm
            found = best[where]
            if found is None or (round_, mixed >> 24) < found:
                best[where] = (round_, mixed >> 24)
        if None not in best:
            break
    values = [found[1] & 0xFFFFFFFF for found in best if found is not None]
    return b"".join(value.to_bytes(4, "little") for value in values)


GOLDEN_SKETCH = "541eb59a418c8790"  # sha256 prefix of sketch_text(prose(1)).values

REFERENCE_TEXTS = [
    prose(1),
    "one two three four five six seven eight nine ten",  # exactly 2 * 5 words
    " ".join(["la"] * 30),  # one distinct shingle: needs the rotation rounds
    " ".join(f"w{i % 7}" for i in range(60)),  # 7 distinct shingles, many repeats
    "x" * 300 + " " + prose(2, 40),  # a long token
    "Ünïcödé wörds, ﬁne; " + prose(3, 30),  # multi-byte UTF-8 and NFKC
]


@pytest.mark.parametrize("text", REFERENCE_TEXTS)
@pytest.mark.parametrize(("shingle_words", "num_perm"), [(5, 128), (3, 100), (1, 2)])
def test_sketch_matches_plain_python_reference(text: str, shingle_words: int,
                                               num_perm: int) -> None:
    sketch = sketch_text(text, shingle_words=shingle_words, num_perm=num_perm)
    assert sketch.values == reference_values(text, shingle_words, num_perm)
    assert len(sketch.values) == 4 * num_perm


def test_sketch_does_not_depend_on_block_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [prose(4, 900), "y" * 80 + " " + prose(5, 50), " ".join(["la"] * 40)]
    expected = [sketch_text(text) for text in texts]
    monkeypatch.setattr(dedupe, "_BLOCK", 7)  # many hashing blocks and signature steps
    monkeypatch.setattr(dedupe, "_POWER_TABLE", 16)  # blocks longer than the cached powers
    dedupe._hashing.cache_clear()
    try:
        assert [sketch_text(text) for text in texts] == expected
    finally:
        dedupe._hashing.cache_clear()  # the next caller builds full-size tables again


def test_sketch_depends_only_on_the_shingle_set() -> None:
    # A periodic text has the same shingles however long it is.
    cycle = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    shorter = " ".join(cycle * 2 + cycle[:4])
    longer = " ".join(cycle * 9)
    assert sketch_text(shorter).values == sketch_text(longer).values
    assert sketch_text(shorter).digest != sketch_text(longer).digest


def test_sketch_digest_is_sha256_of_normalised_text() -> None:
    text = FLOOD_REPORT_A
    digest = hashlib.sha256(normalise_text(text).encode()).digest()
    assert sketch_text(text).digest == digest
    assert sketch_text("").digest == b""
    assert sketch_text("too short to compare").values == b""
    assert sketch_text("too short to compare").digest != b""


def test_sketch_is_fixed_across_runs_and_machines() -> None:
    # A change here invalidates every cached sketch: bump cache.SCHEMA with it.
    values = sketch_text(prose(1)).values
    assert hashlib.sha256(values).hexdigest()[:16] == GOLDEN_SKETCH


@pytest.mark.parametrize("changed", [0, 3, 12, 30, 80])
def test_estimated_similarity_is_close_to_exact(changed: int) -> None:
    body = prose(21)
    edited = change_words(body, changed, changed)
    exact = shingle_jaccard(body, edited)
    # 4 standard errors of a 128-value estimate
    tolerance = 4 * (exact * (1 - exact) / 128) ** 0.5 + 1e-9
    assert abs(estimate(sketch_text(body), sketch_text(edited)) - exact) <= tolerance
