"""What a build reports: counts, diagnostics and time per phase (printed by the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archivegen.errors import Diagnostic


class Progress(Protocol):
    """Where a build tells how far it is, for the CLI's bars on a terminal. Phases come one
    at a time, as the build times them: `begin`, any number of `count`s, `end` (not called
    when the phase raised). Counting must be cheap: it may be called once per file or page."""

    def begin(self, phase: str) -> None: ...

    def count(self, done: int, total: int | None, unit: str) -> None:
        """`done` of the phase's `total` units (None: not known before the phase ends)."""

    def end(self) -> None: ...


@contextmanager
def told(progress: Progress | None, phase: str) -> Iterator[None]:
    """`phase` begun and (unless it raises) ended on `progress`, if there is one."""
    if progress is not None:
        progress.begin(phase)
    yield
    if progress is not None:
        progress.end()


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    articles: int
    pages: int
    written: int
    unchanged: int
    removed: int
    kept_stale: int
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    phases: tuple[tuple[str, float], ...]
    report_path: Path | None = None
    rendered: int = 0
    # Why a quick rebuild (quick.py) could not do: the full build's reason to run.
    full_because: str = ""
    # Files copied from the build state's page store instead of rendered.
    restored: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "warning")


@dataclass(frozen=True, slots=True)
class Declined:
    """Why a quick rebuild cannot apply: the full build runs, and its summary says this
    after "full build:"."""

    reason: str
