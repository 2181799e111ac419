"""Builds killed part-way (SIGKILL in a child process: while writing, before a rename,
while planning, before the report, during a quick rebuild): the next build repairs the site
to equal a clean build, never replays the killed one, and no worker process or temporary
file is left behind."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from incremental_helpers import (
    OLD,
    age,
    assert_like_a_clean_build,
    clean_build,
    edit_body,
    phase_names,
    run,
)

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from conftest import tree_bytes

pytestmark = pytest.mark.slow  # each test kills a build in a child process and repairs it

# Kills the build process (SIGKILL) when the writer has taken in the Nth file: pages that
# workers render are already written by then (workers write their own pages), the others
# are written by the build process; the workers die with it.
KILLER = """
import os, signal, sys
import archivegen.build as build
import archivegen.incremental.quick as quick
import archivegen.workers as workers
workers.RENDER_PARALLEL_MIN = 1  # pages render in worker processes, as at scale
quick.QUICK_MAX_FILES = 0  # the full build, whatever changed
real = build.write_tree
def dying_write_tree(output_dir, files, *rest, **kw):
    def counted():
        for number, f in enumerate(files, start=1):
            if number == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)
            yield f
    return real(output_dir, counted(), *rest, **kw)
build.write_tree = dying_write_tree
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("kill_at", [2, 40, 150])
def test_a_killed_build_is_repaired_by_the_next(project: Path, tmp_path: Path,
                                                kill_at: int) -> None:
    run(project, page_size=7)  # the killed build (default page size) rewrites every page
    # Change enough that the killed build has many files to write.
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(project), str(kill_at)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    run(project)
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


def test_an_interrupted_build_is_never_replayed(project: Path, tmp_path: Path) -> None:
    (project / "archivegen.yaml").write_text("title: Old Title\n")
    run_old = SiteConfig(input="articles", output="site", title="Old Title")
    build(project, run_old)
    killer = KILLER.replace('main(["build", "-q", "--input", "articles", "--output", "site"])',
                            'main(["build", "-q", "--config", "new.yaml"])')
    (project / "new.yaml").write_text("title: New Title\ninput: articles\noutput: site\n")
    proc = subprocess.run([sys.executable, "-c", killer, str(project), "100"],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    build(project, run_old)  # back to the old config: stats alone would say "nothing changed"
    build(project, dataclasses.replace(run_old, output=str(tmp_path / "clean")), use_cache=False)
    assert tree_bytes(project / "site") == tree_bytes(tmp_path / "clean")


def test_a_killed_build_leaves_no_worker_processes(project: Path, tmp_path: Path) -> None:
    """Render workers exit when the build process is killed, instead of waiting for work
    forever (holding the terminal, or a caller's pipes, open)."""
    run(project)
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    log = (tmp_path / "killed.log").open("wb")
    mark = f"ARCHIVEGEN_TEST_MARK={project}"  # inherited by every process the build starts
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(project), "2"],
                            stdout=log, stderr=log,
                            env={**os.environ, "ARCHIVEGEN_TEST_MARK": str(project)})
    assert proc.wait(timeout=120) == -signal.SIGKILL
    for _ in range(100):
        left = processes_with(mark)
        if not left:
            break
        time.sleep(0.1)
    assert left == []


def processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds `variable` ("NAME=value", read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # exited meanwhile
            continue
    return found


KILL_BEFORE_RENAME = """
import os, signal, sys
real = os.replace
count = [0]
def dying(src, dst, *rest, **kw):
    if str(src).endswith(".part"):
        count[0] += 1
        if count[0] == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)  # the temporary file is written, not renamed
    return real(src, dst, *rest, **kw)
os.replace = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("kill_at", [1, 30])
def test_a_build_killed_before_a_rename_leaves_no_temporary_files(
        project: Path, tmp_path: Path, kill_at: int) -> None:
    run(project)
    for article in sorted((project / "articles").glob("*.md"))[:10]:
        article.write_text(article.read_text().replace("title:", "title: Edited", 1))
    age(project / "articles")
    proc = subprocess.run([sys.executable, "-c", KILL_BEFORE_RENAME, str(project),
                           str(kill_at)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert list((project / "site").rglob("*.part"))  # the kill did leave one behind
    run(project)
    assert not list((project / "site").rglob("*.part"))
    assert not (project / "site" / ".archivegen-tmp").exists()
    assert tree_bytes(project / "site") == clean_build(project, tmp_path)


QUICK_KILLER = """
import os, signal, sys
import archivegen.incremental.quick as quick
real = quick.replace_owned
def dying(output_dir, files, gone=()):
    real(output_dir, list(files)[:1])
    os.kill(os.getpid(), signal.SIGKILL)
quick.replace_owned = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


def test_a_quick_rebuild_killed_after_writing_is_repaired_by_the_next(
        project: Path, tmp_path: Path) -> None:
    run(project)
    for article in sorted((project / "articles").glob("gr_*.txt"))[:3]:
        edit_body(article)
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", QUICK_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    run(project)
    assert_like_a_clean_build(project, tmp_path)


PLANNING_KILLER = """
import os, signal, sys
import archivegen.build as build
def dying(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
build.make_site = dying  # after the loaded sources are committed, before any page changes
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


def test_a_build_killed_while_planning_is_not_followed_by_a_quick_rebuild(
        project: Path, tmp_path: Path) -> None:
    """The killed build cached a new term; its listings were never written. A body edit
    after it must not be taken for the only change."""
    run(project)
    titled, edited = sorted((project / "articles").glob("md_*.md"))[:2]
    titled.write_text(titled.read_text().replace("themes: [", "themes: [Brand new, ", 1))
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", PLANNING_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    edit_body(edited)
    age(project / "articles", OLD + 2)
    assert "quick" not in phase_names(run(project))
    assert_like_a_clean_build(project, tmp_path)


REPORT_KILLER = """
import os, signal, sys
import archivegen.build as build
import archivegen.incremental.quick as quick
def dying(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
build.write_report = dying  # the site and its fingerprints are committed, the report not
quick.write_report = dying
from archivegen.cli import main
os.chdir(sys.argv[1])
main(["build", "-q", "--input", "articles", "--output", "site"])
"""


@pytest.mark.parametrize("edit", [("title:", "title: Retitled"),  # a quick rebuild
                                  ("themes: [", "themes: [Brand new, ")])  # a full one
def test_a_build_killed_before_its_report_is_not_replayed(project: Path, tmp_path: Path,
                                                          edit: tuple[str, str]) -> None:
    run(project)
    article = sorted((project / "articles").glob("md_*.md"))[3]
    article.write_text(article.read_text().replace(*edit, 1))
    age(project / "articles", OLD + 1)
    proc = subprocess.run([sys.executable, "-c", REPORT_KILLER, str(project)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert phase_names(run(project)) != ["check"]
    assert_like_a_clean_build(project, tmp_path)
