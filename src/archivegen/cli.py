"""Command line: the only module that prints or exits (a build's progress bars are drawn by
progress_bars, on the stream given here).

Exit codes: 0 built cleanly, 1 content errors (or warnings with --strict), 2 usage or config,
or output that could not be written (stdout or stderr full or failing: one `error:` line on
stderr if it still works, never a traceback); 141 when the reader of the output went away.
A standard stream that is closed (`>&-`) is not written to.
"""

from __future__ import annotations

import _thread
import argparse
import dataclasses
import errno
import os
import shlex
import signal
import stat
import sys
import textwrap
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TextIO

from archivegen import __version__
from archivegen.config import (
    CONFIG_FILENAME,
    SiteConfig,
    base_url_problem,
    file_kind,
    output_clash,
    parse_config,
    read_settings_file,
    with_overrides,
)
from archivegen.dispatch import build, summary
from archivegen.errors import ArchivegenError, Diagnostic, Diagnostics, Level, escape_controls
from archivegen.limits import Limits
from archivegen.load.filenames import ARTICLE_SUFFIXES
from archivegen.load.sources import read_paths
from archivegen.processes import set_jobs
from archivegen.progress_bars import PhaseBars, terminal_columns
from archivegen.records import dumps
from archivegen.report import Progress

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
EXIT_BROKEN_PIPE = 141  # the reader of our output went away, as shells report SIGPIPE


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archivegen",
        description="Turn a folder of scraped news articles into a static archive website.",
        epilog="Exit codes: 0 success, 1 content errors (or warnings with --strict), "
               "2 usage or configuration errors.",
    )
    parser.add_argument("--version", action="version", version=f"archivegen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = commands.add_parser(
        "build", help="build the site from the articles",
        description=f"Read every article ({', '.join(ARTICLE_SUFFIXES)}) in the input folder "
                    "and write the static site to the output folder. Files unchanged since "
                    "the last build are not rewritten; files an earlier build wrote that are no "
                    "longer produced are removed (never anything archivegen did not write).")
    b.add_argument("--config", metavar="FILE",
                   help=f"configuration file (default: ./{CONFIG_FILENAME} if it exists); "
                        "its relative paths are taken from its own folder")
    b.add_argument("--input", metavar="DIR",
                   help="folder of articles (default: 'input' in the config, else seeds/)")
    b.add_argument("--output", metavar="DIR",
                   help="folder to write the site to (default: 'output' in the config, "
                        "else build/)")
    b.add_argument("--strict", action="store_true",
                   help="treat warnings as errors: exit 1 and keep stale pages")
    b.add_argument("--no-cache", action="store_true",
                   help="ignore the build cache (.archivegen/) and render every page; the "
                        "cache is left untouched")
    b.add_argument("--no-search", action="store_true",
                   help="write no search index or search page (as 'search: false' in the "
                        "config)")
    b.add_argument("--drafts", action="store_true",
                   help="build the articles marked 'draft: true' too (serve always does)")
    b.add_argument("--portable", action="store_true",
                   help="links name each page's file (folder/index.html), so the site also "
                        "works opened from disk (as 'portable: true' in the config)")
    b.add_argument("--base-url", metavar="URL",
                   help="where the site will be published, e.g. https://example.org/archive/ "
                        "(as 'base_url' in the config): canonical links, feeds and the 404 "
                        "page use it")
    b.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                   help="at most N worker processes at a time (default: one per CPU this "
                        "process may use, counting its affinity and a container's CPU "
                        "quota); 1 loads and renders in the build's own process")
    b.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors (and warnings with --strict): no summary, "
                        "no progress bars; the exit code says how it went")
    s = commands.add_parser(
        "serve", help="build, serve the site locally, rebuild on changes and reload the page",
        description="Build the site, serve the output folder at http://127.0.0.1:8000/ (or "
                    "the next free port), watch the articles, the theme folder and the "
                    "settings, rebuild what changed and reload every open tab. Build errors "
                    "show over the last good page. Ctrl-C stops.")
    s.add_argument("--config", metavar="FILE", help="configuration file, as for build")
    s.add_argument("--input", metavar="DIR", help="folder of articles, as for build")
    s.add_argument("--output", metavar="DIR", help="folder to write the site to, as for build")
    s.add_argument("--strict", action="store_true", help="treat warnings as errors")
    s.add_argument("--port", type=int, metavar="N",
                   help="port to serve on (default: 8000, or the next free one); a port "
                        "given here that is taken is an error")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--base-path", metavar="PATH",
                   help="serve the site under this path, as it will be published "
                        "(e.g. /archive/; default: the path of the base URL, else /)")
    s.add_argument("--base-url", metavar="URL",
                   help="where the site will be published, as for build")
    s.add_argument("--no-search", action="store_true",
                   help="write no search index or search page, as for build")
    s.add_argument("--no-reload", action="store_true",
                   help="do not reload open pages after a rebuild")
    s.add_argument("--open", action="store_true", help="open the site in a browser")
    s.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                   help="at most N worker processes at a time, as for build")
    c = commands.add_parser(
        "check", help="report what was read from each article, without building",
        description="For every article file: the layout detected, each field with the line "
                    "and rule it came from, repairs applied, duplicates and diagnostics; "
                    "with --summary, totals for the whole set in a few lines. "
                    "Exits 1 if any file has errors.")
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="article files or folders (default: the input folder)")
    c.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people (default) or json for scripts")
    c.add_argument("--config", metavar="FILE",
                   help="configuration file, as for build (its limits apply to the check)")
    c.add_argument("--input", metavar="DIR", help="input folder when no PATH is given")
    c.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    c.add_argument("--summary", action="store_true",
                   help="totals for all the files instead of a block per file: articles, "
                        "layouts, how often each field was found, diagnostics by code, "
                        "duplicates")
    i = commands.add_parser(
        "init", help="start a new archive: settings, an input folder, an example article",
        description="Write a commented archivegen.yaml, an articles/ folder with one example "
                    "article and a .gitignore into DIR (made if missing), then say how to "
                    "build and preview it. Nothing is overwritten: a file already there is "
                    "an error and nothing is written.")
    i.add_argument("folder", nargs="?", default=".", metavar="DIR",
                   help="the new project's folder (default: the current one)")
    return parser


class _StreamFailed(Exception):
    """A write to stdout or stderr failed: the command cannot report what it did."""

    def __init__(self, stream: TextIO, error: OSError) -> None:
        super().__init__(error)
        self.stream = stream
        self.error = error


def main(argv: Sequence[str] | None = None) -> int:
    _fill_closed_std_fds()
    try:
        try:
            code = _run(argv)
        except SystemExit:  # argparse's --help, --version and usage errors
            _flush(sys.stdout)
            raise
        _flush(sys.stdout)  # a closed pipe shows here rather than at interpreter exit
        return code
    except _StreamFailed as failed:
        return _output_failed(failed.stream, failed.error)
    except BrokenPipeError:
        return _output_failed(sys.stdout, BrokenPipeError(errno.EPIPE, "Broken pipe"))


def _output_failed(stream: TextIO, error: OSError) -> int:
    """The exit code once a write to `stream` failed. A closed pipe (`archivegen check |
    head`: the reader has all it wants) ends quietly with 141; any other failure (a full
    disk, an I/O error) is told on stderr in one line, if stderr still works, and is 2.
    The stream is pointed at /dev/null first: without that, Python's flush at exit fails
    again and prints "Exception ignored" with a traceback."""
    _discard(stream)
    if isinstance(error, BrokenPipeError):
        return EXIT_BROKEN_PIPE
    if stream is sys.stdout:
        try:
            _err(f"error: cannot write to standard output: {error.strerror or error}")
        except (_StreamFailed, OSError):
            _discard(sys.stderr)
    return EXIT_USAGE


def _run(argv: Sequence[str] | None) -> int:
    args = make_parser().parse_args(argv)
    empty = _empty_option(args)
    if empty:
        _err(f"error: {empty} must not be empty")
        return EXIT_USAGE
    if args.command == "build":
        try:
            return _build_command(args)
        except KeyboardInterrupt:
            # Every file written so far is whole; the next build goes on from what this
            # one committed to the cache.
            _err("interrupted")
            return EXIT_INTERRUPTED
    if args.command == "check":
        return _check_command(args)
    if args.command == "serve":
        return _serve_command(args)
    if args.command == "init":
        return _init_command(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _init_command(args: argparse.Namespace) -> int:
    from archivegen.scaffold import OUTPUT_FOLDER, init_project

    folder = Path(args.folder)
    try:
        written = init_project(folder)
    except (ArchivegenError, OSError) as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    _out(f"a new archive in {folder.resolve()}:")
    for path in written:
        _out(f"  wrote {path}")
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    _out("next:")
    _out(f"  {go}archivegen build    # the site, in {OUTPUT_FOLDER}/")
    _out("  archivegen serve    # a preview that rebuilds as you edit")
    return EXIT_OK


def _empty_option(args: argparse.Namespace) -> str:
    """The option given an empty value, if any (it named the current folder, or the
    default, without a word); "" if none is."""
    for name in ("config", "input", "output", "host"):
        if getattr(args, name, None) == "":
            return f"--{name}"
    if "" in (getattr(args, "paths", None) or ()):
        return "a PATH of check"
    return ""


def _load_config(args: argparse.Namespace) -> tuple[SiteConfig, Path] | None:
    """The config and the folder its relative paths start from; None after printing errors.

    Only a regular file (or a symlink to one) is read: a FIFO, a device or a folder named
    as the settings is an error, found with stat before anything is opened (a FIFO would
    wait for a writer forever, /dev/zero never ends)."""
    path = Path(args.config) if args.config else Path(CONFIG_FILENAME)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link is no missing file: it names one
            _err(f"{path}: error: the settings file is a symbolic link to a file that does "
                 "not exist")
            return None
        if args.config:
            _err(f"error: config file '{args.config}' does not exist")
            return None
        return SiteConfig(), Path.cwd()
    except (OSError, ValueError) as exc:
        _err(f"{path}: error: cannot read config: {exc}")
        return None
    if not stat.S_ISREG(mode):
        _err(f"{path}: error: the settings file is {file_kind(mode)}, not a regular file")
        return None
    diags = Diagnostics()
    try:
        text = read_settings_file(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _err(f"{path}: error: cannot read config: {exc}")
        return None
    config = parse_config(text, str(path), diags)
    for d in diags.sorted():
        if _shown(d, args):
            _err(d.format())
    if diags.errors:
        _err(f"error: {diags.errors} problem(s) in {path}; nothing was built")
        return None
    return config, path.parent.resolve()


@dataclasses.dataclass(frozen=True, slots=True)
class _Project:
    """What build and serve work on: the settings with the command line's folders, the
    folder the settings' paths start from, those overrides, and the output folder."""

    config: SiteConfig
    base: Path
    overrides: dict[str, str | None]
    output_dir: Path


def _project(args: argparse.Namespace) -> _Project | None:
    """The project of a build or serve command; None after printing why it cannot be built."""
    loaded = _load_config(args)
    if loaded is None:
        return None
    config, base = loaded
    # Flags are relative to the current folder, config values to the config file's folder.
    if args.base_url is not None and (why := base_url_problem(args.base_url)):
        _err(f"error: --base-url: {why}")
        return None
    overrides = {"input": str(Path(args.input).resolve()) if args.input else None,
                 "output": str(Path(args.output).resolve()) if args.output else None,
                 "search": "off" if getattr(args, "no_search", False) else None,
                 "base_url": args.base_url,
                 "portable": "on" if getattr(args, "portable", False) else None,
                 # serve previews drafts; build leaves them out unless told
                 "drafts": "on" if args.command == "serve" or getattr(args, "drafts", False)
                 else None}
    config = with_overrides(config, **overrides)
    input_dir = (base / config.input).resolve()
    output_dir = (base / config.output).resolve()
    if not input_dir.is_dir():
        why = ("does not exist" if not input_dir.exists()
               else "is a file, not a folder" if input_dir.is_file() else "is not a folder")
        _err(f"error: input folder '{input_dir}' {why}")
        return None
    if (input_dir == output_dir or input_dir.is_relative_to(output_dir)
            or output_dir.is_relative_to(input_dir)):
        _err(f"error: the output folder '{output_dir}' must not be, hold or sit inside the "
             f"input folder '{input_dir}'")
        return None
    if output_dir.exists() and not output_dir.is_dir():
        _err(f"error: the output folder '{output_dir}' is a file")
        return None
    has_settings = bool(args.config) or os.path.lexists(CONFIG_FILENAME)
    clash = output_clash(output_dir, base, config, has_settings)
    if clash:
        _err(f"error: the output folder '{output_dir}' must not be {clash}: a build writes "
             "index.html, 404.html, feed.xml and static/ there and prunes what it wrote")
        return None
    return _Project(config=config, base=base, overrides=overrides, output_dir=output_dir)


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (1 or more)")
    return jobs


def _build_command(args: argparse.Namespace) -> int:
    set_jobs(args.jobs)
    try:
        return _build(args)
    finally:
        set_jobs(None)  # (main can be called again in this process: tests, embedding)


def _build(args: argparse.Namespace) -> int:
    project = _project(args)
    if project is None:
        return EXIT_USAGE
    config, base, output_dir = project.config, project.base, project.output_dir
    try:
        with _progress_bars(enabled=not args.quiet) as progress:
            report = build(base, config, strict=args.strict, use_cache=not args.no_cache,
                           progress=progress)
    except ArchivegenError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    for d in report.diagnostics:
        if _shown(d, args):
            _err(d.format())
    if not args.quiet:
        _out(_fitted(summary(report, output_dir), sys.stdout))
    if report.errors or (args.strict and report.warnings):
        return EXIT_CONTENT
    return EXIT_OK


def _serve_command(args: argparse.Namespace) -> int:
    set_jobs(args.jobs)
    try:
        return _serve(args)
    finally:
        set_jobs(None)


def _serve(args: argparse.Namespace) -> int:
    if args.port is not None and not 0 <= args.port <= 65535:
        _err(f"error: --port {args.port} is not a port number")
        return EXIT_USAGE
    project = _project(args)
    if project is None:
        return EXIT_USAGE
    # Served where it will be published: under the base URL's path unless told otherwise.
    given = args.base_path if args.base_path is not None else (
        urllib.parse.urlsplit(project.config.base_url).path or "/")
    base_path = "/" + "/".join(part for part in given.split("/") if part)
    base_path = base_path.rstrip("/") + "/"
    if any(part in (".", "..") or "\\" in part for part in base_path.split("/")):
        _err(f"error: --base-path '{given}' is not a plain URL path")
        return EXIT_USAGE
    from archivegen.serve.command import ServeRequest, serve

    config_file = (Path(args.config).resolve() if args.config
                   else project.base / CONFIG_FILENAME)
    _serve_failure.clear()
    code = serve(ServeRequest(base=project.base, config=project.config,
                              config_file=config_file, overrides=project.overrides,
                              host=args.host, port=args.port,
                              reload=not args.no_reload, base_path=base_path,
                              open_browser=args.open, strict=args.strict,
                              progress=_first_build_bars),
                 say=_say)
    return EXIT_USAGE if _serve_failure else code


def _first_build_bars() -> AbstractContextManager[Progress | None]:
    return _progress_bars(enabled=True)


def _say(line: str) -> None:
    """serve's lines (from its main thread, its watcher and its request threads). A failed
    write in the main thread ends serve as it ends build (exit 2); in another thread it is
    told once on stderr, stdout is discarded and serve is stopped as by Ctrl-C, and the
    exit code is still 2."""
    try:
        _out(line, flush=True)
    except (_StreamFailed, OSError) as exc:
        if threading.current_thread() is threading.main_thread():
            raise
        failed = exc if isinstance(exc, _StreamFailed) else _StreamFailed(sys.stdout, exc)
        with _serve_failure_lock:
            if _serve_failure:
                return
            _serve_failure.append(failed)
            _output_failed(failed.stream, failed.error)
        _thread.interrupt_main(signal.SIGINT)


_serve_failure: list[_StreamFailed] = []  # the first write that failed outside main thread
_serve_failure_lock = threading.Lock()


def _check_command(args: argparse.Namespace) -> int:
    # The settings are read even when paths are given: files are checked within the limits
    # the build would apply to them.
    loaded = _load_config(args)
    if loaded is None:
        return EXIT_USAGE
    config, base = loaded
    if args.paths:
        paths = [Path(p) for p in args.paths]
    else:
        paths = [Path(args.input) if args.input else base / config.input]
    missing = [p for p in paths if not p.exists()]
    if missing:
        _err(f"error: {', '.join(map(str, missing))} does not exist")
        return EXIT_USAGE
    if args.summary:
        return _check_summary(paths, config.limits, as_json=args.format == "json",
                              strict=args.strict)
    from archivegen.check import check_sources, report_json, report_lines

    diags = Diagnostics()
    report = check_sources(read_paths(paths, diags, config.limits), diags.items, config.limits)
    if args.format == "json":
        _out(dumps(report_json(report), indent=2))
    else:
        _out_lines(report_lines(report))
    if report.errors or (args.strict and report.warnings):
        return EXIT_CONTENT
    return EXIT_OK


def _check_summary(paths: Sequence[Path], limits: Limits, *, as_json: bool,
                   strict: bool) -> int:
    """`check --summary`: files are read and folded in one at a time (bounded memory)."""
    from archivegen.check import read_lazily, summarize, summary_json, summary_lines

    unlisted = Diagnostics()  # folders that could not be listed
    summary = summarize(read_lazily(paths, limits, unlisted), limits, unlisted)
    if as_json:
        _out(dumps(summary_json(summary), indent=2))
    else:
        _out_lines(summary_lines(summary))
    if summary.errors or (strict and summary.warnings):
        return EXIT_CONTENT
    return EXIT_OK


def _shown(d: Diagnostic, args: argparse.Namespace) -> bool:
    """Is this diagnostic printed? With --quiet only errors are, and with --strict the
    warnings too (they count as errors then)."""
    if not getattr(args, "quiet", False):
        return True
    return d.level == Level.ERROR or (args.strict and d.level == Level.WARNING)


@contextmanager
def _progress_bars(*, enabled: bool) -> Iterator[Progress | None]:
    """The build's phases drawn on stderr when it is a terminal (progress_bars.py); nothing
    at all when it is not (CI, pipes, files). When this ends the bars are done: what is
    printed next starts on a line of its own."""
    if not enabled or not _is_terminal(sys.stderr):
        yield None
        return
    bars = PhaseBars(sys.stderr)
    _drawing.append(bars)
    try:
        yield bars
    finally:
        _drawing.remove(bars)
        bars.close()


# The bars on the terminal now: a line printed meanwhile (serve's "stopping", from a signal
# handler) is written between their redraws, never into one.
_drawing: list[PhaseBars] = []


def _fitted(text: str, stream: TextIO | None) -> str:
    """`text` with each line broken between words to the width of the terminal `stream` is
    (a line wider than the pane would be cut mid-word by the terminal); as it is when the
    stream is not a terminal: scripts read one line."""
    if not _is_terminal(stream):
        return text
    assert stream is not None
    columns = terminal_columns(stream)
    if columns < 20:  # not known (0), or too narrow to be worth it
        return text
    return "\n".join("\n".join(textwrap.wrap(line, width=columns - 1, break_long_words=False,
                                             break_on_hyphens=False, subsequent_indent="  "))
                     or line for line in text.split("\n"))


def _is_terminal(stream: TextIO | None) -> bool:
    return stream is not None and stream.isatty()


def _err(message: str) -> None:
    _write(sys.stderr, message)


def _out(text: str, *, flush: bool = False) -> None:
    _write(sys.stdout, text, flush=flush)


def _out_lines(lines: Iterable[str]) -> None:
    """Lines of a report; a value holding a newline stays on its line, escaped."""
    _out("\n".join(escape_controls(line) for line in lines))


def _write(stream: TextIO | None, text: str, *, flush: bool = False) -> None:
    """Print `text`, whose titles and file names come from untrusted files: every control
    character but the newlines between lines is shown escaped (an ESC would drive the
    terminal), and a lone surrogate as `\\udc80`, so the text never fails to encode.

    A stream that is not there (started with it closed: Python makes it None) is skipped;
    a write that fails raises _StreamFailed, which main turns into an exit code."""
    if stream is None:
        return
    shown = "\n".join(escape_controls(line) for line in text.split("\n")) + "\n"
    with _drawing[-1].paused() if _drawing else nullcontext():
        _write_shown(stream, shown, flush=flush)


def _write_shown(stream: TextIO, shown: str, *, flush: bool) -> None:
    try:
        try:
            stream.write(shown)
        except UnicodeEncodeError:  # a terminal in a legacy encoding (ASCII, Latin-1)
            encoding = stream.encoding or "ascii"
            stream.write(shown.encode(encoding, "backslashreplace").decode(encoding))
        if flush:
            stream.flush()
    except OSError as exc:
        raise _StreamFailed(stream, exc) from None


def _flush(stream: TextIO | None) -> None:
    if stream is None:
        return
    try:
        stream.flush()
    except OSError as exc:
        raise _StreamFailed(stream, exc) from None


def _discard(stream: TextIO | None) -> None:
    """Point `stream`'s file descriptor at /dev/null: what it still holds, and anything
    written later, goes nowhere instead of failing again (at exit, too)."""
    if stream is None:
        return
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (output captured)
        pass


def _fill_closed_std_fds() -> None:
    """Open /dev/null on a standard file descriptor that is closed (`archivegen build
    >&-`): else the first file the build opens gets it, and a write meant for the terminal
    (a worker's, a library's) lands in that file. sys.stdout and sys.stderr stay None: our
    own writes to them are skipped."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError as exc:
            if exc.errno != errno.EBADF:
                continue
            try:
                devnull = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
