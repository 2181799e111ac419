"""Files made long before they are written, kept on disk meanwhile, not in memory.

A full build makes the whole search index in its "search" phase and writes it with the other
pages much later; at 10^5 articles the index is over 70 MiB of gzip'd shards and result
chunks, which the build would hold through planning and rendering. Their bytes wait in one
unnamed temporary file instead (gone when the build lets go of it), each file with its
SHA-256 (its page's fingerprint) made as it is added.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from archivegen.model import RenderedFile


class FileSpill:
    """An unnamed temporary file the added files' bytes are appended to."""

    def __init__(self, folder: Path | None = None) -> None:
        """`folder`: where the temporary file is made (the build's state folder, on the
        project's disk), else the system's temporary folder."""
        # (open as long as the spill is: its files are read as their pages are written)
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self._end = 0

    def add(self, path: str, content: bytes) -> SpilledFile:
        self._file.seek(self._end)
        self._file.write(content)
        spilled = SpilledFile(spill=self, path=path, offset=self._end, length=len(content),
                              sha256=hashlib.sha256(content).hexdigest())
        self._end += len(content)
        return spilled

    def read(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        content = self._file.read(length)
        if len(content) != length:
            raise OSError(f"the spilled file ended {length - len(content)} bytes early")
        return content

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class SpilledFile:
    """One file's place in a FileSpill."""

    spill: FileSpill
    path: str  # in the output folder
    offset: int
    length: int
    sha256: str  # of its bytes

    def content(self) -> bytes:
        return self.spill.read(self.offset, self.length)

    def rendered(self, dependencies: tuple[str, ...], origin: str) -> RenderedFile:
        return RenderedFile(path=self.path, content=self.content(), dependencies=dependencies,
                            origin=origin)
