"""Red-team cases of issue #14 not covered elsewhere: each failed before its fix.

Each case is built through the CLI in a project folder of its own, as a user would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivegen.cli import main
from archivegen.limits import DEFAULT_LIMITS
from archivegen.serve.httpd import ServeOptions, SiteState, make_server
from conftest import HARBOUR_ARTICLE, run_build, two_article_project

ARTICLE = HARBOUR_ARTICLE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with in/ holding two ordinary articles."""
    return two_article_project(tmp_path)


def build(project: Path) -> int:
    return run_build(project / "in", project / "out")


def write_manifest(out: Path, files: list[object]) -> None:
    (out / ".archivegen-manifest.json").write_text(
        json.dumps({"generator": "archivegen", "files": files}))


def test_a_folder_listed_in_the_manifest_is_left_alone_and_builds_go_on(
        project: Path) -> None:
    """A folder (the user's, or one made where a page was) named by the manifest stopped
    every build with 'Is a directory', forever: the manifest was never rewritten."""
    assert build(project) == 0
    out = project / "out"
    (out / "userdir" / "sub").mkdir(parents=True)
    (out / "userdir" / "sub" / "keep").write_text("mine\n")
    (out / "file").write_text("mine\n")
    listed = json.loads((out / ".archivegen-manifest.json").read_text())["files"]
    write_manifest(out, [*listed, "userdir", "userdir/sub", "file/below", ".archivegen-tmp",
                         ".archivegen-tmp/x", ".archivegen-manifest.json"])
    assert build(project) == 0
    assert build(project) == 0
    assert (out / "userdir" / "sub" / "keep").read_text() == "mine\n"
    assert (out / "file").read_text() == "mine\n"
    files = json.loads((out / ".archivegen-manifest.json").read_text())["files"]
    assert "userdir" not in files and ".archivegen-manifest.json" not in files
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["project", "above", "home", "theme", "theme/sub", "state"])
def test_an_output_folder_over_the_users_own_files_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    """Input elsewhere, the output the project folder (holding archivegen.yaml) or one
    above it, the home folder, the theme or the state folder: the build wrote index.html,
    404.html and feed.xml over the user's own (a theme's 404.html and feed.xml templates
    were replaced by pages)."""
    articles = tmp_path / "a" / "articles"
    articles.mkdir(parents=True)
    (articles / "harbour.txt").write_text(ARTICLE)
    proj = tmp_path / "b" / "proj"
    (proj / "templates").mkdir(parents=True)
    (proj / "archivegen.yaml").write_text("title: Mine\n")
    (proj / "templates" / "404.html").write_text("{% extends 'base.html' %}\n")
    (proj / ".archivegen").mkdir()
    home = tmp_path / "home"
    (proj / "index.html").write_text("mine\n")
    home.mkdir()
    (home / "index.html").write_text("mine\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(proj)
    output = {"project": proj, "above": proj.parent, "home": home, "theme": proj / "templates",
              "theme/sub": proj / "templates" / "sub", "state": proj / ".archivegen"}[where]
    assert run_build(articles, output) == 2
    assert "must not be" in capsys.readouterr().err
    assert (proj / "index.html").read_text() == "mine\n"
    assert (home / "index.html").read_text() == "mine\n"
    assert (proj / "templates" / "404.html").read_text() == "{% extends 'base.html' %}\n"
    assert not (output / "feed.xml").exists()


def test_without_a_settings_file_the_current_folder_may_be_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No archivegen.yaml: the current folder is no project, and `--output .` builds."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(ARTICLE)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(site)
    assert run_build(articles, site) == 0
    assert (site / "index.html").is_file()


@pytest.mark.slow
def test_folders_nested_thousands_deep_are_walked_without_recursion(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1,500 nested folders ended build and check with a RecursionError traceback."""
    deep = project / "in" / "deep"
    deep.mkdir()
    folders = [os.fspath(deep)]
    for _ in range(1500):
        folders.append(os.path.join(folders[-1], "d"))
        os.mkdir(folders[-1])
    bottom = os.path.join(folders[-1], "bottom.txt")
    with open(bottom, "w") as handle:
        handle.write("Found at the bottom\n\nA body.\n")
    try:
        assert build(project) == 0
        assert list((project / "out").glob("undated/found-at-the-bottom/index.html"))
        assert main(["check", str(project / "in")]) == 0
        assert "Traceback" not in capsys.readouterr().err
    finally:  # removed here: pytest's own clean-up (shutil.rmtree) recurses too deep
        os.unlink(bottom)
        for folder in reversed(folders):
            os.rmdir(folder)


@pytest.fixture
def served_site(project: Path) -> Iterator[int]:
    """The dev server over a built site, in a thread; its port."""
    assert build(project) == 0
    server = make_server(ServeOptions(root=project / "out", state=SiteState()), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def status_of(port: int, head: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.format(port=port).encode() + b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("head", [
    "GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n",
    "GET http://evil.example:{port}/index.html HTTP/1.1\r\nHost: localhost\r\n",
    "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n",
    "GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:{port}\r\n",
])
def test_a_request_naming_another_host_anywhere_is_refused(served_site: int,
                                                           head: str) -> None:
    """An absolute URL in the request line names the host asked for (it wins over Host),
    and two Host headers may be read differently by a proxy: both were served (200)."""
    assert status_of(served_site, head).startswith(b"HTTP/1.1 403")
    assert status_of(served_site, "GET http://localhost:{port}/ HTTP/1.1\r\n"
                     "Host: 127.0.0.1:{port}\r\n").startswith(b"HTTP/1.1 200")
    assert status_of(served_site, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     ).startswith(b"HTTP/1.1 200")


@pytest.mark.slow
def test_thousands_of_terms_on_one_article_are_capped(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """8,000 tags and 8,000 authors (a 94 KB file) made 32,000 pages, each term's feed
    listing all 16,000 terms: 5.3 GB and 100 s. Now the first terms_per_article (AG033)."""
    names = ", ".join(f"t{i}" for i in range(3000))
    (project / "in" / "many.md").write_text(
        f"---\ntitle: Many\ndate: 2020-01-01\ntags: [{names}]\nauthors: [{names}]\n---\nBody.\n")
    assert build(project) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "[AG033]" in line]
    assert len(warned) == 2 and all(line.startswith("many.md:") for line in warned)
    tags = [p.name for p in (project / "out" / "tags").iterdir() if p.is_dir()]
    assert len(tags) == DEFAULT_LIMITS.terms_per_article and "t0" in tags
    assert sum(p.stat().st_size for p in (project / "out").rglob("*")) < 50_000_000


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_is_read_as_text(project: Path, encoding: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """What Windows editors save as "Unicode" was refused as binary (AG001): the article
    was lost. With a BOM it is read; a NUL character in it is still binary."""
    text = "Café reopens\r\n\r\nThe café reopened on Monday.\r\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    (project / "in" / "wide.txt").write_bytes(raw)
    (project / "in" / "nul.txt").write_bytes("Nul\x00 inside\n\nBody.\n".encode("utf-16"))
    assert build(project) == 1
    err = capsys.readouterr().err
    assert "nul.txt:" in err and "[AG001]" in err and "wide.txt" not in err
    page = project / "out" / "undated" / "cafe-reopens" / "index.html"
    assert "The café reopened on Monday." in page.read_text("utf-8")


@pytest.mark.slow
def test_a_fifo_in_the_output_folder_is_not_served_nor_waited_on(
        project: Path, served_site: int) -> None:
    """The dev server read a FIFO in the output folder (a page, a folder's index.html, the
    404 page) and its thread waited forever; now it is not found, at once."""
    out = project / "out"
    os.mkfifo(out / "trap.html")
    (out / "trapdir").mkdir()
    os.mkfifo(out / "trapdir" / "index.html")
    for path in ("/trap.html", "/trapdir/"):
        assert status_of(served_site, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{{port}}\r\n"
                         ).startswith(b"HTTP/1.1 404")
    (out / "404.html").unlink()
    os.mkfifo(out / "404.html")
    assert status_of(served_site, "GET /missing HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     ).startswith(b"HTTP/1.1 404")


def test_a_tampered_manifest_never_prunes_hidden_files(project: Path) -> None:
    """A manifest listing .git/config or .htaccess (an output folder that is a Pages
    repository) had them deleted by the next build: no page has a hidden name."""
    assert build(project) == 0
    out = project / "out"
    (out / ".git").mkdir()
    (out / ".git" / "config").write_text("[core]\n")
    (out / ".htaccess").write_text("Deny from all\n")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: x\n")
    listed = json.loads((out / ".archivegen-manifest.json").read_text())["files"]
    write_manifest(out, [*listed, ".git/config", ".htaccess", ".well-known/security.txt"])
    assert build(project) == 0
    assert (out / ".git" / "config").read_text() == "[core]\n"
    assert (out / ".htaccess").read_text() == "Deny from all\n"
    assert (out / ".well-known" / "security.txt").read_text() == "Contact: x\n"


def test_the_output_may_not_be_a_theme_folder_that_does_not_exist_yet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`--output templates` in a project without templates/ was accepted: the build created
    the theme folder full of pages, and the next build read its feed.xml as the feed
    template, running `{{ ... }}` from an article's text as Jinja. Refused (exit 2) whether
    the theme folder exists or not."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "j.md").write_text(
        "---\ntitle: Jinja test\ndate: 2017-05-30\n---\n\nSum {{ 7*7 }} end.\n")
    monkeypatch.chdir(tmp_path)
    for output in ("templates", "templates/site"):
        assert main(["build", "--quiet", "--output", output]) == 2
        assert "must not be the theme folder" in capsys.readouterr().err
        assert not (tmp_path / "templates").exists()
    assert main(["build", "--quiet"]) == 0
    assert "Sum {{ 7*7 }} end." in (tmp_path / "build" / "feed.xml").read_text()


def _aged(path: Path, text: str, when: int) -> None:
    """Write `text`, with a modification time long past (a stat a build may trust)."""
    path.write_text(text)
    os.utime(path, (when, when))


@pytest.mark.parametrize("case", ["broken sidecar", "another file broken"])
def test_a_quick_rebuild_with_errors_removes_no_published_page(
        tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A quick rebuild deleted the old page of an article whose URL moved in a build with
    errors (a sidecar broken so that its slug was lost; or a title edit while another file
    was broken), where the full build keeps it ("kept because this build had errors"). Now
    it leaves that to the full build: both give the same site."""
    src = tmp_path / "in"
    src.mkdir()
    _aged(src / "b.txt", "# Old Title\n\nBody two text.\n", 1_600_000_000)
    _aged(src / "c.txt", "# Other\n\nOther body.\n", 1_600_000_000)
    if case == "broken sidecar":
        _aged(src / "b.txt.yaml", "slug: my-published-url\n", 1_600_000_000)
        old_page = "undated/my-published-url/index.html"
    else:
        _aged(src / "e.md", "---\ntitle: [broken\n---\n\nBody.\n", 1_600_000_000)
        old_page = "undated/old-title/index.html"
    out = tmp_path / "out"
    assert run_build(src, out) == (0 if case == "broken sidecar" else 1)
    assert (out / old_page).is_file()
    if case == "broken sidecar":
        _aged(src / "b.txt.yaml", "slug: my-published-url\ntitle: [unclosed\n", 1_600_000_100)
    else:
        _aged(src / "b.txt", "# New Title\n\nBody two text.\n", 1_600_000_100)
    assert run_build(src, out) == 1
    assert (out / old_page).is_file()
    quick = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file()}
    clean = tmp_path / "clean"
    shutil.copytree(out, clean)
    assert run_build(src, clean, "--no-cache") == 1
    full = {p.relative_to(clean).as_posix(): p.read_bytes() for p in clean.rglob("*")
            if p.is_file()}
    assert quick == full


def test_builds_of_two_projects_into_one_output_folder_are_not_interleaved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The lock was the project's (its .archivegen/): two builds run from different folders
    into the same output both ran, one pruning the pages the other had just written. The
    output folder has a lock of its own (hidden, never pruned)."""
    from archivegen.incremental.lock import OUTPUT_LOCK_NAME, build_lock

    for name in ("a", "b"):
        (tmp_path / name / "in").mkdir(parents=True)
        (tmp_path / name / "in" / "harbour.txt").write_text(ARTICLE)
    out = tmp_path / "shared-site"
    with build_lock(tmp_path / "a", out):  # project a's build is writing
        monkeypatch.chdir(tmp_path / "b")
        assert run_build(tmp_path / "b" / "in", out) == 2
        assert "another build is writing into this output folder" in capsys.readouterr().err
        assert not (out / "index.html").exists()
    assert run_build(tmp_path / "b" / "in", out) == 0
    assert (out / OUTPUT_LOCK_NAME).is_file() and (out / "index.html").is_file()
    assert run_build(tmp_path / "b" / "in", out) == 0  # (its own lock is no obstacle)
