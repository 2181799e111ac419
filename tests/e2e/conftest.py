"""Fixtures of the end-to-end tests. Only fixtures: test modules import shared helpers from
tests/conftest.py (`from conftest import ...`) and from plain modules such as
incremental_helpers.py, never from this file (see tests/conftest.py,
pytest_plugin_registered)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with its own cache: articles/ in, site/ out (the fixture archive,
    its mtimes in the past). tests/e2e/test_serve.py has a `project` of its own."""
    from incremental_helpers import ARCHIVE, age  # (it imports tests/conftest.py, loaded by now)

    shutil.copytree(ARCHIVE, tmp_path / "articles")
    age(tmp_path / "articles")
    return tmp_path
