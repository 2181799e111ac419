"""Slug rules: lowercase ASCII words joined by hyphens, never empty, never a path."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivegen.slugs import MAX_SLUG_LENGTH, slugify, term_slug

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gearóid Ó Colmáin", "gearoid-o-colmain"),
        ("Middle East & North Africa", "middle-east-north-africa"),
        ("Syria", "syria"),
        ("  US  Foreign   Policy ", "us-foreign-policy"),
        ("Ærøskøbing", "aeroskobing"),
        ("2017 in review", "2017-in-review"),
        ("--a--", "a"),
    ],
)
def test_known_slugs(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize("text", ["", "!!!", "   ", "&&", "—", "/", "..", "../.."])
def test_text_without_letters_or_digits_gets_untitled(text: str) -> None:
    assert slugify(text) == "untitled"


@pytest.mark.parametrize("text", ["../../etc/passwd", "a/b", "..\\..\\x", "./.", "a..b",
                                  "/etc/", "%2e%2e%2f"])
def test_slug_is_never_a_path(text: str) -> None:
    slug = slugify(text)
    assert "/" not in slug
    assert "\\" not in slug
    assert ".." not in slug
    assert SLUG_RE.match(slug)


def test_long_text_is_cut_to_the_limit() -> None:
    slug = slugify("word " * 100)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert SLUG_RE.match(slug)
    assert slug.startswith("word-word")


def test_single_overlong_word_is_cut_to_the_limit() -> None:
    slug = slugify("a" * (MAX_SLUG_LENGTH * 3))
    assert slug == "a" * MAX_SLUG_LENGTH


def test_slugify_is_idempotent_on_examples() -> None:
    for text in ["Gearóid Ó Colmáin", "Middle East & North Africa", "!!!"]:
        assert slugify(slugify(text)) == slugify(text)


@pytest.mark.slow
@settings(max_examples=200)
@given(st.text())
@example("")
@example("\x00\u200b\ufeff")
@example("ǅ ½ ① İ ß ﬁ")
@example("x" * (MAX_SLUG_LENGTH - 1) + " yy")
@example("-" * 200)
@example("a-" * 100)
def test_any_text_gives_a_safe_bounded_slug(text: str) -> None:
    slug = slugify(text)
    assert SLUG_RE.match(slug), slug
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.isascii()


@settings(max_examples=200)
@given(st.text())
def test_slug_of_a_slug_is_itself(text: str) -> None:
    slug = slugify(text)
    assert slugify(slug) == slug


@given(st.text(max_size=120))
def test_term_slugs_are_the_same_slugs(text: str) -> None:
    # term_slug only keeps the answers (term names repeat); it never gives another one.
    assert term_slug(text) == slugify(text)
