"""progress_bars.PhaseBars on a stream in memory: what each phase leaves on the terminal."""

from __future__ import annotations

import io
import time

import pytest

from archivegen.progress_bars import CLEAR_TO_END, PhaseBars


def _stream(encoding: str = "utf-8") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, write_through=True)


def _written(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode(stream.encoding)


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def test_a_phase_shorter_than_the_delay_shows_nothing() -> None:
    stream = _stream()
    bars = PhaseBars(stream, delay=60)
    bars.begin("load")
    bars.count(5, 10, "files")
    bars.end()
    bars.close()
    assert _written(stream) == ""


def test_a_counted_phase_ends_with_its_bar_full_on_a_line_of_its_own() -> None:
    stream = _stream()
    bars = PhaseBars(stream, delay=0, interval=60)  # no tick: only the end draws
    bars.begin("render+write")
    bars.count(1234, 1234, "pages")
    bars.end()
    bars.begin("plan")
    bars.count(77, None, "pages")
    bars.end()
    bars.begin("dedupe")
    bars.end()
    bars.close()
    lines = _written(stream).split("\n")
    assert lines[0].startswith("\rrender+write 100% █")
    assert lines[0].endswith(f"█ 1234/1234 pages  in 0.0 s{CLEAR_TO_END}")
    assert lines[1] == f"\rplan         done: 77 pages in 0.0 s{CLEAR_TO_END}"
    assert lines[2] == f"\rdedupe       done in 0.0 s{CLEAR_TO_END}"
    assert lines[3] == ""  # the cursor at the start of a line: the summary follows


def test_the_percentage_is_never_rounded_up_to_100() -> None:
    stream = _stream()
    bars = PhaseBars(stream, delay=0, interval=60)
    bars.begin("load")
    bars.count(999, 1000, "files")
    bars.end()
    assert " 99% " in _written(stream)


def test_an_unfinished_phase_is_cleared_and_nothing_is_written_after_close() -> None:
    stream = _stream()
    bars = PhaseBars(stream, delay=0, interval=0.01)
    bars.begin("load")
    bars.count(3, 10, "files")
    deadline = time.monotonic() + 10
    while " 30% " not in _written(stream):  # the ticker draws it
        assert time.monotonic() < deadline
        time.sleep(0.01)
    bars.close()  # as when the build raised or Ctrl-C came
    after = _written(stream)
    assert after.endswith(f"\r{CLEAR_TO_END}") and "\n" not in after
    time.sleep(0.05)
    assert _written(stream) == after


def test_lines_fit_the_terminal_less_one_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stream = _stream()
    bars = PhaseBars(stream, delay=0, interval=60)
    bars.begin("render+write")
    bars.count(123456, 123456, "pages")
    bars.end()
    line = _written(stream).split("\n")[0].removeprefix("\r").removesuffix(CLEAR_TO_END)
    assert len(line) <= 39 and line.startswith("render+write 100%")


def test_a_terminal_without_block_characters_gets_ascii() -> None:
    stream = _stream("ascii")
    bars = PhaseBars(stream, delay=0, interval=60)
    bars.begin("load")
    bars.count(10, 10, "files")
    bars.end()
    assert "100% ####" in _written(stream)
