"""Issue #14's dev-server figures: does `archivegen serve` stay usable under many connections?

    python benchmarks/serve_load.py [--idle 1100] [--concurrent 200] [--polls 1100]
                                    [--slow 100] [--nofile 1024] [--patience 70]

Starts `archivegen serve` (a real process) on the small fixture archive (tests/fixtures/archive)
with its open-file limit at --nofile (1024, the usual default; 0 leaves it as it is), then,
one after another, each followed by one normal GET of the home page, timed:

- idle: --idle connections opened one after another that send nothing;
- concurrent: --concurrent GETs started at once: how many got 200, the median and slowest;
- slow: --slow connections that send a request head a byte a second (slow loris), and when
  the server closed them;
- polls: --polls live-reload long-polls that wait for the next build.

Every check must hold: each normal GET answered 200 within PROMPT seconds, every concurrent
GET answered 200 and the slowest within PROMPT seconds, the slow connections closed. It prints
the figures and one line per check, and exits 1 if any failed. A request or connection that
got nothing after --patience seconds counts as failed. To measure another version of the code,
run with PYTHONPATH=that/src (it comes before the installed package).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "archive"
PROMPT = 5.0  # seconds a request may take and still count as answered promptly

checks: list[tuple[str, bool]] = []


def check(name: str, ok: bool) -> None:
    checks.append((name, ok))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=1100)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--polls", type=int, default=1100)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument("--patience", type=float, default=70.0)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max(args.idle, args.concurrent, args.polls, args.slow) + 256
    if soft < need:  # (this process holds the client side of every connection)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    with tempfile.TemporaryDirectory(prefix="serve-load-") as work:
        project = Path(work)
        shutil.copytree(ARCHIVE, project / "articles")
        server, port = start_server(project, args.nofile)
        try:
            print(f"archivegen serve (pid {server.pid}) on port {port}, open-file limit "
                  f"{args.nofile or soft}")
            print(f"baseline: GET {normal_get(port, args.patience, 'baseline')}")
            run_idle(server, port, args.idle, args.patience)
            run_concurrent(port, args.concurrent, args.patience)
            run_slow(server, port, args.slow, args.patience)
            run_polls(server, port, args.polls, args.patience)
            check("the server still runs", server.poll() is None)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(ok for _, ok in checks) else 1


def start_server(project: Path, nofile: int) -> tuple[subprocess.Popen[str], int]:
    def limit() -> None:
        if nofile:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))

    server = subprocess.Popen([sys.executable, "-m", "archivegen", "serve", "--input",
                               "articles", "--output", "site", "--port", "0"], cwd=project,
                              stdout=subprocess.PIPE, text=True, preexec_fn=limit)
    assert server.stdout is not None
    line = ""
    while " at http://" not in line:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("serve stopped before serving")
    # What it prints later is read and dropped: a full pipe would stall it.
    threading.Thread(target=server.stdout.read, daemon=True).start()
    return server, int(line.split(" at http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def descriptors(server: subprocess.Popen[str]) -> str:
    try:
        return str(len(os.listdir(f"/proc/{server.pid}/fd")))
    except OSError:
        return "?"


def get(port: int, path: str, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def normal_get(port: int, patience: float, phase: str) -> str:
    """One GET of the home page, timed and checked (200 within PROMPT seconds)."""
    began = time.perf_counter()
    try:
        status = get(port, "/", patience)
    except OSError as exc:
        seconds = time.perf_counter() - began
        check(f"{phase}: a normal GET is answered", False)
        return f"failed after {seconds:.2f} s ({type(exc).__name__})"
    seconds = time.perf_counter() - began
    check(f"{phase}: a normal GET gets 200 within {PROMPT:.0f} s",
          status == 200 and seconds <= PROMPT)
    return f"{status} in {seconds:.3f} s"


def readable(sock: socket.socket) -> bool:
    """Whether the server sent something on `sock`, or closed it (poll: fds over 1023)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def connect_in_turn(port: int, count: int, request: bytes = b"") -> list[socket.socket]:
    """Up to `count` connections opened one after another (each sends `request`); stops at
    the first that is not connected within 5 s (the server no longer accepts)."""
    sockets = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5.0)
            if request:
                sock.sendall(request)
        except OSError:
            break
        sockets.append(sock)
    return sockets


def run_idle(server: subprocess.Popen[str], port: int, count: int, patience: float) -> None:
    sockets = connect_in_turn(port, count)
    try:
        print(f"idle: {len(sockets)} of {count} connections opened (server holds "
              f"{descriptors(server)} descriptors), then GET "
              f"{normal_get(port, patience, 'idle')}")
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(1.0)


def run_concurrent(port: int, count: int, patience: float) -> None:
    start = threading.Barrier(count)
    latencies: list[float] = []
    errors: list[str] = []

    def one() -> None:
        start.wait()
        began = time.perf_counter()
        try:
            status = get(port, "/", patience)
        except OSError as exc:
            errors.append(type(exc).__name__)
            return
        latencies.append(time.perf_counter() - began)
        if status != 200:
            errors.append(str(status))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slowest = max(latencies, default=float("inf"))
    figures = (f"median {statistics.median(latencies):.3f} s, slowest {slowest:.3f} s"
               if latencies else "none answered")
    print(f"concurrent: {count} GETs at once: {count - len(errors)} got 200; {figures}; "
          f"errors {sorted(set(errors)) or 'none'}")
    check(f"concurrent: all {count} GETs get 200", not errors)
    check(f"concurrent: the slowest within {PROMPT:.0f} s", slowest <= PROMPT)
    time.sleep(1.0)


def run_slow(server: subprocess.Popen[str], port: int, count: int, patience: float) -> None:
    """`count` connections sending a request head a byte a second: when the server closed
    them, and whether a normal GET is served meanwhile."""
    head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: {'a' * 400}".encode()
    sockets = connect_in_turn(port, count)
    began = time.perf_counter()
    open_ = {sock: 0 for sock in sockets}  # bytes sent
    closed_after: list[float] = []
    said = ""
    while open_ and time.perf_counter() - began < patience:
        for sock in list(open_):
            gone = readable(sock)  # (EOF, reset or an answer)
            if not gone:
                try:
                    sock.send(head[open_[sock]:open_[sock] + 1])
                    open_[sock] += 1
                except OSError:
                    gone = True
            if gone:
                closed_after.append(time.perf_counter() - began)
                del open_[sock]
        if not said and time.perf_counter() - began >= 2.0:  # (while they dribble)
            said = (f"GET after 2 s {normal_get(port, patience, 'slow')} (server holds "
                    f"{descriptors(server)} descriptors)")
        time.sleep(1.0)
    for sock in sockets:
        sock.close()
    closed = (f"all closed, the last after {max(closed_after):.1f} s"
              if not open_ and closed_after else
              f"{len(closed_after)} closed, {len(open_)} still open after {patience:.0f} s")
    print(f"slow: {len(sockets)} of {count} connections sending a header byte a second: "
          f"{said or 'no GET made'}; {closed}")
    check(f"slow: all {count} connected and closed by the server",
          len(sockets) == count and not open_)
    time.sleep(1.0)


def run_polls(server: subprocess.Popen[str], port: int, count: int, patience: float) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=patience)
    connection.request("GET", "/__archivegen/events?since=-1")
    version = json.loads(connection.getresponse().read())["version"]
    connection.close()
    request = (f"GET /__archivegen/events?since={version} HTTP/1.1\r\n"
               f"Host: 127.0.0.1:{port}\r\n\r\n").encode()
    waiting = connect_in_turn(port, count, request)
    time.sleep(1.0)
    early = sum(readable(s) for s in waiting)
    try:
        print(f"polls: {len(waiting)} of {count} long-polls sent ({early} answered or closed "
              f"at once; server holds {descriptors(server)} descriptors), then GET "
              f"{normal_get(port, patience, 'polls')}")
    finally:
        for sock in waiting:
            with contextlib.suppress(OSError):
                sock.close()
    time.sleep(1.0)


if __name__ == "__main__":
    raise SystemExit(main())
