"""incremental/watched.py: a scan patched from the paths a watcher reports is the scan a full
one gives, or None (then serve scans in full)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.incremental.uptodate import scan_inputs
from archivegen.incremental.watched import ScanMemory

OLD = 1_600_000_000


def _write(path: Path, text: str, *, old: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if old:  # a trusted stat (not racy)
        os.utime(path, (OLD, OLD))


def _start(tmp_path: Path) -> tuple[Path, ScanMemory]:
    top = tmp_path / "in"
    _write(top / "a.txt", "A")
    _write(top / "b.md", "B")
    _write(top / "sub" / "c.txt", "C")
    memory = ScanMemory()
    memory.full(top)
    return top, memory


def test_an_edited_file_is_stat_ed_again_and_the_rest_kept(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    _write(top / "a.txt", "A, longer now")
    patched = memory.patched(top, {str(top / "a.txt")})
    assert patched is not None and list(patched) == list(scan_inputs(top))


def test_a_file_edited_twice_in_one_batch_is_stat_ed_once_as_it_is_now(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    _write(top / "a.txt", "first")
    _write(top / "a.txt", "second, and longer")
    patched = memory.patched(top, {str(top / "a.txt"), str(top / "a.txt")})
    assert patched is not None and list(patched) == list(scan_inputs(top))


def test_new_deleted_and_renamed_files_and_sidecars(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    _write(top / "sub" / "new.txt", "N")
    (top / "b.md").unlink()
    (top / "a.txt").rename(top / "sub" / "moved.txt")
    _write(top / "sub" / "c.txt.yaml", "title: C\n")
    changed = {str(top / p) for p in ("sub/new.txt", "b.md", "a.txt", "sub/moved.txt",
                                       "sub/c.txt.yaml")}
    patched = memory.patched(top, changed)
    assert patched is not None and list(patched) == list(scan_inputs(top))


def test_a_recent_file_is_stat_ed_again_until_its_stat_can_be_trusted(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    _write(top / "a.txt", "racy", old=False)
    patched = memory.patched(top, {str(top / "a.txt")})
    assert patched is not None and dict(patched)["a.txt"] is None
    os.utime(top / "a.txt", (OLD, OLD))  # (as two seconds later): no event, trusted now
    patched = memory.patched(top, set())
    assert patched is not None and dict(patched)["a.txt"] is not None
    assert list(patched) == list(scan_inputs(top))


def test_files_the_scan_skips_change_nothing(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    _write(top / ".hidden.txt", "H")
    _write(top / ".git" / "x.txt", "G")
    _write(top / "picture.png", "P")
    changed = {str(top / p) for p in (".hidden.txt", ".git/x.txt", "picture.png")}
    changed.add(str(tmp_path / "templates" / "base.html"))  # outside the input folder
    patched = memory.patched(top, changed)
    assert patched is not None and list(patched) == list(scan_inputs(top))


def test_folder_events_and_symlinks_need_a_full_scan(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    (top / "sub").rename(top / "renamed")  # a folder: its files are not reported
    assert memory.patched(top, {str(top / "sub"), str(top / "renamed")}) is None
    assert memory.patched(top, {str(top / "sub")}) is None  # gone, and held known files
    memory.full(top)
    (top / "new").mkdir()
    assert memory.patched(top, {str(top / "new")}) is None
    (top / "link").symlink_to(top / "renamed")
    assert memory.patched(top, {str(top / "link" / "c.txt")}) is None
    (top / "folder.txt").mkdir()  # a folder named like an article
    assert memory.patched(top, {str(top / "folder.txt")}) is None


def test_another_input_folder_or_a_forgotten_scan_needs_a_full_scan(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    assert memory.patched(tmp_path / "other", set()) is None
    memory.forget()
    assert memory.patched(top, set()) is None


def test_a_folder_the_scan_could_not_list_is_never_patched(tmp_path: Path) -> None:
    top, memory = _start(tmp_path)
    locked = top / "locked"
    _write(locked / "x.txt", "X")
    locked.chmod(0)
    try:
        scan = memory.full(top)
        if not scan.problems:  # (root reads any folder)
            return
        assert memory.patched(top, set()) is None
    finally:
        locked.chmod(0o755)


# Operations on the input folder, each with the paths a watcher reports for it.
_NAMES = st.sampled_from(["a.txt", "b.md", "sub/c.txt", "sub/d.markdown", "e.txt.yaml",
                          "sub/c.txt.yaml", "f.png", "sub/deep/g.txt"])
_OPS = st.lists(st.tuples(st.sampled_from(["write", "delete", "rename", "rmtree"]), _NAMES,
                          _NAMES, st.booleans()), max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_any_reported_sequence_gives_the_full_scan_or_none(
        tmp_path: Path, ops: list[tuple[str, str, str, bool]]) -> None:
    top = tmp_path / "prop"
    shutil.rmtree(top, ignore_errors=True)
    _write(top / "a.txt", "A")
    _write(top / "sub" / "c.txt", "C")
    memory = ScanMemory()
    memory.full(top)
    for op, name, other, old in ops:
        path, to = top / name, top / other
        changed: set[str] = set()
        if op == "write" and not path.is_dir():
            _write(path, f"{name} {len(ops)}", old=old)
            changed = {str(path)}
        elif op == "delete" and path.is_file():
            path.unlink()
            changed = {str(path)}
        elif op == "rename" and path.is_file() and not to.exists():
            to.parent.mkdir(parents=True, exist_ok=True)
            path.rename(to)
            changed = {str(path), str(to)}
        elif op == "rmtree" and path.parent != top and path.parent.is_dir():
            shutil.rmtree(path.parent)
            changed = {str(path.parent)}
        for folder in {p.parent for p in map(Path, changed)}:
            if folder != top and folder.is_dir() and len(list(folder.iterdir())) == 1:
                changed.add(str(folder))  # made for this file: the watcher reports it
        patched = memory.patched(top, changed)
        full = scan_inputs(top)
        if patched is None:
            memory.remember(top, full)
        else:
            assert list(patched) == list(full)
