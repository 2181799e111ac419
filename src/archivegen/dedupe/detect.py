"""Find articles whose bodies are exact or near duplicates or excerpts of one another, and pick
one canonical per group.

Scraped archives hold the same article many times: fetched twice, re-published by another site
with a different "Source:" line, re-wrapped, lightly edited, or cut short (a page excerpt, a
forum or mailing-list repost, a PDF transcript). This module groups such bodies; duplicates.py
decides which grouped copies are folded.

How bodies are compared
-----------------------
Every body is first put through :func:`normalise_text`: Unicode NFKC, case-folded (lowercase),
HTML tags and entities, Markdown link targets, reference definitions and bare URLs removed, every
character that is not a letter, digit or combining mark turned into a space, whitespace collapsed.
The result is a sequence of words.

* **Exact duplicates** have identical normalised text. They are found by hashing the normalised
  text (SHA-256), so they cost one pass over the input.
* **Near duplicates** are compared by the **Jaccard similarity of their sets of word shingles**:
  every run of ``shingle_words`` (default 5) consecutive words of the normalised text is one
  shingle, and the similarity of two bodies is ``|A & B| / |A | B|`` over their shingle sets. Two
  bodies are near duplicates when the similarity is at least ``threshold`` (default **0.8**).
  As a guide, with 5-word shingles one changed word alters up to 5 shingles: changing 3 words in a
  300-word article gives a similarity of about 0.9; two different reports on the same event that
  share a quotation or a few stock phrases stay well below 0.2.

The similarity is *estimated*, never computed exactly (the texts are not kept, see below): each
body gets a MinHash signature of ``num_perm`` (default 128) values. Each shingle is hashed once
to 64 bits (a polynomial hash of its bytes taken from prefix sums over the whole text, then the
MurmurHash3 finaliser), and the signature is built by *fast similarity sketching* (Dahlgaard,
Knudsen, Thorup 2017): in round r a fixed-seed multiply-shift hash ``a[r]*x + b[r]`` puts every
shingle in one of ``num_perm`` bins with value (r, hash), each bin keeps its smallest value, and
rounds stop once every bin is filled, almost always after the first round for a news article.
That is one hash per shingle instead of ``num_perm``, all vectorised with numpy. Two bodies agree
on a bin with probability J, as with classic MinHash. The estimate is the share of equal
signature values; its standard error is at most about ``sqrt(J * (1 - J) / num_perm)``, i.e.
0.035 at J = 0.8 with 128 values (less on long bodies: the bins sample shingles without
replacement), so pairs right at the threshold may fall either side of it.
Locality-sensitive hashing proposes candidate pairs: the signature is cut into bands, and two
bodies that agree on every value of some band are candidates. Bands are as long as possible while
a pair of similarity exactly ``threshold`` still becomes a candidate with probability >= 0.9
(0.8 and 128 values: 16 bands of 8; a pair of similarity 0.85 is then found with probability
0.994). Every candidate pair is then **verified**: it counts only if its estimated similarity is
>= ``threshold``. A group is a connected component of verified pairs, so a chain A~B, B~C groups
A with C even when A and C differ more; the group's ``similarity`` field (the lowest estimated
similarity of a member to the canonical) shows how far the chain reaches.

Excerpts
--------
Jaccard cannot see 300 words inside an article of 19,000 (J < 0.02). An **excerpt** is a short
text most of which is the opening of a longer one: what a search tool, a forum, a newsletter or
a mailing list keeps of a page, often after a few lines of its own chrome (navigation, thread
header, post date), cut mid-sentence. Such pairs are found by **containment**: the share of the
short text's shingles that occur in the long one's *lead* (its opening), not the whole text.

* Shingles here are runs of ``LEAD_SHINGLE`` (24) bytes of the **flat text**: the normalised
  text with its spaces removed. A PDF transcript that glued words ("GlobalCurrencyDo") or a
  copy that lost its apostrophes ("worlds") then reads as the clean text; translations share
  only names and numbers, so almost no 24-byte run.
* The excerpt's flat text is EXCERPT_MIN..EXCERPT_MAX bytes (about 70 to 550 words), the
  container's at least EXCERPT_RATIO (1.5) times as long, and the container's lead is its first
  LEAD_BYTES (4000, about 700 words). Two long texts are never matched this way, however much
  they share: a book chapter that reuses an article's passages is another work (they remain
  near-duplicate candidates, by Jaccard, like any pair).
* **Candidates** come from a second, small sketch per body, its *lead sketch*: the flat
  length and a ``LEAD_VALUES`` (48) value MinHash of the lead's shingles (the whole text for an
  excerpt), values cut to 24 bits. Per value position, bodies are bucketed by value; a pair of
  suitable lengths that shares at least LEAD_MIN_EQUAL (2) values is a candidate (a value shared
  by more than LEAD_BUCKET_CAP bodies is boilerplate and proposes nothing). A 1,400-byte
  excerpt half of which is in a 4,000-byte lead agrees with it on a value with probability
  about 0.15, so it shares 2 of 48 values with probability 0.996.
* Every candidate is **verified exactly on the two texts** (``body`` of find_duplicates: the
  build reads them back for these pairs only): at least CONTAINMENT (0.5) of the excerpt's
  shingles, and at least SHARED_MIN (360, about 65 words) of them, must be in the container's
  lead, counting only passages of EXCERPT_RUN (200, about 40 words) or more shingles found. A
  passage may leave out a piece of the original (a line, a link text, a date the loader moved
  out: the 23 shingles across the cut are not found) but not add words of its own: found
  shingles more than EXCERPT_GAP (24) positions apart are two passages. A copy of a page is
  one or a few long verbatim passages; a post that summarises an article strings short
  quotations together with words of its own (on the third real set, such a post shares 0.59
  of its shingles with the essay, but only 0.25 in passages), and a text sharing a long
  quotation (two fifths of the shorter, say) stays under the threshold. On the three real
  sets, excerpts measure 0.58 to 1.0 in passages even with forum, newsletter and mailing-list
  chrome; other works sharing text with them 0.19 to 0.25.
* An excerpt joins **one** group: the one whose container holds the largest share of it. If a
  container in another group holds it within AMBIGUITY (0.1) of that share, the excerpt could
  come from either (a passage two works share) and joins neither. Near copies of an excerpt
  decide together, and larger excerpts before smaller ones, so that a container that is itself
  an excerpt is already in its group. Ties go to the longer container, then the lower digest.
* The canonical of a group is never an excerpt (the page shows the whole text), and each
  excerpt member is reported with its container and containment (``DuplicateGroup.excerpts``).
* Not found: a partial repost taken from further into an article than its lead (the fourth
  real set has one, from the second half of an 11,000-byte article). Finding those would
  need a sketch of each whole text, in which a 1,400-byte excerpt of a long article agrees on
  too few values to be proposed, and as much memory again per article.

Special cases
-------------
* Bodies of fewer than ``2 * shingle_words`` words (default 10) can only be *exact* duplicates:
  on a handful of shingles one shared phrase already means a high similarity, so near-matching
  would group unrelated short texts.
* A body that normalises to nothing (empty, or only punctuation and URLs) is never a duplicate of
  anything: that is a failed scrape, not a copy.

Which member is canonical
-------------------------
The member with the lowest ``(rank, key)``; ``rank`` is any tuple the caller chooses (e.g. "has a
date first, then the oldest date"); all ranks must be comparable with each other (else
``TypeError``). Keys must be unique (else ``ValueError``).

Results are deterministic: the same candidates in any order give the same groups, canonicals,
similarities and output order (groups sorted by canonical key). Memory: only each candidate's
key, rank and body hash, plus one signature (``num_perm`` 32-bit values) and one lead sketch
(148 bytes) per distinct body, are kept; texts are dropped as soon as they are hashed when
``body`` is given, so ``candidates`` may be a generator reading files one at a time (without
``body``, the texts of candidates given as text are kept to verify excerpt candidates). The LSH
index is one 64-bit hash per band and body (128 bytes at 16 bands), and candidate pairs are
verified a few thousand at a time. About 1.1 KB per article in all, and a few texts read back.

"""

from __future__ import annotations

import hashlib
import html
import math
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from archivegen.slotted import quick_pickle

MINHASH_SEED = 1
# LSH bands are chosen so that a pair of similarity exactly `threshold` becomes a candidate with
# at least this probability: a missed pair cannot be recovered, a false candidate only costs one
# verification. With threshold 0.8 and 128 values: 16 bands of 8 values; a pair of similarity
# 0.8 is proposed with probability 0.95, 0.85 with 0.994, 0.9 with 0.99998, 0.6 with 0.24.
LSH_RECALL = 0.9

# Excerpts (see "Excerpts" in the module docstring). Lengths are bytes of the flat text: the
# normalised text, UTF-8, with its spaces removed.
LEAD_BYTES = 4000  # the opening of a body that an excerpt is looked for in (~700 words)
LEAD_SHINGLE = 24  # bytes per shingle of the flat text (~4 words)
LEAD_VALUES = 48  # MinHash values of the lead sketch
EXCERPT_MIN = 400  # shorter texts are captions and stock phrases, not excerpts (~70 words)
EXCERPT_MAX = 3000  # longer texts are works of their own (~550 words)
EXCERPT_RATIO = 1.5  # the container is at least this many times longer than the excerpt
CONTAINMENT = 0.5  # share of the excerpt's shingles that must be in the container's lead
SHARED_MIN = 360  # and at least this many of them (~65 words verbatim, whatever its length)
EXCERPT_RUN = 200  # counting only passages of this many shingles found (~40 words),
EXCERPT_GAP = LEAD_SHINGLE  # which skip no more shingles at a time than a left-out line does
AMBIGUITY = 0.1  # a second container this close to the best: the excerpt joins neither
LEAD_MIN_EQUAL = 2  # lead values a candidate pair must share (one is often a stock phrase)
LEAD_BUCKET_CAP = 32  # a lead value shared by more bodies is boilerplate: proposes no pair
# A lead sketch: the flat length (uint32), then each value's low 24 bits (3 bytes): two
# values of unrelated texts still agree by chance with probability 2**-24, and a build keeps
# one lead sketch per article (100,000 of them: every byte per value costs 4.8 MB).
_LEAD_WIDTH = 4 + 3 * LEAD_VALUES
_LEAD_SIZE = struct.Struct("<I")


# A sketch's values or lead: bytes, or a read-only view of them.
SketchPart = bytes | memoryview


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Sketch:
    """What duplicate detection keeps of a body: its normalised-text hash, MinHash values and
    lead sketch.

    Computed once per body (`sketch_text`) and cached by incremental builds; `values` is empty
    for bodies too short for near-matching, `digest` empty for bodies that normalise to nothing.
    `lead` is the flat text's length (4 bytes, little-endian) then LEAD_VALUES MinHash values
    of the byte shingles of its first LEAD_BYTES; empty for bodies under EXCERPT_MIN.
    """

    digest: bytes
    # Views into a SketchStore's buffers when read from one (no copy of every body's values).
    values: SketchPart
    lead: SketchPart = b""


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    key: str  # unique id, e.g. the source path
    text: str  # the article body (Markdown-ish plain text); unused when `sketch` is given
    rank: tuple[object, ...]  # lower rank = better canonical; ties broken by key
    sketch: Sketch | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Excerpt:
    """A member that joined its group as an excerpt of another member (its container)."""

    key: str
    container: str  # key of the member whose lead holds it
    containment: float  # share of its shingles found in the container's lead, 3 decimals


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateGroup:
    canonical: str  # key of the chosen member (never an excerpt)
    others: tuple[str, ...]  # the other keys, sorted (excerpts included)
    kind: str  # "exact" if all members have identical normalised text, else "near"
    similarity: float  # lowest estimated Jaccard of a non-excerpt `other` to the canonical
    excerpts: tuple[Excerpt, ...] = ()  # members that joined as excerpts, sorted by key


_TAG_RE = re.compile(r"</?[a-z][^<>\n]*>")
# [text](target) and ![alt](src); bounded, excluding "[", so a run of "[" stays linear. The
# quantifiers are possessive: no shorter run can be followed by the "]" or ")" a longer one
# was not, and backtracking through 2,000 characters at every "[text](" without a ")" cost
# more than rendering a paragraph of them.
_LINK_RE = re.compile(r"\[([^\[\]\n]{0,500}+)\]\((?:[^()\n]|\([^()\n]{0,500}+\)){0,2000}+\)")
_REF_DEF_RE = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)\S+")  # a literal prefix keeps this fast
# ASCII letters and digits stay, every other ASCII byte becomes a space; UTF-8 bytes stay.
_ASCII_SEPARATORS = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))


class _UnicodeSeparators(dict[int, "int | str | None"]):
    """A str.translate table: punctuation, symbols, spaces and controls → space; invisible
    format characters (soft hyphen, zero-width joiners) → nothing; the rest unchanged.

    Letters, digits and combining marks stay, so words of scripts that write vowels as marks
    (Devanagari, Thai, ...) stay whole. Filled as characters are met: a scan of all of Unicode
    costs a fifth of a second, paid by every process that sketches one non-ASCII body.
    """

    def __missing__(self, code: int) -> int | str | None:
        category = unicodedata.category(chr(code))
        if category[0] in "PSZ" or category == "Cc":
            value: int | str | None = " "
        elif category == "Cf":
            value = None
        else:
            value = code  # kept as it is
        self[code] = value
        return value


# Underscore (Markdown emphasis) and zero-width space are separators, whatever their category.
_UNICODE_PRESETS: dict[int, int | str | None] = {ord("_"): " ", 0x200B: " "}


@cache
def _unicode_separators() -> _UnicodeSeparators:
    return _UnicodeSeparators(_UNICODE_PRESETS)


def _words(text: str) -> list[str]:
    """Split on everything but letters, digits and marks; the ASCII part goes through bytes."""
    tokens = text.encode().translate(_ASCII_SEPARATORS).decode().split()
    if text.isascii():
        return tokens
    table = _unicode_separators()
    words: list[str] = []
    for token in tokens:
        if token.isascii():
            words.append(token)
        else:
            words.extend(token.translate(table).split())
    return words


def normalise_text(text: str) -> str:
    """Lowercase, Unicode NFKC, punctuation and Markdown syntax removed, URLs removed,
    whitespace collapsed.

    In detail: NFKC, case-folded, NFKC again; HTML tags and entities removed; a Markdown link or
    image keeps its text and loses its target; reference definitions (``[1]: url``) and
    http(s)/ftp/www. addresses removed; every character that is not a letter, digit or combining
    mark becomes a space; words joined by single spaces.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if "<" in text or "&" in text:
        text = _TAG_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text)))
    if "](" in text:
        text = _LINK_RE.sub(r" \1 ", text)
    if "]:" in text:
        text = _REF_DEF_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    return " ".join(_words(text))


# Shingle hashing: a polynomial hash of each shingle's bytes, read off prefix sums over the text
# (no Python object per word or per shingle), then the MurmurHash3 finaliser so that every bit
# depends on every input bit. All arithmetic is on uint64 arrays and wraps modulo 2**64.
_POLY_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_POWER_TABLE = 1 << 16  # cached powers: enough for the bytes of a block of ordinary words
_BLOCK = 4096  # shingles per hashing block; (round, shingle) pairs per MinHash step
_MAX_PERM = 1 << 20  # a round number (< 2 * num_perm) must fit in the 24 bits above a value


@dataclass(frozen=True, slots=True, kw_only=True)
class _Hashing:
    """numpy tables and constants, built on first use (a build that changes nothing never
    imports numpy)."""

    powers: Any  # base**i modulo 2**64, i < _POWER_TABLE
    inverses: Any  # base**-i
    mix_shift: Any
    mix_multipliers: tuple[Any, Any]


@cache
def _hashing() -> _Hashing:
    import numpy as np

    powers, inverses = _powers(_POWER_TABLE)
    return _Hashing(powers=powers, inverses=inverses, mix_shift=np.uint64(33),
                    mix_multipliers=(np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)))


def _powers(length: int) -> tuple[Any, Any]:
    """base**i and base**-i modulo 2**64 for i in range(length)."""
    import numpy as np

    tables = []
    for factor in (_POLY_BASE, pow(_POLY_BASE, -1, 2**64)):
        table = np.full(length, factor, dtype=np.uint64)
        table[0] = 1
        tables.append(np.multiply.accumulate(table, out=table))
    return tables[0], tables[1]


def _shingle_hashes(data: bytes, size: int) -> Any:
    """One 64-bit hash per shingle of `size` words of the normalised text `data` (UTF-8, words
    joined by single spaces), or None when there are fewer than 2 * size words.

    The hash of bytes c[s:e] is sum(c[j] * base**(j - s)): a difference of prefix sums of
    c[j] * base**j, times base**-s. Blocks of shingles bound the temporary arrays.
    """
    import numpy as np

    constants = _hashing()
    text = np.frombuffer(data, dtype=np.uint8)
    spaces = (text == 0x20).nonzero()[0]
    if len(spaces) + 1 < 2 * size:
        return None
    # bounds[i]: the space before word i (-1 for the first word); bounds[-1]: the text's end.
    # Shingle i is bytes bounds[i] + 1 up to bounds[i + size].
    bounds = np.empty(len(spaces) + 2, dtype=np.intp)
    bounds[0], bounds[1:-1], bounds[-1] = -1, spaces, len(text)
    count = len(bounds) - size
    hashes = np.empty(count, dtype=np.uint64)
    for first in range(0, count, _BLOCK):
        last = min(count, first + _BLOCK)
        starts, ends = bounds[first:last] + 1, bounds[first + size : last + size]
        low, high = int(starts[0]), int(ends[-1])
        if low:  # positions relative to the block
            starts -= low
            ends = ends - low
        powers, inverses = ((constants.powers, constants.inverses)
                            if high - low <= len(constants.powers) else _powers(high - low))
        prefix = np.empty(high - low + 1, dtype=np.uint64)
        prefix[0] = 0
        np.multiply(text[low:high], powers[: high - low], out=prefix[1:])
        np.add.accumulate(prefix, out=prefix)
        block = hashes[first:last]
        np.subtract(prefix[ends], prefix[starts], out=block)
        block *= inverses[starts]
    return _mix(hashes, constants)


def _mix(hashes: Any, constants: _Hashing) -> Any:
    """The MurmurHash3 finaliser, in place: every output bit depends on every input bit."""
    shift, (first_multiplier, second_multiplier) = constants.mix_shift, constants.mix_multipliers
    hashes ^= hashes >> shift
    hashes *= first_multiplier
    hashes ^= hashes >> shift
    hashes *= second_multiplier
    hashes ^= hashes >> shift
    return hashes


def _byte_shingle_hashes(data: bytes, size: int) -> Any:
    """One 64-bit hash per run of `size` bytes of `data` (every start position), or None
    when `data` is shorter than `size`: the same polynomial hash and finaliser as words."""
    import numpy as np

    count = len(data) - size + 1
    if count < 1:
        return None
    constants = _hashing()
    powers, inverses = ((constants.powers, constants.inverses)
                        if len(data) <= len(constants.powers) else _powers(len(data)))
    prefix = np.empty(len(data) + 1, dtype=np.uint64)
    prefix[0] = 0
    np.multiply(np.frombuffer(data, dtype=np.uint8), powers[: len(data)], out=prefix[1:])
    np.add.accumulate(prefix, out=prefix)
    hashes = prefix[size:] - prefix[:count]
    hashes *= inverses[:count]
    return _mix(hashes, constants)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rounds:
    """The MinHash rounds for one num_perm: per round r < 2 * num_perm a multiply-shift hash
    g(x) = a[r]*x + b[r] over 64-bit words (a odd), from a fixed seed, so signatures never change
    between runs or machines."""

    a: Any
    b: Any
    tags: Any  # r << 40: a value of an earlier round is always smaller
    bin_shift: Any  # 64 - log2(num_perm) when num_perm is a power of two, else None
    bins: Any  # num_perm as a uint64
    steps: Any  # 0 .. num_perm - 1, for the rotations of the second phase
    empty: Any  # a signature with every bin empty
    shifts: tuple[Any, Any]  # 32 (bins), 24 (values)


@cache
def _rounds(num_perm: int) -> _Rounds:
    import numpy as np

    if not 2 <= num_perm <= _MAX_PERM:
        raise ValueError(f"num_perm must be in 2..{_MAX_PERM}, got {num_perm}")
    rng = np.random.Generator(np.random.PCG64(MINHASH_SEED))
    a = rng.integers(1, 2**64, size=2 * num_perm, dtype=np.uint64, endpoint=False)
    b = rng.integers(0, 2**64, size=2 * num_perm, dtype=np.uint64, endpoint=False)
    power_of_two = num_perm & (num_perm - 1) == 0
    return _Rounds(
        a=a | np.uint64(1), b=b,
        tags=np.arange(2 * num_perm, dtype=np.uint64)[:, None] << np.uint64(40),
        bin_shift=np.uint64(65 - num_perm.bit_length()) if power_of_two else None,
        bins=np.uint64(num_perm),
        steps=np.arange(num_perm, dtype=np.uint64)[:, None],
        empty=np.full(num_perm, 2**64 - 1, dtype=np.uint64),
        shifts=(np.uint64(32), np.uint64(24)),
    )


def _bins(hashes: Any, rounds: _Rounds) -> Any:
    """Bin of each 64-bit hash: its top 32 bits, scaled to range(num_perm)."""
    if rounds.bin_shift is not None:
        return hashes >> rounds.bin_shift  # the same as below, in one step
    thirty_two = rounds.shifts[0]
    return ((hashes >> thirty_two) * rounds.bins) >> thirty_two


def _fill(low: Any, chunk: Any, start: int, stop: int, num_perm: int, rounds: _Rounds) -> None:
    """Rounds start..stop-1 of the shingle hashes `chunk`: each bin of `low` keeps its smallest
    (round << 40 | value)."""
    import numpy as np

    mixed = np.multiply.outer(rounds.a[start:stop], chunk)
    mixed += rounds.b[start:stop, None]
    if start < num_perm:
        where = _bins(mixed, rounds)
    else:  # a rotation: round num_perm + i puts a shingle i bins on from its first bin
        first = _bins(chunk * rounds.a[num_perm] + rounds.b[num_perm], rounds)
        where = (first + rounds.steps[start - num_perm : stop - num_perm]) % rounds.bins
    key = mixed >> rounds.shifts[1]  # bits 24..63; the signature keeps bits 24..55
    if stop > 1:
        key |= rounds.tags[start:stop]
    np.minimum.at(low, where.ravel().view(np.int64), key.ravel())


def _signature(hashes: Any, num_perm: int) -> bytes:
    """The MinHash signature of a set of shingle hashes, by fast similarity sketching
    (Dahlgaard, Knudsen and Thorup, 2017): one hash per shingle and round picks both a bin and
    a value, instead of num_perm hashes per shingle.

    In round r every shingle lands in one of num_perm bins with value (r, v); each bin keeps its
    smallest value. Rounds r < num_perm pick the bin from the top bits of the hash (round 0 alone
    is one-permutation hashing, and fills every bin of a typical body); round num_perm + i puts
    a shingle i bins after its bin of round num_perm, so every bin is filled by round
    2 * num_perm. Later rounds only add larger values, so stopping once every bin is filled
    does not change the result. As with classic MinHash, two bodies agree on a bin with
    probability J (their Jaccard similarity): the smallest value in that bin over both sets
    belongs to a shared shingle.
    """
    import numpy as np

    rounds = _rounds(num_perm)
    low = rounds.empty.copy()
    start, deduplicated = 0, False
    while True:
        count = len(hashes)
        # as many rounds at once as leave about half a bin empty, within the block size
        wanted = math.ceil(num_perm / count * math.log(2 * num_perm))
        stop = min(start + max(1, min(wanted, _BLOCK // count)),
                   num_perm if start < num_perm else 2 * num_perm)
        for first in range(0, count, _BLOCK):
            _fill(low, hashes[first : first + _BLOCK], start, stop, num_perm, rounds)
        start = stop
        if low.max() != rounds.empty[0]:
            break
        if start >= 8 and not deduplicated:  # small or repetitive: drop repeated shingles
            hashes, deduplicated = np.unique(hashes), True
    values: bytes = low.astype("<u4").tobytes()  # keeps the low 32 bits: v, not the round
    return values


def sketch_text(text: str, *, shingle_words: int = 5, num_perm: int = 128,
                known: Iterable[Sketch] = ()) -> Sketch:
    """The body's Sketch (see the module docstring for normalisation and MinHash). One of
    `known` (sketches made with the same settings) if it has the body's digest: a quick
    rebuild of an edit that kept the body then needs no numpy."""
    normal = normalise_text(text)
    if not normal:
        return Sketch(digest=b"", values=b"")
    data = normal.encode()
    digest = hashlib.sha256(data).digest()
    same = next((sketch for sketch in known if sketch.digest == digest), None)
    if same is not None:
        return same
    hashes = _shingle_hashes(data, shingle_words)
    values = b"" if hashes is None else _signature(hashes, num_perm)
    return Sketch(digest=digest, values=values, lead=_lead_sketch(data.replace(b" ", b"")))


def _lead_sketch(flat: bytes) -> bytes:
    """The flat text's length and the MinHash of the byte shingles of its lead; empty when
    the text is too short to be an excerpt (it is then no container either)."""
    if len(flat) < EXCERPT_MIN:
        return b""
    import numpy as np

    hashes = _byte_shingle_hashes(flat[:LEAD_BYTES], LEAD_SHINGLE)
    values = np.frombuffer(_signature(hashes, LEAD_VALUES), dtype=np.uint8).reshape(-1, 4)
    return _LEAD_SIZE.pack(len(flat)) + values[:, :3].tobytes()


def _lead_rows(leads: SketchPart | bytearray) -> tuple[Any, Any]:
    """(flat lengths as int64, the sketches as rows of bytes: a view) of joined lead
    sketches."""
    import numpy as np

    raw = np.frombuffer(leads, dtype=np.uint8).reshape(-1, _LEAD_WIDTH)
    return raw[:, :4].copy().view("<u4").ravel().astype(np.int64), raw


def _lead_values(raw: Any, first: int = 0, stop: int = LEAD_VALUES) -> Any:
    """Values first..stop-1 of each lead sketch row of `raw`, as uint32 (rows, stop - first),
    made without a temporary larger than the result (at 10^5 rows, the build's peak)."""
    import numpy as np

    values = np.zeros((len(raw), stop - first, 4), dtype=np.uint8)
    values[:, :, :3] = raw[:, 4 + 3 * first : 4 + 3 * stop].reshape(len(raw), stop - first, 3)
    return values.view("<u4")[:, :, 0]


def _flat(text: str) -> bytes:
    """The normalised text without its spaces: glued words ("GlobalCurrencyDo", from a PDF
    transcript) and dropped apostrophes ("worlds") read as their clean copy."""
    return normalise_text(text).encode().replace(b" ", b"")


def containment(excerpt: str, container: str, *, run: int = 1) -> float:
    """Exactly: the share of the excerpt's LEAD_SHINGLE-byte shingles (of its flat text, one
    per position) that occur in the container's lead (the first LEAD_BYTES of its flat text),
    counting only passages of at least `run` shingles found (EXCERPT_RUN: verbatim passages,
    not phrases; a passage may leave out pieces of the original, not add words of its own:
    see _Shingles.found_in). 0.0 when the excerpt has no shingle."""
    mine = _Shingles.of(_flat(excerpt))
    return mine.found_in(_Shingles.of(_flat(container)[:LEAD_BYTES]), run) / max(1, mine.count)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Shingles:
    """A flat text's LEAD_SHINGLE-byte shingle hashes: in text order, and distinct, sorted."""

    ordered: Any  # uint64, one per position
    distinct: Any  # uint64, sorted

    @property
    def count(self) -> int:
        return len(self.ordered)

    @classmethod
    def of(cls, flat: bytes) -> _Shingles:
        import numpy as np

        hashes = _byte_shingle_hashes(flat, LEAD_SHINGLE)
        if hashes is None:
            empty = np.empty(0, dtype=np.uint64)
            return cls(ordered=empty, distinct=empty)
        distinct = np.sort(hashes)
        distinct = distinct[np.concatenate(([True], distinct[1:] != distinct[:-1]))]
        return cls(ordered=hashes, distinct=distinct)

    def found_in(self, other: _Shingles, run: int) -> int:
        """How many of these positions are in `other`; with `run` > 1, only those in passages
        of `run` or more found positions, where a passage may skip at most EXCERPT_GAP
        positions at a time (the shingles across a piece of the original the copy left out)."""
        import numpy as np

        theirs = other.distinct
        if not self.count or not len(theirs):
            return 0
        at = np.minimum(np.searchsorted(theirs, self.ordered), len(theirs) - 1)
        found = np.flatnonzero(theirs[at] == self.ordered)
        if run <= 1 or not len(found):
            return len(found)
        breaks = np.flatnonzero(np.diff(found) > EXCERPT_GAP + 1)
        counts = np.diff(np.concatenate(([0], breaks + 1, [len(found)])))
        return int(counts[counts >= run].sum())


@dataclass(frozen=True, slots=True, kw_only=True)
class _Scan:
    keys: list[str]  # per member (a candidate whose body is not empty), in input order
    ranks: list[tuple[object, ...]]
    bodies: list[int]  # per member: index of its distinct normalised body
    rows: list[int]  # per distinct body: its row in `signatures`, -1 when too short to compare
    signatures: bytearray  # MinHash signatures, num_perm little-endian uint32 per row
    digests: list[bytes]  # per distinct body
    lead_bodies: list[int]  # the distinct bodies with a lead sketch, one per row of `leads`
    leads: bytearray  # their lead sketches, _LEAD_WIDTH bytes each
    texts: dict[int, str]  # distinct body -> its text, for those given as text and kept


def _scan(candidates: Iterable[Candidate], shingle_words: int, num_perm: int,
          keep_texts: bool) -> _Scan:
    """Sketch every body once (or take the given sketch); keep key, rank, body index and one
    signature and lead sketch per distinct body (and, with `keep_texts`, the text of each
    body given as text that has a lead sketch: excerpt matches are verified on texts).

    This is the one loop in Python over all candidates, so it does nothing else.
    """
    bodies: dict[bytes, int] = {}
    rows: list[int] = []
    # Appended to, not joined at the end: no second copy, and no object per body (a large
    # buffer grows in place: glibc moves its pages with mremap, it does not copy them).
    signatures = bytearray()
    width = 4 * num_perm
    lead_bodies: list[int] = []
    leads = bytearray()
    texts: dict[int, str] = {}
    keys: list[str] = []
    ranks: list[tuple[object, ...]] = []
    member_bodies: list[int] = []
    seen: set[str] = set()
    for candidate in candidates:
        key = candidate.key
        if key in seen:
            raise ValueError(f"duplicate candidate key: {key!r}")
        seen.add(key)
        sketch = candidate.sketch or sketch_text(candidate.text, shingle_words=shingle_words,
                                                 num_perm=num_perm)
        if not sketch.digest:
            continue
        body = bodies.setdefault(sketch.digest, len(rows))
        if body == len(rows):  # the first member with this body
            if not sketch.values:
                rows.append(-1)
            elif len(sketch.values) != width:
                raise ValueError(f"the sketch of {key!r} has {len(sketch.values) // 4} values, "
                                 f"not num_perm={num_perm}")
            else:
                rows.append(len(signatures) // width)
                signatures += sketch.values
            if sketch.lead:
                if len(sketch.lead) != _LEAD_WIDTH:
                    raise ValueError(f"the lead sketch of {key!r} has {len(sketch.lead)} "
                                     f"bytes, not {_LEAD_WIDTH}")
                lead_bodies.append(body)
                leads += sketch.lead
        if keep_texts and candidate.sketch is None and sketch.lead and body not in texts:
            texts[body] = candidate.text
        keys.append(key)
        ranks.append(candidate.rank)
        member_bodies.append(body)
    return _Scan(keys=keys, ranks=ranks, bodies=member_bodies, rows=rows,
                 signatures=signatures, digests=list(bodies),
                 lead_bodies=lead_bodies, leads=leads, texts=texts)


def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): the longest bands (fewest false candidates) for which a pair of
    similarity exactly `threshold` still shares a whole band with probability >= LSH_RECALL."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= LSH_RECALL:
            return bands, rows
    return num_perm, 1


# Candidate pairs are verified this many at a time, which bounds the temporary arrays
# (2 x 4096 signatures of 128 values: 4 MB).
_PAIR_BLOCK = 4096


def _equal_counts(signatures: Any, left: Any, right: Any) -> Any:
    """For each pair of rows, how many of their MinHash values are equal."""
    import numpy as np

    counts = np.empty(len(left), dtype=np.intp)
    for first in range(0, len(left), _PAIR_BLOCK):
        last = first + _PAIR_BLOCK
        equal = signatures[left[first:last]] == signatures[right[first:last]]
        counts[first:last] = equal.sum(axis=1)
    return counts


def _band_hashes(signatures: Any, bands: int, band_rows: int) -> Any:
    """A 64-bit hash of every band of every row, shape (bands, rows): a polynomial in the
    band's values modulo 2**64. Equal bands hash alike; unequal bands almost never do."""
    import numpy as np

    banded = signatures[:, : bands * band_rows].reshape(len(signatures), bands, band_rows)
    if band_rows % 2 == 0:  # two values per 64-bit word: the same bands, half the arithmetic
        banded = banded.view(np.uint64)
    coefficients = _powers(banded.shape[2] + 1)[0][1:]  # base**1, base**2, ...
    return np.ascontiguousarray((banded @ coefficients).T)


def _ranges(starts: Any, stops: Any) -> Any:
    """The concatenation of range(start, stop) for each start, stop, as one array."""
    import numpy as np

    sizes = stops - starts
    offsets = np.cumsum(sizes) - sizes  # where each range begins in the result
    return np.arange(int(sizes.sum())) + np.repeat(starts - offsets, sizes)


def _runs(same: Any) -> tuple[Any, Any]:
    """(starts, stops) of the runs of 2+ positions that `same` joins (same[i]: i goes with
    i + 1)."""
    import numpy as np

    padded = np.zeros(len(same) + 2, dtype=np.int8)
    padded[1:-1] = same
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) + 1


def _band_buckets(hashes: Any, band: Any) -> tuple[Any, Any]:
    """The LSH buckets of one band, i.e. the rows that agree on all of its values, as
    (members, sizes): the buckets of 2+ rows one after another, each in ascending row order.

    Most rows share their band with no other row. Counting the rows per value of the hashes'
    top bits (over 4 slots per row) finds the few that may; only those are sorted by hash, each
    hash with its position in the low bits. The buckets are then checked value by value: after
    a hash collision between unequal bands (at 10**5 rows, about once in a million bands) the
    band is sorted by its values instead, slower but exact.
    """
    import numpy as np

    bits = (4 * len(hashes)).bit_length()
    slots = (hashes >> np.uint64(64 - bits)).astype(np.intp)
    rows = np.flatnonzero(np.bincount(slots, minlength=1 << bits)[slots] > 1)
    low = np.uint64((1 << len(rows).bit_length()) - 1)
    ordered = np.sort((hashes[rows] & ~low) | np.arange(len(rows), dtype=np.uint64))
    rows = rows[(ordered & low).astype(np.intp)]
    ordered &= ~low
    same = ordered[1:] == ordered[:-1]
    if not (band[rows[:-1][same]] == band[rows[1:][same]]).all():
        rows = rows[np.lexsort(band[rows].T[::-1])]  # stable: rows stay ascending
        values = band[rows]
        same = (values[1:] == values[:-1]).all(axis=1)
    starts, stops = _runs(same)
    return rows[_ranges(starts, stops)], stops - starts


def _union(roots: Any, left: Any, right: Any) -> None:
    """Join the components of each pair (left[i], right[i]). `roots` maps every row to its
    component's root, the component's smallest row, before and after.

    Each root paired with a smaller one is hooked under the smallest of them, then every row
    is pointed straight at its new root again (pointer jumping: each pass halves the longest
    path, so a chain of hooks costs log2 of its length in passes). A root whose pairs were
    hooked elsewhere meanwhile is joined in the next round.
    """
    import numpy as np

    while True:
        left_roots, right_roots = roots[left], roots[right]
        apart = left_roots != right_roots
        if not apart.any():
            return
        left, right = left[apart], right[apart]
        left_roots, right_roots = left_roots[apart], right_roots[apart]
        np.minimum.at(roots, np.maximum(left_roots, right_roots),
                      np.minimum(left_roots, right_roots))
        while True:
            jumped = roots[roots]
            if np.array_equal(jumped, roots):
                break
            roots[:] = jumped


def _join_buckets(signatures: Any, roots: Any, members: Any, sizes: Any,
                  threshold: float) -> None:
    """Join every two rows of a bucket whose estimated similarity is >= threshold.

    Step k pairs each row with the row k places on in its bucket, so steps 1 .. size - 1 see
    every pair of the bucket. Pairs already in one component are not verified, and a bucket
    whose rows are all in one component is dropped: neither changes the components, and a
    bucket of many copies of one text then costs one step, not size**2 / 2 pairs.
    """
    import numpy as np

    width, step = signatures.shape[1], 1
    while len(sizes):
        starts = np.cumsum(sizes) - sizes
        member_roots = roots[members]
        split = (np.minimum.reduceat(member_roots, starts)
                 != np.maximum.reduceat(member_roots, starts))
        kept = split & (sizes > step)
        rows_kept = np.repeat(kept, sizes)
        members, member_roots, sizes = members[rows_kept], member_roots[rows_kept], sizes[kept]
        starts = np.cumsum(sizes) - sizes
        positions = _ranges(starts, starts + sizes - step)
        apart = positions[member_roots[positions] != member_roots[positions + step]]
        # a similar pair shares several bands: verify it once (left < right: rows ascend)
        pairs = np.unique(members[apart] * len(signatures) + members[apart + step])
        left, right = np.divmod(pairs, len(signatures))
        similar = _equal_counts(signatures, left, right) / width >= threshold
        _union(roots, left[similar], right[similar])
        step += 1


def _near_components(signatures: Any, threshold: float) -> Any:
    """Each signature row's component, named by its smallest row. LSH proposes pairs (rows that
    agree on every value of some band), the MinHash estimate verifies them, and components are
    connected by verified pairs."""
    import numpy as np

    count = len(signatures)
    roots = np.arange(count)
    if count > 1:
        bands, band_rows = _lsh_bands(threshold, signatures.shape[1])
        hashes = _band_hashes(signatures, bands, band_rows)
        buckets = [_band_buckets(hashes[band],
                                 signatures[:, band * band_rows : (band + 1) * band_rows])
                   for band in range(bands)]
        members = np.concatenate([members for members, _ in buckets])
        sizes = np.concatenate([sizes for _, sizes in buckets])
        _join_buckets(signatures, roots, members, sizes, threshold)
    return roots


# An excerpt body -> (its container body, the excerpt's containment in the container's lead)
_Edges = dict[int, tuple[int, float]]


def _excerpt_pairs(sizes: Any, raw: Any) -> tuple[Any, Any]:
    """Candidate (excerpt, container) pairs of lead-sketch rows: the excerpt's flat length in
    EXCERPT_MIN..EXCERPT_MAX, the container's at least EXCERPT_RATIO times it, and at least
    LEAD_MIN_EQUAL lead values in common, each shared by at most LEAD_BUCKET_CAP rows.

    Per value position the rows are sorted by value; rows with one value form a bucket, and
    step k pairs each row of a bucket with the row k places on (as _join_buckets does).
    """
    import numpy as np

    count = len(sizes)
    short = (sizes >= EXCERPT_MIN) & (sizes <= EXCERPT_MAX)
    empty = np.empty(0, dtype=np.intp)
    if not short.any() or count < 2:
        return empty, empty
    found = []
    for column in range(LEAD_VALUES):
        values = _lead_values(raw, column, column + 1)[:, 0]
        order = np.argsort(values)  # any order within a bucket: it gives all its pairs
        ordered = values[order]
        starts, stops = _runs(ordered[1:] == ordered[:-1])
        kept = stops - starts <= LEAD_BUCKET_CAP
        starts, stops = starts[kept], stops[kept]
        for step in range(1, int((stops - starts).max(initial=0))):
            positions = _ranges(starts, np.maximum(starts, stops - step))
            left, right = order[positions], order[positions + step]
            smaller = sizes[left] <= sizes[right]
            excerpt, container = np.where(smaller, left, right), np.where(smaller, right, left)
            fits = short[excerpt] & (sizes[container] >= EXCERPT_RATIO * sizes[excerpt])
            found.append(excerpt[fits] * count + container[fits])
    if not found:
        return empty, empty
    pairs, shared = np.unique(np.concatenate(found), return_counts=True)
    excerpts, containers = np.divmod(pairs[shared >= LEAD_MIN_EQUAL], count)
    return excerpts.astype(np.intp), containers.astype(np.intp)


def _excerpt_edges(scan: _Scan, near_roots: Any,
                   text_of: Callable[[int], str | None]) -> _Edges:
    """Each excerpt body's container body: candidates from the lead sketches, verified on
    the texts (`text_of` a body; None: cannot be verified, so not joined).

    A verified pair: at least CONTAINMENT of the excerpt's shingles, and SHARED_MIN of them,
    are in the container's lead. Excerpts that are near copies of each other decide together
    (a unit), the largest units first, so that a container's own excerpt edge is known
    before its excerpts choose: of the groups holding a verified container, the unit joins
    the one holding it best; if another group holds it within AMBIGUITY of that, the unit
    could come from either and joins neither. Each body of the unit with a container in
    that group is an excerpt of the one holding it best. Ties go to the longer container,
    then the lower digest.
    """
    import numpy as np

    lead_sizes, raw = _lead_rows(scan.leads)
    excerpt_rows, container_rows = _excerpt_pairs(lead_sizes, raw)
    del raw
    if not len(excerpt_rows):
        return {}
    lead_bodies = np.array(scan.lead_bodies, dtype=np.intp)
    # Per body asked about: its flat lead (all of it, for an excerpt), or None. Kept as bytes
    # (4 KB at most), not as shingle arrays (8 times that): at 10^5 articles there are
    # hundreds of candidate pairs, and this is the build's memory peak.
    flats: dict[int, bytes | None] = {}

    def flat(body: int) -> bytes | None:
        if body not in flats:
            text = text_of(body)
            flats[body] = None if text is None else _flat(text)[:LEAD_BYTES]
        return flats[body]

    verified: dict[int, list[tuple[float, int]]] = {}
    short: tuple[int, _Shingles | None] = (-1, None)  # pairs come sorted by excerpt
    for excerpt, container in zip(lead_bodies[excerpt_rows].tolist(),
                                  lead_bodies[container_rows].tolist(), strict=True):
        if near_roots[excerpt] == near_roots[container]:
            continue  # already one group
        if short[0] != excerpt:
            text = flat(excerpt)
            short = (excerpt, None if text is None else _Shingles.of(text))
        long, excerpt_shingles = flat(container), short[1]
        if excerpt_shingles is None or long is None or not excerpt_shingles.count:
            continue
        shared = excerpt_shingles.found_in(_Shingles.of(long), EXCERPT_RUN)
        share = shared / excerpt_shingles.count
        if share >= CONTAINMENT and shared >= SHARED_MIN:
            verified.setdefault(excerpt, []).append((share, container))
    # flat lengths of the bodies in candidate pairs only (a dict of all would be 10 MB)
    sizes = dict(zip(lead_bodies[excerpt_rows].tolist() + lead_bodies[container_rows].tolist(),
                     lead_sizes[excerpt_rows].tolist() + lead_sizes[container_rows].tolist(),
                     strict=True))
    digests = scan.digests
    units: dict[int, list[int]] = {}
    for excerpt in verified:
        units.setdefault(int(near_roots[excerpt]), []).append(excerpt)
    parents: dict[int, int] = {}  # union-find over near groups (their roots)

    def find(group: int) -> int:
        while group in parents:
            group = parents[group]
        return group

    edges: _Edges = {}
    for unit in sorted(units.values(), key=lambda bodies: (-max(sizes[b] for b in bodies),
                                                           min(digests[b] for b in bodies))):
        home = find(int(near_roots[unit[0]]))
        # per excerpt body and group of containers, the best container: the largest share,
        # then the longest container, then the lowest digest (a sort key, lowest first)
        best: dict[int, dict[int, tuple[float, int, bytes, int]]] = {}
        for excerpt in unit:
            mine = best.setdefault(excerpt, {})
            for share, container in verified[excerpt]:
                group = find(int(near_roots[container]))
                found = (-share, -sizes[container], digests[container], container)
                if group != home and found < mine.get(group, (1.0, 0, b"", 0)):
                    mine[group] = found
        by_group: dict[int, tuple[float, int, bytes, int]] = {}
        for mine in best.values():
            for group, found in mine.items():
                by_group[group] = min(found, by_group.get(group, found))
        ranked = sorted((found, group) for group, found in by_group.items())
        if not ranked or (len(ranked) > 1 and -ranked[1][0][0] >= -ranked[0][0][0] - AMBIGUITY):
            continue
        target = ranked[0][1]
        parents[home] = target
        for excerpt, mine in best.items():
            if target in mine:
                edges[excerpt] = (mine[target][3], -mine[target][0])
    return edges


def _groups(scan: _Scan, signatures: Any, body_roots: Any, near_roots: Any,
            edges: _Edges) -> list[DuplicateGroup]:
    """One group per component of 2+ members. Only the choice of canonical (ranks are any
    tuples) and the groups themselves are made in Python, one step per group.

    The canonical is never in a near group that joined as an excerpt (the page shows the
    whole text), unless every member is."""
    import numpy as np

    bodies = np.array(scan.bodies, dtype=np.intp)
    member_roots = body_roots[bodies]
    grouped = np.flatnonzero(np.bincount(member_roots)[member_roots] > 1)
    if not len(grouped):
        return []
    # members of one component together, each component in input order
    grouped = grouped[np.argsort(member_roots[grouped], kind="stable")]
    starts = np.flatnonzero(np.diff(member_roots[grouped], prepend=-1))
    sizes = np.diff(starts, append=len(grouped))
    members, keys, ranks = grouped.tolist(), scan.keys, scan.ranks
    components = [members[start : start + size]
                  for start, size in zip(starts.tolist(), sizes.tolist(), strict=True)]
    contained = {int(near_roots[excerpt]) for excerpt in edges}
    body_of = scan.bodies

    def canonical_of(found: list[int]) -> int:
        whole = [m for m in found if int(near_roots[body_of[m]]) not in contained]
        return min(whole or found, key=lambda member: (ranks[member], keys[member]))

    canonicals = [canonical_of(found) for found in components]
    # similarity: the fewest MinHash values a (non-excerpt) member's body shares with the
    # canonical's
    width, rows = signatures.shape[1], np.array(scan.rows, dtype=np.intp)
    member_bodies, canonical_bodies = bodies[grouped], np.repeat(bodies[canonicals], sizes)
    reference, other = rows[canonical_bodies], rows[member_bodies]
    compared = (member_bodies != canonical_bodies) & (reference >= 0) & (other >= 0)
    if edges:
        compared &= ~np.isin(member_bodies, np.fromiter(edges, dtype=np.intp))
    agreed = np.full(len(grouped), width)
    agreed[compared] = _equal_counts(signatures, reference[compared], other[compared])
    lowest = np.minimum.reduceat(agreed, starts).tolist()
    exact = (np.minimum.reduceat(member_bodies, starts)
             == np.maximum.reduceat(member_bodies, starts)).tolist()
    return [
        DuplicateGroup(
            canonical=keys[canonical],
            others=tuple(sorted([keys[m] for m in found if m != canonical])),
            kind="exact" if one_body else "near",
            similarity=round(agreement / width, 3),
            excerpts=_group_excerpts(found, scan, edges),
        )
        for found, canonical, one_body, agreement
        in zip(components, canonicals, exact, lowest, strict=True)
    ]


def _group_excerpts(found: list[int], scan: _Scan, edges: _Edges) -> tuple[Excerpt, ...]:
    """The group's excerpt members, each with its container: of the members with the
    container's body, the one of lowest (rank, key)."""
    if not edges:
        return ()
    keys, ranks, body_of = scan.keys, scan.ranks, scan.bodies
    first: dict[int, int] = {}
    for member in found:
        body = body_of[member]
        if body not in first or (ranks[member], keys[member]) < (ranks[first[body]],
                                                                 keys[first[body]]):
            first[body] = member
    return tuple(sorted(
        (Excerpt(key=keys[member], container=keys[first[edges[body_of[member]][0]]],
                 containment=round(edges[body_of[member]][1], 3))
         for member in found if body_of[member] in edges),
        key=lambda excerpt: excerpt.key))


class SketchSet:
    """Bodies to test others against, as find_duplicates would (same threshold and num_perm):
    built once from many sketches, asked about a few (quick.py's edited bodies)."""

    def __init__(self, sketches: Iterable[tuple[bytes, SketchPart, SketchPart]], *,
                 threshold: float = 0.8, num_perm: int = 128) -> None:
        """`sketches`: (digest, values, lead) of each Sketch."""
        import numpy as np

        self.threshold, self.num_perm = threshold, num_perm
        self.digests: set[bytes] = set()
        rows: list[SketchPart] = []
        leads: list[SketchPart] = []
        width = 4 * num_perm
        for digest, values, lead in sketches:
            if digest:  # an empty body takes part in no group
                self.digests.add(digest)
                if len(values) == width:
                    rows.append(values)
                if len(lead) == _LEAD_WIDTH:
                    leads.append(lead)
        self.signatures = np.frombuffer(b"".join(rows), dtype="<u4").reshape(-1, num_perm)
        self.lead_sizes, raw = _lead_rows(b"".join(leads))
        self.lead_values = _lead_values(raw)

    def isolated(self, sketch: Sketch) -> bool:
        """Would find_duplicates, given `sketch` among these, put it in no group, and leave
        every group as it is? True when no body here normalises to the same text, no
        signature here both shares a whole LSH band with it and is estimated at least
        `threshold` similar (exactly the near pairs find_duplicates joins), and no body here
        makes a candidate excerpt pair with it (a superset of the excerpt pairs joined: those
        are verified on texts, which a sketch does not hold)."""
        if not sketch.digest:
            return True
        if sketch.digest in self.digests:
            return False
        return self._no_near_copy(sketch) and self._no_excerpt_pair(sketch)

    def _no_near_copy(self, sketch: Sketch) -> bool:
        if not sketch.values or not len(self.signatures):
            return True  # too short to compare: only an identical body is its copy
        import numpy as np

        if len(sketch.values) != 4 * self.num_perm:
            raise ValueError(f"the sketch has {len(sketch.values) // 4} values, "
                             f"not num_perm={self.num_perm}")
        bands, band_rows = _lsh_bands(self.threshold, self.num_perm)
        equal = self.signatures == np.frombuffer(sketch.values, dtype="<u4")
        shares_band = (equal[:, : bands * band_rows]
                       .reshape(len(equal), bands, band_rows).all(axis=2).any(axis=1))
        similar = equal[shares_band].sum(axis=1) / self.num_perm >= self.threshold
        return not similar.any()

    def _no_excerpt_pair(self, sketch: Sketch) -> bool:
        if not sketch.lead or not len(self.lead_sizes):
            return True
        if len(sketch.lead) != _LEAD_WIDTH:
            raise ValueError(f"the lead sketch has {len(sketch.lead)} bytes, not {_LEAD_WIDTH}")
        (size,), raw = _lead_rows(sketch.lead)
        mine = _lead_values(raw)
        sizes = self.lead_sizes
        shared = (self.lead_values == mine).sum(axis=1) >= LEAD_MIN_EQUAL
        as_excerpt = (EXCERPT_MIN <= size <= EXCERPT_MAX) & (sizes >= EXCERPT_RATIO * size)
        as_container = ((sizes >= EXCERPT_MIN) & (sizes <= EXCERPT_MAX)
                        & (size >= EXCERPT_RATIO * sizes))
        return not (shared & (as_excerpt | as_container)).any()


def isolated(sketch: Sketch, others: Iterable[Sketch]) -> bool:
    """SketchSet(others).isolated(sketch): in no group with any of `others`, and changing
    none of theirs."""
    return SketchSet((other.digest, other.values, other.lead)
                     for other in others).isolated(sketch)


def find_duplicates(candidates: Iterable[Candidate], *, threshold: float = 0.8,
                    shingle_words: int = 5, num_perm: int = 128,
                    body: Callable[[str], str] | None = None) -> tuple[DuplicateGroup, ...]:
    """Groups of 2+ candidates that are exact or near duplicates or excerpts, sorted by
    canonical key.

    Excerpt matches are verified on texts: `body` gives the text of a candidate by key (it is
    asked only about candidate pairs). Without it, the texts of candidates given as text are
    kept for this, and a candidate given only as a sketch is never matched as an excerpt or
    a container.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if shingle_words < 1:
        raise ValueError(f"shingle_words must be at least 1, got {shingle_words}")
    if not 2 <= num_perm <= _MAX_PERM:
        raise ValueError(f"num_perm must be in 2..{_MAX_PERM}, got {num_perm}")
    scan = _scan(candidates, shingle_words, num_perm, keep_texts=body is None)
    if len(scan.keys) < 2:
        return ()
    import numpy as np

    signatures = np.frombuffer(scan.signatures, dtype="<u4").reshape(-1, num_perm)
    rows = np.array(scan.rows, dtype=np.intp)
    compared = np.flatnonzero(rows >= 0)  # the body of each signature row
    body_roots = np.arange(len(rows))
    body_roots[compared] = compared[_near_components(signatures, threshold)]
    near_roots = body_roots.copy()
    edges = _excerpt_edges(scan, near_roots, _texts(scan, body))
    if edges:
        _union(body_roots, np.fromiter(edges, dtype=np.intp),
               np.array([container for container, _ in edges.values()], dtype=np.intp))
    groups = _groups(scan, signatures, body_roots, near_roots, edges)
    return tuple(sorted(groups, key=lambda group: group.canonical))


def _texts(scan: _Scan, body: Callable[[str], str] | None) -> Callable[[int], str | None]:
    """The text of a distinct body: kept by the scan, or asked of `body` for one of its
    members (all of them have that normalised text)."""
    first: list[Any] = []  # per body, its first member (an array, not a dict of 10^5 ints)

    def text_of(index: int) -> str | None:
        if index in scan.texts:
            return scan.texts[index]
        if body is None:
            return None
        if not first:
            import numpy as np

            first.append(np.unique(np.array(scan.bodies, dtype=np.intp), return_index=True)[1])
        return body(scan.keys[int(first[0][index])])

    return text_of
