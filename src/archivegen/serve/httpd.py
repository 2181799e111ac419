"""The preview server's HTTP side: the output folder, served safely, and live reload.

Serves only files inside the output folder: the URL path is percent-decoded once and refused
if it holds "..", ".", NUL or a backslash, or resolves (symlinks followed) outside the folder.
A hidden name (a path segment starting with ".", before or after symlinks are followed) is
404: a site has no hidden pages, and the output folder holds the build's own state there
(`.archivegen-manifest.json`, the staging folder `.archivegen-tmp/`).
The Host header must name this machine (a DNS-rebinding page cannot read the site); the
reload endpoint also checks Origin, and nothing sends Access-Control-Allow-Origin. Every
response says `X-Content-Type-Options: nosniff`; GET and HEAD are served, any other method
gets 405; a missing file gets the site's 404 page with status 404; a folder URL without its
slash is redirected to it with a path-only Location.

Live reload: HTML responses get a script tag (at serve time only: files on disk never hold
it). The script long-polls `/__archivegen/events?since=V`, which answers when the site's
version passes V with the new version and the last build's errors; the script then reloads
the page, or shows the errors over it. `SiteState` is what the builder and the requests
share: the version, the errors, and a lock that makes requests wait while a build writes (a
request gets the last complete build or the next one, never a mix).

Connections are bounded, so that many tabs, a proxy or a stuck client cannot wear the server
out (file descriptors, threads, the listen queue). Each open connection has a thread, and at
most MAX_CONNECTIONS are open (fewer if the process may open few files: see
_connection_cap); at the limit a new connection closes the one that has waited longest for
its next request, or, when every one is answering a request, gets 503. A connection must
send a request's whole head within HEAD_SECONDS of opening or of its last response (idle and
byte-by-byte "slow loris" clients are closed); a read that waits IO_SECONDS, or a response
not sent whole within that, ends it. At most MAX_POLLS reload long-polls wait at once;
another is answered at once and told to ask again after POLL_RETRY_MS, so waiting tabs never
take the slots pages need. The listen queue holds BACKLOG connections (socketserver's 5 made
bursts wait up to a minute).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import mimetypes
import os
import re
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, quote, unquote_to_bytes, urlsplit

# Where the server's own resources live, outside any site URL (site slugs never start "_").
PREFIX = "/__archivegen/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "reload.js"
POLL_SECONDS = 25.0  # a waiting events request answers at least this often
MAX_VIEWED = 64  # pages remembered as shown in a tab (SiteState.viewed)
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")

# Connection limits (see the module's docstring); read when a server is made. A browser opens
# at most 6 connections per host, so these leave room for many tabs and a proxy.
MAX_CONNECTIONS = 256  # open at once, each with a thread
MAX_POLLS = 32  # reload long-polls waiting at once (at most a quarter of the connections)
POLL_RETRY_MS = 2000  # a poll beyond MAX_POLLS is answered at once: ask again after this
HEAD_SECONDS = 5.0  # a request's line and headers must be whole this long after waiting began
IO_SECONDS = 10.0  # a read that waits, or a response sent, this long drops the client
BACKLOG = 512  # connections the system queues until accepted (Linux caps it at somaxconn)
_CHECK_SECONDS = 0.25  # how often the head deadlines are checked

_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
          ".ico": "image/x-icon", ".woff2": "font/woff2"}


@dataclass(frozen=True, slots=True)
class Problem:
    """A build error as the overlay shows it."""

    location: str  # path:line:col
    message: str
    code: str


@dataclass
class SiteState:
    """What the builder and the request threads share."""

    version: int = 0
    problems: tuple[Problem, ...] = ()
    # The last version a tab must load whole for (a stylesheet, a settings change...); a
    # tab showing it or a later one is brought up to date by swapping its page in place.
    hard: int = 0
    # Output files (as "a/b/index.html") made for this version ahead of the build still
    # under way (a template edit's open pages, incremental/preview.py): served without
    # waiting for it; emptied by the next version.
    ready: frozenset[str] = frozenset()
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _writers: int = 0
    # The page each tab shows (its reload script says which when it polls), by when it
    # last asked: the pages a template edit makes first.
    _viewing: dict[str, float] = field(default_factory=dict)

    def building(self) -> _Writing:
        """Held while a build writes: requests wait for it to end."""
        return _Writing(self)

    def published(self, problems: tuple[Problem, ...], *, swap: bool = False,
                  ready: frozenset[str] = frozenset()) -> None:
        """A build ended: a new version, with its errors (none: the overlay goes). `swap`:
        it changed only what pages show (article text), so a tab may fetch its page and
        swap it in instead of loading it and its stylesheets, scripts and icons again.
        `ready`: the files of a version published while a build goes on (see `ready`)."""
        with self._changed:
            self.version += 1
            self.problems = problems
            self.ready = ready
            if not swap:
                self.hard = self.version
            self._changed.notify_all()

    def wait_readable(self, rel: str = "") -> None:
        """Until no build writes, unless `rel` (an output file) is ready already."""
        with self._changed:
            self._changed.wait_for(lambda: self._writers == 0 or rel in self.ready)

    def viewed(self, page: str) -> None:
        """A tab shows `page` (a site URL path)."""
        with self._changed:
            self._viewing.pop(page, None)
            self._viewing[page] = time.monotonic()
            while len(self._viewing) > MAX_VIEWED:
                del self._viewing[next(iter(self._viewing))]

    def viewing(self) -> list[str]:
        """The pages tabs showed lately, the most recent first."""
        since = time.monotonic() - POLL_SECONDS - 5
        with self._changed:
            return [page for page, seen in reversed(self._viewing.items()) if seen >= since]

    def wait_newer(self, since: int, timeout: float) -> tuple[int, tuple[Problem, ...], int]:
        """The version, its errors and `hard`, once the version passes `since` (or after
        `timeout` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > since, timeout=timeout)
            return self.version, self.problems, self.hard


class _Writing:
    def __init__(self, state: SiteState) -> None:
        self._state = state

    def __enter__(self) -> None:
        with self._state._changed:
            self._state._writers += 1

    def __exit__(self, *exc: object) -> None:
        with self._state._changed:
            self._state._writers -= 1
            self._state._changed.notify_all()


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeOptions:
    root: Path  # the output folder
    state: SiteState
    reload: bool = True
    base_path: str = "/"  # the site's URLs start here: "/" or "/sub/path/"
    hosts: tuple[str, ...] = LOCAL_NAMES  # Host header names accepted (without port)
    log: Callable[[str], None] = lambda message: None


def make_server(options: ServeOptions, host: str, port: int) -> DevServer:
    """A server bound to host:port (0: any free port) serving `options`. Raises OSError if
    the port is taken."""
    handler = type("Handler", (_Handler,), {"options": options})
    server_class = _Server6 if ":" in host else DevServer
    return server_class((host, port), handler)


class DevServer(ThreadingHTTPServer):
    """A thread per connection, with the connections bounded (see the module's docstring).
    `_waiting` maps each open connection to when it began to wait for its next request (None
    while a request is answered); serve_forever's thread accepts, and closes those too late."""

    # A port left in TIME_WAIT by the last run's open tabs can be had again at once; on
    # Linux this never lets two servers listen on one port (that is still "taken").
    allow_reuse_address = True
    daemon_threads = True  # (a long-poll never holds up the end)
    block_on_close = False  # server_close closes the connections: their threads end alone

    def __init__(self, address: tuple[str, int], handler: type[_Handler]) -> None:
        # Set before binding: a taken port closes the server in __init__.
        self.request_queue_size = BACKLOG
        self.max_connections = _connection_cap(MAX_CONNECTIONS)
        self.poll_slots = threading.BoundedSemaphore(
            max(1, min(MAX_POLLS, self.max_connections // 4)))
        self.head_seconds = HEAD_SECONDS
        self._waiting: dict[socket.socket, float | None] = {}
        self._lock = threading.Lock()  # _waiting
        self._checked = 0.0
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Admit a new connection (making room if need be) or refuse it with 503."""
        with self._lock:
            if len(self._waiting) >= self.max_connections:
                self._drop_longest_waiting()
            admitted = len(self._waiting) < self.max_connections
            if admitted:
                self._waiting[request] = time.monotonic()
        if not admitted:  # every connection is answering a request
            _refuse(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._waiting.pop(request, None)
        super().shutdown_request(request)

    def service_actions(self) -> None:
        """Close the connections whose request head is late (serve_forever's thread, about
        every half second and after each accept)."""
        now = time.monotonic()
        if now - self._checked < _CHECK_SECONDS:
            return
        self._checked = now
        with self._lock:
            late = [sock for sock, since in self._waiting.items()
                    if since is not None and now - since > self.head_seconds]
            for sock in late:
                self._drop(sock)

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return super().get_request()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):  # (the build holds many files)
                with self._lock:
                    self._drop_longest_waiting()  # (its thread closes it soon)
                time.sleep(0.05)  # not a busy loop on a listening socket that stays readable
            raise

    def server_close(self) -> None:
        """Close every connection and the listening socket."""
        with self._lock:
            for sock in list(self._waiting):
                self._drop(sock)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One failing request never takes the server down, nor prints a traceback; a
        client that went away or stalled is no failure."""
        error = sys.exc_info()[1]
        handler = getattr(self, "RequestHandlerClass", None)
        options = getattr(handler, "options", None)
        if options is not None and not isinstance(error, (ConnectionError, TimeoutError)):
            options.log(f"request from {client_address[0]} failed: {error!r}")

    # --- the handlers' side (any thread) -------------------------------------------------

    def waiting(self, sock: socket.socket) -> None:
        """`sock` waits for its next request from now."""
        with self._lock:
            if sock in self._waiting:
                self._waiting[sock] = time.monotonic()

    def answering(self, sock: socket.socket) -> bool:
        """`sock`'s request head is whole: False if the connection was closed meanwhile."""
        with self._lock:
            if sock not in self._waiting:
                return False
            self._waiting[sock] = None
            return True

    # --- with _lock held -------------------------------------------------------------------

    def _drop_longest_waiting(self) -> bool:
        waiting = [(since, id(sock), sock) for sock, since in self._waiting.items()
                   if since is not None]
        if not waiting:
            return False
        self._drop(min(waiting)[2])
        return True

    def _drop(self, sock: socket.socket) -> None:
        """Forget `sock` and end its connection: its thread's read returns at once, and the
        thread closes it."""
        del self._waiting[sock]
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Server6(DevServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    options: ServeOptions
    server_version = "archivegen"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version
    protocol_version = "HTTP/1.1"
    timeout = IO_SECONDS  # (StreamRequestHandler sets it on the socket)

    def setup(self) -> None:
        super().setup()
        # A response is written as its head, then its body: with Nagle's algorithm the body
        # waited for the client's delayed ACK of the head (40 ms on Linux), twice per edit
        # (the reload event, then the page).
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        cast(DevServer, self.server).waiting(self.connection)
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request's head is read: it is answered, unless the server closed the
        connection meanwhile (its head came too late)."""
        parsed = super().parse_request()
        if not cast(DevServer, self.server).answering(self.connection):
            self.close_connection = True
            return False
        return parsed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any method but GET and HEAD
            return self._not_allowed
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not every request

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _not_allowed(self) -> None:
        self.close_connection = True  # its body, if any, is never read as a request
        self._respond(HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n",
                      "text/plain; charset=utf-8", body=True, extra={"Allow": "GET, HEAD"})

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The base class's errors (bad request line, headers too long), as ours: plain
        text, nosniff, and the connection closed."""
        self.close_connection = True
        status = HTTPStatus(code)
        text = f"{status.value} {message or status.phrase}\n".encode("utf-8", "replace")
        self._respond(status, text, "text/plain; charset=utf-8",
                      body=self.command != "HEAD" and code >= 200)

    # --- routing -----------------------------------------------------------------------

    def _serve(self, *, body: bool) -> None:
        if self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # a GET with a body: never read it as a request
        if not self._host_allowed():
            self._respond(HTTPStatus.FORBIDDEN, b"unknown host\n", "text/plain; charset=utf-8",
                          body=body)
            return
        split = urlsplit(self.path)
        if split.path.startswith(PREFIX):
            self._own(split.path, split.query, body=body)
            return
        path = _decoded(split.path)
        if path is None:
            self._respond(HTTPStatus.BAD_REQUEST, b"bad path\n", "text/plain; charset=utf-8",
                          body=body)
            return
        base = self.options.base_path
        if path + "/" == base or (path == "/" and base != "/"):
            self._redirect(base, split.query, body=body)
            return
        if not path.startswith(base):
            self._not_found(body=body)
            return
        rel = path[len(base):]
        self.options.state.wait_readable(rel + "index.html" if rel.endswith("/") or not rel
                                         else rel)
        self._file(path, rel, split.query, body=body)

    def _host_allowed(self) -> bool:
        """The Host header names this machine, an IP address, or the address served on. A
        DNS-rebinding page needs a host *name* of its own: those are refused."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:  # none, or two that a proxy and we could read differently
            return False
        names = [hosts[0]]
        split = urlsplit(self.path)
        if split.scheme or split.netloc:  # an absolute URL's host is the one asked for
            names.append(split.netloc)
        for value in names:
            found = _HOST_RE.fullmatch(value.strip().lower())
            if found is None:
                return False
            name = found["name"]
            if name not in self.options.hosts and not _is_ip_literal(name):
                return False
        return True

    def _file(self, path: str, rel: str, query: str, *, body: bool) -> None:
        target = None if _hidden(rel) else _inside(self.options.root, rel)
        if target is not None and _hidden(os.path.relpath(target, os.path.realpath(
                self.options.root))):
            target = None  # a link to the build's state
        if target is None:
            self._not_found(body=body)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/", query, body=body)
                return
            target = target / "index.html"
            index = _inside(self.options.root, os.path.relpath(target, self.options.root))
            if index is None or _hidden(os.path.relpath(index, os.path.realpath(
                    self.options.root))):
                self._not_found(body=body)
                return
        data = _read_regular(target)
        if data is None:
            self._not_found(body=body)
            return
        self._respond(HTTPStatus.OK, data, _content_type(target.name), body=body)

    def _not_found(self, *, body: bool) -> None:
        page = _inside(self.options.root, "404.html")
        data = b"not found\n"
        kind = "text/plain; charset=utf-8"
        page_data = None if page is None else _read_regular(page)
        if page_data is not None:
            data, kind = page_data, _content_type("404.html")
        self._respond(HTTPStatus.NOT_FOUND, data, kind, body=body)

    def _redirect(self, path: str, query: str, *, body: bool) -> None:
        # `path` is decoded: quoted again whole ("%" too), it names the same folder.
        location = quote(path, safe="/:@!$&'()*+,;=-._~") + (f"?{query}" if query else "")
        self._respond(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8",
                      body=body, extra={"Location": location})

    # --- the server's own resources ----------------------------------------------------

    def _own(self, path: str, query: str, *, body: bool) -> None:
        if not self.options.reload:
            self._not_found(body=body)
        elif path == SCRIPT_PATH:
            self._respond(HTTPStatus.OK, RELOAD_SCRIPT.encode("utf-8"),
                          _content_type("reload.js"), body=body)
        elif path == EVENTS_PATH:
            self._events(query, body=body)
        else:
            self._not_found(body=body)

    def _events(self, query: str, *, body: bool) -> None:
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{self.headers.get('Host', '')}":
            self._respond(HTTPStatus.FORBIDDEN, b"cross-origin request refused\n",
                          "text/plain; charset=utf-8", body=body)
            return
        asked = parse_qs(query)
        try:
            since = int(asked.get("since", ["-1"])[0])
        except ValueError:
            since = -1
        state = self.options.state
        page = _decoded(asked.get("page", [""])[0])
        if page is not None and page.startswith(self.options.base_path):
            state.viewed("/" + page[len(self.options.base_path):])
        slots = cast(DevServer, self.server).poll_slots
        version, problems, hard = state.wait_newer(since, 0)
        answer: dict[str, Any] = {}
        if version <= since:
            if slots.acquire(blocking=False):
                try:
                    version, problems, hard = state.wait_newer(since, POLL_SECONDS)
                finally:
                    slots.release()
            else:  # too many tabs wait already: this one asks again later
                answer["retry"] = POLL_RETRY_MS
        answer.update(version=version, hard=hard, problems=[
            {"location": p.location, "message": p.message, "code": p.code}
            for p in problems])
        data = json.dumps(answer).encode("utf-8")
        self._respond(HTTPStatus.OK, data, "application/json", body=body)

    # --- responses ---------------------------------------------------------------------

    def _respond(self, status: HTTPStatus, data: bytes, kind: str, *, body: bool,
                 extra: dict[str, str] | None = None) -> None:
        if self.options.reload and kind.startswith("text/html"):
            data = _with_reload_script(data, self.options.state.version)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")  # a preview: always the latest build
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _connection_cap(wanted: int) -> int:
    """`wanted`, or half the files the process may open if that is fewer: the rest are the
    build's (its cache, the files it writes, its workers' pipes) and the watcher's."""
    try:
        import resource
    except ImportError:  # (not on Windows)
        return wanted
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, soft // 2))


def _refuse(sock: socket.socket) -> None:
    """Answer 503 if the socket takes it at once (it never waits), and close it."""
    with contextlib.suppress(OSError):
        sock.setblocking(False)
        sock.send(_BUSY)
    with contextlib.suppress(OSError):
        sock.close()


_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Content-Length: 12\r\nX-Content-Type-Options: nosniff\r\nRetry-After: 1\r\n"
         b"Connection: close\r\n\r\nserver busy\n")

_HOST_RE = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::[0-9]{1,5})?")


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _decoded(path: str) -> str | None:
    """The URL path percent-decoded once, as UTF-8; None if it is not a plain path inside
    the site (a "..", "." or empty segment, NUL, a backslash, invalid UTF-8)."""
    if not path.startswith("/"):
        return None
    try:
        text = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\0" in text or "\\" in text:
        return None
    segments = text.split("/")[1:]
    if any(s in (".", "..") for s in segments) or "" in segments[:-1]:
        return None
    return text


def _hidden(rel: str) -> bool:
    """A segment of the relative path `rel` (either separator) starts with "."; "." alone,
    the folder itself, is not hidden."""
    return any(part.startswith(".") for part in re.split(r"[/\\]", rel)
               if part not in ("", "."))


def _inside(root: Path, rel: str) -> Path | None:
    """root/rel if it exists and stays inside root with every symlink followed; else None."""
    top = os.path.realpath(root)
    real = os.path.realpath(os.path.join(top, rel))
    if real != top and not real.startswith(top + os.sep):
        return None
    return Path(real) if os.path.exists(real) else None


def _read_regular(path: Path) -> bytes | None:
    """The bytes of the regular file at `path`, or None: a FIFO in the output folder would
    hold the request's thread forever (opened without waiting, then never read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read()
    except OSError:
        return None


def _content_type(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _with_reload_script(html: bytes, version: int) -> bytes:
    """The page with the reload script, told which version of the site it is from."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


# Long-polls the events endpoint; on a new version without errors, swaps the page in place
# when every version since the tab's own changed only what pages show (`hard`) and the page
# has no script of its own, else reloads it; shows errors in an overlay over the last good
# page (text only: messages are set as textContent).
RELOAD_SCRIPT = """(function () {
  var script = document.currentScript;
  var page = script ? parseInt(script.getAttribute("data-version"), 10) : 0;
  var since = -1, overlay = null;  // -1: the first poll answers at once
  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "archivegen-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;top:0;left:0;right:0;max-height:60vh;" +
        "overflow:auto;z-index:2147483647;background:#1e1e1e;color:#fff;" +
        "font:14px/1.5 ui-monospace,monospace;padding:1.2em 2em;" +
        "box-shadow:0 2px 12px rgba(0,0,0,.5)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var close = document.createElement("button");
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide the build errors");
    close.style.cssText = "float:right;font-size:20px;background:none;color:#fff;border:0;" +
      "cursor:pointer";
    close.onclick = function () { overlay.remove(); overlay = null; };
    overlay.appendChild(close);
    var title = document.createElement("h2");
    title.textContent = "archivegen: the build has errors (the page below is the last good one)";
    title.style.cssText = "color:#ff8a80;font:bold 18px sans-serif;margin:0 0 1em";
    overlay.appendChild(title);
    problems.forEach(function (p) {
      var line = document.createElement("pre");
      line.style.cssText = "white-space:pre-wrap;margin:0 0 .8em";
      line.textContent = p.location + ": error: " + p.message + " [" + p.code + "]";
      overlay.appendChild(line);
    });
  }
  // What a swap cannot bring along: the stylesheets, icons, scripts and inline styles
  // (loaded once per page) and the root element's attributes (language, direction).
  function fixed(doc) {
    var parts = [doc.documentElement.getAttribute("lang"),
                 doc.documentElement.getAttribute("dir")];
    doc.querySelectorAll("link[rel~=stylesheet], link[rel~=icon], style, script").forEach(
      function (el) {
        if (el.getAttribute("type") === "application/ld+json" ||
            el.getAttribute("src") === "/__archivegen/reload.js") { return; }
        parts.push(el.outerHTML);
      });
    return parts.join("\\n");
  }
  function swap(version) {
    fetch(location.href, {cache: "no-store"})
      .then(function (r) {
        if (!r.ok || r.redirected) { throw new Error("moved"); }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var own = "script:not([type='application/ld+json'])" +
          ":not([src='/__archivegen/reload.js']), meta[http-equiv=refresh i]";
        if (fixed(doc) !== fixed(document) || doc.querySelector(own)) {
          // (a page's own script runs, and a redirect page's refresh acts, only on a load)
          throw new Error("not in place");
        }
        var mine = doc.querySelector("script[src='/__archivegen/reload.js']");
        var now = mine ? parseInt(mine.getAttribute("data-version"), 10) : version;
        if (mine) { mine.remove(); }
        var kept = "link[rel~=stylesheet], link[rel~=icon], style, script[src]";
        Array.prototype.slice.call(document.head.children).forEach(function (el) {
          if (!el.matches(kept)) { el.remove(); }
        });
        Array.prototype.slice.call(doc.head.children).forEach(function (el) {
          if (!el.matches(kept)) { document.head.appendChild(document.adoptNode(el)); }
        });
        var body = document.adoptNode(doc.body);
        if (script) { body.appendChild(script); }
        document.documentElement.replaceChild(body, document.body);
        overlay = null;
        page = now;
        since = Math.max(since, now);
        poll();
      })
      .catch(function () { location.reload(); });
  }
  function poll() {
    fetch("/__archivegen/events?since=" + since + "&page=" +
          encodeURIComponent(location.pathname), {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (e) {
        // A new build: load it (its errors, if any, show again on the new page).
        if (e.version > page) {
          if (!e.problems.length && page >= e.hard && !overlay) { swap(e.version); }
          else { location.reload(); }
          return;
        }
        if (e.problems.length && since < 0) { show(e.problems); }
        since = e.version;
        setTimeout(poll, e.retry || 0);  // (retry: the server has too many tabs waiting)
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
