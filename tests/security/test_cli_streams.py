"""The command line under hostile surroundings (issue #14): closed or full standard streams,
empty option values, and a settings file that is not a regular file.

- A closed stdout or stderr (`>&-`) is skipped: the command runs as usual.
- A write that fails (`> /dev/full`: ENOSPC) ends the command with exit 2 and one line
  `error: cannot write to standard output: ...` on stderr; never a traceback.
- A closed pipe (`| head`) still ends quietly with 141.
- `--output ""`, `--input ""`, `--config ""`, `--host ""` and `check ""` are usage errors.
- `archivegen.yaml` (or `--config`) that is a FIFO, a folder or a device is an error naming
  it, found without opening it (a FIFO would wait forever, /dev/zero never ends).

Streams are real file descriptors only in a process of its own: those tests run
`python -m archivegen` as a subprocess, in a copy of seeds/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from archivegen import cli
from archivegen.cli import main

TIMEOUT = 60  # seconds: a command that waits on a FIFO fails the test instead of hanging it
NO_SPACE = "error: cannot write to standard output: No space left on device"

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def _run(cwd: Path, *args: str, stdout: Any = subprocess.PIPE, stderr: Any = subprocess.PIPE,
         close: tuple[int, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    """`python -m archivegen ARGS` in `cwd`, with the file descriptors `close` closed."""

    def closing() -> None:
        for fd in close:
            os.close(fd)

    return subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=cwd,
                          stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                          preexec_fn=closing if close else None, timeout=TIMEOUT, check=False)


@pytest.fixture
def project(seed_copy: Path) -> Path:
    """A project folder: seeds/ (a file with one warning) and nothing else."""
    return seed_copy.parent


# --- closed streams ------------------------------------------------------------------------


@pytest.mark.slow
def test_build_with_stdout_closed_runs(project: Path) -> None:
    done = _run(project, "build", stdout=None, close=(1,))
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == 0
    assert (project / "build" / "index.html").is_file()


@pytest.mark.slow
def test_build_with_stdout_and_stderr_closed_runs(project: Path) -> None:
    done = _run(project, "build", stdout=None, stderr=None, close=(1, 2))
    assert done.returncode == 0
    assert (project / "build" / "index.html").is_file()


# --- full streams ----------------------------------------------------------------------------


@pytest.mark.slow
@needs_dev_full
@pytest.mark.parametrize("args", [("build",), ("check", "seeds"),
                                  ("check", "seeds", "--format", "json"),
                                  ("check", "seeds", "--summary")])
def test_full_stdout_is_one_error_line_and_exit_2(project: Path, args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(project, *args, stdout=full)
    err = done.stderr.decode()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.splitlines()[-1] == NO_SPACE
    assert err.count("cannot write") == 1
    assert done.returncode == 2


@pytest.mark.slow
@needs_dev_full
def test_a_quiet_build_never_writes_stdout(project: Path) -> None:
    """--quiet prints nothing but errors (the seed has a warning only): stdout is never
    written, so a full one is no failure."""
    with open("/dev/full", "wb") as full:
        done = _run(project, "build", "--quiet", stdout=full)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.slow
@needs_dev_full
def test_full_stderr_exits_2_without_a_traceback(project: Path) -> None:
    """The seed's warning cannot be told: exit 2, and stdout carries no traceback either."""
    with open("/dev/full", "wb") as full:
        done = _run(project, "build", stderr=full)
    assert b"Traceback" not in done.stdout
    assert done.returncode == 2


@pytest.mark.slow
@needs_dev_full
def test_full_stdout_and_stderr_exit_2(project: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(project, "check", "seeds", stdout=full, stderr=full)
    assert done.returncode == 2


@needs_dev_full
def test_serve_with_full_stdout_exits_2(project: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(project, "serve", "--port", "0", "--no-reload", stdout=full)
    err = done.stderr.decode()
    assert "Traceback" not in err, err
    assert err.splitlines()[-1] == NO_SPACE
    assert done.returncode == 2


def test_a_closed_pipe_still_ends_quietly_with_141(project: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _run(project, "check", "seeds", stdout=write_end)
    finally:
        os.close(write_end)
    assert done.stderr == b""
    assert done.returncode == 141


def test_serve_output_failing_in_another_thread_stops_serve_once(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A line from the watcher or a request thread that cannot be written: told once on
    stderr, and serve is stopped as by Ctrl-C (its exit code is then 2), no exception."""

    class Failing:
        encoding = "utf-8"

        def write(self, text: str) -> int:
            raise OSError(5, "Input/output error")

        def flush(self) -> None:
            pass

    interrupts: list[object] = []
    monkeypatch.setattr(cli._thread, "interrupt_main", lambda *a: interrupts.append(a))
    monkeypatch.setattr(cli, "_serve_failure", [])
    monkeypatch.setattr(sys, "stdout", Failing())
    raised: list[BaseException] = []

    def say_twice() -> None:
        try:
            cli._say("request from 127.0.0.1 failed")
            cli._say("error: watching for changes failed")
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=say_twice)
    thread.start()
    thread.join(timeout=TIMEOUT)
    assert raised == []
    assert capsys.readouterr().err == "error: cannot write to standard output: " \
                                      "Input/output error\n"
    assert len(interrupts) == 1
    assert cli._serve_failure


# --- empty option values ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("args", "named"), [
    (["build", "--output", ""], "--output"),
    (["build", "--input", ""], "--input"),
    (["build", "--config", ""], "--config"),
    (["serve", "--port", "0", "--output", ""], "--output"),
    (["serve", "--port", "0", "--host", ""], "--host"),  # ("" would be every interface)
    (["check", "--input", ""], "--input"),
    (["check", ""], "PATH"),
    (["check", "seeds", ""], "PATH"),
])
def test_an_empty_option_is_a_usage_error(project: Path, args: list[str], named: str) -> None:
    """(A subprocess: before, `serve` took the empty value as the default and served.)"""
    done = _run(project, *args)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.startswith("error: ") and named in err and "empty" in err, err
    assert not (project / "build").exists()


# --- a settings file that is not a regular file ----------------------------------------------


def _settings_error(project: Path, *args: str) -> str:
    done = _run(project, *args)
    err = done.stderr.decode()
    assert "Traceback" not in err, err
    assert done.returncode == 2, err
    assert not (project / "build").exists()
    return err


def test_settings_fifo_is_an_error_and_never_opened(project: Path) -> None:
    os.mkfifo(project / "archivegen.yaml")
    err = _settings_error(project, "build")
    assert "archivegen.yaml" in err and "not a regular file" in err


def test_settings_folder_is_an_error(project: Path) -> None:
    (project / "archivegen.yaml").mkdir()
    err = _settings_error(project, "build")
    assert "archivegen.yaml" in err and "not a regular file" in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_settings_link_to_a_device_is_an_error(project: Path) -> None:
    (project / "archivegen.yaml").symlink_to("/dev/zero")
    err = _settings_error(project, "check", "seeds")
    assert "archivegen.yaml" in err and "not a regular file" in err


def test_settings_dangling_link_is_an_error(project: Path) -> None:
    (project / "archivegen.yaml").symlink_to("gone.yaml")
    err = _settings_error(project, "build")
    assert "archivegen.yaml" in err


def test_config_option_naming_a_fifo_says_so(project: Path) -> None:
    os.mkfifo(project / "pipe.yaml")
    err = _settings_error(project, "build", "--config", "pipe.yaml")
    assert "pipe.yaml" in err and "not a regular file" in err
    assert "does not exist" not in err


def test_settings_link_to_a_regular_file_is_read(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "real.yaml").write_text("output: site\n", "utf-8")
    (project / "archivegen.yaml").symlink_to("real.yaml")
    assert main(["build", "--quiet"]) == 0
    assert (project / "site" / "index.html").is_file()
