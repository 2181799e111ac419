"""The preview server never serves a hidden name of the output folder (issue #14): the
build's manifest, its staging folder `.archivegen-tmp/` and anything else whose path has a
segment starting with "." is 404, whether asked for directly, percent-encoded, under a base
path, or through a symlink. A site has no hidden pages, so nothing the site needs is lost.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivegen.serve.httpd import ServeOptions, SiteState, make_server

PAGE = b"<!doctype html><title>page</title><p>page</p></body>"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hidden") / "site"
    (root / "a").mkdir(parents=True)
    (root / "static").mkdir()
    (root / ".archivegen-tmp" / "b").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "index.html").write_bytes(PAGE)
    (root / "a" / "index.html").write_bytes(PAGE)
    (root / "static" / "style.css").write_bytes(b"p{}")
    (root / "404.html").write_bytes(b"<!doctype html><title>missing</title></body>")
    (root / ".archivegen-manifest.json").write_bytes(b'{"secret": 1}')
    (root / ".archivegen-tmp" / "b" / "index.html").write_bytes(PAGE)
    (root / ".archivegen-tmp" / "index.html").write_bytes(PAGE)
    (root / ".hidden" / "index.html").write_bytes(PAGE)
    (root / "a" / ".env").write_bytes(b"TOKEN=1")
    (root / "alias.json").symlink_to(".archivegen-manifest.json")
    (root / "staged").symlink_to(".archivegen-tmp", target_is_directory=True)
    return root


def _get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers={"Host": f"localhost:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module", params=["/", "/sub/"])
def served(request: pytest.FixtureRequest, output: Path) -> Iterator[tuple[int, str]]:
    state = SiteState()
    state.published(())
    server = make_server(ServeOptions(root=output, state=state, reload=False,
                                      base_path=request.param), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], request.param
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


HIDDEN = [
    ".archivegen-manifest.json",
    "%2earchivegen-manifest.json",
    "%2Earchivegen-manifest.json",
    ".archivegen-tmp/",
    ".archivegen-tmp",  # (no redirect to the folder: that would tell it exists)
    ".archivegen-tmp/index.html",
    ".archivegen-tmp/b/",
    ".archivegen-tmp/b/index.html",
    ".hidden/",
    "a/.env",
    "a/.env?x=1",
    "alias.json",  # a symlink to the manifest
    "staged/",  # a symlink to the staging folder
    "staged/b/index.html",
]


@pytest.mark.parametrize("rel", HIDDEN)
def test_hidden_names_are_not_found(served: tuple[int, str], rel: str) -> None:
    port, base = served
    for method in ("GET", "HEAD"):
        status, body = _get(port, base + rel, method)
        assert status == 404, (method, rel, status)
        assert b"secret" not in body and b"TOKEN" not in body
        if method == "GET":
            assert b"missing" in body  # the site's own 404 page


@pytest.mark.parametrize("rel", ["", "index.html", "a/", "a/index.html", "static/style.css"])
def test_the_site_is_still_served(served: tuple[int, str], rel: str) -> None:
    port, base = served
    status, _ = _get(port, base + rel)
    assert status == 200, (rel, status)
