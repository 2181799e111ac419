"""Code quality gates that CI enforces through the test suite: ruff, mypy, import layers."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True)


def test_ruff_clean() -> None:
    run = _run(str(BIN / "ruff"), "check", "src", "tests", "benchmarks")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict_clean() -> None:
    run = _run(sys.executable, "-m", "mypy")
    assert run.returncode == 0, run.stdout + run.stderr


def test_import_layers_contract_kept() -> None:
    run = _run(str(BIN / "lint-imports"), "--no-cache")
    assert run.returncode == 0, run.stdout + run.stderr
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
    assert f"Contracts: {len(contracts)} kept, 0 broken." in run.stdout
