"""The incremental property (test_incremental_property.py) for the builds `archivegen serve`
makes: each starts from the last input scan patched from the paths a watcher reports
(incremental/watched.py), not from a full scan; after any sequence of edits the site, report
and remembered URLs equal a clean build's. The reported paths are those whose stat changed
(files and folders added, removed or changed), as inotify reports them; only the files an
edit touched get a later mtime, so the patch has to find them by the paths alone."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from incremental_helpers import OLD, config_of, report_file
from test_incremental_property import BASE_URL, EDITS, apply_edit, errors, small_archive

from archivegen.dispatch import build
from archivegen.incremental.watched import ScanMemory
from conftest import published, remember, tree_bytes

pytestmark = pytest.mark.slow


def _stats(project: Path) -> dict[str, tuple[int, int, int, int]]:
    """What a watcher of the project's inputs would see change: every path's kind, size,
    mtime and inode (the build's own folders left out)."""
    found = {}
    for path in project.rglob("*"):
        if path.relative_to(project).parts[0] in (".archivegen", "site"):
            continue
        st = path.lstat()
        found[str(path)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
    return found


@settings(max_examples=int(os.environ.get("AG_PROPERTY_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
@example(edits=[("add", 1), ("rename", 0), ("delete", 2), ("body", 3)])
@example(edits=[("sidecar", 0), ("image", 0), ("asset", 0), ("body", 0)])
def test_builds_from_reported_paths_equal_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int]]) -> None:
    project = tmp_path_factory.mktemp("project")
    small_archive(project / "articles")
    (project / "archivegen.yaml").write_text(BASE_URL)
    memory = ScanMemory()
    input_dir = (project / "articles").resolve()
    build(project, config_of(project), scan=memory.full(input_dir))
    for step, (kind, n) in enumerate(edits, start=1):
        before = _stats(project)
        apply_edit(project, kind, n)
        after = _stats(project)
        for path, stat in after.items():  # the edited files get a later, trusted mtime
            if before.get(path) != stat and os.path.isfile(path):
                os.utime(path, (OLD + step, OLD + step))
        reported = {path for path in before.keys() | after.keys()
                    if before.get(path) != after.get(path)}
        config = config_of(project)
        # serve scans in full when the settings change (the input folder may be another)
        scan = None if kind == "config" else memory.patched(input_dir, reported)
        history = published(project)
        report = build(project, config, scan=scan if scan is not None
                       else memory.full(input_dir))
        elsewhere = tmp_path_factory.mktemp("clean")
        remember(elsewhere, history)
        clean = dataclasses.replace(config, input=str(project / "articles"),
                                    output=str(elsewhere / "site"),
                                    theme_dir=str(project / config.theme_dir))
        clean_report = build(elsewhere, clean)
        if report.errors:  # (as in test_incremental_property: stale pages kept on purpose)
            assert errors(report) == errors(clean_report), (kind, n)
            return
        assert tree_bytes(project / "site") == tree_bytes(elsewhere / "site"), (kind, n)
        assert report_file(project) == report_file(elsewhere), (kind, n)
        assert published(project) == published(elsewhere), (kind, n)
