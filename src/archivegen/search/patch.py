"""An edit's changes to the index files a full build wrote: only the shards holding the terms
whose counts changed, and the result data of the edited documents. The bytes are those a full
build would write (index.py and postings.py make both)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from archivegen.search.index import (
    CHUNK,
    SEGMENT,
    DocEntry,
    chunk_path,
    decode_chunk,
    encode_chunk,
    segment_size,
    shard_path,
)
from archivegen.search.postings import bucket_count, bucket_of, pack_shard, unpack_shard, with_count


class IndexPatch:
    """Edits applied one after another to the files `read` gives (path in the site: bytes;
    OSError, ValueError and the like when a file is missing or is not what it should be)."""

    def __init__(self, total: int, read: Callable[[str], bytes]) -> None:
        self._total, self._read = total, read
        self.files: dict[str, bytes] = {}  # the changed files, by path

    def _current(self, path: str) -> bytes:
        return self.files[path] if path in self.files else self._read(path)

    def _put(self, path: str, content: bytes) -> None:
        if content == self._read(path):  # (an edit undone by a later one)
            self.files.pop(path, None)
        else:
            self.files[path] = content

    def edit(self, doc: int, old: dict[str, int], new: dict[str, int],
             entry: DocEntry | None) -> None:
        """Document `doc` now has the terms `new` (it had `old`) and, unless None, shows
        `entry` in results."""
        segment, local = divmod(doc, SEGMENT)
        buckets = bucket_count(segment_size(self._total, segment))
        by_bucket: dict[int, dict[str, int]] = defaultdict(dict)
        for term in old.keys() | new.keys():
            if old.get(term, 0) != new.get(term, 0):
                by_bucket[bucket_of(term, buckets)][term] = new.get(term, 0)
        for bucket, counts in sorted(by_bucket.items()):
            path = shard_path(segment, bucket)
            shard = unpack_shard(self._current(path))
            for term, count in counts.items():
                changed = with_count(shard.get(term), local, count)
                if changed is None:
                    shard.pop(term, None)
                else:
                    shard[term] = changed
            self._put(path, pack_shard(shard))
        if entry is not None:
            path = chunk_path(doc // CHUNK)
            entries = decode_chunk(self._current(path))
            if entries[doc % CHUNK] != entry:
                entries[doc % CHUNK] = entry
                self._put(path, encode_chunk(entries))
