"""The build's sketch store gives back every sketch as it was added, whatever its parts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivegen.dedupe.detect import Sketch, sketch_text
from archivegen.dedupe.store import SketchStore

sketches = st.builds(Sketch, digest=st.binary(max_size=40), values=st.binary(max_size=600),
                     lead=st.binary(max_size=200))


@given(st.dictionaries(st.text(min_size=1, max_size=12), sketches, max_size=20))
def test_every_sketch_comes_back_as_it_went_in(kept: dict[str, Sketch]) -> None:
    store = SketchStore()
    for key, sketch in kept.items():
        store.add(key, sketch)
    assert len(store) == len(kept) and list(store) == list(kept)
    assert {key: store[key] for key in store} == kept


def test_sketches_of_real_bodies_and_an_empty_one() -> None:
    bodies = {"a.txt": "The harbour was closed for the storm. " * 40,
              "b.txt": "", "c.txt": "Short."}
    store = SketchStore()
    for key, body in bodies.items():
        store.add(key, sketch_text(body))
    for key, body in bodies.items():
        assert store[key] == sketch_text(body)


def test_a_key_is_kept_once_and_clear_lets_go_of_all() -> None:
    store = SketchStore()
    store.add("a", Sketch(digest=b"d", values=b"v"))
    with pytest.raises(ValueError, match="already kept"):
        store.add("a", Sketch(digest=b"e", values=b"w"))
    with pytest.raises(KeyError):
        store["b"]
    store.clear()
    assert len(store) == 0 and "a" not in store
    store.add("a", Sketch(digest=b"e", values=b"w"))
    assert store["a"] == Sketch(digest=b"e", values=b"w")
