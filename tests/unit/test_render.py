"""render.py's output guards: text every XML and HTML parser takes, links only from a safe
base, Atom ids that are absolute."""

from __future__ import annotations

import xml.dom.minidom

import pytest

from archivegen.render.pages import feed_id, link_base, valid_text


def test_valid_text_replaces_what_xml_and_html_refuse() -> None:
    text = "a\x00b\x01c\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\ud800 pair \ud83d\ude00"
    assert valid_text(text) == "a\ufffdb\ufffdc" + "\ufffd" * 10 + " pair \U0001f600"
    doc = f"<t>{valid_text(text)}</t>".encode()
    assert xml.dom.minidom.parseString(doc).documentElement.tagName == "t"


def test_valid_text_drops_bidi_overrides_embeddings_and_isolates() -> None:
    hebrew = "\u200e\u05e9\u05dc\u05d5\u05dd\u200f"  # LRM, a word, RLM: kept
    text = "\u202eevil\u202c, \u202aa\u202b\u202d\u2066b\u2067\u2068\u2069 " + hebrew
    assert valid_text(text) == "evil, ab " + hebrew


@pytest.mark.parametrize("text", ["plain", "tab\tnew\nline\r", "é “q” \u200f עברית 😀",
                                  "\ufffd \ufdd0"])
def test_valid_text_keeps_text_as_it_is(text: str) -> None:
    assert valid_text(text) is text


@pytest.mark.parametrize("base, expected", [
    ("", ""), ("https://example.org/news/", "https://example.org/news/"),
    ("/news/", "/news/"), ("//evil.example", ""), ("javascript:alert(1)//", ""),
    ("data:text/html,x", ""),
])
def test_link_base_is_a_web_url_or_a_path(base: str, expected: str) -> None:
    assert link_base(base) == expected


def test_feed_ids_are_absolute() -> None:
    assert feed_id("https://example.org/news/", "/a/") == "https://example.org/news/a/"
    assert feed_id("/news/", "/a/").startswith("urn:uuid:")
    assert feed_id("", "/a/") == feed_id("/news/", "/a/")
