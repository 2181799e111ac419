"""One site whatever the path to it (issue #18): a 1,000-article bench corpus built cold, then
as CI builds it (a fresh checkout: every mtime new, the build state restored, an empty output
folder: the pages copied from the state's page store), then with markdown-it-py alone (the
compiled engine's fast path off, no cache): the same bytes each time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from conftest import tree_bytes

pytestmark = pytest.mark.slow  # a 1,000-article archive, built three ways

GEN = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "gen_corpus.py"


def test_cold_ci_restored_and_reference_engine_builds_are_byte_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = tmp_path / "articles"
    subprocess.run([sys.executable, str(GEN), "--n", "1000", "--out", str(articles),
                    "--format", "raw"], check=True, stdout=subprocess.DEVNULL)
    old = time.time() - 3600
    for path in articles.rglob("*"):
        os.utime(path, (old, old))
    config = SiteConfig(input="articles", output="site")

    cold = build(tmp_path, config)
    assert cold.errors == 0 and cold.restored == 0
    built = tree_bytes(tmp_path / "site")

    shutil.rmtree(tmp_path / "site")
    fresh = time.time() - 10
    for path in articles.rglob("*"):
        os.utime(path, (fresh, fresh))
    ci = build(tmp_path, config)
    assert tree_bytes(tmp_path / "site") == built
    assert ci.rendered == 0 and ci.restored == cold.written

    import archivegen.markdown.fast as fast

    asked: list[bool] = []

    def no_port() -> None:  # markdown-it-py renders every body
        asked.append(True)

    monkeypatch.setattr(fast, "_port", no_port)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # in this process, where the patch holds
    reference = build(tmp_path, SiteConfig(input="articles", output="reference"),
                      use_cache=False)
    assert reference.errors == 0 and len(asked) >= 900  # the fast path was asked, and declined
    assert tree_bytes(tmp_path / "reference") == built
