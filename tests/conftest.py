"""Shared test helpers: paths of the bundled archives and a one-call CLI build."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import settings

from archivegen.cli import main

# Property tests draw the same examples on every run unless asked: a red run is then the
# change's doing and repeats as it was (a generated text once turned a CI run red in code no
# one had touched). `pytest --hypothesis-profile=explore` draws new ones (1,000 per test
# that does not set its own number).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile("repeatable")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_FILE = "000_680446ff0202b48e.txt"

_THIS = sys.modules[__name__]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: long end-to-end, serve, browser, fuzz/property and benchmark-like tests; "
        'the fast loop is `pytest -m "not slow"`, the full suite runs them all')


def pytest_plugin_registered(plugin: object) -> None:
    """Keep `from conftest import ...` meaning this file. Test modules import its helpers by
    that name (tests/ is on sys.path; no __init__.py anywhere), but pytest imports every
    conftest.py under the same module name "conftest", so after loading a folder's own
    conftest.py (tests/browser/, tests/e2e/: fixtures only) the name would point there and
    the imports of the test modules collected next would fail."""
    if plugin is not _THIS and getattr(plugin, "__name__", None) == "conftest":
        sys.modules["conftest"] = _THIS


@pytest.fixture(autouse=True)
def _own_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in a folder of its own: a build's project folder is the working folder,
    and tests run from the repository would otherwise share its .archivegen/ cache and build
    lock (two test runs at once refused each other's builds)."""
    monkeypatch.chdir(tmp_path)


def run_build(input_dir: Path, output_dir: Path, *extra: str,
              cwd: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    """Run `archivegen build` in-process; return its exit code. Not quiet: its diagnostics
    are on stderr and its summary on stdout (no bars: those are not terminals)."""
    args: Sequence[str] = ["build", "--input", str(input_dir), "--output", str(output_dir),
                           *extra]
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    return main(args)


def serve_once(cwd: Path, *args: str) -> tuple[str, int]:
    """Run `archivegen serve` (in a process of its own, on a free port) until it serves,
    then stop it with Ctrl-C; its "serving … at …" line and the port. It must exit 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "archivegen", "serve", "--port", str(port),
                             *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = ""
        while "serving" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    return line, port


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/, safe to edit."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file below root, by relative POSIX path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


HARBOUR_ARTICLE = ("Harbour reopens after the storm\n\n"
                   "The harbour reopened on Monday after a week.\n")


def two_article_project(root: Path) -> Path:
    """`root` as a project folder whose in/ holds two ordinary articles (the seed and a
    short one): the starting point of the security tests."""
    (root / "in").mkdir()
    shutil.copy(SEEDS / "000_680446ff0202b48e.txt", root / "in" / "seed.txt")
    (root / "in" / "harbour.txt").write_text(HARBOUR_ARTICLE)
    return root


def published(project: Path) -> list[tuple[str, str]]:
    """Every URL `project`'s build state remembers, with its target (site/redirects.py)."""
    from archivegen.incremental.cache import CACHE_PATH, BuildCache

    if not (project / CACHE_PATH).exists():
        return []
    cache = BuildCache.open(project / CACHE_PATH)
    try:
        return list(cache.published())
    finally:
        cache.close()


def remember(project: Path, entries: list[tuple[str, str]]) -> None:
    """A new build state for `project` remembering these URLs and nothing else: a clean
    build there has the same history of published URLs (the old ones it redirects)."""
    from archivegen.incremental.cache import CACHE_PATH, BuildCache

    shutil.rmtree(project / CACHE_PATH.parent, ignore_errors=True)
    cache = BuildCache.open(project / CACHE_PATH)
    try:
        cache.publish(entries, every=True)
        cache.commit()
    finally:
        cache.close()
