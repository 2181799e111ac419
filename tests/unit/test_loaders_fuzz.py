"""No file crashes the loader: random bytes and random layout-shaped text always load or report."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.repair import repair_article
from archivegen.model import Source

pytestmark = pytest.mark.slow  # fuzzing the loaders (hypothesis)

LINES = st.sampled_from([
    "", "# Title", "By [A](#) and [B](#)", "by", "Jane Doe", "por", "del Sitio Web", "from",
    "Site Website", "Global Research, May 30, 2017", "Publisher, Febtember 3, 2017",
    "[Source](#)", "Region:", "Region: [R](#)", "Theme: a, b & c", "In-depth Report: [X](#)",
    "> Source: http://example.org/x", "---", "title: x", "date: 2017-02-30", "tags: [a, b]",
    "authors: {a: 1}", "NOTES", "Notes:", "[1] a note", "1. a note", "text with [1] marker",
    "The original source of this article is [S](#)", "Copyright © [S](#), 2017", "-",
    "June-July 2010", "23 Octubre de 2010", "lower case continuation", "\ufeffBOM line",
    "A long sentence that runs on for many words without stopping at all until the end.",
])


def _load(data: bytes, name: str) -> None:
    diags = Diagnostics()
    source = Source(path=name, data=data, sha256=hashlib.sha256(data).hexdigest(),
                    sidecar_path=name + ".yaml", sidecar=data[:200] or None)
    for article in load_source(source, diags):
        repaired = repair_article(article, diags)
        assert repair_article(repaired, Diagnostics()).body == repaired.body
    for d in diags.items:
        assert d.format().startswith(name)  # every problem names its file


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "b.md"]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    _load(data, name)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["a.txt", "b.md"]))
def test_layout_shaped_text_never_crashes(lines: list[str], newline: str, name: str) -> None:
    _load(newline.join(lines).encode("utf-8"), name)
