"""A full build freezes what it loads out of the cyclic collector's passes, and unfreezes it
at the end: `serve` runs build after build in one process."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

import archivegen.build as build
from archivegen.build import full_build
from archivegen.config import SiteConfig
from conftest import FIXTURES


def test_a_full_build_leaves_nothing_frozen(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURES / "archive", tmp_path / "articles")
    frozen: list[int] = []
    real_freeze = gc.freeze

    def freeze() -> None:
        real_freeze()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gc, "freeze", freeze)
    monkeypatch.setattr(build, "_FREEZE_EVERY", 2)
    assert gc.get_freeze_count() == 0
    report = full_build(tmp_path, SiteConfig(input="articles", output="site"))
    assert report.articles > 4
    assert len(frozen) >= 3 and min(frozen) > 0  # while loading, and once loaded
    assert gc.get_freeze_count() == 0
    # And when the build fails: nothing left frozen either.
    monkeypatch.setattr(build, "make_site", _fails)
    with pytest.raises(RuntimeError):
        full_build(tmp_path, SiteConfig(input="articles", output="site"), use_cache=False)
    assert gc.get_freeze_count() == 0


def _fails(*args: object, **kwargs: object) -> None:
    raise RuntimeError("planning failed")
