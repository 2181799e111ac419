"""How the build starts its worker processes: spawned, quiet on Ctrl-C, gone with the build.

Shared by the load and render pools (workers.py) and the page store's restore
(render/restore.py), which sits below them: it must not import the pipeline it serves.
"""

from __future__ import annotations

import multiprocessing.context
import os
import signal
import threading
import time


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
