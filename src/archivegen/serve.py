"""`archivegen serve`: build, serve the output folder, rebuild what changed, reload the tabs.

One process stays up: after the first build every rebuild runs with the pipeline already
imported, and takes the quick path (quick.py) when an edit allows. A watcher thread
(watchfiles) batches bursts of changes to the articles and the theme folder; the settings
file is checked on each tick of the watcher. Each build runs while the server holds requests
(devserver.SiteState), then publishes a new version with its errors: open tabs reload, or
show the errors over the last good page. Nothing here prints: `say` does (the CLI's).
"""

from __future__ import annotations

import errno
import os
import threading
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from pathlib import Path

from .build import build
from .config import SiteConfig, parse_config, with_overrides
from .devserver import LOCAL_NAMES, Problem, ServeOptions, SiteState, make_server
from .errors import ArchivegenError, Diagnostic, Diagnostics, Level
from .report import BuildReport
from .uptodate import up_to_date

# Without --port, this one and the next ones are tried until one is free.
DEFAULT_PORT = 8000
PORT_TRIES = 20
TICK_SECONDS = 0.5  # how often the watcher looks at the settings file


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeRequest:
    """What `archivegen serve` was asked for."""

    base: Path  # the folder the settings' relative paths start from
    config: SiteConfig  # with the command line's overrides
    config_file: Path | None  # the settings file, if there is one (watched)
    overrides: dict[str, str | None]  # the command line's input/output, kept on reload
    host: str = "127.0.0.1"
    port: int | None = None  # None: DEFAULT_PORT or the next free one
    reload: bool = True
    base_path: str = "/"
    open_browser: bool = False
    strict: bool = False


class Served:
    """A running preview: the server, the watcher, and how to stop them."""

    def __init__(self, request: ServeRequest, say: Callable[[str], None]) -> None:
        self.request = request
        self.say = say
        self.state = SiteState()
        self.config = request.config
        self.stop_event = threading.Event()
        self.output_dir = (request.base / request.config.output).resolve()
        self.server = _bind(request, ServeOptions(
            root=self.output_dir, state=self.state, reload=request.reload,
            base_path=request.base_path, hosts=_hosts(request.host), log=say))
        self.port = self.server.server_address[1]
        self._threads: list[threading.Thread] = []
        self._watching = threading.Event()

    @property
    def url(self) -> str:
        host = self.request.host if ":" not in self.request.host else f"[{self.request.host}]"
        return f"http://{host}:{self.port}{self.request.base_path}"

    def start(self) -> None:
        """Serve and watch in background threads (the first build is done by `rebuild`);
        returns once the watcher sees changes."""
        for target, name in ((self.server.serve_forever, "server"), (self._watch, "watcher")):
            thread = threading.Thread(target=target, name=f"archivegen-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._watching.wait(timeout=30)

    def stop(self) -> None:
        """Stop watching (a build under way finishes: its files are written whole) and
        serving."""
        self.stop_event.set()
        if self._threads:  # (shutdown waits for a serve_forever that never started)
            self.server.shutdown()
        for thread in self._threads:
            thread.join(timeout=60)
        self.server.server_close()

    def rebuild(self, why: str = "") -> BuildReport | None:
        """Build once (a quick rebuild when it can be one) and publish the result."""
        problems: tuple[Problem, ...] = ()
        report = None
        with self.state.building():
            try:
                report = build(self.request.base, self.config, strict=self.request.strict)
            except ArchivegenError as exc:
                problems = (Problem(location=str(self.output_dir), message=str(exc),
                                    code="AG060"),)
                self.say(f"error: {exc}")
            except Exception as exc:  # the preview outlives any one build
                problems = (Problem(location=str(self.output_dir),
                                    message=f"the build failed: {type(exc).__name__}: {exc}",
                                    code="AG060"),)
                self.say(f"error: the build failed: {type(exc).__name__}: {exc}")
        if report is not None:
            for d in report.diagnostics:
                self.say(d.format())
            problems = tuple(_problem(d) for d in report.diagnostics
                             if d.level == Level.ERROR
                             or (self.request.strict and d.level == Level.WARNING))
            self.say(f"{why}built {report.articles} articles in {report.seconds:.2f} s: "
                     f"{report.rendered} rendered, {report.written} written, "
                     f"{report.removed} removed; {report.warnings} warning(s), "
                     f"{report.errors} error(s)")
        self.state.published(problems)
        return report

    def reload_config(self) -> bool:
        """Read the settings file again; on errors keep the last good settings and show the
        errors. True if the settings changed."""
        path = self.request.config_file
        if path is None:
            return False
        diags = Diagnostics()
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            text = ""  # removed: the defaults, as without one
        except (OSError, UnicodeDecodeError) as exc:
            self._show((Problem(location=str(path), message=f"cannot read: {exc}",
                                code="AG003"),))
            return False
        config = with_overrides(parse_config(text, str(path), diags),
                                **self.request.overrides)
        if diags.errors:
            for d in diags.sorted():
                self.say(d.format())
            self._show(tuple(_problem(d) for d in diags.sorted() if d.level == Level.ERROR))
            return False
        if config.output != self.config.output:
            self.say("note: a new output folder takes effect when serve is started again")
            config = replace(config, output=self.config.output)
        changed = config != self.config
        self.config = config
        return changed or bool(self.state.problems)

    def _show(self, problems: tuple[Problem, ...]) -> None:
        self.state.published(problems)

    def _watch(self) -> None:
        from watchfiles import Change, watch

        settings = _stat(self.request.config_file)
        while not self.stop_event.is_set():
            paths = [p for p in self._watched() if p.is_dir()]
            shape = tuple(paths)
            started = False
            for changes in watch(*paths, stop_event=self.stop_event, yield_on_timeout=True,
                                 rust_timeout=int(TICK_SECONDS * 1000), raise_interrupt=False,
                                 watch_filter=self._relevant):
                if not started:  # the watch is set up: catch up with what changed before
                    started = True
                    self._watching.set()
                    if up_to_date(self.request.base, self.config,
                                  strict=self.request.strict).report is None:
                        inputs = self.request.base / self.config.input
                        changes = {*changes, (Change.modified, str(inputs))}
                now = _stat(self.request.config_file)
                config_changed = now != settings
                settings = now
                names = sorted({os.path.basename(path) for _, path in changes})
                if config_changed and self.reload_config():
                    names.append(self.request.config_file.name)  # type: ignore[union-attr]
                if names:
                    shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
                    self.rebuild(f"{shown} changed: ")
                if tuple(p for p in self._watched() if p.is_dir()) != shape:
                    break  # the theme folder appeared or went: watch the new set

    def _watched(self) -> Iterator[Path]:
        yield (self.request.base / self.config.input).resolve()
        yield (self.request.base / self.config.theme_dir).resolve()

    def _relevant(self, change: object, path: str) -> bool:
        """Changes worth a build: not in the output folder or the build state, not an
        editor's swap or backup file."""
        name = os.path.basename(path)
        if name.startswith(".") or name.endswith(("~", ".swp", ".tmp", ".part")):
            return False
        return not (path.startswith(str(self.output_dir) + os.sep)
                    or f"{os.sep}.archivegen{os.sep}" in path)


def serve(request: ServeRequest, say: Callable[[str], None]) -> int:
    """Run the preview until Ctrl-C: 0 then; 2 if the port cannot be had."""
    try:
        served = Served(request, say)
    except OSError as exc:
        say(f"error: {exc}")
        return 2
    if request.host not in LOCAL_NAMES:
        say(f"warning: serving on {request.host}: other machines on the network can read "
            "the site (the default, 127.0.0.1, is this machine only)")
    try:
        served.rebuild()
        say(f"serving {served.output_dir} at {served.url} (Ctrl-C to stop)")
        served.start()
        if request.open_browser:
            webbrowser.open(served.url)
        while not served.stop_event.wait(3600):
            pass
    except KeyboardInterrupt:
        say("stopping")
    finally:
        served.stop()
    return 0


def _bind(request: ServeRequest, options: ServeOptions) -> ThreadingHTTPServer:
    """The server on the asked port; without --port, the first free one from 8000."""
    if request.port is not None:
        try:
            return make_server(options, request.host, request.port)
        except OSError as exc:
            raise OSError(f"cannot serve on {request.host}:{request.port}: "
                          f"{exc.strerror or exc}") from exc
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES):
        try:
            return make_server(options, request.host, port)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise OSError(f"cannot serve on {request.host}:{port}: "
                              f"{exc.strerror or exc}") from exc
    raise OSError(f"ports {DEFAULT_PORT}-{DEFAULT_PORT + PORT_TRIES - 1} are all taken; "
                  "choose one with --port")


def _hosts(host: str) -> tuple[str, ...]:
    """Host header names the server answers to: this machine's, and the one it was asked to
    bind (the name a browser on another machine would use)."""
    extra = () if host in ("0.0.0.0", "::") else (host.lower(), f"[{host.lower()}]")
    return (*LOCAL_NAMES, *extra)


def _problem(d: Diagnostic) -> Problem:
    return Problem(location=str(d.location), message=d.message, code=d.code)


def _stat(path: Path | None) -> tuple[int, int] | None:
    try:
        st = path.stat() if path is not None else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st is not None else None
