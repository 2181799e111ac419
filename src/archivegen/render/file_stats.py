"""The stat of every file a build put in place, kept small until it is recorded.

A build records each output's size, mtime and inode (`writer.file_stat`, "size:mtime:inode")
so that a later build notices a page edited by hand. At 10^5 pages, one string per file held
~15 MiB from the first page written to the last; here each stat is three numbers packed in one
buffer, in the order the files came, and made a string again as it is read.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping

_PACKED = struct.Struct("<QQQ")


class FileStats(Mapping[str, str]):
    """file_stat text by file name, each name kept as the string it was first given."""

    def __init__(self) -> None:
        self._names: dict[str, None] = {}  # in the order of `_packed`
        self._packed = bytearray()
        # Stats that are not three numbers ("": the file could not be stat'ed) and names
        # given again (not in a build): kept as text, apart.
        self._apart: dict[str, str] = {}
        self._index: dict[str, int] | None = None  # made only if one is asked for by name

    def add(self, name: str, stat: str) -> None:
        if name in self._names or name in self._apart:
            self._apart[name] = stat
            return
        try:
            packed = _PACKED.pack(*map(int, stat.split(":")))
        except (ValueError, struct.error):
            self._apart[name] = stat
            return
        self._names[name] = None
        self._packed += packed
        self._index = None

    def __contains__(self, name: object) -> bool:
        return name in self._names or name in self._apart

    def __len__(self) -> int:
        return len(self._names) + sum(1 for name in self._apart if name not in self._names)

    def __iter__(self) -> Iterator[str]:
        yield from self._names
        yield from (name for name in self._apart if name not in self._names)

    def __getitem__(self, name: str) -> str:
        if name in self._apart:
            return self._apart[name]
        if self._index is None:  # not how a build reads them (see pairs): made when asked
            self._index = {n: at for at, n in enumerate(self._names)}
        return _text(_PACKED.unpack_from(self._packed, self._index[name] * _PACKED.size))

    def pairs(self) -> Iterator[tuple[str, str]]:
        """(name, stat) of every file, read in order without an index by name."""
        for name, numbers in zip(self._names, _PACKED.iter_unpack(self._packed),
                                 strict=True):
            yield name, self._apart.get(name, _text(numbers))
        yield from ((name, stat) for name, stat in self._apart.items()
                    if name not in self._names)


def _text(numbers: tuple[int, ...]) -> str:
    return ":".join(map(str, numbers))
