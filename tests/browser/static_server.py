"""A built site served the way any static host serves it, for the browser tests, and its
pages opened."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path, name: str = "site-server") -> Iterator[str]:
    """`folder` served by a plain static server on 127.0.0.1 (an ephemeral port), as any
    static host would; yields its URL without a trailing slash."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def open_ok(page: Page, url: str) -> None:
    """Go to `url` in `page`, loaded, and fail unless the server answered 200."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
