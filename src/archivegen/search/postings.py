"""Posting lists and the shard files that hold them; search.js reads the same bytes.

A shard ("bucket") holds every term whose FNV-1a hash falls in it, so which file a term is
in depends on the term and the segment's size only: a one-article edit rewrites the shards
of the words it changed, and a full build writes the same bytes.

Shard layout (then gzip): per term, in term order: varint length, the term in UTF-8, varint
n (documents), varint payload length, payload = n varint gaps between ascending document
numbers (local to the segment, the first one from -1) and then n one-byte counts.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import operator
from collections.abc import Iterator
from functools import cache

# Postings of one term: ascending document numbers, and each one's count.
Postings = tuple[list[int], list[int]]


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in term.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def bucket_count(docs: int) -> int:
    """Shards in a segment of `docs` documents: a power of two near docs / 8, at most 1024,
    so one shard holds a few kilobytes whatever the archive's size."""
    n = 1
    while n * 8 < docs and n < 1024:
        n *= 2
    return n


def bucket_of(term: str, buckets: int) -> int:
    return fnv1a(term) & (buckets - 1)


def _varint(n: int, out: bytearray) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        byte = buf[i]
        i += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, i
        shift += 7


# The varint of every gap below this, made once: a segment's numbers stay below it, so
# encoding a list is a join of table entries (C speed), not a Python loop per document.
_TABLED = 1 << 14


@cache
def _gap_table() -> list[bytes]:
    table = []
    for gap in range(_TABLED):
        out = bytearray()
        _varint(gap, out)
        table.append(bytes(out))
    return table


def encode_postings(docs: list[int], counts: list[int] | bytes) -> bytes:
    gaps = list(map(operator.sub, docs, [-1, *docs[:-1]]))
    if not docs or max(gaps) <= _TABLED:
        return b"".join(map(_gap_table().__getitem__, [g - 1 for g in gaps])) + bytes(counts)
    out = bytearray()
    for gap in gaps:
        _varint(gap - 1, out)
    return bytes(out) + bytes(counts)


def decode_postings(payload: bytes, n: int) -> Postings:
    if len(payload) == 2 * n:
        # Every gap took one byte (n varints of at least a byte each, and n counts): the
        # common terms of an edit, decoded without a Python step per document.
        dense = list(itertools.accumulate(map((1).__add__, payload[:n]), initial=-1))[1:]
        return dense, list(payload[n:])
    docs: list[int] = []
    i, last = 0, -1
    for _ in range(n):
        gap, i = _read_varint(payload, i)
        last += gap + 1
        docs.append(last)
    return docs, list(payload[i:i + n])


# A shard's terms with their (n, payload), payloads left encoded until one is changed.
Shard = dict[str, tuple[int, bytes]]


def pack_shard(shard: Shard) -> bytes:
    """A shard's file content (gzip with no time stamp: the same terms give the same bytes)."""
    out = bytearray()
    for term in sorted(shard):
        n, payload = shard[term]
        encoded = term.encode()
        _varint(len(encoded), out)
        out += encoded
        _varint(n, out)
        _varint(len(payload), out)
        out += payload
    return gzip.compress(bytes(out), compresslevel=6, mtime=0)


def unpack_shard(content: bytes) -> Shard:
    """The terms of a shard file (ValueError or IndexError if it is not one)."""
    return dict(_entries(gzip.decompress(content)))


def _entries(buf: bytes) -> Iterator[tuple[str, tuple[int, bytes]]]:
    i = 0
    while i < len(buf):
        size, i = _read_varint(buf, i)
        term = buf[i:i + size].decode()
        n, i = _read_varint(buf, i + size)
        length, i = _read_varint(buf, i)
        yield term, (n, buf[i:i + length])
        i += length
    if i != len(buf):
        raise ValueError("a shard ends inside a term")


def with_count(entry: tuple[int, bytes] | None, doc: int, count: int) -> tuple[int, bytes] | None:
    """A term's postings with `doc`'s count set (0: the document taken out); None when no
    document is left."""
    docs, counts = decode_postings(entry[1], entry[0]) if entry else ([], [])
    at = bisect.bisect_left(docs, doc)
    present = at < len(docs) and docs[at] == doc
    if present and count:
        counts[at] = count
    elif present:
        del docs[at], counts[at]
    elif count:
        docs.insert(at, doc)
        counts.insert(at, count)
    return (len(docs), encode_postings(docs, counts)) if docs else None
