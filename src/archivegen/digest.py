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


class Fingerprints(MutableMapping[str, str]):
    """Fingerprints by output path, each kept as its 16 bytes rather than 32 hex digits: a
    build holds one per output from planning to its end (at 10^5 articles, 170,000 of them:
    5 MiB less). Values that are not such a digest are kept as given."""

    def __init__(self) -> None:
        self._packed: dict[str, bytes | str] = {}

    def __getitem__(self, path: str) -> str:
        value = self._packed[path]
        return value.hex() if isinstance(value, bytes) else value

    def __setitem__(self, path: str, value: str) -> None:
        try:
            packed: bytes | str = bytes.fromhex(value) if len(value) == 32 else value
        except ValueError:
            packed = value
        if isinstance(packed, bytes) and packed.hex() != value:
            packed = value  # upper-case digits: kept as written
        self._packed[path] = packed

    def __delitem__(self, path: str) -> None:
        del self._packed[path]

    def __contains__(self, path: object) -> bool:
        return path in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)
