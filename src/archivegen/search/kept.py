"""The search index of the last build, kept by a full build when it would make the same one.

The index's files (index.py) depend only on its documents in number order (each one's
result entry, the filter listings it is on and its term vector) and on the filters' values.
A template or settings edit changes none of them, yet a full build made the whole index
again: 1.9 s of a 5 s rebuild at 10^4 articles. So the build state keeps, per document, a
digest of what the index took of it (`doc_digest`, in the cache's search_docs table), and
for the index the digest of the filters' values with each file's sha256 (`IndexBasis`). A
full build whose documents give the same digests in the same order plans the last build's
files by their sha256 (`KeptFile`) instead of making them: those still in the output folder
are not written again, those the page store holds are copied from it, and only if neither
has one is the index made again to write it (never a file of another index: the bytes are
checked against the sha256).

Quick rebuilds patch the index (patch.py) and update the digests of the documents they edit
and the sha256 of the files they change. The basis describes the index the output folder
should hold, not what it holds: a build stopped while writing leaves other bytes there,
which is why a kept file is never taken on trust, only by its sha256 (the page store and
KeptFile check it; an output file whose stat changed is not "unchanged").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from archivegen.model import RenderedFile
from archivegen.search.index import DocEntry

DIGEST_SIZE = 16  # bytes per document digest: enough to tell versions of a document apart


def vector_digest(vector: str) -> bytes:
    """A digest of a term vector (terms.term_vector), kept beside it in the build state so
    checking documents reads no vector."""
    return hashlib.blake2b(vector.encode("utf-8", "surrogatepass"),
                           digest_size=DIGEST_SIZE).digest()


def doc_digest(entry: DocEntry, facets: Sequence[str], vector: bytes) -> bytes:
    """What the index takes of one document: its result entry, its filters' listings and
    (the digest of) its term vector."""
    text = json.dumps([entry, list(facets)], ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE)
    digest.update(vector)
    return digest.digest()


def facets_digest(facets: Mapping[str, Sequence[tuple[str, str]]], total: int) -> str:
    """The rest of what the index is made from: the filters' values and the document count."""
    text = json.dumps([total, sorted((k, [list(v) for v in vs]) for k, vs in facets.items())],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class IndexBasis:
    """The last build's index: what it was made from besides its documents, and its files
    (path in the site, sha256 of the bytes) in the order they were made."""

    made_from: str
    files: tuple[tuple[str, str], ...]

    def to_json(self) -> str:
        return json.dumps({"made_from": self.made_from, "files": [list(f) for f in self.files]},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> IndexBasis | None:
        """None for an empty or damaged text (the index is then made again)."""
        try:
            data = json.loads(text) if text else None
            if data is None:
                return None
            files = tuple((str(path), str(sha)) for path, sha in data["files"])
            return cls(made_from=str(data["made_from"]), files=files)
        except (ValueError, TypeError, KeyError):
            return None

    def with_files(self, changed: Mapping[str, str]) -> IndexBasis:
        """The same index with some files' sha256 changed (a quick rebuild's patch)."""
        return IndexBasis(made_from=self.made_from,
                          files=tuple((path, changed.get(path, sha)) for path, sha in self.files))


def same_documents(digests: Iterable[tuple[str, bytes]],
                   kept: Iterable[tuple[str, bytes]]) -> bool:
    """Do the documents (key, digest), in number order, match those kept, one for one?
    Stops at the first that differs."""
    missing = object()
    kept_docs = iter(kept)
    for doc in digests:
        if next(kept_docs, missing) != doc:
            return False
    return next(kept_docs, missing) is missing


class KeptFile:
    """A file of the kept index, planned by its sha256 (the face of spill.SpilledFile). Its
    bytes are asked for only when the output folder lost it and the page store does not
    hold it: read back from the output folder (`read`: path -> bytes, None if it cannot)
    if they are still there, else from the index made again (`remake`: path -> bytes)."""

    __slots__ = ("_read", "_remake", "path", "sha256")

    def __init__(self, path: str, sha256: str, read: Callable[[str], bytes | None],
                 remake: Callable[[str], bytes]) -> None:
        self.path, self.sha256 = path, sha256
        self._read, self._remake = read, remake

    def content(self) -> bytes:
        found = self._read(self.path)
        if found is not None and hashlib.sha256(found).hexdigest() == self.sha256:
            return found
        made = self._remake(self.path)
        if hashlib.sha256(made).hexdigest() != self.sha256:
            # The same documents made another index: a fault of this code, not of the input.
            raise RuntimeError(f"the search index made again differs from the kept one "
                               f"({self.path})")
        return made

    def rendered(self, dependencies: tuple[str, ...], origin: str) -> RenderedFile:
        return RenderedFile(path=self.path, content=self.content(), dependencies=dependencies,
                            origin=origin)


@dataclass(frozen=True, slots=True)
class LastIndex:
    """The index the last build left, as the build state and the output folder keep it."""

    basis: IndexBasis
    documents: Callable[[], Iterable[tuple[str, bytes]]]  # (key, doc_digest) in number order
    vector_digest: Callable[[str], bytes | None]  # of an article's cached term vector
    read: Callable[[str], bytes | None]  # a file's bytes in the output folder, if it is there
