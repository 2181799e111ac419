"""The kept search index (search/kept.py): what tells one index's documents from another's,
and where a kept file's bytes come from."""

from __future__ import annotations

import hashlib

import pytest

from archivegen.search.kept import (
    IndexBasis,
    KeptFile,
    doc_digest,
    facets_digest,
    same_documents,
    vector_digest,
)

ENTRY = ["2024/05/01/harbour/", "Harbour reopens", "2024-05-01", ["Ana Lima"], "Daily", "The"]
FACETS = ("/regions/coast/", "/years/2024/")


def test_a_document_digest_changes_with_each_thing_the_index_takes_of_it() -> None:
    vector = vector_digest("harbour 2 storm 1")
    base = doc_digest(ENTRY, FACETS, vector)
    assert base == doc_digest(list(ENTRY), list(FACETS), vector_digest("harbour 2 storm 1"))
    assert base != doc_digest([*ENTRY[:1], "Harbour reopened", *ENTRY[2:]], FACETS, vector)
    assert base != doc_digest(ENTRY, FACETS[:1], vector)
    assert base != doc_digest(ENTRY, FACETS, vector_digest("harbour 2 storm 2"))
    # The parts are not run together: a facet moved into the entry is another document.
    assert doc_digest(["a"], ("b",), vector) != doc_digest(["a", "b"], (), vector)


def test_vectors_with_lone_surrogates_have_digests() -> None:
    assert vector_digest("caf\udce9 1") != vector_digest("caf\udce8 1")


def test_the_filters_and_the_count_are_part_of_what_the_index_is_made_from() -> None:
    facets = {"regions": [("/regions/coast/", "Coast")], "years": [("/years/2024/", "2024")]}
    assert facets_digest(facets, 3) == facets_digest(dict(reversed(facets.items())), 3)
    assert facets_digest(facets, 3) != facets_digest(facets, 4)
    renamed = {**facets, "regions": [("/regions/coast/", "The coast")]}
    assert facets_digest(facets, 3) != facets_digest(renamed, 3)


def test_documents_are_the_same_only_one_for_one_in_order() -> None:
    docs = [("a", b"1"), ("b", b"2")]
    assert same_documents(iter(docs), docs)
    assert not same_documents(iter(docs), [("a", b"1")])
    assert not same_documents(iter(docs[:1]), docs)
    assert not same_documents(iter(reversed(docs)), docs)
    assert not same_documents(iter([("a", b"1"), ("b", b"3")]), docs)


def test_checking_stops_at_the_first_document_that_differs() -> None:
    taken = []

    def docs():  # type: ignore[no-untyped-def]
        for doc in [("a", b"1"), ("b", b"9"), ("c", b"3")]:
            taken.append(doc[0])
            yield doc

    assert not same_documents(docs(), [("a", b"1"), ("b", b"2"), ("c", b"3")])
    assert taken == ["a", "b"]


def test_a_basis_reads_back_and_a_damaged_one_is_none() -> None:
    basis = IndexBasis(made_from="abc", files=(("search/index.json", "11"), ("search/d/0.bin",
                                                                              "22")))
    assert IndexBasis.from_json(basis.to_json()) == basis
    for damaged in ("", "{", "[]", '{"made_from": "x"}', '{"made_from": "x", "files": [1]}'):
        assert IndexBasis.from_json(damaged) is None
    changed = basis.with_files({"search/d/0.bin": "33", "search/other": "44"})
    assert changed.files == (("search/index.json", "11"), ("search/d/0.bin", "33"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_kept_file_is_read_back_when_the_output_folder_still_has_it() -> None:
    remade: list[str] = []
    kept = KeptFile("search/d/0.bin", _sha(b"kept"), lambda path: b"kept",
                    lambda path: remade.append(path) or b"kept")
    assert kept.rendered(("dep",), "origin").content == b"kept"
    assert remade == []


@pytest.mark.parametrize("found", [None, b"changed by hand"])
def test_a_kept_file_lost_or_changed_in_the_output_folder_is_made_again(
        found: bytes | None) -> None:
    remade: list[str] = []
    kept = KeptFile("search/d/0.bin", _sha(b"kept"), lambda path: found,
                    lambda path: remade.append(path) or b"kept")
    assert kept.content() == b"kept"
    assert remade == ["search/d/0.bin"]


def test_an_index_made_again_that_differs_is_a_fault_not_a_page() -> None:
    kept = KeptFile("search/d/0.bin", _sha(b"kept"), lambda path: None, lambda path: b"other")
    with pytest.raises(RuntimeError, match="differs from the kept one"):
        kept.content()
