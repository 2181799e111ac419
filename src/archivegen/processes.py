"""How the build starts its worker processes: spawned, quiet on Ctrl-C, gone with the build.

Shared by the load and render pools (workers.py) and the page store's restore
(render/restore.py), which sits below them: it must not import the pipeline it serves.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing.context
import os
import signal
import threading
import time
from pathlib import Path

# Set by the command line's --jobs: the worker processes a pool may have (None: one per CPU
# this process may use).
_jobs: int | None = None


def set_jobs(jobs: int | None) -> None:
    """Cap every pool of this process at `jobs` workers (1: files are loaded and pages
    rendered in this process; a build into an empty output folder still copies stored pages
    with one worker while it checks the input)."""
    global _jobs
    if jobs is not None and jobs < 1:
        raise ValueError(f"a pool needs a worker at least, not {jobs}")
    _jobs = jobs


def worker_count() -> int:
    """Worker processes for a pool: --jobs if given, else available_cpus()."""
    return _jobs if _jobs is not None else available_cpus()


def available_cpus(cgroup_root: Path = Path("/sys/fs/cgroup"),
                   own_cgroups: Path = Path("/proc/self/cgroup")) -> int:
    """The CPUs this process may keep busy. os.cpu_count() counts the machine's; a container
    or CI runner may allow fewer, by an affinity mask or a cgroup CPU quota (Docker's
    --cpus), and a worker per machine CPU would then cost memory (~40 MiB each) and time
    spent switching between them."""
    count = os.cpu_count() or 1
    with contextlib.suppress(AttributeError, OSError):  # (no affinity on this system)
        count = min(count, len(os.sched_getaffinity(0)))
    quota = cgroup_cpu_quota(cgroup_root, own_cgroups)
    if quota is not None:
        count = min(count, max(1, math.ceil(quota)))
    return max(1, count)


def cgroup_cpu_quota(root: Path, own_cgroups: Path) -> float | None:
    """The CPU time per second this process's cgroups allow it (2.0: two CPUs' worth), the
    smallest along its cgroup path; None without a quota, or where nothing can be read.
    cgroup v2 (cpu.max) and v1 (cpu.cfs_quota_us over cpu.cfs_period_us)."""
    try:
        # Bytes: a cgroup's name may be any bytes but a newline (not UTF-8, or a "\r").
        lines = own_cgroups.read_bytes().decode("utf-8", "surrogateescape").split("\n")
    except OSError:
        lines = []
    folders: list[Path] = []
    for line in lines:
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and not controllers:  # v2's unified hierarchy
            folders += _up_to(root, root / path.lstrip("/"))
        elif "cpu" in controllers.split(","):  # v1, mounted as cpu or cpu,cpuacct
            for mount in (root / "cpu", root / controllers):
                folders += _up_to(mount, mount / path.lstrip("/"))
    # In a container the cgroup path shown may be the host's, not below the mount it sees:
    # its own limits are then at the mounts' top, which _up_to always includes.
    quotas = [q for folder in dict.fromkeys(folders) if (q := _quota_in(folder)) is not None]
    return min(quotas) if quotas else None


def _up_to(top: Path, folder: Path) -> list[Path]:
    """`folder` and each folder above it up to `top` (only `top` if `folder` is not below
    it, or is not there)."""
    if ((top != folder and top not in folder.parents) or ".." in folder.parts
            or not folder.is_dir()):
        return [top]  # (a path outside the namespace's root reads "/../x")
    return [folder, *[p for p in folder.parents if p == top or top in p.parents]]


def _quota_in(folder: Path) -> float | None:
    try:
        fields = (folder / "cpu.max").read_text().split()
        if len(fields) == 2 and fields[0] != "max":
            return int(fields[0]) / int(fields[1])
        return None
    except (OSError, ValueError, ZeroDivisionError):
        pass
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text())
        period = int((folder / "cpu.cfs_period_us").read_text())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def spawn_context() -> multiprocessing.context.BaseContext:
    """Workers that do not start as copies of this process: by the time pages are rendered
    it holds every article's head and plan (hundreds of MiB at 10^5 articles), and a forked
    worker would hold all of it again. Spawned workers are fresh interpreters (a few tenths
    of a second to start), still children of this process, so they exit with it."""
    return _QuietSpawnContext()


def exit_with_parent(parent: int) -> None:
    """Make this worker process exit when the build process (pid `parent`) dies (killed,
    say): a worker otherwise waits for work forever, holding the build's terminal or pipes
    open. The pid comes from the build: read here, it could already be init's.

    Ctrl-C at a terminal reaches every process of its group: the build process decides what
    to do (`serve` lets the build under way finish); a worker would die printing a trace."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


class QuietSpawnProcess(multiprocessing.context.SpawnProcess):
    """A spawned worker that ignores Ctrl-C from its start. The terminal signals the whole
    process group; a worker still importing when it came would die printing a trace and
    break the build. An ignored SIGINT survives exec, and Python keeps it ignored; only the
    main thread may set it, so workers started from another thread keep the default."""

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            super().start()
            return
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            super().start()
        finally:
            signal.signal(signal.SIGINT, previous)


class _QuietSpawnContext(multiprocessing.context.SpawnContext):
    Process = QuietSpawnProcess
