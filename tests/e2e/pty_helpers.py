"""Running archivegen on a pseudo-terminal, and what the terminal then shows.

`on_terminal` runs the real CLI in a process whose stdin, stdout and stderr are one pty (as
in a terminal window), with progress_bars.DELAY set to 0 so every phase draws its line
however short. `screen` replays what was written as a terminal does (carriage returns,
erase to end of line, wrapping at the width), giving the lines left on the screen.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import archivegen

SRC = Path(archivegen.__file__).resolve().parents[1]
# Spawned workers import the main module again: the build runs only in the parent.
LAUNCHER = """\
import sys
if __name__ == "__main__":
    import archivegen.progress_bars
    archivegen.progress_bars.DELAY = float(sys.argv[1])
    from archivegen.cli import main
    raise SystemExit(main(sys.argv[2:]))
"""


def on_terminal(args: list[str], cwd: Path, *, columns: int = 100, delay: float = 0.0,
                interrupt_after: str = "", timeout: float = 120) -> tuple[int, str]:
    """Exit code and everything written to the terminal by `archivegen *args`; Ctrl-C (a
    SIGINT) is sent once `interrupt_after` has been written (serve runs until then)."""
    launcher = cwd / "_launch_archivegen.py"
    launcher.write_text(LAUNCHER, "utf-8")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "utf-8"}
    env.pop("COLUMNS", None)  # the pty's own width counts
    proc = subprocess.Popen([sys.executable, str(launcher), str(delay), *args], cwd=cwd,
                            stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True)
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: every writer has closed the pty
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
            if interrupt_after and interrupt_after.encode() in b"".join(chunks):
                proc.send_signal(signal.SIGINT)
                interrupt_after = ""
        code = proc.wait(timeout=timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    # The pty turns "\n" into "\r\n" (as a terminal's line discipline does).
    return code, b"".join(chunks).decode("utf-8")


def screen(written: str, columns: int) -> list[str]:
    """The lines a terminal `columns` wide shows after `written`: characters overwrite at
    the cursor, "\\r" returns to the line's start, "\\n" goes down, ESC [ K erases to the
    end of the line, and a character past the last column goes on a new line. Any other
    escape sequence fails the test: the bars use no other."""
    lines: list[list[str]] = [[]]
    col = 0
    pending_wrap = False  # a terminal wraps when the next character comes, not at once
    i = 0
    while i < len(written):
        char = written[i]
        if char == "\x1b":
            assert written[i:i + 3] == "\x1b[K", repr(written[i:i + 10])
            del lines[-1][col:]
            pending_wrap = False
            i += 3
            continue
        if char == "\r":
            col, pending_wrap = 0, False
        elif char == "\n":
            lines.append([])
            col, pending_wrap = 0, False
        else:
            assert char.isprintable(), repr(char)
            if pending_wrap:
                lines.append([])
                col, pending_wrap = 0, False
            row = lines[-1]
            if col < len(row):
                row[col] = char
            else:
                row.append(char)
            col += 1
            if col == columns:
                col, pending_wrap = columns - 1, True
        i += 1
    return ["".join(row).rstrip() for row in lines]
