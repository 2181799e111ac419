"""Benchmark archivegen.dedupe on synthetic news bodies with planted duplicates; prints figures.

    .venv/bin/python benchmarks/dedupe_bench.py --n 10000

Generates N bodies of about 600 words (Zipf-distributed made-up vocabulary, sentences, paragraphs,
a "Source: <url>" line). About 5% are exact copies of another body (different source URL, line
wrapping, line endings, Markdown emphasis) and about 5% near copies (the same, plus a few words
changed). Copies may pile onto one original, giving three-way and mixed groups. Then --excerpts
more bodies (default N / 100): half are page excerpts of an original (forum chrome, then its
first 150 to 300 words, cut mid-sentence, some with glued words), half are traps that must stay
apart: 90 words, 120 words quoted from an original's opening, 90 more words (`--excerpts 0`
gives the corpus of earlier runs). The texts are generated before the clock starts; the timed
part is find_duplicates (which normalises every body). Figures: articles/s, CPU time of
normalise_text and sketch_text per article, planted vs found groups, pair precision/recall of
exact and near copies, excerpts found and traps grouped, peak RSS; then the CPU time of
find_duplicates given precomputed sketches (best and median of --repeat runs), which is what
every build pays, as builds take sketches from their cache (and read back the bodies of
excerpt candidates: here from memory).
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import statistics
import time
from collections.abc import Iterable

from archivegen.dedupe.detect import (
    Candidate,
    DuplicateGroup,
    find_duplicates,
    normalise_text,
    sketch_text,
)

SYLLABLES = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


class Corpus:
    """Deterministic synthetic bodies: Zipf word frequencies, sentences and paragraphs."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.words = vocabulary(rng)
        rng.shuffle(self.words)
        self.cum_weights = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(self.words))))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def body_words(self, rng: random.Random, count: int) -> list[str]:
        return self.draw(rng, count)


def render(words: list[str], rng: random.Random, source: str) -> str:
    """Words → prose: capitalised sentences, commas, paragraphs, some emphasis, a source line."""
    paragraphs: list[str] = []
    sentences: list[str] = []
    start = 0
    while start < len(words):
        end = min(len(words), start + rng.randint(8, 22))
        sentence = words[start:end]
        if len(sentence) > 6:
            sentence[3] += ","
        if rng.random() < 0.1:
            sentence[-1] = f"**{sentence[-1]}**"
        sentences.append(" ".join(sentence).capitalize() + ".")
        start = end
        if len(sentences) >= rng.randint(3, 6):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return f"Source: {source}\n\n" + "\n\n".join(paragraphs) + "\n"


def rewrap(text: str, rng: random.Random) -> str:
    """The same text with different whitespace: hard-wrapped lines, CRLF, doubled spaces."""
    out: list[str] = []
    column = 0
    width = rng.randint(60, 90)
    for token in text.split(" "):
        column += len(token) + 1
        if column > width and "\n" not in token:
            out.append("\n" + token)
            column = len(token)
        else:
            out.append(" " + token if out else token)
    joined = "".join(out).replace("  ", " ")
    if rng.random() < 0.5:
        joined = joined.replace("\n", "\r\n")
    return joined.replace(". ", ".  ")


CHROME = ("Thread Rating:\n  \u2022 1 Vote(s) - 5 Average\n"
          "10-07-2010, 12:21 AM, (This post was last modified: 06-19-2012 by poster.)\n#1\n\n")


def plant_excerpts(candidates: list[Candidate], originals: list[list[str]], corpus: Corpus,
                   count: int, seed: int) -> tuple[dict[str, str], set[str]]:
    """`count` more candidates (appended): page excerpts of originals and quoting traps.
    Returns excerpt key -> its original's key, and the trap keys."""
    rng = random.Random(seed + 1)
    excerpts: dict[str, str] = {}
    traps: set[str] = set()
    for j in range(count):
        target = rng.randrange(len(originals))
        words = originals[target]
        if j % 2 == 0:
            text = render(words[: rng.randint(150, 300)], random.Random(target), "x")
            text = text.split("\n\n", 1)[1].rsplit(".", 1)[0]  # no source line; cut short
            if rng.random() < 0.3:  # a PDF text layer: every fifth space lost
                text = "".join(w + ("" if n % 5 == 4 else " ")
                               for n, w in enumerate(text.split(" ")))
            key = f"c/{j:07d}.txt"
            excerpts[key] = f"a/{target:07d}.md"
            candidates.append(Candidate(key=key, text=CHROME + text, rank=(0,)))
        else:
            quoted = " ".join(words[40:160])
            text = (render(corpus.body_words(rng, 90), rng, "y") + "\n\n" + quoted + "\n\n"
                    + render(corpus.body_words(rng, 90), rng, "z"))
            key = f"t/{j:07d}.txt"
            traps.add(key)
            candidates.append(Candidate(key=key, text=text, rank=(0,)))
    return excerpts, traps


def generate(n: int, seed: int, excerpts: int = 0,
             ) -> tuple[list[Candidate], list[frozenset[str]], dict[str, str], set[str]]:
    """N candidates (then `excerpts` more), the planted groups (original + its copies), the
    planted excerpts (key -> original's key) and the traps."""
    rng = random.Random(seed)
    corpus = Corpus(seed)
    n_exact = n_near = n // 20
    n_originals = n - n_exact - n_near
    originals: list[list[str]] = []
    candidates: list[Candidate] = []
    for i in range(n_originals):
        words = corpus.body_words(rng, rng.randint(520, 680))
        originals.append(words)
        text = render(words, random.Random(i), f"https://news{i % 97}.example/{i}.html")
        candidates.append(Candidate(key=f"a/{i:07d}.md", text=text, rank=(rng.randint(0, 3),)))
    planted: dict[int, set[str]] = {}
    for j in range(n_exact + n_near):
        target = rng.randrange(n_originals)
        words = list(originals[target])
        if j >= n_exact:  # near copy: change 2 to 8 words
            for position in rng.sample(range(len(words)), rng.randint(2, 8)):
                words[position] = corpus.draw(rng, 1)[0]
        text = render(words, random.Random(target), f"https://mirror{j % 13}.example/p/{j}")
        key = f"b/{j:07d}.md"
        candidates.append(Candidate(key=key, text=rewrap(text, rng), rank=(rng.randint(0, 3),)))
        planted.setdefault(target, {f"a/{target:07d}.md"}).add(key)
    rng.shuffle(candidates)
    pieces, traps = plant_excerpts(candidates, originals, corpus, excerpts, seed)
    return candidates, [frozenset(group) for group in planted.values()], pieces, traps


def pairs(groups: Iterable[frozenset[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of bodies")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--repeat", type=int, default=7,
                        help="runs of find_duplicates with precomputed sketches")
    parser.add_argument("--excerpts", type=int, default=None,
                        help="excerpts and quoting traps added (default N / 100)")
    args = parser.parse_args()
    extra = args.n // 100 if args.excerpts is None else args.excerpts

    rss_start = peak_rss_mib()
    started = time.perf_counter()
    candidates, planted, excerpts, traps = generate(args.n, args.seed, extra)
    generated = time.perf_counter() - started
    rss_texts = peak_rss_mib()
    mean_words = sum(len(c.text.split()) for c in candidates[:1000]) / min(1000, len(candidates))
    print(f"bodies:            {len(candidates)} (~{mean_words:.0f} words each), "
          f"generated in {generated:.1f} s")

    # CPU time, not wall time: other processes may share the cores
    sample = candidates[: min(2000, len(candidates))]
    sketch_text(sample[0].text)  # numpy import and hash tables: once per process
    started = time.process_time()
    for candidate in sample:
        normalise_text(candidate.text)
    per_normalise = (time.process_time() - started) / len(sample)
    started = time.process_time()
    for candidate in sample:
        sketch_text(candidate.text)
    per_sketch = (time.process_time() - started) / len(sample)

    started = time.perf_counter()
    found: tuple[DuplicateGroup, ...] = find_duplicates(candidates, threshold=args.threshold)
    elapsed = time.perf_counter() - started
    rss_peak = peak_rss_mib()

    # exact and near copies: the groups without the excerpts and traps planted on top
    found_sets = [frozenset(key for key in (g.canonical, *g.others)
                            if key not in excerpts and key not in traps) for g in found]
    found_sets = [group for group in found_sets if len(group) > 1]
    true_pairs, found_pairs = pairs(planted), pairs(found_sets)
    hits = len(true_pairs & found_pairs)
    # kinds of the groups of copies (an excerpt joined to an exact group makes it "near")
    copies = [g for g in found if len({g.canonical, *g.others} - {x.key for x in g.excerpts}) > 1]
    exact_kind = sum(1 for g in copies if g.kind == "exact")
    print(f"find_duplicates:   {elapsed:.1f} s = {len(candidates) / elapsed:,.0f} articles/s "
          f"(CPU per article: normalise_text {per_normalise * 1e6:.0f} us, "
          f"sketch_text {per_sketch * 1e6:.0f} us including normalise_text)")
    print(f"groups of copies:  planted {len(planted)}, found {len(found_sets)} "
          f"({exact_kind} exact, {len(copies) - exact_kind} near or with an excerpt), "
          f"identical to a planted group: {len(set(found_sets) & set(planted))}")
    print(f"pairs:             planted {len(true_pairs)}, found {len(found_pairs)}, "
          f"precision {hits / max(1, len(found_pairs)):.4f}, "
          f"recall {hits / max(1, len(true_pairs)):.4f}")
    group_of = {key: g.canonical for g in found for key in (g.canonical, *g.others)}
    joined = sum(1 for key, original in excerpts.items()
                 if key in group_of and group_of[key] == group_of.get(original))
    wrong = sum(1 for key in excerpts if key in group_of
                and group_of[key] != group_of.get(excerpts[key]))
    print(f"excerpts:          planted {len(excerpts)}, grouped with their original {joined}, "
          f"with another body {wrong}; quoting traps {len(traps)}, grouped "
          f"{sum(1 for key in traps if key in group_of)}")
    near = [g.similarity for g in found if g.kind == "near"]
    if near:
        print(f"near similarity:   min {min(near):.3f}, mean {sum(near) / len(near):.3f}")
    print(f"peak RSS:          {rss_peak:.0f} MiB (after imports {rss_start:.0f} MiB, "
          f"with texts in memory {rss_texts:.0f} MiB, so dedupe added "
          f"{rss_peak - rss_texts:.0f} MiB)")

    # CPU time, best of several runs: other processes share the cores
    sketched = [Candidate(key=c.key, text="", rank=c.rank, sketch=sketch_text(c.text))
                for c in candidates]
    texts = {c.key: c.text for c in candidates}
    cpu: list[float] = []
    for _ in range(args.repeat):
        started = time.process_time()
        again = find_duplicates(sketched, threshold=args.threshold, body=texts.__getitem__)
        cpu.append(time.process_time() - started)
    assert again == found, "precomputed sketches gave other groups"
    print(f"with sketches:     find_duplicates CPU {min(cpu) * 1e3:.0f} ms best, "
          f"{statistics.median(cpu) * 1e3:.0f} ms median of {len(cpu)} runs "
          f"({min(cpu) / len(sketched) * 1e6:.1f} us per article)")


if __name__ == "__main__":
    main()
