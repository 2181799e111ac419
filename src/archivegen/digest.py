"""The one digest of build state: page fingerprints (site/plan.py) and the input and context
states that decide whether a build can be replayed (incremental/uptodate.py).

Its own module so that the no-op check imports no more than hashlib for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, MutableMapping


def fingerprint(*parts: str) -> str:
    """A hash of some texts: one join and one encode (this runs for every output of every
    build); NUL-separated, so ("ab", "c") and ("a", "bc") differ."""
    text = "\0".join(parts) + "\0"
    # 128 bits are plenty to tell versions of one output apart, and a build holds one
    # fingerprint per output and per article: 32 hex digits, not sha256's 64.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def pack_fingerprint(value: str) -> bytes | str:
    """A fingerprint's 16 bytes, or the text itself if it is not 32 lower-case hex digits."""
    try:
        packed = bytes.fromhex(value) if len(value) == 32 else None
    except ValueError:
        return value
    return packed if packed is not None and packed.hex() == value else value


def unpack_fingerprint(packed: bytes | str) -> str:
    return packed.hex() if isinstance(packed, bytes) else packed


class Fingerprints(MutableMapping[str, str]):
    """Fingerprints by output path, each kept as its 16 bytes rather than 32 hex digits: a
    build holds one per output from planning to its end (at 10^5 articles, 170,000 of them:
    5 MiB less). Values that are not such a digest are kept as given."""

    def __init__(self) -> None:
        self._packed: dict[str, bytes | str] = {}

    def __getitem__(self, path: str) -> str:
        return unpack_fingerprint(self._packed[path])

    def __setitem__(self, path: str, value: str) -> None:
        self._packed[path] = pack_fingerprint(value)

    def set_packed(self, path: str, packed: bytes | str) -> None:
        """Keep a fingerprint given as pack_fingerprint made it (the same object: a build
        that also holds it elsewhere holds it once)."""
        self._packed[path] = packed

    def __delitem__(self, path: str) -> None:
        del self._packed[path]

    def __contains__(self, path: object) -> bool:
        return path in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)
