"""A whole search index as files: what a full build writes under search/ in the site.

- search/index.json: the manifest search.js reads first (counts, segments, shard counts);
- search/s<segment>/<bucket>.bin: posting lists (postings.py), a segment per SEGMENT
  documents, so an edit rewrites shards of its own segment only;
- search/d/<chunk>.bin: what a result shows (URL, title, date, authors, publisher, excerpt),
  CHUNK documents per file, gzip'd JSON;
- search/f/<facet>.json: the values each filter offers (a term listing's URL and name).

Documents are numbered in article key order (the source path, and piece): the key never
changes when an article is edited, so an edit changes no other document's number.
"""

from __future__ import annotations

import gzip
import json
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from archivegen.model import ArticleSummary
from archivegen.search.postings import Shard, bucket_count, bucket_of, encode_postings, pack_shard
from archivegen.search.terms import MAX_TF, facet_term, read_vector

FOLDER = "search"
MANIFEST = f"{FOLDER}/index.json"
SEGMENT = 10_000  # documents per segment
CHUNK = 16  # documents per file of result data
FORMAT = 1  # search.js refuses a manifest of another format
# The filters, in the order the search page shows them.
FACETS = ("regions", "themes", "authors", "publishers", "years")

# What a result shows of a document: [URL without its leading "/", title, date (ISO, partial
# or ""), authors, publisher, excerpt].
DocEntry = list[object]


@dataclass(frozen=True, slots=True)
class IndexedDoc:
    """One article as the index takes it."""

    entry: DocEntry
    vector: str  # terms.term_vector
    facets: tuple[str, ...]  # the URLs of the term listings and year it is in


def doc_entry(summary: ArticleSummary) -> DocEntry:
    return [summary.url.lstrip("/"), summary.title,
            summary.date.isoformat() if summary.date else "", list(summary.authors),
            summary.publisher, summary.excerpt]


def doc_terms(vector: str, facets: Iterable[str]) -> dict[str, int]:
    """Every term a document is found by: its words, and its filters' terms (count 1)."""
    terms = read_vector(vector)
    terms.update((facet_term(url), 1) for url in facets)
    return terms


def shard_path(segment: int, bucket: int) -> str:
    return f"{FOLDER}/s{segment}/{bucket:x}.bin"


def chunk_path(chunk: int) -> str:
    return f"{FOLDER}/d/{chunk}.bin"


def facet_path(facet: str) -> str:
    return f"{FOLDER}/f/{facet}.json"


def segment_size(total: int, segment: int) -> int:
    """Documents in segment number `segment` of an index of `total`."""
    return max(0, min(SEGMENT, total - segment * SEGMENT))


def encode_chunk(entries: Sequence[DocEntry]) -> bytes:
    return gzip.compress(_json(list(entries)), compresslevel=6, mtime=0)


def decode_chunk(content: bytes) -> list[DocEntry]:
    return list(json.loads(gzip.decompress(content)))


def index_files(docs: Iterable[IndexedDoc], total: int,
                facets: Mapping[str, Sequence[tuple[str, str]]]) -> Iterator[tuple[str, bytes]]:
    """The index's files (path in the site, content) for `total` documents in number order;
    `facets`: per filter of FACETS, its values (listing URL, name) in the order shown."""
    entries: list[DocEntry] = []
    # Per term: its postings in this segment, each packed in one 4-byte number (the
    # document's number in the segment, then its one-byte count). A segment holds millions
    # of postings: as Python objects they took ~50 MiB that the build kept to its end.
    postings: defaultdict[str, array[int]] = defaultdict(_packed)
    for number, doc in enumerate(docs):
        local = number % SEGMENT
        at = local << 8
        parts = doc.vector.split()
        counts = _counts(parts[1::2])
        for term, count in zip(parts[::2], counts, strict=True):
            postings[term].append(at | count)
        for url in doc.facets:
            postings[facet_term(url)].append(at | 1)
        entries.append(doc.entry)
        if len(entries) == CHUNK:
            yield chunk_path(number // CHUNK), encode_chunk(entries)
            entries = []
        if local == SEGMENT - 1 or number == total - 1:
            yield from _segment_files(number // SEGMENT, postings, local + 1)
            postings = defaultdict(_packed)
    if entries:
        yield chunk_path((total - 1) // CHUNK), encode_chunk(entries)
    for facet in FACETS:
        yield facet_path(facet), _json([list(value) for value in facets.get(facet, ())])
    segments = (total + SEGMENT - 1) // SEGMENT
    yield MANIFEST, _json({
        "format": FORMAT, "docs": total, "segment": SEGMENT, "chunk": CHUNK,
        "buckets": [bucket_count(segment_size(total, s)) for s in range(segments)],
        "facets": list(FACETS)})


def _packed() -> array[int]:
    return array("I")  # at least 4 bytes: SEGMENT << 8 fits


def _counts(texts: list[str]) -> list[int]:
    """A vector's term counts as numbers, checked once per vector (not once per posting:
    2 million calls at 10^4 articles)."""
    counts = list(map(int, texts))
    if counts and not (min(counts) > 0 and max(counts) <= MAX_TF):
        # A vector from elsewhere than terms.term_vector.
        bad = next(c for c in counts if not 0 < c <= MAX_TF)
        raise ValueError(f"a term count out of range: {str(bad)!r}")
    return counts


def _segment_files(segment: int, postings: dict[str, array[int]],
                   docs: int) -> Iterator[tuple[str, bytes]]:
    import numpy as np  # the full build has it loaded (duplicate detection)

    buckets = bucket_count(docs)
    shards: list[Shard] = [{} for _ in range(buckets)]
    for term in list(postings):
        packed = np.frombuffer(postings.pop(term), dtype=f"u{array('I').itemsize}")
        numbers = (packed >> 8).tolist()
        counts = (packed & 0xFF).astype(np.uint8).tobytes()
        shards[bucket_of(term, buckets)][term] = (len(numbers),
                                                  encode_postings(numbers, counts))
    for bucket, shard in enumerate(shards):
        yield shard_path(segment, bucket), pack_shard(shard)


def _json(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # A pair of surrogates (a YAML "\ud83d\ude00") joined into its character, a lone one
    # (kept from a broken source) shown as U+FFFD, as on the pages: the bytes are UTF-8.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()
