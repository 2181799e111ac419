"""What a build reports: counts, diagnostics and time per phase (printed by the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archivegen.errors import Diagnostic

Progress = Callable[[str, int, int], None]  # (phase, done, total): for a progress bar


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
