"""Every body's sketch, held in flat buffers until duplicates are found.

A build keeps one sketch per article from loading until duplicate detection (at 10^5 articles,
~850 bytes each). As four objects per article they were scattered among the heads the build
keeps, and the memory they left once freed was never used again (the build's peak was ~80 MiB
higher at 10^5). Here each part of every sketch is appended to one buffer, a large allocation
given back whole when the store is cleared.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping

from archivegen.dedupe.detect import Sketch


class SketchStore(Mapping[str, Sketch]):
    """Sketches by article key; a Sketch object is made only when one is read."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        # Per part of a sketch (digest, values, lead): every sketch's bytes, and where each
        # one ends.
        self._parts = (bytearray(), bytearray(), bytearray())
        self._ends = (array("Q"), array("Q"), array("Q"))

    def add(self, key: str, sketch: Sketch) -> None:
        """Keep `sketch` under `key` (a key is added once: ValueError otherwise)."""
        if key in self._numbers:
            raise ValueError(f"a sketch is already kept for {key!r}")
        self._numbers[key] = len(self._numbers)
        for part, ends, data in zip(self._parts, self._ends,
                                    (sketch.digest, sketch.values, sketch.lead), strict=True):
            part += data
            ends.append(len(part))

    def __getitem__(self, key: str) -> Sketch:
        """The sketch kept under `key`: its values and lead are read-only views into the
        store (no copy; nothing can be added to the store while one is held)."""
        n = self._numbers[key]
        digest, values, lead = (memoryview(part)[ends[n - 1] if n else 0:ends[n]].toreadonly()
                                for part, ends in zip(self._parts, self._ends, strict=True))
        return Sketch(digest=bytes(digest), values=values, lead=lead)

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def clear(self) -> None:
        """Let go of every sketch (the buffers are freed at once)."""
        self._numbers = {}
        self._parts = (bytearray(), bytearray(), bytearray())
        self._ends = (array("Q"), array("Q"), array("Q"))
