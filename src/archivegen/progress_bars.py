"""What a build shows on a terminal while it runs: a line per phase, redrawn in place.

A phase shorter than DELAY shows nothing, so a short build prints no bars. A longer one
shows a bar when its units are counted against a known total (files loaded, articles
indexed for search, pages rendered), else a spinner with what it counted so far and the
time. When the phase ends its line is drawn once more, finished, and left on the screen
with a newline: a bar the user saw ends visibly at 100 % (or at the count it reached), with
the phase's time, as pip's and cargo's finished steps stay in the scrollback. A phase
that does not end (an error, Ctrl-C) has its line cleared instead.

Lines are drawn by one ticker thread, DELAY after a phase begins and every INTERVAL after,
and by the build's thread at a phase's end; both under one lock. Counting only stores
numbers: a build may count every file and page. `close` stops the thread and leaves the
cursor at the start of an empty line, so what the CLI prints next is never mixed into a
bar. A line is cut to the terminal's width less one column: a line that fills the width
would wrap, and `\\r` then returns to its second half only.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

DELAY = 1.0  # seconds a phase runs before its line appears
INTERVAL = 0.2  # seconds between redraws
NAME_WIDTH = len("render+write")  # the longest phase name: the bars line up
MAX_BAR = 40
CLEAR_TO_END = "\x1b[K"  # erase the rest of the line (a shorter redraw leaves no tail)


@dataclass(slots=True)
class _Phase:
    name: str
    start: float
    done: int = 0
    total: int | None = None
    unit: str = ""
    shown: bool = False


@dataclass(frozen=True, slots=True)
class _Glyphs:
    full: str
    partial: str  # eighths of a cell, from one eighth up (a bar grows smoothly)
    empty: str
    spinner: str


_UNICODE = _Glyphs(full="█", partial="▏▎▍▌▋▊▉", empty="░", spinner="⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
_ASCII = _Glyphs(full="#", partial="", empty="-", spinner="|/-\\")


class PhaseBars:
    """The build's `report.Progress` drawn on `stream` (a terminal)."""

    def __init__(self, stream: TextIO, *, delay: float | None = None,
                 interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        # Read when made, not when imported: a test sets DELAY to 0 to see every phase.
        self._delay = DELAY if delay is None else delay
        self._interval = INTERVAL if interval is None else interval
        self._clock = clock
        self._glyphs = _glyphs_for(stream)
        self._lock = threading.RLock()  # reentrant: a signal handler may print in a draw
        self._phase: _Phase | None = None
        self._frame = 0
        self._failed = False  # the stream failed: the CLI tells it; drawing stops
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def begin(self, phase: str) -> None:
        with self._lock:
            self._clear()  # a phase that raised and was tried again leaves no line
            self._phase = _Phase(phase, self._clock())
        if self._ticker is None and not self._stop.is_set():
            self._ticker = threading.Thread(target=self._tick, name="progress-bars",
                                            daemon=True)
            self._ticker.start()

    def count(self, done: int, total: int | None, unit: str) -> None:
        phase = self._phase
        if phase is not None:
            phase.done, phase.total, phase.unit = done, total, unit

    def end(self) -> None:
        with self._lock:
            phase, self._phase = self._phase, None
            if phase is not None and (phase.shown or self._clock() - phase.start >= self._delay):
                self._write(f"\r{self._line(phase, finished=True)}{CLEAR_TO_END}\n")

    def close(self) -> None:
        """Stop drawing; an unfinished phase's line is cleared. Nothing is written after."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            self._clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The bar cleared while the caller prints lines of its own (drawn again after)."""
        with self._lock:
            self._clear(keep=True)
            yield

    def _tick(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                phase = self._phase
                if phase is not None and self._clock() - phase.start >= self._delay:
                    phase.shown = True
                    self._frame += 1
                    self._write(f"\r{self._line(phase, finished=False)}{CLEAR_TO_END}")

    def _clear(self, *, keep: bool = False) -> None:
        """Erase the phase's line; forget the phase too unless `keep` (the next tick then
        draws it again)."""
        if self._phase is not None and self._phase.shown:
            self._write(f"\r{CLEAR_TO_END}")
        if not keep:
            self._phase = None

    def _write(self, text: str) -> None:
        if self._failed:
            return
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            self._failed = True

    def _line(self, phase: _Phase, *, finished: bool) -> str:
        width = (terminal_columns(self._stream) or 80) - 1
        elapsed = self._clock() - phase.start
        name = phase.name.ljust(NAME_WIDTH)
        if phase.total:  # counted against a known total
            percent = min(100, phase.done * 100 // phase.total)
            # The count as wide as the total, and room kept for the longest time: the bar
            # keeps its width from the first redraw to the finished line.
            counts = f"{phase.done:>{len(str(phase.total))}}/{phase.total} {phase.unit}"
            when = (f"in {elapsed:.1f} s" if finished
                    else _clock_time(elapsed) + _left(elapsed, phase.done, phase.total))
            room = min(MAX_BAR, width - len(f"{name} 100%  {counts}  ") - max(len(when), 18))
            bar = (" " + self._bar(phase.done / phase.total, room)) if room >= 10 else ""
            text = f"{name} {percent:3d}%{bar} {counts}  {when}"
        else:
            counted = f"{phase.done} {phase.unit}" if phase.unit else ""
            if finished:
                text = f"{name} done{': ' + counted if counted else ''} in {elapsed:.1f} s"
            else:
                spin = self._glyphs.spinner[self._frame % len(self._glyphs.spinner)]
                text = f"{name} {spin} {counted + '  ' if counted else ''}{_clock_time(elapsed)}"
        return text[:width]

    def _bar(self, fraction: float, width: int) -> str:
        glyphs = self._glyphs
        eighths = int(max(0.0, min(1.0, fraction)) * width * 8)
        full, part = divmod(eighths, 8)
        bar = glyphs.full * full
        if full < width:
            bar += glyphs.partial[part - 1] if part and glyphs.partial else glyphs.empty
        return bar + glyphs.empty * (width - len(bar))


def _glyphs_for(stream: TextIO) -> _Glyphs:
    """Block characters if the stream's encoding has them (a legacy terminal: ASCII)."""
    try:
        "".join((_UNICODE.full, _UNICODE.partial, _UNICODE.empty, _UNICODE.spinner)).encode(
            stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return _ASCII
    return _UNICODE


def terminal_columns(stream: TextIO) -> int:
    """The width of the terminal `stream` is, as Python's shutil finds it ($COLUMNS first)
    but for that stream; 0 if it is not known."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        return max(0, os.get_terminal_size(stream.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        return 0


def _clock_time(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _left(elapsed: float, done: int, total: int) -> str:
    """", ~0:21 left" once there is a rate to go by."""
    if done <= 0 or done >= total or elapsed < 1.0:
        return ""
    return f", ~{_clock_time(elapsed * (total - done) / done)} left"
