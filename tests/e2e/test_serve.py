"""`archivegen serve`: the preview server's safety rules, live reload and rebuilds.

Servers run in the test process on ports the system picks; requests go through http.client,
so each test sets exactly the path and headers it means (a browser would normalise them).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archivegen.cli import main
from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.serve.command import Served, ServeRequest, serve
from archivegen.serve.httpd import EVENTS_PATH, SCRIPT_PATH, ServeOptions, SiteState, make_server
from conftest import FIXTURES, REPO, SEEDS, published, remember, tree_bytes

pytestmark = pytest.mark.slow  # each test builds the fixture archive, or serves, or both

ARCHIVE = FIXTURES / "archive"
OLD = 1_600_000_000


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The seed article and the fixture archive: articles/ in, site/ out."""
    shutil.copytree(ARCHIVE, tmp_path / "articles")
    shutil.copy(SEEDS / "000_680446ff0202b48e.txt", tmp_path / "articles")
    for path in (tmp_path / "articles").rglob("*"):
        os.utime(path, (OLD, OLD))
    return tmp_path


def request_for(project: Path, **options: object) -> ServeRequest:
    config = SiteConfig(input="articles", output="site")
    return ServeRequest(base=project, config=config, config_file=project / "archivegen.yaml",
                        overrides={"input": "articles", "output": "site"},
                        **{"port": 0, **options})  # type: ignore[arg-type]


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    """A running preview of `project` (built, served, watched)."""
    lines: list[str] = []
    preview = Served(request_for(project), lines.append)
    preview.rebuild()
    preview.start()
    preview.lines = lines  # type: ignore[attr-defined]
    try:
        yield preview
    finally:
        preview.stop()


def get(port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
        timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


# --- what is served, and how ----------------------------------------------------------------

def test_binds_this_machine_only_by_default(served: Served) -> None:
    assert served.server.server_address[0] == "127.0.0.1"
    assert served.url == f"http://127.0.0.1:{served.port}/"


def test_pages_have_their_types_and_nosniff_and_no_cors(served: Served) -> None:
    for path, kind in [("/", "text/html; charset=utf-8"),
                       ("/static/style.css", "text/css; charset=utf-8"),
                       ("/static/favicon.svg", "image/svg+xml"),
                       ("/feed.xml", "application/xml; charset=utf-8")]:
        status, headers, _ = get(served.port, path)
        assert (status, headers["content-type"]) == (200, kind), path
        assert headers["x-content-type-options"] == "nosniff"
        assert "access-control-allow-origin" not in headers


def test_head_answers_like_get_without_a_body(served: Served) -> None:
    status, headers, body = get(served.port, "/", method="HEAD")
    _, got, page = get(served.port, "/")
    assert (status, body) == (200, b"")
    assert headers["content-length"] == got["content-length"] == str(len(page))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_get_405(served: Served, method: str) -> None:
    status, headers, _ = get(served.port, "/", method=method)
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_a_missing_file_gets_the_sites_404_page(served: Served) -> None:
    status, headers, body = get(served.port, "/no/such/page/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert (served.output_dir / "404.html").read_bytes().split(b"</body>")[0] in body


def test_a_folder_without_its_slash_is_redirected_path_only(served: Served) -> None:
    status, headers, _ = get(served.port, "/archive?x=1")
    assert status == 301 and headers["location"] == "/archive/?x=1"


@pytest.mark.parametrize("path", [
    "/../site/index.html", "/%2e%2e/%2e%2e/etc/passwd", "/static/%2e%2e/%2e%2e/articles/",
    "/a%00b", "/static%5c..%5cindex.html", "/static/./style.css", "//etc/passwd",
])
def test_paths_that_leave_or_bend_the_folder_are_refused(served: Served, path: str) -> None:
    status, _, body = get(served.port, path)
    assert status in (400, 404), path
    assert b"root:" not in body


def test_percent_decoding_happens_once(served: Served) -> None:
    (served.output_dir / "%2e%2e").mkdir()
    (served.output_dir / "%2e%2e" / "x.txt").write_text("a file named with a percent")
    status, _, body = get(served.port, "/%252e%252e/x.txt")
    assert (status, body) == (200, b"a file named with a percent")


def test_symlinks_out_of_the_folder_are_refused(served: Served, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    (served.output_dir / "leak.txt").symlink_to(secret)
    (served.output_dir / "leakdir").symlink_to(tmp_path)
    (served.output_dir / "inside.css").symlink_to(served.output_dir / "static" / "style.css")
    assert get(served.port, "/leak.txt")[0] == 404
    assert get(served.port, "/leakdir/secret.txt")[0] == 404
    assert get(served.port, "/inside.css")[0] == 200


@pytest.mark.parametrize("host, status", [
    ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("", 403),
    ("localhost", 200), ("LOCALHOST:{port}", 200), ("[::1]:{port}", 200),
])
def test_the_host_header_must_name_this_machine(served: Served, host: str,
                                                 status: int) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: it is refused."""
    got, _, _ = get(served.port, "/", headers={"Host": host.format(port=served.port)})
    assert got == status


def test_a_malformed_request_does_not_take_the_server_down(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"\x00\xff garbage\r\n\r\n")
        sock.recv(1024)
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        sock.recv(1024)
    assert get(served.port, "/")[0] == 200


def test_error_responses_are_plain_text_with_nosniff(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        head = sock.recv(4096).decode("latin-1").lower()
    assert head.startswith("http/1.1 414"), head
    assert "x-content-type-options: nosniff" in head and "text/plain" in head


def test_a_request_body_is_never_read_as_a_request(served: Served) -> None:
    """A POST (405) whose body looks like a request: the connection is closed after the
    405, so the body is not answered as a second request."""
    smuggled = f"GET /static/style.css HTTP/1.1\r\nHost: localhost:{served.port}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall((f"POST / HTTP/1.1\r\nHost: localhost:{served.port}\r\n"
                      f"Content-Length: {len(smuggled)}\r\n\r\n{smuggled}").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 405") and answer.count(b"HTTP/1.1 ") == 1


def test_ip_addresses_are_accepted_host_names_are_not(served: Served) -> None:
    """Rebinding needs a name of the attacker's: an address typed into the browser is this
    server reached directly (as from another machine with --host 0.0.0.0)."""
    for host in ("192.168.1.20:8000", "[fe80::1]:8000", "10.0.0.7"):
        assert get(served.port, "/", headers={"Host": host})[0] == 200, host
    for host in ("[::1]evil.example", "localhost:evil", "localhost.", "127.0.0.1.nip.io"):
        assert get(served.port, "/", headers={"Host": host})[0] == 403, host


def test_a_redirect_names_a_folder_with_a_percent_in_its_name(served: Served) -> None:
    (served.output_dir / "a%20b").mkdir()
    (served.output_dir / "a%20b" / "index.html").write_text("<p>percent</p>")
    status, headers, _ = get(served.port, "/a%2520b")
    assert status == 301 and headers["location"] == "/a%2520b/"
    assert get(served.port, headers["location"])[0] == 200


# --- live reload ------------------------------------------------------------------------------

def test_the_reload_script_is_added_when_served_never_on_disk(served: Served) -> None:
    _, _, page = get(served.port, "/")
    assert SCRIPT_PATH.encode() in page
    assert get(served.port, SCRIPT_PATH)[1]["content-type"].startswith("text/javascript")
    assert not any(SCRIPT_PATH.encode() in data or b"__archivegen" in data
                   for data in tree_bytes(served.output_dir).values())


def test_the_events_endpoint_checks_origin(served: Served) -> None:
    own = f"http://127.0.0.1:{served.port}"
    assert get(served.port, f"{EVENTS_PATH}?since=-1", headers={"Origin": own})[0] == 200
    status, headers, _ = get(served.port, f"{EVENTS_PATH}?since=-1",
                             headers={"Origin": "http://evil.example"})
    assert status == 403 and "access-control-allow-origin" not in headers


def test_an_edit_advances_the_version_and_a_waiting_request_returns(served: Served,
                                                                   project: Path) -> None:
    _, _, data = get(served.port, f"{EVENTS_PATH}?since=-1")
    version = json.loads(data)["version"]
    answer: list[dict[str, object]] = []
    waiting = threading.Thread(target=lambda: answer.append(json.loads(
        get(served.port, f"{EVENTS_PATH}?since={version}")[2])))
    waiting.start()
    time.sleep(0.3)
    assert not answer  # it waits for the next version
    article = sorted((project / "articles").glob("md_*.md"))[0]
    article.write_text(article.read_text() + "\n\nA sentence added while serving.\n")
    waiting.join(timeout=30)
    assert answer and answer[0]["version"] == version + 1 and answer[0]["problems"] == []
    url = next(a["url"] for a in json.loads(
        (project / ".archivegen" / "build-report.json").read_text())["articles"]
        if a["source"] == article.name)
    assert b"A sentence added while serving." in get(served.port, url)[2]


def test_broken_yaml_shows_its_file_and_line_and_fixing_it_clears(served: Served,
                                                                  project: Path) -> None:
    article = sorted((project / "articles").glob("md_*.md"))[1]
    good = article.read_text()
    version = served.state.version
    article.write_text(good.replace("title:", "title: a: b", 1))  # (line 2)
    assert wait_for(lambda: served.state.version > version)
    problems = json.loads(get(served.port, f"{EVENTS_PATH}?since=-1")[2])["problems"]
    assert problems and problems[0]["location"].startswith(f"{article.name}:2:")
    assert problems[0]["code"] == "AG010"
    article.write_text(good)
    # (write_text truncates first: a rebuild may see the file empty before the one that
    # sees it whole, so wait for the problems to clear rather than for one more build)
    assert wait_for(
        lambda: json.loads(get(served.port, f"{EVENTS_PATH}?since=-1")[2])["problems"] == [])


def test_template_and_settings_errors_show_their_file_and_line(served: Served,
                                                               project: Path) -> None:
    (project / "templates").mkdir()  # the theme folder appears: it is watched from now on
    version = served.state.version
    broken = project / "templates" / "terms.html"
    broken.write_text('{% extends "base.html" %}\n{% block content %}\n{% if %}\n'
                      '{% endblock %}\n')
    assert wait_for(lambda: any(p.code == "AG050" for p in served.state.problems))
    problem = next(p for p in served.state.problems if p.code == "AG050")
    assert problem.location.endswith("terms.html:3:1"), problem
    broken.unlink()
    assert wait_for(lambda: served.state.version > version and not served.state.problems)
    settings = project / "archivegen.yaml"
    settings.write_text("title: My archive\npage_size: [not a number\n")
    assert wait_for(lambda: any(p.code == "AG010" for p in served.state.problems))
    assert served.state.problems[0].location.startswith(f"{settings}:")
    settings.write_text("title: My archive\npage_size: 7\n")
    assert wait_for(lambda: not served.state.problems and served.config.page_size == 7)
    assert wait_for(lambda: b"My archive" in get(served.port, "/")[2])


def test_the_watcher_survives_what_it_meets(served: Served, project: Path) -> None:
    """Hostile settings (nesting too deep to parse) and a build lock held elsewhere do not
    stop it: the errors show, and a later edit still rebuilds."""
    settings = project / "archivegen.yaml"
    settings.write_text("title: " + "[" * 5000 + "\n")
    assert wait_for(lambda: any(str(settings) in p.location for p in served.state.problems))
    settings.write_text("title: Fine again\n")
    assert wait_for(lambda: not served.state.problems)
    version = served.state.version
    article = sorted((project / "articles").glob("md_*.md"))[2]
    article.write_text(article.read_text() + "\n\nStill watched.\n")
    assert wait_for(lambda: served.state.version > version)
    assert "watcher" in [t.name.split("-")[-1] for t in threading.enumerate()]


def test_settings_replaced_by_a_fifo_are_refused_and_the_watcher_goes_on(
        served: Served, project: Path) -> None:
    """A settings file swapped for a FIFO while serving was opened for reading: the watcher
    waited for a writer forever and no edit was built again."""
    settings = project / "archivegen.yaml"
    settings.unlink(missing_ok=True)
    os.mkfifo(settings)
    assert wait_for(lambda: any("FIFO" in p.message for p in served.state.problems))
    settings.unlink()
    settings.write_text("title: Fine again\n")
    assert wait_for(lambda: not served.state.problems)
    version = served.state.version
    article = sorted((project / "articles").glob("md_*.md"))[2]
    article.write_text(article.read_text() + "\n\nStill watched.\n")
    assert wait_for(lambda: served.state.version > version)


def test_settings_naming_a_missing_input_folder_are_refused(served: Served,
                                                             project: Path) -> None:
    """The site is not emptied by a typo in `input`: the last good settings stay."""
    served.request.overrides.clear()  # as when the command was given no --input
    (project / "archivegen.yaml").write_text("input: artcles\noutput: site\n")
    assert wait_for(lambda: any(p.code == "AG012" for p in served.state.problems))
    assert (served.output_dir / "index.html").is_file()
    assert served.config.input == "articles"
    # The terminal says it too (it printed nothing: the page showed the old settings).
    lines = served.lines  # type: ignore[attr-defined]
    assert any("input folder" in line and line.endswith("[AG012]") for line in lines)


def test_settings_naming_the_output_as_the_theme_are_refused(served: Served,
                                                             project: Path) -> None:
    """A theme folder set to the output folder while serving (the command checked it only
    at its start): the next build would have pruned the theme. The last good settings stay."""
    served.request.overrides.clear()
    theme = served.config.theme_dir
    (project / "archivegen.yaml").write_text(
        f"input: articles\noutput: site\ntheme_dir: {served.output_dir}\n")
    assert wait_for(lambda: any("theme folder" in p.message for p in served.state.problems))
    assert served.config.theme_dir == theme
    lines = served.lines  # type: ignore[attr-defined]
    assert any("theme folder" in line and line.endswith("[AG012]") for line in lines)
    assert (served.output_dir / "index.html").is_file()


def test_a_settings_error_stays_shown_while_articles_change(served: Served,
                                                             project: Path) -> None:
    settings = project / "archivegen.yaml"
    settings.write_text("page_size: [oops\n")
    assert wait_for(lambda: any(p.code == "AG010" for p in served.state.problems))
    version = served.state.version
    article = sorted((project / "articles").glob("md_*.md"))[2]
    article.write_text(article.read_text() + "\n\nAn edit while the settings are broken.\n")
    assert wait_for(lambda: served.state.version > version)
    assert any(p.code == "AG010" for p in served.state.problems)


def test_requests_during_a_build_wait_for_it(served: Served) -> None:
    """Never a page of a build half done: a request made while a build writes is answered
    once it has ended."""
    answered: list[float] = []
    with served.state.building():
        thread = threading.Thread(target=lambda: (get(served.port, "/"),
                                                  answered.append(time.monotonic())))
        thread.start()
        time.sleep(0.5)
        assert not answered
        ended = time.monotonic()
    thread.join(timeout=10)
    assert answered and answered[0] >= ended


# --- options ------------------------------------------------------------------------------------

def test_no_reload_serves_the_files_as_they_are(project: Path) -> None:
    preview = Served(request_for(project, reload=False), lambda line: None)
    preview.rebuild()
    preview.start()
    try:
        _, _, page = get(preview.port, "/")
        assert page == (preview.output_dir / "index.html").read_bytes()
        assert get(preview.port, f"{EVENTS_PATH}?since=-1")[0] == 404
    finally:
        preview.stop()


def test_base_path_serves_the_site_under_it(project: Path) -> None:
    preview = Served(request_for(project, base_path="/archive-preview/"), lambda line: None)
    preview.rebuild()
    preview.start()
    try:
        assert preview.url.endswith("/archive-preview/")
        assert get(preview.port, "/")[1]["location"] == "/archive-preview/"
        assert get(preview.port, "/archive-preview")[1]["location"] == "/archive-preview/"
        status, _, page = get(preview.port, "/archive-preview/static/style.css")
        assert status == 200 and page == (preview.output_dir / "static/style.css").read_bytes()
        assert get(preview.port, "/static/style.css")[0] == 404
    finally:
        preview.stop()


def test_a_taken_default_port_moves_to_the_next_free_one(project: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import archivegen.serve.command as serving

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(serving, "DEFAULT_PORT", port)
        preview = Served(request_for(project, port=None), lambda line: None)
        try:
            assert preview.port != port and port < preview.port < port + serving.PORT_TRIES
        finally:
            preview.server.server_close()


def test_a_taken_port_given_with_port_is_an_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        lines: list[str] = []
        assert serve(request_for(project, port=taken.getsockname()[1]), lines.append) == 2
    assert lines and lines[0].startswith("error: cannot serve on 127.0.0.1:")


def test_another_host_is_served_with_a_warning(project: Path) -> None:
    lines: list[str] = []
    state = SiteState()
    server = make_server(ServeOptions(root=project, state=state), "127.0.0.1", 0)
    server.server_close()
    request = request_for(project, host="0.0.0.0")
    stopper = threading.Timer(3.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    stopper.start()
    try:
        assert serve(request, lines.append) == 0
    finally:
        stopper.cancel()
    assert any(line.startswith("warning: serving on 0.0.0.0") for line in lines)


# --- the command --------------------------------------------------------------------------------

@pytest.mark.parametrize("built_before", [False, True])
def test_the_command_serves_and_stops_cleanly_on_ctrl_c(project: Path,
                                                       built_before: bool) -> None:
    """It says what it built (even when the site was up to date) and where it serves."""
    if built_before:
        assert main(["build", "-q", "--input", str(project / "articles"), "--output",
                     str(project / "site")]) == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "archivegen", "serve", "--input", "articles",
                             "--output", "site", "--port", str(port)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [""]
        while "serving" not in lines[-1]:
            lines.append(proc.stdout.readline())
            assert lines[-1], proc.stderr.read() if proc.stderr else ""
        assert any(line.startswith("built ") and " pages into " in line for line in lines)
        assert f"at http://127.0.0.1:{port}/ (Ctrl-C to stop)" in lines[-1]
        assert get(port, "/")[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err and "stopping" in out
    assert not list((project / "site" / ".archivegen-tmp").glob("*"))


# Files in the project folder through which a Ctrl-C test and its child process meet (their
# names start with a dot: serve's watcher ignores them).
WORKERS_STARTING = ".test-render-workers-starting"  # made by the child: workers are starting
HOLD = ".test-hold-the-build"  # made by the test: the build may not end while it exists

# The Ctrl-C tests' child processes run this first. A build renders in two spawned worker
# processes; once both are started (and still importing: that takes tenths of a second) the
# child makes WORKERS_STARTING (load workers are spawned too: they do not count). Ctrl-C is
# ignored while a worker is being started, so the test must not send it before. And the
# build cannot end while HOLD exists, so it cannot be over before the test has sent Ctrl-C
# (on a loaded machine it was, once).
BUILD_WATCHED = """
import os, time
import archivegen.build as build
import archivegen.workers as workers
import archivegen.processes as processes
workers.PARALLEL_MIN_FILES = workers.RENDER_PARALLEL_MIN = 1  # worker processes, as at scale
os.cpu_count = lambda: 2  # two render workers, whatever the machine
real_start = processes.QuietSpawnProcess.start
started = []
def start(self):
    render = workers._init_render_worker in self._args  # (else a load worker)
    real_start(self)
    if not render:
        return
    started.append(self)
    if len(started) % 2 == 0:  # the second render worker of a build
        open(WORKERS_STARTING, "a").close()
processes.QuietSpawnProcess.start = start
real_write_tree = build.write_tree
def write_tree(output_dir, files, *rest, **kw):
    def held():
        yield from files
        end = time.monotonic() + 60
        while os.path.exists(HOLD) and time.monotonic() < end:
            time.sleep(0.01)
    return real_write_tree(output_dir, held(), *rest, **kw)
build.write_tree = write_tree
""".replace("WORKERS_STARTING", repr(WORKERS_STARTING)).replace("HOLD", repr(HOLD))

CTRL_C_DURING_A_BUILD = BUILD_WATCHED + """
import sys
from archivegen.cli import main
sys.exit(main(["serve", "--input", "articles", "--output", "site", "--port", sys.argv[1]]))
"""


def test_ctrl_c_during_a_build_with_workers_stops_cleanly(project: Path) -> None:
    """Ctrl-C at a terminal signals the whole process group, workers included: no trace
    from any of them, no process left, the build's files whole."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mark = f"ARCHIVEGEN_TEST_MARK={project}"
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_DURING_A_BUILD, str(port)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            env={**os.environ, "ARCHIVEGEN_TEST_MARK": str(project)})
    try:
        assert proc.stdout is not None
        line = ""
        while "serving" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
        (project / WORKERS_STARTING).unlink(missing_ok=True)  # (made by the first build)
        (project / HOLD).touch()
        (project / "archivegen.yaml").write_text("page_size: 3\n")  # every page changes
        out, err = ctrl_c_while_workers_start(proc, project)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "archivegen.yaml changed: built" in out  # the build under way was finished
    assert wait_for(lambda: not marked_processes(mark), timeout=10)
    assert not list((project / "site" / ".archivegen-tmp").glob("*"))


def ctrl_c_while_workers_start(proc: subprocess.Popen[str], project: Path) -> tuple[str, str]:
    """Ctrl-C as a terminal sends it (to the whole process group) while the build's render
    workers start (once the site is indexed, while the build process plans: workers.
    EarlyWorkers): a worker still importing used to die with a trace. The child runs
    BUILD_WATCHED, and HOLD exists: Ctrl-C goes as soon as the child says its workers are
    starting, and the build cannot have ended before (HOLD goes once it is sent). The rest
    of the process's output."""
    starting = project / WORKERS_STARTING
    end = time.monotonic() + 60
    while not starting.exists() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.005)
    try:
        assert starting.exists(), proc.poll()
        assert proc.poll() is None  # the build is under way
        os.killpg(proc.pid, signal.SIGINT)
    finally:
        (project / HOLD).unlink(missing_ok=True)
    return proc.communicate(timeout=60)


def marked_processes(mark: str) -> list[int]:
    """Processes whose environment carries `mark` (this test's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


CTRL_C_DURING_BUILD = BUILD_WATCHED + """
import sys
from archivegen.cli import main
sys.exit(main(["build", "--input", "articles", "--output", "site"]))
"""


def test_ctrl_c_during_archivegen_build_exits_130_without_a_trace(project: Path,
                                                                  tmp_path: Path) -> None:
    (project / HOLD).touch()
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_DURING_BUILD], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, err = ctrl_c_while_workers_start(proc, project)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().endswith("interrupted")
    assert main(["build", "-q", "--input", "articles", "--output", "site"]) == 0
    clean = tmp_path / "clean"
    assert main(["build", "-q", "--no-cache", "--input", "articles", "--output",
                 str(clean)]) == 0
    assert tree_bytes(project / "site") == tree_bytes(clean)


# --- rebuilds from what the watcher reports (incremental/watched.py, preview.py) ----------------

def _settled(served: Served, quiet: float = 1.0) -> bool:
    """Wait until no build has run for `quiet` seconds (the watcher's batches all built)."""
    def still() -> bool:
        version = served.state.version
        time.sleep(quiet)
        return served.state.version == version and served._changes.empty()
    return wait_for(still, timeout=60)


def _clean_site(project: Path, tmp: Path) -> dict[str, bytes]:
    """The site a clean build of the project's articles makes, remembering its URLs."""
    remember(tmp, published(project))
    build(tmp, SiteConfig(input=str(project / "articles"), output=str(tmp / "site"),
                          theme_dir=str(project / "templates")))
    return tree_bytes(tmp / "site")


def test_edits_the_watcher_reports_leave_the_site_a_clean_build_makes(
        project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Edited twice in one batch, added, deleted, a folder renamed: each build starts from
    the last scan patched from the reported paths, or a full scan when they cannot tell."""
    (project / "articles" / "more").mkdir()
    moved = sorted((project / "articles").glob("md_*.md"))[6]
    moved.rename(project / "articles" / "more" / moved.name)
    preview = Served(request_for(project), lambda line: None)
    preview.rebuild()
    preview.start()
    try:
        articles = sorted((project / "articles").glob("md_*.md"))
        articles[0].write_text(articles[0].read_text() + "\n\nFirst edit.\n")
        articles[0].write_text(articles[0].read_text() + "\n\nSecond edit, at once.\n")
        assert _settled(preview)
        (project / "articles" / "md_new.md").write_text(
            "---\ntitle: A new article\ndate: 2020-03-04\n---\n\nNew while serving.\n")
        articles[1].unlink()
        assert _settled(preview)
        (project / "articles" / "more").rename(project / "articles" / "renamed")
        assert _settled(preview)
        assert "md_new.md" in json.dumps(json.loads(
            (project / ".archivegen" / "build-report.json").read_text())["articles"])
        site = tree_bytes(project / "site")
    finally:
        preview.stop()
    assert site == _clean_site(project, tmp_path_factory.mktemp("clean"))


def test_a_change_made_while_nothing_watched_is_built_when_watching_starts(
        project: Path) -> None:
    """The first build after the watcher starts scans every input: changes made before
    it watched (behind its back) are not left out."""
    preview = Served(request_for(project), lambda line: None)
    preview.rebuild()
    article = sorted((project / "articles").glob("md_*.md"))[2]
    article.write_text(article.read_text() + "\n\nWritten before the watcher started.\n")
    version = preview.state.version
    preview.start()
    try:
        assert wait_for(lambda: preview.state.version > version)
        url = next(a["url"] for a in json.loads(
            (project / ".archivegen" / "build-report.json").read_text())["articles"]
            if a["source"] == article.name)
        assert b"Written before the watcher started." in get(preview.port, url)[2]
    finally:
        preview.stop()


def test_an_article_edit_lets_tabs_swap_a_stylesheet_edit_reloads_them(
        project: Path) -> None:
    (project / "templates" / "static").mkdir(parents=True)
    (project / "templates" / "static" / "style.css").write_text("body { color: black; }\n")
    preview = Served(request_for(project), lambda line: None)
    preview.rebuild()
    preview.start()
    try:
        assert _settled(preview)  # (the watcher's first build: a full scan, a reload)
        version = preview.state.version
        article = sorted((project / "articles").glob("md_*.md"))[4]
        article.write_text(article.read_text() + "\n\nText only.\n")
        assert wait_for(lambda: preview.state.version > version)
        answer = json.loads(get(preview.port, f"{EVENTS_PATH}?since={version}")[2])
        assert answer["hard"] <= version  # every version since: a swap is enough
        version = preview.state.version
        (project / "templates" / "static" / "style.css").write_text("body { color: red; }\n")
        assert wait_for(lambda: preview.state.version > version)
        answer = json.loads(get(preview.port, f"{EVENTS_PATH}?since={version}")[2])
        assert answer["hard"] == answer["version"]
        assert get(preview.port, "/static/style.css")[2] == b"body { color: red; }\n"
    finally:
        preview.stop()


def test_a_template_edit_shows_the_open_article_before_the_full_build(
        project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    (project / "templates").mkdir()
    base = (REPO / "templates" / "base.html").read_text()
    (project / "templates" / "base.html").write_text(base)
    os.utime(project / "templates" / "base.html", (OLD, OLD))  # (a basis for quick rebuilds)
    preview = Served(request_for(project), lambda line: None)
    preview.rebuild()
    preview.start()
    versions: list[tuple[int, frozenset[str]]] = []
    original = preview.state.published

    def noted(problems: tuple[object, ...], **options: object) -> None:
        original(problems, **options)  # type: ignore[arg-type]
        versions.append((preview.state.version, preview.state.ready))

    preview.state.published = noted  # type: ignore[method-assign]
    try:
        assert _settled(preview)
        versions.clear()
        article = sorted((project / "articles").glob("md_*.md"))[3]
        url = next(a["url"] for a in json.loads(
            (project / ".archivegen" / "build-report.json").read_text())["articles"]
            if a["source"] == article.name)
        # A tab shows the article (its reload script names the page when it polls).
        get(preview.port, f"{EVENTS_PATH}?since=-1&page={url}")
        (project / "templates" / "base.html").write_text(
            base.replace('<main id="main">', '<main id="main">\n<p>Theme note.</p>', 1))
        assert wait_for(lambda: len(versions) >= 2)
        assert _settled(preview)
        first_ready = versions[0][1]
        assert url.strip("/") + "/index.html" in first_ready  # made first, served at once
        assert "static/style.css" in first_ready
        assert versions[-1][1] == frozenset()  # then the full build: the whole site
        assert b"Theme note." in get(preview.port, url)[2]
        assert b"Theme note." in get(preview.port, "/")[2]
        site = tree_bytes(project / "site")
    finally:
        preview.stop()
    assert site == _clean_site(project, tmp_path_factory.mktemp("clean"))


def test_a_change_the_watcher_missed_is_built_when_the_settings_file_is_touched(
        project: Path) -> None:
    """What the watcher never reports (some network file systems) stays unbuilt until a
    full scan: touching the settings file asks for one (docs/serve.md)."""
    article = sorted((project / "articles").glob("md_*.md"))[5]
    missed = str(article.resolve())
    preview = Served(request_for(project), lambda line: None)
    relevant = preview._relevant
    preview._relevant = lambda change, path: path != missed and relevant(change, path)  # type: ignore[method-assign]
    preview.rebuild()
    preview.start()
    try:
        assert _settled(preview)
        url = next(a["url"] for a in json.loads(
            (project / ".archivegen" / "build-report.json").read_text())["articles"]
            if a["source"] == article.name)
        article.write_text(article.read_text() + "\n\nMissed by the watcher.\n")
        assert _settled(preview)
        assert b"Missed by the watcher." not in get(preview.port, url)[2]
        (project / "archivegen.yaml").write_text("")
        assert wait_for(lambda: b"Missed by the watcher." in get(preview.port, url)[2])
    finally:
        preview.stop()
