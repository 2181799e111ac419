"""What a user sees on a terminal while a build runs (issue #18): the real CLI on a pty.

Every phase that draws a line leaves it finished: a bar at 100 % (its total counted), or
"done". The summary comes after the bars, whole, on lines of its own, broken between words
to the terminal's width. `-q` prints nothing but errors (and warnings with --strict). Bars
are drawn only when stderr is a terminal. progress_bars.DELAY is 0 in these builds, so each
phase draws its line however short it is.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pty_helpers import LAUNCHER, SRC, on_terminal, screen

GEN = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "gen_corpus.py"
N = 300  # past workers.PARALLEL_MIN_FILES: the files load in worker processes
BAR_RE = re.compile(r"^(?P<phase>\S+) +(?P<percent>\d+)% .* (?P<done>\d+)/(?P<total>\d+) "
                    r"(?P<unit>\w+)  in \d+\.\d s$")
DONE_RE = re.compile(r"^(?P<phase>\S+) +done(: \d+ \w+)? in \d+\.\d s$")
SUMMARY_RE = re.compile(r"built (\d+) articles, (\d+) pages into .* (\d+) rendered, (\d+) "
                        r"written, 0 unchanged, 0 removed; 0 warning\(s\), 0 error\(s\)$")
WARNING_ONLY = ("---\ntitle: Harbour Strike\ndate: 2012-05-01\nmood: grim\n---\n\n"
                "Dock workers walked out on Monday morning over pay.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "raw"
    subprocess.run([sys.executable, str(GEN), "--n", str(N), "--out", str(folder),
                    "--format", "raw"], check=True, stdout=subprocess.DEVNULL)
    return folder


def test_every_bar_ends_at_100_and_the_summary_follows_whole(corpus: Path,
                                                             tmp_path: Path) -> None:
    code, written = on_terminal(["build", "--input", str(corpus), "--output", "site"],
                                tmp_path, columns=250)
    assert code == 0, written
    lines = screen(written, 250)
    while lines and not lines[-1]:
        lines.pop()
    summary_at = next(i for i, line in enumerate(lines) if line.startswith("built "))
    bars, after = lines[:summary_at], lines[summary_at:]
    # Every phase's line is finished; the counted ones at total/total, 100 %.
    counted = {}
    for line in bars:
        bar = BAR_RE.match(line)
        if bar is None:
            assert DONE_RE.match(line), line
            continue
        assert bar["percent"] == "100" and bar["done"] == bar["total"], line
        counted[bar["phase"]] = (int(bar["total"]), bar["unit"])
    summary = SUMMARY_RE.match(after[0])
    assert summary is not None, after[0]
    assert counted["load"] == (N, "files")
    assert counted["search"] == (N, "articles")
    assert counted["render+write"] == (int(summary[3]), "pages")
    assert [line.split()[0] for line in bars] == [
        "check", "quick", "check", "load", "dedupe", "index", "search", "plan", "render+write"]
    assert after[1].startswith("build report: ") and after[2].startswith("phases: check ")
    # Written in one piece: no redraw, erase or carriage return inside the summary.
    assert after[0] + "\r\n" in written


def test_a_narrow_terminal_breaks_the_summary_between_words(corpus: Path) -> None:
    columns = 80
    # A short project folder: the summary names the output folder's absolute path, a word
    # that fits no narrower row (pytest's own temporary folders can be 80 characters deep).
    with tempfile.TemporaryDirectory(prefix="ag", dir="/tmp") as short:
        code, written = on_terminal(["build", "--input", str(corpus), "--output", "s"],
                                    Path(short), columns=columns)
    assert code == 0
    lines = screen(written, columns)
    start = next(i for i, line in enumerate(lines) if line.startswith("built "))
    end = next(i for i, line in enumerate(lines) if line.startswith("build report:"))
    rows = lines[start:end]
    # Each row of the bars and the summary fits (the terminal wrapped none of them: no word
    # cut), and joined they are the one summary line a pipe gets. (The lines after it name
    # the build report's path: the terminal wraps a path too long for it, as any path.)
    too_wide = [row for row in lines[:end] if len(row) >= columns]
    assert not too_wide, too_wide
    assert len(rows) > 1 and all(row.startswith("  ") for row in rows[1:])
    assert SUMMARY_RE.match(" ".join(row.strip() for row in rows)), rows
    # Bars are cut to the width less one column: none wrapped.
    assert all("\x1b" not in row for row in lines)


def test_quiet_on_a_terminal_prints_nothing_when_there_are_only_warnings(
        tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(WARNING_ONLY, "utf-8")
    code, written = on_terminal(["build", "-q", "--input", "in", "--output", "site"],
                                tmp_path)
    assert (code, written) == (0, "")
    assert (tmp_path / "site" / "index.html").is_file()
    # With --strict the warning counts as an error: it is printed, and the exit is 1.
    code, written = on_terminal(["build", "--quiet", "--strict", "--input", "in", "--output",
                                 "site"], tmp_path)
    assert code == 1
    assert written.splitlines() == [
        f"a.md:4:1: warning: unknown key 'mood' ignored {written.split('ignored ')[1].strip()}"]


def test_quiet_prints_only_the_errors(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(WARNING_ONLY, "utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(b"abc\x00\x01\x02def")
    code, written = on_terminal(["build", "-q", "--input", "in", "--output", "site"],
                                tmp_path)
    assert code == 1
    assert written.splitlines() == ["b.txt:1:4: error: binary data (NUL bytes), not text "
                                    "[AG001]"]


def test_no_bars_when_stderr_is_not_a_terminal(corpus: Path, tmp_path: Path) -> None:
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER, "utf-8")
    done = subprocess.run([sys.executable, str(launcher), "0", "build", "--input", str(corpus),
                           "--output", "site"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0
    assert done.stderr == ""
    assert SUMMARY_RE.match(done.stdout.splitlines()[0])  # one line: no terminal to fit
    assert "\r" not in done.stdout and "\x1b" not in done.stdout


def test_serve_shows_its_first_build_then_says_where_it_serves(corpus: Path,
                                                                tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, written = on_terminal(["serve", "--port", str(port), "--input", str(corpus),
                                 "--output", "site"], tmp_path, columns=250,
                                interrupt_after="(Ctrl-C to stop)")
    assert code == 0, written
    lines = [line for line in screen(written, 250) if line]
    serving = next(i for i, line in enumerate(lines) if line.startswith("serving "))
    render = next(line for line in lines[:serving] if line.startswith("render+write"))
    bar = BAR_RE.match(render)
    assert bar and bar["percent"] == "100" and bar["done"] == bar["total"], render
    # The summary (and its report line), after the bars, then the address.
    assert lines[serving - 2].startswith("built 300 articles")
    assert lines[serving - 1].startswith("build report: ")
    assert lines[-1].startswith("stopping")
