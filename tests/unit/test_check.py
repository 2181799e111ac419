"""check.summarize and check.read_lazily: `check --summary` streams, so memory stays bounded."""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivegen.check import ReadFile, read_lazily, summarize
from archivegen.model import Source

FILES, WORDS = 150, 3000  # about 20 KB of body a file, 3 MB in all


def _sources(memory_at_each: list[int]) -> Iterator[ReadFile]:
    """Plain-text files of distinct bodies, made as they are asked for; notes the memory
    in use each time the next one is asked for."""
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(4000)]
    for i in range(FILES):
        memory_at_each.append(tracemalloc.get_traced_memory()[0])
        data = (f"Report number {i}\n\n" + " ".join(rng.choices(vocabulary, k=WORDS))
                + "\n").encode()
        yield Source(path=f"r{i:03}.txt", data=data,
                     sha256=hashlib.sha256(data).hexdigest()), ()


@pytest.mark.slow
def test_summarize_keeps_no_source_or_body_of_files_already_counted() -> None:
    memory: list[int] = []
    tracemalloc.start()
    try:
        summary = summarize(_sources(memory))
    finally:
        tracemalloc.stop()
    assert (summary.files, summary.articles, summary.fields["title"]) == (FILES, FILES, FILES)
    assert len(memory) == FILES
    # From the 10th file on (imports and caches settled), what stays per file is its head and
    # sketch (~2 KB): 140 of them are well under 1 MB. Keeping each file's bytes or body would
    # add about 20 KB a file, 2.8 MB.
    assert memory[-1] - memory[10] < 1_000_000, memory[-1] - memory[10]


def test_read_lazily_reads_each_file_only_when_asked(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Title {name}\n\nBody of {name}.\n")
    files = read_lazily([tmp_path])
    first, problems = next(files)
    assert first is not None and first.path == f"{tmp_path.as_posix()}/a.txt" and not problems
    (tmp_path / "b.txt").unlink()  # listed already, not read yet
    second, problems = next(files)
    assert second is None and [d.code for d in problems] == ["AG003"]
    third, _ = next(files)
    assert third is not None and third.data == b"Title c.txt\n\nBody of c.txt.\n"
    assert next(files, None) is None
