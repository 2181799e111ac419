"""search/postings.py (posting lists, shard files), search/index.py (the whole index's
files) and search/patch.py (an edit's changes to them): a patched index is byte for byte the
one a full build of the edited articles writes, and only the files that changed are
rewritten. Last, the same through the CLI: a quick rebuild after an edit against a
--no-cache build."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.cli import main
from archivegen.search import index as search_index
from archivegen.search import patch as search_patch
from archivegen.search.index import (
    FACETS,
    MANIFEST,
    SEGMENT,
    IndexedDoc,
    chunk_path,
    decode_chunk,
    doc_terms,
    index_files,
    shard_path,
)
from archivegen.search.patch import IndexPatch
from archivegen.search.postings import (
    bucket_count,
    bucket_of,
    decode_postings,
    encode_postings,
    pack_shard,
    unpack_shard,
    with_count,
)
from archivegen.search.spill import FileSpill
from archivegen.search.terms import MAX_TF, term_vector
from archivegen.site.plan import plan_search_file
from conftest import FIXTURES, tree_bytes

# ---------------------------------------------------------------------------------------
# postings


@st.composite
def postings(draw: st.DrawFn, max_doc: int = 1 << 20) -> tuple[list[int], list[int]]:
    docs = sorted(draw(st.sets(st.integers(0, max_doc), max_size=60)))
    counts = draw(st.lists(st.integers(1, 255), min_size=len(docs), max_size=len(docs)))
    return docs, counts


@settings(max_examples=100, deadline=None)
@given(postings())
def test_postings_round_trip(found: tuple[list[int], list[int]]) -> None:
    docs, counts = found
    payload = encode_postings(docs, counts)
    assert decode_postings(payload, len(docs)) == (docs, counts)
    assert payload.endswith(bytes(counts))


@settings(max_examples=100, deadline=None)
@given(postings(max_doc=160))
def test_dense_postings_round_trip(found: tuple[list[int], list[int]]) -> None:
    # Dense lists: every gap a byte (decoded in one step) or all but a few.
    docs, counts = found
    assert decode_postings(encode_postings(docs, counts), len(docs)) == (docs, counts)


def test_postings_bytes() -> None:
    # Gaps from -1 as varints, then one byte a count.
    assert encode_postings([0, 1, 129], [1, 2, 255]) == bytes([0, 0, 0x7F, 1, 2, 255])
    assert encode_postings([200], [3]) == bytes([0xC8, 0x01, 3])
    assert encode_postings([], []) == b""
    assert decode_postings(b"", 0) == ([], [])


terms_st = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@st.composite
def shards(draw: st.DrawFn) -> dict[str, tuple[int, bytes]]:
    shard = {}
    for term in draw(st.sets(terms_st | st.just("@/regions/syria/"), max_size=12)):
        docs = sorted(draw(st.sets(st.integers(0, 20_000), min_size=1, max_size=20)))
        counts = [draw(st.integers(1, 255)) for _ in docs]
        shard[term] = (len(docs), encode_postings(docs, counts))
    return shard


@settings(max_examples=40, deadline=None)
@given(shards())
def test_shard_pack_unpack_round_trip_and_bytes_are_deterministic(
        shard: dict[str, tuple[int, bytes]]) -> None:
    content = pack_shard(shard)
    assert unpack_shard(content) == shard
    assert pack_shard(dict(reversed(list(shard.items())))) == content  # order of insertion
    assert content[:4] == b"\x1f\x8b\x08\x00" and content[4:8] == b"\0\0\0\0"  # mtime 0
    assert unpack_shard(pack_shard({})) == {}


def _packed_term_by_term(shard: dict[str, tuple[int, bytes]]) -> bytes:
    """The shard layout as the module docstring states it, one varint at a time."""
    out = bytearray()

    def varint(n: int) -> None:
        while n > 0x7F:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)

    for term in sorted(shard):
        n, payload = shard[term]
        varint(len(term.encode()))
        out += term.encode()
        varint(n)
        varint(len(payload))
        out += payload
    return gzip.compress(bytes(out), compresslevel=6, mtime=0)


@settings(max_examples=40, deadline=None)
@given(shards())
def test_shard_bytes_are_the_documented_layout(shard: dict[str, tuple[int, bytes]]) -> None:
    # pack_shard writes what the module docstring states, varint by varint.
    common = list(range(0, 60_000, 3))  # 20,000 documents: n and payload need 3-byte varints
    shard = {**shard, "common": (len(common), encode_postings(common, [1] * len(common)))}
    assert pack_shard(shard) == _packed_term_by_term(shard)


def test_a_damaged_shard_is_refused() -> None:
    content = gzip.decompress(pack_shard({"harbour": (1, encode_postings([3], [2]))}))
    with pytest.raises((ValueError, IndexError)):
        unpack_shard(gzip.compress(content[:-1]))
    with pytest.raises(OSError):  # gzip.BadGzipFile
        unpack_shard(b"not gzip")


def test_with_count_inserts_updates_removes() -> None:
    entry = with_count(None, 5, 3)
    assert entry == (1, encode_postings([5], [3]))
    entry = with_count(entry, 2, 1)
    entry = with_count(entry, 9, 7)
    assert entry is not None and decode_postings(entry[1], entry[0]) == ([2, 5, 9], [1, 3, 7])
    entry = with_count(entry, 5, 200)  # update
    assert entry is not None and decode_postings(entry[1], entry[0]) == ([2, 5, 9], [1, 200, 7])
    entry = with_count(entry, 5, 0)  # remove
    assert entry is not None and decode_postings(entry[1], entry[0]) == ([2, 9], [1, 7])
    assert with_count(entry, 4, 0) == entry  # removing one that is not there
    entry = with_count(with_count(entry, 2, 0), 9, 0)
    assert entry is None  # none left
    assert with_count(None, 4, 0) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 255)), max_size=40))
def test_with_count_is_a_map_of_doc_to_count(steps: list[tuple[int, int]]) -> None:
    entry, model = None, {}
    for doc, count in steps:
        entry = with_count(entry, doc, count)
        if count:
            model[doc] = count
        else:
            model.pop(doc, None)
        if not model:
            assert entry is None
        else:
            assert entry == (len(model), encode_postings(sorted(model),
                                                         [model[d] for d in sorted(model)]))


def test_bucket_count() -> None:
    assert bucket_count(0) == bucket_count(1) == bucket_count(8) == 1
    assert bucket_count(9) == 2
    assert bucket_count(10_000) == 1024
    assert bucket_count(1_000_000) == 1024
    last = 1
    for docs in range(0, 20_001):
        n = bucket_count(docs)
        assert n >= last and n & (n - 1) == 0  # monotone, a power of two
        assert n * 8 >= docs or n == 1024  # a few terms' postings a shard
        last = n
    assert bucket_of("harbour", 1) == 0


# ---------------------------------------------------------------------------------------
# index_files and IndexPatch


def test_the_patch_module_uses_the_index_modules_sizes() -> None:
    """The tests below shrink SEGMENT and CHUNK in both modules (patch.py imports them)."""
    assert search_index.SEGMENT == search_patch.SEGMENT == 10_000
    assert search_index.CHUNK == search_patch.CHUNK == 16


@contextmanager
def sized(segment: int, chunk: int) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        for module in (search_index, search_patch):
            mp.setattr(module, "SEGMENT", segment)
            mp.setattr(module, "CHUNK", chunk)
        yield


VOCABULARY = ["harbour", "storm", "quay", "grain", "seed", "valley", "rail", "strike",
              "map", "fire", "ölçü", "東京", "7", "2020"]
FACET_VALUES = {
    "regions": [("regions/syria/", "Syria"), ("regions/iraq/", "Iraq")],
    "themes": [("themes/economy/", "Economy")],
    "authors": [("authors/ann-lee/", "Ann Lee")],
    "publishers": [],
    "years": [("2019/", "2019"), ("2020/", "2020")],
}
FACET_URLS = [url for values in FACET_VALUES.values() for url, _ in values]


@st.composite
def docs(draw: st.DrawFn) -> IndexedDoc:
    text = st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join)
    title, body = draw(text), draw(text)
    authors = draw(st.lists(st.sampled_from(["Ann Lee", "Bo"]), max_size=2, unique=True))
    entry = [f"2020/01/{draw(st.integers(1, 28))}/{title.replace(' ', '-')}/", title,
             draw(st.sampled_from(["", "2020", "2020-01-05"])), authors,
             draw(st.sampled_from(["", "Global Research"])), body[:20]]
    return IndexedDoc(entry=entry, vector=term_vector(title, authors, f"<p>{body}</p>"),
                      facets=tuple(draw(st.sets(st.sampled_from(FACET_URLS), max_size=3))))


def built(corpus: list[IndexedDoc]) -> dict[str, bytes]:
    files = list(index_files(iter(corpus), len(corpus), FACET_VALUES))
    assert len(files) == len(dict(files))  # each path once
    return dict(files)


def patched(before: dict[str, bytes], total: int,
            edits: list[tuple[int, IndexedDoc, IndexedDoc]]) -> IndexPatch:
    patch = IndexPatch(total, before.__getitem__)
    for number, old, new in edits:
        patch.edit(number, doc_terms(old.vector, old.facets), doc_terms(new.vector, new.facets),
                   new.entry)
    return patch


def check_patch(corpus: list[IndexedDoc], edited: list[IndexedDoc]) -> IndexPatch:
    """Patch the index of `corpus` into that of `edited` (the same documents, some changed)
    and check it against a full build of `edited`."""
    before, after = built(corpus), built(edited)
    edits = [(n, old, new) for n, (old, new) in enumerate(zip(corpus, edited, strict=True))
             if old != new]
    patch = patched(before, len(corpus), edits)
    assert before.keys() == after.keys()
    assert {**before, **patch.files} == after
    assert patch.files == {path: content for path, content in after.items()
                           if before[path] != content}  # only the files that changed
    return patch


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(docs(), min_size=1, max_size=30), data=st.data(),
       segment=st.sampled_from([1, 3, 7, 10_000]), chunk=st.sampled_from([1, 4, 16]))
def test_a_patched_index_is_the_full_builds(corpus: list[IndexedDoc], data: st.DataObject,
                                           segment: int, chunk: int) -> None:
    number = data.draw(st.integers(0, len(corpus) - 1), label="edited")
    new = data.draw(docs(), label="new")
    old = corpus[number]
    keep = data.draw(st.sampled_from(["none", "entry", "vector", "facets"]), label="kept")
    if keep == "entry":
        new = IndexedDoc(entry=old.entry, vector=new.vector, facets=new.facets)
    elif keep == "vector":
        new = IndexedDoc(entry=new.entry, vector=old.vector, facets=old.facets)
    elif keep == "facets":
        new = IndexedDoc(entry=new.entry, vector=new.vector, facets=old.facets)
    edited = [*corpus[:number], new, *corpus[number + 1:]]
    with sized(segment, chunk):
        patch = check_patch(corpus, edited)
    if keep == "vector" or (old.vector == new.vector and old.facets == new.facets):
        assert all("/d/" in path for path in patch.files)  # result data only


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(docs(), min_size=2, max_size=25), data=st.data())
def test_edits_one_after_another_are_patched_alike(corpus: list[IndexedDoc],
                                                   data: st.DataObject) -> None:
    numbers = data.draw(st.sets(st.integers(0, len(corpus) - 1), min_size=1, max_size=4))
    edited = [data.draw(docs()) if n in numbers else doc for n, doc in enumerate(corpus)]
    with sized(3, 4):
        check_patch(corpus, edited)


def tiny_corpus(count: int) -> list[IndexedDoc]:
    return [IndexedDoc(entry=[f"a/{n}/", f"T{n}", "", [], "", ""],
                       vector=f"w{n % 97} 1\nall 2", facets=("2020/",) if n % 2 else ())
            for n in range(count)]


def test_an_index_of_two_segments_is_patched_like_a_full_build() -> None:
    corpus = tiny_corpus(10_050)
    before = built(corpus)
    manifest = json.loads(before[MANIFEST])
    assert manifest["docs"] == 10_050 and manifest["segment"] == 10_000
    assert manifest["buckets"] == [1024, 8]
    assert shard_path(1, 7) in before and shard_path(1, 8) not in before
    assert decode_chunk(before[chunk_path(628)]) == [d.entry for d in corpus[10_048:]]
    # An edit in the second segment: the first segment's shards are left as they were.
    edited = list(corpus)
    edited[10_020] = IndexedDoc(entry=["a/x/", "Renamed", "2020", ["Ann"], "P", "e"],
                                vector="harbour 3\nw1 2", facets=("2019/",))
    patch = check_patch(corpus, edited)
    assert patch.files and all(p.startswith(("search/s1/", "search/d/")) for p in patch.files)
    # And one in the first.
    edited[5] = IndexedDoc(entry=corpus[5].entry, vector="", facets=())
    edited[10_020] = corpus[10_020]
    patch = check_patch(corpus, edited)
    assert patch.files and all(p.startswith("search/s0/") for p in patch.files)


def test_facets_and_manifest() -> None:
    files = built(tiny_corpus(3))
    assert json.loads(files[MANIFEST]) == {
        "format": 1, "docs": 3, "segment": 10_000, "chunk": 16, "buckets": [1],
        "facets": list(FACETS)}
    assert json.loads(files["search/f/regions.json"]) == [["regions/syria/", "Syria"],
                                                          ["regions/iraq/", "Iraq"]]
    assert json.loads(files["search/f/publishers.json"]) == []
    shard = unpack_shard(files[shard_path(0, 0)])
    assert decode_postings(shard["@2020/"][1], shard["@2020/"][0]) == ([1], [1])
    assert decode_postings(shard["all"][1], shard["all"][0]) == ([0, 1, 2], [2, 2, 2])
    empty = built([])
    assert json.loads(empty[MANIFEST])["buckets"] == [] and not any(
        "/s" in path or "/d/" in path for path in empty)


# ---------------------------------------------------------------------------------------
# Through the CLI

OLD = 1_600_000_000  # an mtime long past: a stat a quick rebuild may trust
EDITED = "gr_005_southern-power-cuts.txt"
TITLE = "Summer Power Cuts Deepen Hardship in Southern Iraqi Cities"


def search_files(site: Path) -> dict[str, bytes]:
    return tree_bytes(site / "search")


def test_a_quick_rebuild_writes_the_search_files_of_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "archive", project / "in")
    for path in (project / "in").iterdir():
        os.utime(path, (OLD, OLD))
    monkeypatch.chdir(project)  # the cache (.archivegen/) is the working folder's
    build = ["build", "--input", "in", "--output", "site"]
    assert main(build) == 0
    before = search_files(project / "site")
    assert before

    article = project / "in" / EDITED
    text = article.read_text(encoding="utf-8")
    assert TITLE in text and "Residents of several southern" in text
    article.write_text(text.replace(TITLE, "Summer Blackouts Deepen Misery in Basra")
                       .replace("Residents of several southern",
                                "Shopkeepers and zookeepers of several southern"),
                       encoding="utf-8")
    os.utime(article, (OLD + 10, OLD + 10))
    capsys.readouterr()
    assert main(build) == 0
    assert "phases: check 0.00 s, quick" in capsys.readouterr().out.replace(
        "check 0.01 s", "check 0.00 s")
    after = search_files(project / "site")

    clean = tmp_path / "clean"
    clean.mkdir()
    monkeypatch.chdir(clean)
    assert main(["build", "--input", str(project / "in"), "--output", "site", "--no-cache",
                 "--quiet"]) == 0
    assert after == search_files(clean / "site")
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed and before.keys() == after.keys()
    assert any(path.startswith("s0/") for path in changed)
    assert any(path.startswith("d/") for path in changed)
    # The new words are found, the words gone are not.
    def terms(files: dict[str, bytes]) -> set[str]:
        return {term for path, content in files.items() if path.startswith("s0/")
                for term in unpack_shard(content)}

    assert terms(after) - terms(before) == {"zookeepers", "blackouts", "misery", "basra"}
    assert terms(before) - terms(after) == {"hardship"}  # "residents": other articles too


def test_spilled_files_read_back_as_added(tmp_path: Path) -> None:
    # A full build keeps the index's bytes on disk until it writes them: each file reads
    # back whole, in any order, with the fingerprint of its bytes.
    spill = FileSpill(tmp_path)
    contents = {f"search/s0/{n:x}.bin": bytes(range(n % 256)) * (n + 1) for n in range(40)}
    spilled = {path: spill.add(path, content) for path, content in contents.items()}
    assert list(tmp_path.iterdir()) == []  # unnamed: nothing is left behind
    for path in reversed(list(contents)):
        file = plan_search_file(path, spilled[path])
        assert file.fingerprint == hashlib.sha256(contents[path]).hexdigest()
        assert file.fingerprint == plan_search_file(path, contents[path]).fingerprint
        assert spilled[path].content() == contents[path]
    spill.close()


def test_a_disk_that_cannot_hold_the_index_aside_is_an_error_not_a_trace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def full(self: FileSpill, path: str, content: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSpill, "add", full)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--input", str(FIXTURES / "archive"), "--output", "site"]) == 2
    err = capsys.readouterr().err
    assert "error: cannot keep the search index until it is written" in err
    assert "No space left on device" in err and "Traceback" not in err


def test_the_last_document_of_a_segment_keeps_its_largest_count() -> None:
    # Postings are packed as number << 8 | count while a segment is read: the largest
    # number in a segment and the largest count come back as they went in.
    corpus = tiny_corpus(SEGMENT)
    corpus[-1] = IndexedDoc(entry=corpus[-1].entry, vector=f"storm {MAX_TF}\nall 1", facets=())
    files = built(corpus)

    def postings_of(term: str) -> tuple[list[int], list[int]]:
        n, payload = unpack_shard(files[shard_path(0, bucket_of(term, 1024))])[term]
        return decode_postings(payload, n)

    assert postings_of("storm") == ([SEGMENT - 1], [MAX_TF])
    assert postings_of("all") == (list(range(SEGMENT)), [2] * (SEGMENT - 1) + [1])


@pytest.mark.parametrize("count", ["0", str(MAX_TF + 1)])
def test_a_count_out_of_range_is_refused(count: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        built([IndexedDoc(entry=["a/", "T", "", [], "", ""], vector=f"storm {count}",
                          facets=())])
