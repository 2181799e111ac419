"""`archivegen serve`: build, serve the output folder, rebuild what changed, reload the tabs.

One process stays up: after the first build every rebuild runs with the pipeline already
imported, and takes the quick path (quick.py) when an edit allows. A watcher thread
(watchfiles) batches bursts of changes to the articles and the theme folder; the settings
file is checked on each tick of the watcher. The paths it reports patch the last input scan
(incremental/watched.py) instead of listing every folder again; the first build, a watcher
(re)started, a settings change and anything the paths cannot tell scan in full. Each build
runs while the server holds requests (devserver.SiteState), then publishes a new version
with its errors: open tabs reload, or show the errors over the last good page. Nothing here
prints: `say` does (the CLI's).
"""

from __future__ import annotations

import errno
import os
import queue
import signal
import stat
import threading
import time
import webbrowser
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from archivegen.config import (
    SiteConfig,
    file_kind,
    output_clash,
    parse_config,
    read_settings_file,
    with_overrides,
)
from archivegen.dispatch import build, summary
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, Level
from archivegen.incremental.preview import preview
from archivegen.incremental.uptodate import RACY_NS, Scan, outputs_as_built
from archivegen.incremental.watched import ScanMemory
from archivegen.load.filenames import SIDECAR_SUFFIX, is_article_path
from archivegen.report import BuildReport, Progress
from archivegen.serve.httpd import (
    LOCAL_NAMES,
    DevServer,
    Problem,
    ServeOptions,
    SiteState,
    make_server,
)

# Without --port, this one and the next ones are tried until one is free.
DEFAULT_PORT = 8000
PORT_TRIES = 20
TICK_SECONDS = 0.5  # how often the watcher looks at the settings file
# A batch of changes ends when none came for STEP_MS (watchfiles' default, 50, was most of
# an edit's wait); a burst that goes on is cut after DEBOUNCE_MS.
STEP_MS = 10
DEBOUNCE_MS = 1600
# More paths than this in one batch: scan every input (a checkout, a copy, maybe events lost).
TRUSTED_PATHS = 256


@dataclass(frozen=True, slots=True)
class _Batch:
    """What the watcher queues: why to build, and the paths changed (None: scan in full)."""

    why: str
    paths: frozenset[str] | None


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
    # What shows the first build's progress (the CLI's bars on a terminal): the wait before
    # "serving ..." can be minutes. Later builds show none: they are quick, and the server's
    # lines may come at any time.
    progress: Callable[[], AbstractContextManager[Progress | None]] = lambda: nullcontext(None)


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
        self.ready = threading.Event()  # watching
        self._settings_problems: tuple[Problem, ...] = ()  # the settings file's errors
        self._build_problems: tuple[Problem, ...] = ()  # the last build's
        self._changes: queue.Queue[_Batch] = queue.Queue()  # from the watcher
        self._scans = ScanMemory()  # the last input scan, patched from the watcher's paths
        # Every output found as the last build wrote it, since it (looked at once between
        # builds: None until then).
        self._outputs_checked: bool | None = None
        # The settings file as the builds see it: a change after this is picked up.
        self._settings = _stat(request.config_file)
        if request.config_file is not None and self._settings is not None:
            self.reload_config()  # (it may have changed since the command read it)

    @property
    def url(self) -> str:
        host = self.request.host if ":" not in self.request.host else f"[{self.request.host}]"
        return f"http://{host}:{self.port}{self.request.base_path}"

    def start(self, *, builder: bool = True) -> None:
        """Serve and watch in background threads; rebuild in one too, unless the caller
        runs `build_loop` itself (the command does, on the main thread: see build_loop).
        Returns once the watcher sees changes."""
        targets = [(self.server.serve_forever, "server"), (self._watch, "watcher")]
        if builder:
            targets.append((self.build_loop, "builder"))
        for target, name in targets:
            thread = threading.Thread(target=target, name=f"archivegen-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.ready.wait(timeout=30)

    def build_loop(self) -> None:
        """Rebuild for each batch of changes the watcher queues, until stopped. Run on the
        main thread, a build starts its worker processes ignoring Ctrl-C (build.py): the
        command decides what Ctrl-C does."""
        while not self.stop_event.is_set():
            try:
                batch = self._changes.get(timeout=TICK_SECONDS)
            except queue.Empty:
                self._check_outputs()
                continue
            why, paths = batch.why, batch.paths
            while not self._changes.empty():  # a burst: one build for all of it
                batch = self._changes.get_nowait()
                why = batch.why
                paths = None if paths is None or batch.paths is None else paths | batch.paths
            self.rebuild(why, changed=paths)

    def stop(self) -> None:
        """Stop watching (a build under way finishes: its files are written whole) and
        serving."""
        self.stop_event.set()
        if self._threads:  # (shutdown waits for a serve_forever that never started)
            self.server.shutdown()
        for thread in self._threads:
            thread.join(timeout=60)
        self.server.server_close()

    def rebuild(self, why: str = "", *, announce: bool = False,
                changed: Collection[str] | None = None) -> BuildReport | None:
        """Build once (a quick rebuild when it can be one) and publish the result. Its
        summary is printed if `announce`, or if it had a reason, changed files or errors.
        `changed`: every path changed since the last build, as the watcher reported them
        (None: unknown, every input is scanned)."""
        problems: tuple[Problem, ...] = ()
        report = None
        failed = ""
        with self.state.building():
            previewed = not announce and self._preview(changed)
            self._theme_settled(changed)
            # The bars are gone before anything is said (announce: the first build).
            with self.request.progress() if announce else nullcontext(None) as progress:
                checked, self._outputs_checked = self._outputs_checked, None
                try:
                    report = build(self.request.base, self.config, strict=self.request.strict,
                                   progress=progress, scan=self._scan(changed),
                                   outputs_checked=bool(checked) and changed is not None)
                except ArchivegenError as exc:
                    failed = str(exc)
                except Exception as exc:  # the preview outlives any one build
                    failed = f"the build failed: {type(exc).__name__}: {exc}"
                if failed:
                    self._scans.forget()
            if failed:
                problems = (Problem(location=str(self.output_dir), message=failed,
                                    code="AG060"),)
                self.say(f"error: {failed}")
        if report is not None:
            problems = tuple(_problem(d) for d in report.diagnostics
                             if d.level == Level.ERROR
                             or (self.request.strict and d.level == Level.WARNING))
            if announce or why or report.written or report.removed or problems:
                for d in report.diagnostics:
                    self.say(d.format())
                self.say(why + summary(report, self.output_dir, quiet=True))
        self._build_problems = problems
        shown = (*self._settings_problems, *problems)
        # A build that changed no file and no error needs no reload of the open tabs.
        if (report is None or report.written or report.removed
                or shown != self.state.problems or self.state.version == 0):
            # (After a preview the tabs have the new stylesheets: the pages are what changed.)
            self.state.published(shown, swap=previewed or self._text_only(changed))
        return report

    def _check_outputs(self) -> None:
        """Once after each build, while no change waits: is every output as it was written?
        Then the next quick rebuild does not stat them all; else it does (and a file edited
        or removed by hand makes it a full build, which puts it back)."""
        if self.state.version > 0 and self._outputs_checked is None and self._changes.empty():
            self._outputs_checked = outputs_as_built(self.request.base, self.config)

    def _theme_changes(self, changed: Collection[str] | None) -> list[str]:
        """The changed paths in the theme folder."""
        theme = str((self.request.base / self.config.theme_dir).resolve()) + os.sep
        return [path for path in changed or () if path.startswith(theme)]

    def _preview(self, changed: Collection[str] | None) -> bool:
        """After an edit to the theme folder alone, the article pages open in tabs made with
        it and published before the full build (incremental/preview.py): they are served
        while it runs, every other request waits for it. True if any was."""
        if not changed or not self.request.reload or \
                len(self._theme_changes(changed)) != len(changed):
            return False
        viewing = self.state.viewing()
        if not viewing:
            return False
        try:
            written = preview(self.request.base, self.config, viewing)
        except Exception:  # (the preview outlives it: the full build that follows says why)
            return False
        if not written:
            return False
        self.state.published((*self._settings_problems, *self._build_problems),
                             ready=frozenset(written))
        return True

    def _theme_settled(self, changed: Collection[str] | None) -> None:
        """Wait until the theme files just changed are RACY_NS old (at most that long): a
        build that reads a theme file younger than that cannot trust its stat later, and
        leaves no basis for quick rebuilds (uptodate.context_state), so every article edit
        after a template edit would be a full build, and the next template edit would have
        no preview."""
        newest = 0
        for path in self._theme_changes(changed):
            with suppress(OSError):
                newest = max(newest, os.stat(path).st_mtime_ns)
        wait = (newest + RACY_NS - time.time_ns()) / 1e9 if newest else 0
        if wait > 0:
            self.stop_event.wait(min(wait, RACY_NS / 1e9) + 0.01)

    def _text_only(self, changed: Collection[str] | None) -> bool:
        """Did only article files (or their sidecars) change? Then no stylesheet, script or
        icon did: open tabs may swap their page in place (httpd's reload script)."""
        if not changed:
            return False
        top = str((self.request.base / self.config.input).resolve()) + os.sep
        return all(path.startswith(top) and (is_article_path(path) or (
            path.endswith(SIDECAR_SUFFIX) and is_article_path(path[:-len(SIDECAR_SUFFIX)])))
            for path in changed)

    def _scan(self, changed: Collection[str] | None) -> Scan:
        """The input scan: the last one patched from the changed paths when they tell
        enough, else a full one."""
        input_dir = (self.request.base / self.config.input).resolve()
        patched = None if changed is None else self._scans.patched(input_dir, changed)
        return patched if patched is not None else self._scans.full(input_dir)

    def reload_config(self) -> bool:
        """Read the settings file again; on errors keep the last good settings and show the
        errors. True if the settings changed."""
        path = self.request.config_file
        if path is None:
            return False
        diags = Diagnostics()
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):  # a FIFO would hold the watcher forever
                raise OSError(errno.EINVAL, f"it is {file_kind(mode)}, not a regular file")
            text = read_settings_file(path).decode("utf-8")
        except FileNotFoundError:
            text = ""  # removed: the defaults, as without one
        except (OSError, UnicodeDecodeError) as exc:
            self._settings_refused((Problem(location=str(path), message=f"cannot read: {exc}",
                                           code="AG003"),))
            return False
        try:
            config = with_overrides(parse_config(text, str(path), diags),
                                    **self.request.overrides)
        except (RecursionError, ValueError) as exc:  # hostile YAML: too deep, say
            self._settings_refused((Problem(location=str(path), code="AG010",
                                           message=f"cannot read the settings: {exc}"),))
            return False
        if diags.errors:
            for d in diags.sorted():
                self.say(d.format())
            self._settings_failed(tuple(_problem(d) for d in diags.sorted()
                                        if d.level == Level.ERROR))
            return False
        input_dir = (self.request.base / config.input).resolve()
        if not input_dir.is_dir() or input_dir.is_relative_to(self.output_dir) \
                or self.output_dir.is_relative_to(input_dir):
            what = ("is not a folder" if input_dir.exists() and not input_dir.is_dir()
                    else "does not exist" if not input_dir.exists()
                    else "overlaps the output folder")
            self._settings_refused((Problem(
                location=str(path), code="AG012",
                message=f"input folder '{input_dir}' {what}; the last good settings are kept"),))
            return False
        clash = output_clash(self.output_dir, self.request.base, config, True)
        if clash:  # (a theme folder set to the output, say)
            self._settings_refused((Problem(
                location=str(path), code="AG012",
                message=f"the output folder '{self.output_dir}' must not be {clash}; the last "
                        "good settings are kept"),))
            return False
        self._settings_problems = ()
        if config.output != self.config.output:
            self.say("note: a new output folder takes effect when serve is started again")
            config = replace(config, output=self.config.output)
        changed = config != self.config
        self.config = config
        return changed or bool(self.state.problems)

    def _settings_refused(self, problems: tuple[Problem, ...]) -> None:
        """_settings_failed for problems not yet printed: the terminal says them too."""
        for problem in problems:
            self.say(f"{problem.location}: error: {problem.message} [{problem.code}]")
        self._settings_failed(problems)

    def _settings_failed(self, problems: tuple[Problem, ...]) -> None:
        """The settings file cannot be used: its errors show (with the last build's) until
        it is fixed; builds go on with the last good settings."""
        self._settings_problems = problems
        self.state.published((*problems, *self._build_problems))

    def _watch(self) -> None:
        """Queue a build for each batch of changes (the builder takes them). Nothing it
        meets stops it: the preview would go on serving stale pages without a word."""
        said = ""
        while not self.stop_event.is_set():
            try:
                self._watch_once()
            except Exception as exc:  # hostile settings, a folder gone, a notify error
                message = f"error: watching for changes failed: {type(exc).__name__}: {exc}"
                if message != said:  # (once, not every second)
                    self.say(message)
                said = message
                self.ready.set()
                self.stop_event.wait(1.0)

    def _watch_once(self) -> None:
        """Watch the current set of folders until it changes (the theme folder appears or
        goes, the settings name others)."""
        from watchfiles import watch

        paths = [p for p in self._watched() if p.is_dir()]
        shape = tuple(paths)
        started = False
        for changes in watch(*paths, stop_event=self.stop_event, yield_on_timeout=True,
                             rust_timeout=int(TICK_SECONDS * 1000), raise_interrupt=False,
                             watch_filter=self._relevant, step=STEP_MS,
                             debounce=DEBOUNCE_MS):
            names = sorted({os.path.basename(path) for _, path in changes})
            if not started:  # set up: a build catches up with what changed before
                started = True
                self.ready.set()
                self._changes.put(_Batch("", None))
            changed: frozenset[str] | None = frozenset(path for _, path in changes)
            now = _stat(self.request.config_file)
            config_changed = now != self._settings
            self._settings = now
            if config_changed:
                # Scan in full: the input folder may be another, and touching the settings
                # file is how to have changes the watcher missed built (docs/serve.md).
                changed = None
                if self.reload_config() or not self._settings_problems:
                    names.append(self.request.config_file.name)  # type: ignore[union-attr]
            if names:
                shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
                if changed is not None and len(changed) > TRUSTED_PATHS:
                    changed = None
                self._changes.put(_Batch(f"{shown} changed: ", changed))
            if tuple(p for p in self._watched() if p.is_dir()) != shape:
                return

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
        with _interrupts_deferred(say, served.stop_event):  # (the first build finishes)
            served.rebuild(announce=True)
        if served.stop_event.is_set():
            return 0
        served.start(builder=False)
        say(f"serving {served.output_dir} at {served.url} (Ctrl-C to stop)")
        if request.open_browser:
            webbrowser.open(served.url)
        with _interrupts_deferred(say, served.stop_event):
            served.build_loop()
    except KeyboardInterrupt:
        say("stopping")
    finally:
        served.stop()
    return 0


@contextmanager
def _interrupts_deferred(say: Callable[[str], None], stop: threading.Event) -> Iterator[None]:
    """Ctrl-C sets `stop` (a build under way then finishes, its files whole, and the loop
    ends); a second Ctrl-C raises KeyboardInterrupt at once. Main thread only."""

    def interrupted(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        say("stopping (Ctrl-C again to stop at once)")

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _bind(request: ServeRequest, options: ServeOptions) -> DevServer:
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
