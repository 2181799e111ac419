"""workers._read_ahead: the load workers' files asked for a window ahead of their reading."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import archivegen.load.sources as sources
from archivegen.limits import DEFAULT_LIMITS
from archivegen.workers import LoadJob, _bounded_map, _read_ahead


def _job(root: Path, rel: str) -> LoadJob:
    return LoadJob(input_dir=str(root), rel=rel, stat="", cached_sha="",
                   file_time_dates=False, excerpt_words=40, keep_records=False,
                   limits=DEFAULT_LIMITS)


def test_read_ahead_asks_for_each_file_as_its_job_is_taken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(sources, "prefetch", lambda paths: asked.extend(paths))
    jobs = [_job(tmp_path, f"d/{n}.txt") for n in range(5)]
    ahead = _read_ahead(jobs)
    assert asked == []  # nothing before a job is taken
    assert next(ahead) is jobs[0]
    assert asked == [str(tmp_path / "d/0.txt")]
    assert list(ahead) == jobs[1:]
    assert asked == [str(tmp_path / f"d/{n}.txt") for n in range(5)]


def test_bounded_map_takes_read_ahead_jobs_a_window_ahead_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are asked for when their jobs are sent, not all at the start: at 10^5
    files, asking for every one first would fill memory with pages read long before use."""
    asked: list[str] = []
    monkeypatch.setattr(sources, "prefetch", lambda paths: asked.extend(paths))
    jobs = [_job(tmp_path, f"{n}.txt") for n in range(100)]
    seen = []
    with ThreadPoolExecutor(2) as pool:
        for job in _bounded_map(pool, lambda job: job, _read_ahead(jobs),  # type: ignore[arg-type]
                                window=8, chunk=2):
            seen.append(job)
            # The first job's batch, then at most a window of jobs sent after it.
            assert len(asked) <= len(seen) + 8 + 2
    assert seen == jobs
    assert len(asked) == 100
