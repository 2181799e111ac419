"""processes.available_cpus / worker_count and --jobs: how many worker processes a pool gets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import archivegen.processes as processes
import archivegen.workers as workers
from archivegen.cli import main
from archivegen.processes import available_cpus, cgroup_cpu_quota, set_jobs, worker_count


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_cgroup_v2_quota_is_the_smallest_along_the_path(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _write(root / "ci/job/cpu.max", "150000 100000\n")  # 1.5 CPUs for the job
    _write(root / "ci/cpu.max", "max 100000\n")  # no quota above it
    own = tmp_path / "self-cgroup"
    _write(own, "0::/ci/job\n")
    assert cgroup_cpu_quota(root, own) == 1.5
    _write(root / "ci/cpu.max", "50000 100000\n")  # the parent allows less
    assert cgroup_cpu_quota(root, own) == 0.5
    _write(root / "ci/cpu.max", "max 100000\n")
    _write(root / "ci/job/cpu.max", "max 100000\n")
    assert cgroup_cpu_quota(root, own) is None


def test_cgroup_v1_quota_from_cfs_files(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    folder = root / "cpu,cpuacct/docker/abc"
    _write(folder / "cpu.cfs_quota_us", "200000\n")
    _write(folder / "cpu.cfs_period_us", "100000\n")
    own = tmp_path / "self-cgroup"
    _write(own, "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n")
    assert cgroup_cpu_quota(root, own) == 2.0
    _write(folder / "cpu.cfs_quota_us", "-1\n")  # no quota
    assert cgroup_cpu_quota(root, own) is None


def test_a_container_sees_its_own_limit_at_the_mount_top(tmp_path: Path) -> None:
    """In a container the cgroup path shown can be the host's, not below the mount the
    container sees: the quota is then read at the top of the mount."""
    root = tmp_path / "cgroup"
    _write(root / "cpu.max", "300000 100000\n")
    own = tmp_path / "self-cgroup"
    _write(own, "0::/system.slice/docker-1234.scope\n")
    assert cgroup_cpu_quota(root, own) == 3.0


def test_odd_cgroup_names_are_read_as_they_are(tmp_path: Path) -> None:
    """A cgroup's name may hold any byte but a newline: not UTF-8, or a carriage return
    (which must not split the line and name its sibling)."""
    root = tmp_path / "cgroup"
    _write(root / "a/cpu.max", "50000 100000\n")  # a sibling of the process's cgroup
    own = tmp_path / "self-cgroup"
    own.write_bytes(b"0::/a\rb\n")
    assert cgroup_cpu_quota(root, own) is None  # "a\rb" has no folder: the top has no quota
    os.makedirs(os.fsencode(root) + b"/caf\xe9")
    (root / "cpu.max").write_text("200000 100000\n")
    own.write_bytes(b"0::/caf\xe9\n")
    assert cgroup_cpu_quota(root, own) == 2.0
    own.write_bytes(b"0::/../../etc\n")  # outside the namespace's root: only the top read
    assert cgroup_cpu_quota(root, own) == 2.0


def test_nothing_readable_means_no_quota(tmp_path: Path) -> None:
    assert cgroup_cpu_quota(tmp_path / "none", tmp_path / "no-such-file") is None
    own = tmp_path / "self-cgroup"
    _write(own, "0::/a\n")
    _write(tmp_path / "cgroup/a/cpu.max", "lots 100000\n")  # not a number
    assert cgroup_cpu_quota(tmp_path / "cgroup", own) is None


def test_available_cpus_counts_affinity_and_quota(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cgroup"
    own = tmp_path / "self-cgroup"
    _write(own, "0::/\n")
    monkeypatch.setattr(processes.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(processes.os, "sched_getaffinity", lambda pid: set(range(8)),
                        raising=False)
    assert available_cpus(root, own) == 8  # the affinity mask, not the machine
    _write(root / "cpu.max", "250000 100000\n")
    assert available_cpus(root, own) == 3  # 2.5 CPUs of time: three busy processes
    _write(root / "cpu.max", "20000 100000\n")
    assert available_cpus(root, own) == 1  # never none


def test_worker_count_takes_jobs_when_given() -> None:
    try:
        set_jobs(3)
        assert worker_count() == 3
        set_jobs(None)
        assert worker_count() == available_cpus()
        with pytest.raises(ValueError):
            set_jobs(0)
    finally:
        set_jobs(None)


def test_early_workers_start_no_more_than_the_batches_in_flight(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """-j far above the CPUs: the render pool is started with as many processes as
    render_in_workers keeps batches in flight, not one per -j."""
    submitted: list[object] = []

    class Pool:
        def submit(self, fn: object) -> None:
            submitted.append(fn)

    monkeypatch.setattr(workers, "_render_pool", lambda *args: Pool())
    try:
        set_jobs(500)
        workers.EarlyWorkers().start(10**5, [], None, None, None, None)  # type: ignore[arg-type]
    finally:
        set_jobs(None)
    assert len(submitted) == workers.RENDER_WINDOW // workers.RENDER_CHUNK


def test_jobs_1_loads_and_renders_without_worker_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Enough articles for worker pools (to load, and to render: the threshold lowered),
    built with -j 1: no pool is made, and the site is the one the pools build."""
    articles = tmp_path / "articles"
    for n in range(workers.PARALLEL_MIN_FILES + 6):
        _write(articles / f"{n:03d}.md",
               f"---\ntitle: Article {n}\ndate: 2020-01-{n % 28 + 1:02d}\n---\n\nBody {n}.\n")
    monkeypatch.setattr(processes, "available_cpus", lambda *args: 2)
    monkeypatch.setattr(workers, "RENDER_PARALLEL_MIN", 16)
    try:
        assert main(["build", "--input", str(articles), "--output", str(tmp_path / "pooled"),
                     "--no-cache", "-q"]) == 0
        made: list[int] = []
        real_pool = workers.ProcessPoolExecutor

        def counting_pool(*args: object, **kwargs: object) -> object:
            made.append(1)
            return real_pool(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(workers, "ProcessPoolExecutor", counting_pool)
        assert main(["build", "--input", str(articles), "--output", str(tmp_path / "alone"),
                     "--no-cache", "-q", "-j", "1"]) == 0
        assert made == []
        assert main(["build", "--input", str(articles), "--output", str(tmp_path / "again"),
                     "--no-cache", "-q"]) == 0
        # The same build without -j makes a pool to load and one to render: the check above
        # can fail.
        assert len(made) == 2
        assert processes._jobs is None  # -j holds for its command only
    finally:
        set_jobs(None)
    def tree(top: Path) -> dict[str, bytes]:
        return {os.path.relpath(os.path.join(folder, name), top):
                Path(folder, name).read_bytes()
                for folder, _, files in os.walk(top) for name in files}

    assert tree(tmp_path / "alone") == tree(tmp_path / "pooled")
    assert capsys.readouterr().out == ""
