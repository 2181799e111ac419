"""Pages copied from the page store back into the output folder.

A build whose output folder lost the last build's pages (a CI run: a fresh checkout with the
build state restored from a cache) copies them from the store instead of rendering them.
This module only imports the store and the writer, so the worker process that copies them
starts in a fraction of the time a render worker does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archivegen.model import RenderedFile
from archivegen.processes import exit_with_parent, spawn_context
from archivegen.render.page_store import PackReader, StoredPage
from archivegen.render.writer import TreeWriter, WrittenFile


@dataclass(frozen=True, slots=True)
class Unrestored:
    """A stored page whose bytes could not be read back as stored: to be rendered."""

    path: str


def restore_page(job: StoredPage, reader: PackReader, writer: TreeWriter | None
                 ) -> RenderedFile | WrittenFile | Unrestored:
    """A page copied from the page store (written at once with `writer`)."""
    content = reader.read(job)
    if content is None:
        return Unrestored(job.path)
    if writer is None:
        return RenderedFile(path=job.path, content=content, origin=job.origin, restored=True)
    return writer.put(job.path, content, job.origin, restored=True)


# Pages per task of a background restore: few tasks, and results come back in batches.
_CHUNK = 512
# Set in the restoring worker process on its first task: its reader and writer.
_worker_state: list[tuple[PackReader, TreeWriter]] = []


class RestoreWorkers:
    """Pages copied from the page store into the output folder by `workers` processes, while
    this one does something else (hashes the input files): such a build is mostly the
    writing of those files. `copied` gives what was copied, as it comes."""

    def __init__(self, pages: Sequence[StoredPage], store: Path, output_dir: Path,
                 workers: int = 1) -> None:
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=spawn_context(),
                                         initializer=exit_with_parent,
                                         initargs=(os.getpid(),))
        self._tasks = [self._pool.submit(_restore_chunk, store, output_dir,
                                         list(pages[at:at + _CHUNK]))
                       for at in range(0, len(pages), _CHUNK)]

    def copied(self) -> Iterator[tuple[str, str, WrittenFile]]:
        """(path, fingerprint, file written) of each page copied, as they come."""
        try:
            for task in self._tasks:
                yield from task.result()
        finally:
            self._pool.shutdown()

    def cancel(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def _restore_chunk(store: Path, output_dir: Path, pages: list[StoredPage]
                   ) -> list[tuple[str, str, WrittenFile]]:
    if not _worker_state:
        _worker_state.append((PackReader(store), TreeWriter(output_dir)))
    reader, writer = _worker_state[0]
    copied = []
    for page in pages:
        done = restore_page(page, reader, writer)
        if isinstance(done, WrittenFile) and not (done.refused or done.unwritable):
            copied.append((page.path, page.fingerprint, done))
    return copied
