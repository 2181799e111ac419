"""Same input, same bytes: across builds, folders and the order files are read in."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from archivegen.build import load_articles, make_site, theme_dirs
from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics
from archivegen.load.sources import read_sources, read_static_files
from conftest import FIXTURES, SEEDS, run_build, tree_bytes

pytestmark = pytest.mark.slow  # several builds per test

ARCHIVE = FIXTURES / "archive"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    assert run_build(ARCHIVE, tmp_path / "one") == 0
    assert run_build(ARCHIVE, tmp_path / "two") == 0
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert one.keys() == two.keys()
    assert one == two


def test_reading_order_does_not_matter(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The walker sorts, so make it not: every stage after reading must be order-free."""
    import archivegen.load.sources as sources

    sorted_walk = sources.iter_article_paths
    assert run_build(ARCHIVE, tmp_path / "a") == 0
    monkeypatch.setattr(sources, "iter_article_paths",
                        lambda root: list(reversed(sorted_walk(root))))
    assert run_build(ARCHIVE, tmp_path / "b") == 0
    monkeypatch.setattr(sources, "iter_article_paths",
                        lambda root: random.Random(3).sample(sorted_walk(root),
                                                             len(sorted_walk(root))))
    assert run_build(ARCHIVE, tmp_path / "c") == 0
    a, b, c = (tree_bytes(tmp_path / n) for n in "abc")
    assert a == b == c


def test_pipeline_is_independent_of_source_order() -> None:
    config = SiteConfig()
    themes = theme_dirs(Path("/nonexistent"), config)
    static = read_static_files(themes)
    sources = read_sources(ARCHIVE, Diagnostics()) + read_sources(SEEDS, Diagnostics())
    reference = make_site(load_articles(sources, Diagnostics()), config, themes, static,
                          Diagnostics())
    expected = {f.path: f.content for f in reference.files}
    for seed in range(5):
        shuffled = random.Random(seed).sample(sources, len(sources))
        diags = Diagnostics()
        site = make_site(load_articles(shuffled, diags), config, themes, static, diags)
        assert {f.path: f.content for f in site.files} == expected
        assert [f.path for f in site.files] == [f.path for f in reference.files]


def test_parallel_loading_and_rendering_give_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import archivegen.workers as workers

    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 10**9)  # one process
    monkeypatch.setattr(workers, "RENDER_PARALLEL_MIN", 10**9)
    assert run_build(ARCHIVE, tmp_path / "serial", "--no-cache") == 0
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 1)  # every core
    monkeypatch.setattr(workers, "RENDER_PARALLEL_MIN", 1)
    assert run_build(ARCHIVE, tmp_path / "parallel", "--no-cache") == 0
    assert tree_bytes(tmp_path / "serial") == tree_bytes(tmp_path / "parallel")
