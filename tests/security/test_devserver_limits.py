"""The preview server under many connections (issue #14): idle and slow clients cannot exhaust
its file descriptors or threads, a burst is queued rather than dropped, and reload long-polls
never starve page requests.

Each test runs the server (devserver.make_server) in a process of its own, with the open-file
limit lowered as a user's default might be, so running out of descriptors shows as it does in
`archivegen serve` without touching this process. Limits are lowered by setting devserver's
module constants in that process; no test times the server: each waits generously for what
must happen, and fails only if it never does.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PAGE = b"<!doctype html><title>home</title><p>home</p></body>"
PATIENCE = 20.0  # seconds a test waits for what must happen (it takes well under one)

SERVER = """
import json, resource, sys
from pathlib import Path
root, nofile, settings, building = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), \\
    sys.argv[4] == "building"
resource.setrlimit(resource.RLIMIT_NOFILE,
                   (nofile, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
import archivegen.serve.httpd as devserver
for name, value in settings.items():
    setattr(devserver, name, value)
state = devserver.SiteState()
state.published(())  # (version 1, as after serve's first build)
if building:  # a build that never ends: every page request waits for it
    state.building().__enter__()
server = devserver.make_server(devserver.ServeOptions(root=Path(root), state=state),
                               "127.0.0.1", 0)
print(server.server_address[1], flush=True)
sys.stdin.readline()  # (until then nothing is accepted: connections queue)
server.serve_forever()
"""


class Server:
    """The preview server in a process of its own."""

    def __init__(self, root: Path, *, nofile: int = 1024, building: bool = False,
                 **settings: object) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(root), str(nofile), json.dumps(settings),
             "building" if building else ""],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.port = int(self.proc.stdout.readline())

    def start(self) -> None:
        """Begin accepting connections."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def descriptors(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_bytes(PAGE)
    return root


@pytest.fixture
def clients() -> Iterator[list[socket.socket]]:
    """Client sockets, closed after the test (this process may need more descriptors)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048 and (hard == resource.RLIM_INFINITY or hard > soft):
        resource.setrlimit(resource.RLIMIT_NOFILE, (2048 if hard == resource.RLIM_INFINITY
                                                    else min(2048, hard), hard))
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def get(port: int, path: str = "/", timeout: float = PATIENCE) -> int:
    """A normal request's status (the page served whole); raises if it is not answered
    within `timeout` seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status != 200 or body.startswith(PAGE[:-7])  # (+ the reload script)
        return response.status
    finally:
        connection.close()


def connect_all(port: int, count: int, into: list[socket.socket],
                request: bytes = b"") -> int:
    """Open `count` connections without waiting on any one (each sends `request`); return how
    many the system connected within a few seconds (the rest still wait in SYN retries)."""
    pending = {}
    for _ in range(count):
        sock = socket.socket()
        into.append(sock)
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        pending[sock.fileno()] = sock
    poller = select.poll()
    for fd in pending:
        poller.register(fd, select.POLLOUT)
    connected = 0
    end = time.monotonic() + 5.0
    while pending and time.monotonic() < end:
        for fd, _ in poller.poll(100):
            poller.unregister(fd)
            sock = pending.pop(fd)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected += 1
                if request:
                    sock.setblocking(True)
                    sock.sendall(request)
    return connected


def connect_in_turn(port: int, count: int, into: list[socket.socket],
                    request: bytes = b"") -> int:
    """Open `count` connections one after another (each sends `request`), as long as each is
    connected within a few seconds; return how many were."""
    for opened in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5.0)
        except OSError:
            return opened
        into.append(sock)
        if request:
            sock.sendall(request)
    return count


def closed_by_server(sock: socket.socket, *, dribble: bytes = b"") -> bool:
    """Wait up to PATIENCE seconds for the server to close `sock`, sending `dribble` a byte
    at a time meanwhile (a slow client)."""
    end = time.monotonic() + PATIENCE
    sent = 0
    while time.monotonic() < end:
        if select.select([sock], [], [], 0.2)[0]:
            try:
                return sock.recv(4096) == b""  # (a response would be no closing)
            except OSError:
                return True  # reset
        if sent < len(dribble):
            try:
                sock.send(dribble[sent:sent + 1])
            except OSError:
                return True
            sent += 1
    return False


def received(sock: socket.socket) -> bytes:
    """What the server sent on `sock` so far (nothing if it sent nothing, or reset it)."""
    try:
        return sock.recv(65536) if select.select([sock], [], [], 0)[0] else b""
    except OSError:
        return b""


def refused_at_once(port: int) -> bool:
    """Whether a request gets 503 within a second, tried until PATIENCE runs out (one sent
    before the server read the others' requests may take the place of one of them)."""
    end = time.monotonic() + PATIENCE
    while time.monotonic() < end:
        try:
            if get(port, timeout=1.0) == 503:
                return True
        except OSError:  # (timed out, or reset as it was refused)
            pass
    return False


@pytest.mark.slow
def test_idle_connections_cannot_exhaust_descriptors(site: Path,
                                                     clients: list[socket.socket]) -> None:
    """More idle connections than the server may open files: the oldest are closed to make
    room, and a normal request is still answered (at a4ab3dd the server ran out of
    descriptors and the request was never accepted). The idle ones are not timed out here:
    room is made at once."""
    server = Server(site, nofile=256, HEAD_SECONDS=120.0)
    try:
        server.start()
        connect_in_turn(server.port, 300, clients)
        assert get(server.port) == 200
        assert server.descriptors() < 256 - 32  # room left for the build's own files
    finally:
        server.stop()


def test_when_every_connection_is_busy_a_new_one_is_refused_at_once(
        site: Path, clients: list[socket.socket]) -> None:
    """Connections all answering (here: waiting for a build that never ends) are never
    closed; one more gets 503 at once instead of waiting with the others."""
    server = Server(site, building=True, MAX_CONNECTIONS=8)
    try:
        server.start()
        request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
        assert connect_all(server.port, 8, clients, request) == 8
        assert refused_at_once(server.port)
    finally:
        server.stop()


def test_a_burst_of_connections_is_queued_and_every_one_answered(
        site: Path, clients: list[socket.socket]) -> None:
    """100 connections arrive while the server accepts none: the system queues every one
    (a listen backlog of 5 queued 6 and dropped the rest, which waited for SYN retries, up
    to a minute), and once it accepts, each request is answered."""
    server = Server(site)
    try:
        request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
        assert connect_all(server.port, 100, clients, request) == 100
        server.start()
        for sock in clients:
            sock.settimeout(PATIENCE)
            with sock.makefile("rb") as answer:
                assert answer.readline().startswith(b"HTTP/1.1 200 ")
    finally:
        server.stop()


@pytest.mark.slow
def test_idle_and_slow_clients_are_closed(site: Path) -> None:
    """A connection that sends nothing, and one that sends its request head a byte at a time
    (slow loris), are closed once the head is late; each held a thread and a descriptor
    forever at a4ab3dd."""
    server = Server(site, HEAD_SECONDS=1.0)
    try:
        server.start()
        head = (f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nX-Slow: "
                + "a" * 400).encode()
        with socket.create_connection(("127.0.0.1", server.port)) as idle, \
                socket.create_connection(("127.0.0.1", server.port)) as slow:
            assert closed_by_server(slow, dribble=head)
            assert closed_by_server(idle)
        assert get(server.port) == 200
    finally:
        server.stop()


def test_many_reload_waiters_do_not_starve_page_requests(site: Path,
                                                         clients: list[socket.socket]) -> None:
    """300 tabs wait for the next build (long-polls): a page is still served. Only a few
    polls wait; the others are answered at once and told when to ask again."""
    server = Server(site, nofile=256)
    try:
        server.start()
        poll = (f"GET /__archivegen/events?since=1 HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\n\r\n").encode()
        connect_in_turn(server.port, 300, clients, poll)
        assert get(server.port) == 200
        answers = [received(sock) for sock in clients]
        told_to_retry = [a for a in answers if a.startswith(b"HTTP/1.1 200 ")
                         and json.loads(a.split(b"\r\n\r\n", 1)[1]).get("retry", 0) > 0]
        assert len(told_to_retry) > 100
    finally:
        server.stop()
