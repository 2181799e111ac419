"""loaders/text.py decode (C1 controls read as the Windows-1252 characters they were) and
outlets.py (one name per registered outlet; the site of an address)."""

from __future__ import annotations

import pytest
from unit_helpers import make_source

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.load.layouts.text import decode
from archivegen.load.outlets import outlet_name, outlet_of_url

UNDEFINED_CP1252 = ("\x81", "\x8d", "\x8f", "\x90", "\x9d")


# 1. C1 controls in UTF-8 text --------------------------------------------------------------------

def test_c1_quote_and_ellipsis_in_title_load_as_cp1252_characters():
    text = ("Brackenmoor\u0092s Ferry Closed\u0085 Until Spring\n\n"
            "The council voted on Tuesday\u0085 to close the landing for the winter.\n"
            "Ferrymen said it was the town\u0092s oldest crossing.\n")
    diags = Diagnostics()
    (article,) = load_source(make_source(text.encode("utf-8")), diags)
    assert diags.items == []
    assert article.title == "Brackenmoor\u2019s Ferry Closed\u2026 Until Spring"
    assert article.body == ("The council voted on Tuesday\u2026 to close the landing for the "
                            "winter.\nFerrymen said it was the town\u2019s oldest crossing.")
    assert article.body_line == 3  # U+0085 split no line


def test_decode_maps_every_defined_c1_control():
    diags = Diagnostics()
    c1 = "".join(chr(c) for c in range(0x80, 0xA0))
    text = decode(make_source(("a" + c1 + "b\n").encode("utf-8")), diags)
    assert diags.items == []
    assert text is not None
    expected = "".join(ch if ch in UNDEFINED_CP1252 else bytes([ord(ch)]).decode("cp1252")
                       for ch in c1)
    assert text == "a" + expected + "b\n"
    assert text.count("\n") == 1
    assert "\u20ac" in text and "\u2019" in text and "\u2026" in text and "\u0178" in text


@pytest.mark.parametrize("char", UNDEFINED_CP1252)
def test_undefined_cp1252_positions_stay(char):
    text = f"Ferry{char} Closed \u0092 Again\n\nBody{char} text.\n"
    diags = Diagnostics()
    (article,) = load_source(make_source(text.encode("utf-8")), diags)
    assert article.title == f"Ferry{char} Closed \u2019 Again"
    assert article.body == f"Body{char} text."
    assert decode(make_source(text.encode("utf-8")), Diagnostics()) == text.replace(
        "\u0092", "\u2019")


def test_c1_free_text_is_unchanged():
    text = "Caf\u00e9 \u2019quoted\u2019 \u2026 \u00a0 \u00ff\n"
    assert decode(make_source(text.encode("utf-8")), Diagnostics()) == text


# 2. outlets ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "GlobalResearch Website",
    "GlobalResearch",
    "Global Research",
    "Centre for Research on Globalisation",
    "Centre for Research on Globalization",
    "www.globalresearch.ca",
    "globalresearch.ca",
    "GLOBAL RESEARCH",
    "Global Research Sitio Web",
])
def test_outlet_name_of_global_research(written):
    assert outlet_name(written) == "Global Research"


@pytest.mark.parametrize(("written", "name"), [
    ("Brackenmoor Courier Website", "Brackenmoor Courier"),
    ("brackenmoor courier", "brackenmoor courier"),
    ("Isla Noticias Sitio Web", "Isla Noticias"),
    ("Heathfield REVIEW", "Heathfield REVIEW"),
    ("Corvale Courier Sito Web", "Corvale Courier"),
    ("  Heathfield   Review  ", "Heathfield Review"),
])
def test_unknown_outlet_keeps_its_case_minus_website(written, name):
    assert outlet_name(written) == name


@pytest.mark.parametrize(("url", "site"), [
    ("http://www.bibliotecapleyades.net/sociopolitica/esp_sociopol_x.htm", "Biblioteca Pleyades"),
    ("https://bibliotecapleyades.net/ciencia/x.htm", "Biblioteca Pleyades"),
    ("https://www.example.org/x", "example.org"),
    ("http://WWW.Example.ORG/x?y=1", "example.org"),
    ("https://news.brackenmoor.example/a", "news.brackenmoor.example"),
    ("http://www.globalresearch.ca/x/123", "Global Research"),
    ("https://www.strategic-culture.org/news/2010/07/11/x.html", "strategic-culture.org"),
])
def test_outlet_of_url(url, site):
    assert outlet_of_url(url) == site


@pytest.mark.parametrize("url", ["http://[", "not a url", "", "http://", "file:///etc/hosts",
                                 "http://localhost/x", "https://[::1/"])
def test_outlet_of_malformed_url_is_empty(url):
    assert outlet_of_url(url) == ""
