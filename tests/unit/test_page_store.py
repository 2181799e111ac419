"""The page store (render/page_store.py): pages kept by path and fingerprint, read back only
as they were stored, and packs dropped once no planned page is in them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archivegen.render.page_store import (
    PackReader,
    PackWriter,
    compact,
    stored_pages,
)


def _store(folder: Path, pages: dict[str, tuple[str, bytes]]) -> str:
    writer = PackWriter(folder)
    for path, (fingerprint, content) in pages.items():
        writer.add(path, fingerprint, content)
    writer.close()
    return writer.name


def _read(folder: Path, wanted: dict[str, str]) -> dict[str, bytes | None]:
    reader = PackReader(folder)
    try:
        return {path: reader.read(page) for path, page in stored_pages(folder, wanted).items()}
    finally:
        reader.close()


def test_a_page_comes_back_only_under_its_path_and_fingerprint(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    _store(store, {"a/index.html": ("fp-a", b"<p>a</p>"), "b/index.html": ("fp-b", b"b" * 5000),
                   "caf\u00e9/index.html": ("fp-c", b"")})
    assert _read(store, {"a/index.html": "fp-a", "b/index.html": "other",
                         "caf\u00e9/index.html": "fp-c", "missing.html": "fp-a"}) == {
        "a/index.html": b"<p>a</p>", "caf\u00e9/index.html": b""}


def test_each_writer_has_a_pack_of_its_own_and_every_pack_is_read(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    first = _store(store, {"a.html": ("1", b"one")})
    second = _store(store, {"b.html": ("2", b"two")})
    assert first != second
    assert _read(store, {"a.html": "1", "b.html": "2"}) == {"a.html": b"one", "b.html": b"two"}


def test_bytes_not_as_stored_are_not_given_back(tmp_path: Path) -> None:
    """A pack changed after the fact (a byte flipped, a cache restored halfway and cut): the
    page is not read back, so the build renders it."""
    store = tmp_path / "pages"
    name = _store(store, {"a.html": ("1", b"first page"), "b.html": ("2", b"second page")})
    pack = store / f"{name}.pack"
    data = bytearray(pack.read_bytes())
    data[0] ^= 1
    pack.write_bytes(bytes(data))
    assert _read(store, {"a.html": "1", "b.html": "2"}) == {"a.html": None,
                                                           "b.html": b"second page"}
    pack.write_bytes(bytes(data[:15]))  # cut inside the second page: it is not offered at all
    assert _read(store, {"a.html": "1", "b.html": "2"}) == {"a.html": None}


def test_index_lines_cut_short_or_not_ours_are_skipped(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    name = _store(store, {"a.html": ("1", b"one")})
    with open(store / f"{name}.idx", "ab") as index:
        index.write(b'["b.html", "2", 0, 3, "x"]\n{"not": "a list"}\n["c.html", "3", -1, 2,\n')
    assert _read(store, {"a.html": "1", "b.html": "2", "c.html": "3"}) == {"a.html": b"one",
                                                                           "b.html": None}


def test_a_pack_named_otherwise_or_a_symlinked_store_is_not_read(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    name = _store(store, {"a.html": ("1", b"one")})
    os.rename(store / f"{name}.pack", store / "../escape.pack")
    os.rename(store / f"{name}.idx", store / "evil.idx")
    assert _read(store, {"a.html": "1"}) == {}
    real = tmp_path / "elsewhere"
    _store(real, {"a.html": ("1", b"one")})
    link = tmp_path / "linked"
    link.symlink_to(real, target_is_directory=True)
    assert stored_pages(link, {"a.html": "1"}) == {}
    writer = PackWriter(link)
    writer.add("b.html", "2", b"two")  # not written through the link
    assert writer.broken


def test_a_store_that_cannot_be_written_only_stops_storing(tmp_path: Path) -> None:
    (tmp_path / "pages").write_text("a file where the folder goes")
    writer = PackWriter(tmp_path / "pages")
    writer.add("a.html", "1", b"one")
    assert writer.broken
    writer.add("b.html", "2", b"two")  # no error either


def test_compact_drops_packs_without_a_planned_page(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    old = _store(store, {"a.html": ("old", b"old a")})
    new = _store(store, {"a.html": ("new", b"new a")})
    compact(store, {"a.html": "new"})
    assert sorted(p.name for p in store.iterdir()) == [f"{new}.idx", f"{new}.pack"]
    assert old != new
    compact(store, {})
    assert list(store.iterdir()) == []


def test_compact_copies_the_planned_pages_out_of_packs_mostly_stale(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    import archivegen.render.page_store as page_store

    monkeypatch.setattr(page_store, "_WASTE_SLACK", 0)
    store = tmp_path / "pages"
    first = _store(store, {f"p{n}.html": ("v1", bytes([n]) * 1000) for n in range(10)})
    second = _store(store, {f"p{n}.html": ("v2", b"x" * 1000) for n in range(9)})
    planned = {**{f"p{n}.html": "v2" for n in range(9)}, "p9.html": "v1"}
    compact(store, planned)  # 19,000 bytes kept for 10,000 planned: under twice, kept
    assert {p.stem for p in store.iterdir()} == {first, second}
    planned = {"p9.html": "v1", "p0.html": "v2"}
    compact(store, planned)  # 19,000 bytes for 2,000: copied into one new pack
    names = {p.stem for p in store.iterdir()}
    assert len(names) == 1 and not names & {first, second}
    assert _read(store, planned) == {"p9.html": b"\x09" * 1000, "p0.html": b"x" * 1000}


def test_compact_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    store = tmp_path / "pages"
    name = _store(store, {"a.html": ("1", b"one")})
    (store / "123-0123456789ab.idx").write_text('["a.html", "1", 0, 3, "x"]\n')  # no pack
    (store / "124-0123456789ab.pack").write_bytes(b"no index")  # no index
    compact(store, {"a.html": "1"})
    assert sorted(p.name for p in store.iterdir()) == [f"{name}.idx", f"{name}.pack"]


def test_fingerprints_kept_packed_read_back_as_given() -> None:
    from archivegen.digest import Fingerprints, fingerprint

    prints = Fingerprints()
    digest = fingerprint("a page")
    prints["a/index.html"] = digest
    prints["b.xml"] = "not-a-digest"
    prints["c.html"] = digest.upper()
    prints.update(dict.fromkeys(["d.json", "e.csv"], fingerprint("export")))
    assert prints["a/index.html"] == digest and prints.get("b.xml") == "not-a-digest"
    assert prints["c.html"] == digest.upper()
    assert sorted(prints) == ["a/index.html", "b.xml", "c.html", "d.json", "e.csv"]
    assert "d.json" in prints and prints.get("missing") is None and len(prints) == 5
    del prints["b.xml"]
    assert "b.xml" not in prints
