"""The wheel is complete: a non-editable install, used from another folder, builds the seeds."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SEEDS

pytestmark = pytest.mark.slow  # builds a wheel and installs it


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(dist), str(REPO)], check=True)
    (found,) = dist.glob("archivegen-*.whl")
    return found


def test_wheel_ships_theme_and_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("archivegen/py.typed", "archivegen/theme/base.html",
                     "archivegen/theme/article.html", "archivegen/theme/static/style.css",
                     "archivegen/load/layouts/globalresearch.py", "archivegen/__main__.py"):
        assert required in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "archivegen = archivegen.cli:main" in zipfile.ZipFile(wheel).read(
        entry_points).decode()


def test_installed_wheel_builds_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import archivegen; print(archivegen.__file__)"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(target)  # not the source checkout
    for command in ([sys.executable, "-m", "archivegen"], [str(target / "bin" / "archivegen")]):
        out = workdir / f"site-{len(command)}"
        run = subprocess.run([*command, "build", "--input", str(SEEDS), "--output", str(out)],
                             cwd=workdir, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("built 1 articles")
        assert (out / "static/style.css").is_file()
        assert (out / "index.html").read_text().count('<article class="summary">') == 1


def test_help_explains_commands_and_flags() -> None:
    run = subprocess.run([sys.executable, "-m", "archivegen", "build", "--help"],
                         capture_output=True, text=True, check=True)
    for flag in ("--input", "--output", "--config", "--strict"):
        assert flag in run.stdout
    top = subprocess.run([sys.executable, "-m", "archivegen", "--help"],
                         capture_output=True, text=True, check=True)
    assert "build" in top.stdout and "Exit codes" in top.stdout
