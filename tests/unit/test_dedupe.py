"""Exact and near-duplicate grouping: what is grouped, what is not, and who is canonical."""

from __future__ import annotations

import hashlib
import random
import re
import struct
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.dedupe import detect as dedupe
from archivegen.dedupe.detect import (
    _LINK_RE,
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


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = normalise_text(text).split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingle_jaccard(a: str, b: str, size: int = 5) -> float:
    left, right = shingles(a, size), shingles(b, size)
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


@pytest.mark.slow
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


# --- the numpy grouping gives exactly the results of the plain Python one it replaced ----------


def reference_find_duplicates(candidates: Iterable[Candidate], *, threshold: float = 0.8,
                              shingle_words: int = 5,
                              num_perm: int = 128) -> tuple[DuplicateGroup, ...]:
    """find_duplicates as it was before it used numpy (one dict per LSH band, one candidate
    pair at a time, union-find in Python), kept as the reference for the numpy version."""
    bodies: dict[bytes, int] = {}
    rows: list[int] = []  # per distinct body
    values: list[int] = []  # num_perm per row
    members: list[tuple[str, tuple[object, ...], int]] = []  # key, rank, body
    for c in candidates:
        sketch = c.sketch or sketch_text(c.text, shingle_words=shingle_words, num_perm=num_perm)
        if not sketch.digest:
            continue
        if sketch.digest not in bodies:
            bodies[sketch.digest] = len(rows)
            rows.append(len(values) // num_perm if sketch.values else -1)
            values += struct.unpack(f"<{len(sketch.values) // 4}I", sketch.values)
        members.append((c.key, c.rank, bodies[sketch.digest]))

    def estimate(row: int, other: int) -> float:
        left = values[row * num_perm : (row + 1) * num_perm]
        right = values[other * num_perm : (other + 1) * num_perm]
        return sum(x == y for x, y in zip(left, right, strict=True)) / num_perm

    parent = list(range(len(rows)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    body_of_row = [body for body, row in enumerate(rows) if row >= 0]
    band_rows = next(r for r in range(num_perm, 0, -1)
                     if 1.0 - (1.0 - threshold**r) ** (num_perm // r) >= dedupe.LSH_RECALL)
    for band in range(num_perm // band_rows):
        buckets: dict[tuple[int, ...], list[int]] = {}
        for row in range(len(body_of_row)):
            start = row * num_perm + band * band_rows
            buckets.setdefault(tuple(values[start : start + band_rows]), []).append(row)
        for bucket in buckets.values():
            for position, row in enumerate(bucket):
                for other in bucket[position + 1 :]:
                    root, other_root = find(body_of_row[row]), find(body_of_row[other])
                    if root != other_root and estimate(row, other) >= threshold:
                        parent[max(root, other_root)] = min(root, other_root)
    components: dict[int, list[tuple[str, tuple[object, ...], int]]] = {}
    for member in members:
        components.setdefault(find(member[2]), []).append(member)
    groups = []
    for found in components.values():
        if len(found) < 2:
            continue
        key, _, body = min(found, key=lambda m: (m[1], m[0]))
        reference = rows[body]
        similarity = min((estimate(reference, rows[b]) for _, _, b in found
                          if b != body and reference >= 0 and rows[b] >= 0), default=1.0)
        groups.append(DuplicateGroup(
            canonical=key, others=tuple(sorted(k for k, _, _ in found if k != key)),
            kind="exact" if len({b for _, _, b in found}) == 1 else "near",
            similarity=round(similarity, 3)))
    return tuple(sorted(groups, key=lambda group: group.canonical))


def planted_sketches(seed: int, num_perm: int, count: int = 400) -> list[Candidate]:
    """Sketches with the cases find_duplicates meets: families of signatures that agree on a
    random share of values (so pairs fall just above and below any threshold), chains (A~B,
    B~C, A!~C), identical signatures of different bodies, values from a tiny alphabet (large
    LSH buckets, many false candidates), exact copies (one digest), short bodies (no values),
    empty bodies (no digest), ranks with ties; in random order."""
    rng = random.Random(seed)
    sketches: list[Sketch] = []
    while len(sketches) < count:
        alphabet = 2**32 if rng.random() < 0.8 else rng.choice([2, 3, 7])
        previous = [rng.randrange(alphabet) for _ in range(num_perm)]
        base = previous
        for _ in range(rng.choice([1, 1, 2, 3, 5, 12])):
            keep = rng.choice([1.0, rng.random(), rng.uniform(0.6, 1.0), rng.uniform(0.85, 1.0)])
            source = previous if rng.random() < 0.3 else base  # a chain or a star
            previous = [v if rng.random() < keep else rng.randrange(alphabet) for v in source]
            sketches.append(Sketch(digest=rng.randbytes(8),
                                   values=struct.pack(f"<{num_perm}I", *previous)))
        if rng.random() < 0.15:
            sketches.append(Sketch(digest=rng.randbytes(8), values=b""))  # too short
        if rng.random() < 0.05:
            sketches.append(Sketch(digest=b"", values=b""))  # nothing left after normalising
        if rng.random() < 0.2:
            sketches.append(rng.choice(sketches))  # an exact copy
    rng.shuffle(sketches)
    return [Candidate(key=f"k{rng.randrange(10**6):06d}-{i}", text="",
                      rank=(rng.randrange(3),) if rng.random() < 0.9 else (), sketch=sketch)
            for i, sketch in enumerate(sketches)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("threshold", "num_perm"),
                         [(0.8, 128), (0.5, 128), (0.9, 100), (0.9, 101), (1.0, 16), (0.3, 7),
                          (0.8, 2)])
def test_same_results_as_the_reference(seed: int, threshold: float, num_perm: int) -> None:
    corpus = planted_sketches(seed, num_perm)
    expected = reference_find_duplicates(corpus, threshold=threshold, num_perm=num_perm)
    assert find_duplicates(corpus, threshold=threshold, num_perm=num_perm) == expected
    assert any(group.kind == "near" for group in expected)


def test_same_results_as_the_reference_on_texts() -> None:
    """Bodies of all lengths with copies: re-wrapped, and with 1 to 40 words changed."""
    rng = random.Random(7)
    corpus: list[Candidate] = []
    for n in range(60):
        body = prose(300 + n, words=rng.choice([8, 12, 40, 150, 400]))
        corpus.append(candidate(f"o{n}", body, (rng.randrange(2),)))
        for copy in range(rng.choice([0, 1, 3])):
            changed = rng.choice([0, 1, 3, 8, 20, 40])
            edited = change_words(body, min(changed, len(body.split(" ")) // 2), n + copy)
            corpus.append(candidate(f"c{n}-{copy}", edited.replace(" ", "\n", 5),
                                    (rng.randrange(2),)))
    rng.shuffle(corpus)
    for threshold in (0.5, 0.8, 0.9):
        expected = reference_find_duplicates(corpus, threshold=threshold)
        assert find_duplicates(corpus, threshold=threshold) == expected
        assert {group.kind for group in expected} == {"exact", "near"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.lists(st.integers(0, 2), min_size=8,
                                                      max_size=8)), max_size=40),
       st.sampled_from([0.4, 0.7, 1.0]))
def test_same_results_as_the_reference_on_tiny_signatures(
        bodies: list[tuple[int, list[int]]], threshold: float) -> None:
    """8 values from {0, 1, 2}: almost every row shares some band with another."""
    digests: dict[int, Sketch] = {}
    corpus = []
    for n, (digest, values) in enumerate(bodies):
        sketch = digests.setdefault(digest, Sketch(digest=bytes([digest]),
                                                   values=struct.pack("<8I", *values)))
        corpus.append(Candidate(key=f"k{n}", text="", rank=(n % 3,), sketch=sketch))
        corpus.append(Candidate(key=f"u{n}", text="", rank=(),
                                sketch=Sketch(digest=f"u{n}".encode(),
                                              values=struct.pack("<8I", *values))))
    expected = reference_find_duplicates(corpus, threshold=threshold, num_perm=8)
    assert find_duplicates(corpus, threshold=threshold, num_perm=8) == expected


def lsh_miss(seed: int) -> list[Candidate]:
    """Two signatures that agree on 110 of 128 values (0.86) but differ in every band of 8."""
    rng = random.Random(seed)
    values = [rng.randrange(2**32) for _ in range(128)]
    other = list(values)
    for position in [8 * band + rng.randrange(8) for band in range(16)] + [3, 77]:
        other[position] ^= 1
    return [Candidate(key=f"miss{seed}-{n}", text="", rank=(),
                      sketch=Sketch(digest=b"miss%d-%d" % (seed, n),
                                    values=struct.pack("<128I", *signature)))
            for n, signature in enumerate((values, other))]


def test_a_similar_pair_that_shares_no_band_is_not_grouped() -> None:
    """LSH proposes the pairs: one it misses stays apart however similar, as it always did."""
    pair = lsh_miss(1)
    first, second = (c.sketch for c in pair)
    assert first and second and estimate(first, second) == 110 / 128
    assert find_duplicates(pair) == reference_find_duplicates(pair) == ()
    assert len(find_duplicates(pair, threshold=0.5)) == 1  # bands of 2: now it shares one


@pytest.mark.parametrize("mask", [0, 0xC000_0000_0000_0000, 0xFFFF_0000_0000_0001])
def test_band_hash_collisions_do_not_change_the_results(monkeypatch: pytest.MonkeyPatch,
                                                         mask: int) -> None:
    """Unequal bands with equal hashes are told apart: hashes cut down to a few bits (or to
    nothing) give the same groups, and do not join pairs that LSH misses."""
    corpus = planted_sketches(11, 128) + lsh_miss(1) + lsh_miss(2)
    expected = reference_find_duplicates(corpus)
    real = dedupe._band_hashes

    def colliding(signatures: Any, bands: int, band_rows: int) -> Any:
        return real(signatures, bands, band_rows) & np.uint64(mask)

    monkeypatch.setattr(dedupe, "_band_hashes", colliding)
    assert find_duplicates(corpus) == expected


def test_pair_blocks_do_not_change_the_results(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = planted_sketches(12, 128)
    expected = find_duplicates(corpus)
    monkeypatch.setattr(dedupe, "_PAIR_BLOCK", 3)
    assert find_duplicates(corpus) == expected == reference_find_duplicates(corpus)


def test_a_large_lsh_bucket() -> None:
    """150 different bodies with one signature (one bucket per band) and 50 that share only
    the first band with them: one group of 150, and the 50 stay apart."""
    rng = random.Random(13)
    shared = [rng.randrange(2**32) for _ in range(128)]

    def sketch(n: int, values: list[int]) -> Candidate:
        return Candidate(key=f"k{n:03d}", text="", rank=(),
                         sketch=Sketch(digest=b"%d" % n, values=struct.pack("<128I", *values)))

    corpus = [sketch(n, shared) for n in range(150)]
    corpus += [sketch(n, shared[:8] + [rng.randrange(2**32) for _ in range(120)])
               for n in range(150, 200)]
    rng.shuffle(corpus)
    (group,) = find_duplicates(corpus)
    assert (group.canonical, len(group.others), group.kind, group.similarity) == (
        "k000", 149, "near", 1.0)
    assert (group,) == reference_find_duplicates(corpus)


def test_sketches_of_another_num_perm_are_rejected() -> None:
    sketch = sketch_text(prose(1), num_perm=64)
    with pytest.raises(ValueError, match="has 64 values, not num_perm=128"):
        find_duplicates([Candidate(key="a", text="", rank=(), sketch=sketch),
                         Candidate(key="b", text="", rank=(), sketch=sketch)])


# Bodies made from four originals, each copied with 0 to 60 words of 300 changed: pairs
# from well above to well below the threshold, and short bodies that only match exactly.
VARIANTS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 60), st.integers(0, 9)),
                    min_size=1, max_size=12)


def variant_text(original: int, changed: int, seed: int) -> str:
    if seed == 9:  # a short body: compared only as a whole
        return ["Talks resume on Monday", "talks resume, on monday!", "", "---"][original]
    body = prose(500 + original)
    return change_words(body, changed, seed) if changed else body


@settings(max_examples=60, deadline=None)
@given(VARIANTS)
def test_isolated_agrees_with_find_duplicates(variants: list[tuple[int, int, int]]) -> None:
    sketches = [sketch_text(variant_text(*v)) for v in variants]
    grouped = set().union(*map(members, find_duplicates(
        Candidate(key=str(n), text="", rank=(), sketch=s) for n, s in enumerate(sketches))))
    for n, sketch in enumerate(sketches):
        others = sketches[:n] + sketches[n + 1:]
        assert dedupe.isolated(sketch, others) == (str(n) not in grouped), variants[n]


def test_isolated_examples() -> None:
    body = prose(7)
    assert dedupe.isolated(sketch_text(body), [sketch_text(prose(8)), sketch_text(prose(9))])
    assert not dedupe.isolated(sketch_text(body), [sketch_text(change_words(body, 3, 1))])
    assert not dedupe.isolated(sketch_text("A short body."), [sketch_text("a short body")])
    assert dedupe.isolated(sketch_text("---"), [sketch_text("---")])  # empty: never grouped
    assert dedupe.isolated(sketch_text(body), [])


@pytest.mark.parametrize("differing, alone", [
    (range(0, 128, 8), True),   # 16 values differ, one in every band: no band is shared
    (range(8, 128, 8), False),  # band 0 shared, 15 values differ: a verified pair
    (range(8, 48), True),       # band 0 shared, but 40 of 128 differ: below the threshold
])
def test_isolated_needs_a_shared_band_and_the_threshold(differing: range, alone: bool) -> None:
    values = np.arange(1000, 1128, dtype="<u4")
    other = values.copy()
    other[list(differing)] += 1
    mine, theirs = (Sketch(digest=bytes([n]), values=v.tobytes())
                    for n, v in ((1, values), (2, other)))
    assert dedupe.isolated(mine, [theirs]) is alone
    groups = find_duplicates([Candidate(key="a", text="", rank=(), sketch=mine),
                              Candidate(key="b", text="", rank=(), sketch=theirs)])
    assert (not groups) is alone


# --- excerpts: a short text that is mostly the opening of a long one -------------------------

# Site chrome a page excerpt starts with (forum header, navigation, post date).
CHROME = ("Home | Mobile | Editorial | Mission | Privacy | About | Contact | Help\n"
          "Thread Rating: 1 Vote(s) - 5 Average\n"
          "10-07-2010, 12:21 AM, (This post was last modified: 06-19-2012 by h3rm35.)\n#1\n\n")

GOLDEN_LEAD = "db2383cfa2d42cb9"  # sha256 prefix of sketch_text(prose(1)).lead


def words_of(text: str, start: int, stop: int | None = None) -> str:
    """Words start..stop-1 of `text`, split on spaces (line breaks stay inside tokens)."""
    return " ".join(text.split(" ")[start:stop])


def page_excerpt(article: str, words: int = 300, chrome: str = CHROME) -> str:
    """What a search tool or a forum repost keeps of a page: chrome, then the article's first
    `words` words, cut mid-sentence."""
    return chrome + words_of(article, 0, words)


def flat_size(text: str) -> int:
    return len(dedupe._flat(text))


def test_lead_sketch_layout_and_fixed_values() -> None:
    # A change here invalidates every cached sketch: bump cache.SCHEMA with it.
    sketch = sketch_text(prose(1))
    assert len(sketch.lead) == 4 + 3 * dedupe.LEAD_VALUES
    assert struct.unpack_from("<I", sketch.lead)[0] == flat_size(prose(1))
    assert hashlib.sha256(sketch.lead).hexdigest()[:16] == GOLDEN_LEAD
    assert sketch_text(prose(2, words=40)).lead == b""  # under EXCERPT_MIN: never an excerpt


def test_containment_reads_glued_words_and_lost_punctuation_as_the_clean_text() -> None:
    clean = "The G20 leaders' communiqué: “we have agreed to support a general SDR allocation”."
    glued = "TheG20 leaders communiqué we have agreedto support a generalSDR allocation"
    assert dedupe.containment(glued, clean) == 1.0
    assert dedupe.containment("", clean) == 0.0


def test_an_excerpt_with_chrome_is_grouped_with_the_long_article() -> None:
    article = prose(40, words=3000)
    page = page_excerpt(article)
    assert dedupe.EXCERPT_MIN <= flat_size(page) <= dedupe.EXCERPT_MAX
    assert flat_size(article) > dedupe.LEAD_BYTES
    groups = find_duplicates([candidate("full.md", article, (1,)),
                              candidate("page.txt", page, (0,)),  # ranks better: no matter
                              candidate("other.md", prose(41, words=3000))])
    assert len(groups) == 1
    group = groups[0]
    assert (group.canonical, group.others) == ("full.md", ("page.txt",))
    (excerpt,) = group.excerpts
    assert (excerpt.key, excerpt.container) == ("page.txt", "full.md")
    assert 0.8 < excerpt.containment < 1.0  # the chrome is not in the article


def test_a_pdf_transcript_excerpt_with_glued_words_is_grouped() -> None:
    article = prose(42, words=3000)
    tokens = words_of(article, 0, 300).split(" ")
    # every fourth space lost, apostrophes and quotes dropped, as a PDF text layer does
    glued = "".join(token + ("" if n % 4 == 3 else " ") for n, token in enumerate(tokens))
    assert shingle_jaccard(glued, words_of(article, 0, 300)) < 0.3  # word shingles are lost
    (group,) = find_duplicates([candidate("full.md", article), candidate("pdf.txt", glued)])
    assert [(x.key, x.container) for x in group.excerpts] == [("pdf.txt", "full.md")]


def test_a_text_sharing_a_long_quotation_is_not_grouped() -> None:
    article = prose(43, words=3000)
    quotation = words_of(article, 100, 220)  # 120 words from the article's opening
    commentary = prose(44, words=90) + "\n\n" + quotation + "\n\n" + prose(45, words=90)
    assert 0.35 < dedupe.containment(commentary, article) < 0.45
    assert 0.35 < dedupe.containment(commentary, article, run=dedupe.EXCERPT_RUN) < 0.45
    assert find_duplicates([candidate("article.md", article),
                            candidate("commentary.md", commentary)]) == ()


def test_a_copy_that_left_out_a_line_every_few_sentences_is_still_an_excerpt() -> None:
    """Scrapers and loaders drop pieces of a page (link texts, a dateline, a caption): the
    passages around a cut still count as one."""
    article = prose(67, words=3000)
    tokens = words_of(article, 0, 320).split(" ")
    kept = [token for n, token in enumerate(tokens) if n % 30 not in (14, 15, 16)]
    page = CHROME + " ".join(kept)
    # every shingle found counts: the chrome is all that is missing
    assert dedupe.containment(page, article, run=dedupe.EXCERPT_RUN) == dedupe.containment(
        page, article) > 0.75
    (group,) = find_duplicates([candidate("full.md", article), candidate("page.txt", page)])
    assert [x.key for x in group.excerpts] == ["page.txt"]


def test_a_summary_quoting_many_short_passages_is_not_grouped() -> None:
    """A blog post that strings together quotations from the article's opening with a few
    words of its own: most of its text is in the article, but in pieces, never the long
    unbroken passage a copy of the page is."""
    article = prose(65, words=3000)
    pieces = [words_of(article, start, start + 22) for start in range(0, 440, 40)]
    summary = "\n".join(f"As the author puts it, {piece}, and {prose(66 + n, words=6)}"
                         for n, piece in enumerate(pieces))
    assert dedupe.containment(summary, article) > 0.55  # counting every shared shingle
    assert dedupe.containment(summary, article, run=dedupe.EXCERPT_RUN) == 0.0
    assert find_duplicates([candidate("article.md", article),
                            candidate("summary.txt", summary)]) == ()


def test_a_translation_is_not_grouped() -> None:
    """The same names and numbers in the same places, every other word different."""
    names = ["Ellen Brown", "Basel", "2009", "$250bn", "G20", "Evans-Pritchard", "IMF", "1930"]
    tokens = prose(46, words=3000).split(" ")
    for n in range(0, len(tokens), 6):
        tokens[n] = names[n % len(names)]
    article = " ".join(tokens)
    translated = " ".join(token if token in names else f"lo{token[::-1]}a" for token in tokens)
    opening = words_of(translated, 0, 300)
    assert dedupe.containment(opening, article) < 0.05
    assert find_duplicates([candidate("en.md", article), candidate("es.md", translated)]) == ()
    assert find_duplicates([candidate("en.md", article), candidate("es-page.txt", opening)]) == ()


def test_different_articles_with_the_same_title_and_last_line_are_not_grouped() -> None:
    def article(seed: int, words: int) -> str:
        return (f"Julian Assange\n\n{prose(seed, words=words)}\n"
                "Reprinted with permission from Consortiumnews.com.\n")

    assert find_duplicates([candidate("a.txt", article(47, 400)),
                            candidate("b.txt", article(48, 1500)),
                            candidate("c.txt", article(49, 1500))]) == ()


def test_two_long_works_sharing_most_passages_are_not_grouped() -> None:
    """A book chapter that reuses two thirds of an article: both long, so they are compared
    as near copies only (Jaccard), never as excerpts."""
    article = prose(50, words=1500)
    passages = [words_of(article, start, start + 100) for start in range(0, 1500, 150)]
    chapter = prose(51, words=150) + "\n\n" + "\n\n".join(
        passage + "\n\n" + prose(52 + n, words=50) for n, passage in enumerate(passages))
    shared = len(shingles(chapter) & shingles(article))
    assert shared > 0.6 * len(shingles(article)) and shared > 0.5 * len(shingles(chapter))
    assert flat_size(chapter) > dedupe.EXCERPT_MAX and flat_size(article) > dedupe.EXCERPT_MAX
    assert find_duplicates([candidate("article.md", article),
                            candidate("chapter.md", chapter)]) == ()


def test_an_excerpt_of_a_passage_two_works_share_joins_neither() -> None:
    shared = prose(60, words=400)
    first = shared + "\n\n" + prose(61, words=2000)
    second = shared + "\n\n" + prose(62, words=2000)
    page = page_excerpt(shared)
    assert find_duplicates([candidate("first.md", first), candidate("second.md", second),
                            candidate("page.txt", page)]) == ()
    # the same excerpt with only one of them: grouped
    (group,) = find_duplicates([candidate("first.md", first), candidate("page.txt", page)])
    assert group.canonical == "first.md"


def test_excerpts_of_excerpts_join_the_whole_article() -> None:
    article = prose(63, words=3000)
    corpus = [candidate("full.md", article), candidate("long.txt", page_excerpt(article, 450)),
              candidate("mid.txt", page_excerpt(article, 250)),
              candidate("short.txt", words_of(article, 0, 90))]
    (group,) = find_duplicates(corpus)
    assert group.canonical == "full.md"
    # the two page excerpts share their chrome: the shorter is more of the longer one
    assert {(x.key, x.container) for x in group.excerpts} == {
        ("long.txt", "full.md"), ("mid.txt", "long.txt"), ("short.txt", "full.md")}


def test_a_short_snippet_is_never_an_excerpt() -> None:
    article = prose(64, words=3000)
    snippet = words_of(article, 0, 50)  # under EXCERPT_MIN
    assert flat_size(snippet) < dedupe.EXCERPT_MIN
    assert find_duplicates([candidate("full.md", article), candidate("s.txt", snippet)]) == ()


def excerpt_corpus() -> list[Candidate]:
    """Articles with excerpts, excerpt chains, near copies of excerpts, an ambiguous excerpt
    of a passage two works share, a quoting commentary, and unrelated texts."""
    corpus = [candidate(f"solo/{n}", prose(300 + n, words=600)) for n in range(4)]
    for n in range(3):
        article = prose(310 + n, words=2500)
        page = page_excerpt(article, 280)
        corpus += [candidate(f"a{n}/full", article, (n % 2,)),
                   candidate(f"a{n}/page", page, (0,)),
                   candidate(f"a{n}/page-copy", change_words(page, 2, n), (1,)),
                   candidate(f"a{n}/teaser", words_of(article, 0, 100), (0,))]
    shared = prose(320, words=400)
    corpus += [candidate("w/first", shared + "\n\n" + prose(321, words=2000)),
               candidate("w/second", shared + "\n\n" + prose(322, words=2000)),
               candidate("w/page", page_excerpt(shared))]
    corpus.append(candidate("quote", prose(323, words=90) + "\n\n"
                            + words_of(prose(310, words=2500), 50, 170) + "\n\n"
                            + prose(324, words=90)))
    return corpus


def test_excerpt_corpus_groups() -> None:
    groups = find_duplicates(excerpt_corpus())
    assert [(g.canonical, g.others) for g in groups] == [
        (f"a{n}/full", (f"a{n}/page", f"a{n}/page-copy", f"a{n}/teaser")) for n in range(3)]
    assert all({x.container for x in g.excerpts} == {g.canonical} for g in groups)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.permutations(excerpt_corpus()))
def test_same_excerpt_groups_for_any_permutation(corpus: list[Candidate]) -> None:
    assert find_duplicates(corpus) == find_duplicates(excerpt_corpus())


def test_excerpts_are_verified_on_the_bodies_asked_for() -> None:
    """Given sketches, excerpt candidates are verified on texts from `body`, asked only about
    candidate pairs; without it, no excerpt is matched."""
    corpus = excerpt_corpus()
    texts = {c.key: c.text for c in corpus}
    sketched = [Candidate(key=c.key, text="", rank=c.rank, sketch=sketch_text(c.text))
                for c in corpus]
    asked: list[str] = []

    def body(key: str) -> str:
        asked.append(key)
        return texts[key]

    assert find_duplicates(sketched, body=body) == find_duplicates(corpus)
    assert not any(key.startswith("solo/") for key in asked)
    assert len(asked) == len(set(asked))  # each body once
    assert all(not g.excerpts for g in find_duplicates(sketched))


def test_isolated_sees_excerpt_candidates_both_ways() -> None:
    article = prose(70, words=3000)
    page = page_excerpt(article)
    assert not dedupe.isolated(sketch_text(page), [sketch_text(article)])
    assert not dedupe.isolated(sketch_text(article), [sketch_text(page)])
    assert dedupe.isolated(sketch_text(prose(71, words=300)), [sketch_text(article)])
    assert dedupe.isolated(sketch_text(article), [sketch_text(prose(71, words=300))])


def test_lead_sketches_of_another_width_are_rejected() -> None:
    sketch = sketch_text(prose(1))
    bad = Sketch(digest=sketch.digest, values=sketch.values, lead=sketch.lead[:-3])
    with pytest.raises(ValueError, match="lead sketch"):
        find_duplicates([Candidate(key="a", text="", rank=(), sketch=bad),
                         Candidate(key="b", text="", rank=(), sketch=sketch_text(prose(2)))])


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(("[", "]", "(", ")", "](", "a", " ", "\n", "!", "*", "http://x",
                                  "(a)", "w" * 250, "u" * 1000)),  # (near the bounds 500 and 2,000)
                max_size=60).map("".join))
def test_link_pattern_matches_as_its_backtracking_form(text: str) -> None:
    """The link pattern's quantifiers are possessive (backtracking through 2,000 characters
    at each unclosed "[text](" cost more than rendering them): the same matches as before."""
    backtracking = re.compile(r"\[([^\[\]\n]{0,500})\]\((?:[^()\n]|\([^()\n]{0,500}\)){0,2000}\)")
    assert _LINK_RE.sub(r" \1 ", text) == backtracking.sub(r" \1 ", text)
