"""loaders/text.py: decoding, dates and name lists."""

from __future__ import annotations

import pytest
from unit_helpers import make_source

from archivegen.errors import Diagnostics, Level
from archivegen.load.dateparse import parse_date
from archivegen.load.layouts.text import clean_name, decode, link_texts
from archivegen.partial_date import PartialDate


def decode_bytes(data: bytes) -> tuple[str | None, Diagnostics]:
    diags = Diagnostics()
    return decode(make_source(data), diags), diags


# --- decode ------------------------------------------------------------------------------------

def test_decode_drops_utf8_bom():
    text, diags = decode_bytes(b"\xef\xbb\xbfTitle\nbody")
    assert text == "Title\nbody"
    assert not diags.items


def test_decode_keeps_a_bom_like_character_that_is_not_at_the_start():
    text, _ = decode_bytes(b"a\xef\xbb\xbfb")
    assert text == "a\ufeffb"


def test_decode_turns_crlf_into_lf():
    text, diags = decode_bytes(b"one\r\ntwo\r\n\r\nthree")
    assert text == "one\ntwo\n\nthree"
    assert not diags.items


def test_decode_turns_lone_cr_into_lf():
    text, _ = decode_bytes(b"one\rtwo\r\rthree")
    assert text == "one\ntwo\n\nthree"


def test_decode_mixed_line_endings():
    text, _ = decode_bytes(b"a\r\nb\rc\nd\r\n")
    assert text == "a\nb\nc\nd\n"
    assert "\r" not in text


def test_decode_bom_and_crlf_together():
    text, _ = decode_bytes(b"\xef\xbb\xbfa\r\nb")
    assert text == "a\nb"


def test_decode_keeps_diacritics_exactly():
    name = "Gearóid Ó Colmáin"
    text, diags = decode_bytes(name.encode("utf-8"))
    assert text == name
    assert not diags.items


def test_non_utf8_is_read_as_windows_1252_with_ag004_line_and_column():
    text, diags = decode_bytes(b"first line\nsecond\nabcd\xffrest \x93quoted\x94 caf\xe9\n")
    assert text == "first line\nsecond\nabcd\xffrest \u201cquoted\u201d caf\xe9\n"
    assert len(diags.items) == 1
    d = diags.items[0]
    assert d.code == "AG004"
    assert d.level is Level.WARNING
    assert d.location.path == "x.txt"
    assert (d.location.line, d.location.col) == (3, 5)
    assert "0xff" in d.message


def test_invalid_utf8_at_start_of_file():
    _, diags = decode_bytes(b"\x80abc")
    d = diags.items[0]
    assert (d.code, d.location.line, d.location.col) == ("AG004", 1, 1)


def test_invalid_utf8_reports_first_bad_byte_only():
    _, diags = decode_bytes(b"ok\n\xc3(\nzz\xff")
    assert len(diags.items) == 1
    assert (diags.items[0].location.line, diags.items[0].location.col) == (2, 1)


def test_invalid_utf8_position_with_crlf_line_endings():
    _, diags = decode_bytes(b"first line\r\nsecond\r\nabcd\xffrest\r\n")
    d = diags.items[0]
    assert (d.code, d.location.line, d.location.col) == ("AG004", 3, 5)


def test_invalid_utf8_position_with_lone_cr_line_endings():
    # decode() treats a lone CR as a line ending, so the error must count it as one too.
    _, diags = decode_bytes(b"first line\rsecond\rabcd\xffrest\r")
    d = diags.items[0]
    assert (d.code, d.location.line, d.location.col) == ("AG004", 3, 5)


def test_invalid_utf8_line_not_shifted_by_multibyte_characters_on_earlier_lines():
    _, diags = decode_bytes("Gearóid Ó Colmáin\n".encode() + b"ab\xfe")
    d = diags.items[0]
    assert (d.location.line, d.location.col) == (2, 3)


def test_invalid_utf8_after_bom():
    _, diags = decode_bytes(b"\xef\xbb\xbfab\nc\xff")
    d = diags.items[0]
    assert (d.code, d.location.line, d.location.col) == ("AG004", 2, 2)


def test_truncated_multibyte_sequence_at_end_is_read_as_windows_1252():
    text, diags = decode_bytes(b"abc\xc3")
    assert text == "abc\xc3"
    assert diags.items[0].code == "AG004"
    assert (diags.items[0].location.line, diags.items[0].location.col) == (1, 4)


# --- parse_date --------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("May 30, 2017", PartialDate(year=2017, month=5, day=30)),
    ("May 30,2017", PartialDate(year=2017, month=5, day=30)),
    ("may 30, 2017", PartialDate(year=2017, month=5, day=30)),
    ("  May   30,  2017 ", PartialDate(year=2017, month=5, day=30)),
    ("30 May 2017", PartialDate(year=2017, month=5, day=30)),
    ("1 January 2000", PartialDate(year=2000, month=1, day=1)),
    ("2017-05-30", PartialDate(year=2017, month=5, day=30)),
    ("December 1, 1999", PartialDate(year=1999, month=12, day=1)),
    ("February 29, 2016", PartialDate(year=2016, month=2, day=29)),
])
def test_parse_date_accepts_the_three_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    "February 30, 2017",
    "February 29, 2017",
    "30 February 2017",
    "2017-02-30",
    "2017-13-01",
    "2017-00-10",
    "Febtember 3, 2017",
    "30/05/2017",
    "2017-5-30",
    "",
    "yesterday",
    "May 30, 2017 and more",
])
def test_parse_date_rejects_invalid_or_unknown(value):
    assert parse_date(value) is None


# --- link_texts / clean_name -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("[A](#), [B](#)", ("A", "B")),
    ("[A](#) and [B](#)", ("A", "B")),
    ("[South Front](#)", ("South Front",)),
    ("[Middle East & North Africa](#)", ("Middle East & North Africa",)),
    ("A, B and C", ("A", "B", "C")),
    ("A; B & C", ("A", "B", "C")),
    ("Prof. Michel Chossudovsky", ("Prof. Michel Chossudovsky",)),
    ("", ()),
    ("   ", ()),
    ("**[South Front](#)**", ("South Front",)),
    ("[ Spaced   Name ](#)", ("Spaced Name",)),
    ("[](#), [B](#)", ("B",)),
])
def test_link_texts(value, expected):
    assert link_texts(value) == expected


def test_link_texts_keeps_diacritics_exactly():
    assert link_texts("[Gearóid Ó Colmáin](#)") == ("Gearóid Ó Colmáin",)
    assert link_texts("Gearóid Ó Colmáin and Zoë Ångström") == ("Gearóid Ó Colmáin",
                                                                 "Zoë Ångström")


def test_link_texts_does_not_split_andrew_or_brandon():
    # "and" only separates names as a whole word.
    assert link_texts("Andrew Korybko, Brandon Smith") == ("Andrew Korybko", "Brandon Smith")


@pytest.mark.parametrize(("value", "expected"), [
    ("**South Front**", "South Front"),
    ("  a \t b  ", "a b"),
    ("_Name_", "Name"),
    ("Gearóid Ó Colmáin", "Gearóid Ó Colmáin"),
])
def test_clean_name(value, expected):
    assert clean_name(value) == expected


def test_binary_data_is_an_ag001_error():
    text, diags = decode_bytes(b"PK\x03\x04\x00\x00binary")
    assert text is None
    assert [(d.code, d.level) for d in diags.items] == [("AG001", Level.ERROR)]
