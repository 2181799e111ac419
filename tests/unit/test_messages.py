"""The theme's message table (templates/messages.yaml, render/messages.py): complete in every
language, the same placeholders everywhere, plural forms, escaping, fallbacks, and a theme's
own messages.yaml laid over the default one, its problems reported, never a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup

from archivegen.config import default_theme_dir
from archivegen.errors import Diagnostics
from archivegen.partial_date import PartialDate
from archivegen.render.messages import (
    MESSAGES_FILE,
    SCRIPT_MESSAGES,
    Messages,
    language_section,
    load_messages,
)
from archivegen.render.templates import css_string, make_environment

THEME = default_theme_dir()
LANGUAGES = ("en", "es", "fr")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def raw_table() -> dict[str, dict[str, object]]:
    import yaml

    table = yaml.safe_load((THEME / MESSAGES_FILE).read_text("utf-8"))
    assert isinstance(table, dict)
    return table


def placeholders(text: object) -> set[str]:
    forms = list(text.values()) if isinstance(text, dict) else [text]
    return {name for form in forms for name in PLACEHOLDER.findall(str(form))}


def test_the_default_theme_speaks_english_spanish_and_french() -> None:
    assert set(LANGUAGES) <= set(raw_table())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_translated_with_the_same_placeholders(language: str) -> None:
    table = raw_table()
    english, section = table["en"], table[language]
    assert sorted(section) == sorted(english), "a key missing or extra"
    for key, text in section.items():
        assert isinstance(text, str | dict), key  # quoted: never a YAML bool or number
        assert isinstance(text, dict) == isinstance(english[key], dict), key
        if isinstance(text, dict):
            assert set(text) == {"one", "other"}, key
            assert all(isinstance(form, str) and form.strip() for form in text.values()), key
        else:
            assert text.strip(), key
        assert placeholders(text) == placeholders(english[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_default_table_loads_without_a_diagnostic(language: str) -> None:
    diags = Diagnostics()
    messages = load_messages([THEME], language, diags)
    assert diags.items == []
    assert messages.language == language
    assert set(SCRIPT_MESSAGES) <= set(messages.texts)


def test_words_of_each_language() -> None:
    words = {lang: load_messages([THEME], lang, Diagnostics()) for lang in LANGUAGES}
    assert [words[lang]("skip_to_content") for lang in LANGUAGES] == [
        "Skip to content", "Saltar al contenido", "Aller au contenu"]
    assert [words[lang].text("not_found.title") for lang in LANGUAGES] == [
        "Page not found", "Página no encontrada", "Page introuvable"]
    assert [words[lang].text("nav.dates") for lang in LANGUAGES] == ["Dates", "Fechas", "Dates"]


def test_plural_forms_follow_the_count_and_the_language() -> None:
    en, es, fr = (load_messages([THEME], lang, Diagnostics()) for lang in LANGUAGES)
    assert [en.text("listing.articles", count=n) for n in (0, 1, 2)] == [
        "0 articles", "1 article", "2 articles"]
    assert [es.text("listing.articles", count=n) for n in (0, 1, 2)] == [
        "0 artículos", "1 artículo", "2 artículos"]
    # French counts 0 with 1: "0 article".
    assert [fr.text("listing.articles", count=n) for n in (0, 1, 2)] == [
        "0 article", "1 article", "2 articles"]
    with pytest.raises(TypeError):
        en.text("listing.articles")


@pytest.mark.parametrize(("language", "day", "month", "months", "years"), [
    ("en", "May 30, 2017", "June 2013", "June\u2013July 2010", "2013\u20132014"),
    ("es", "30 de mayo de 2017", "junio de 2013", "junio\u2013julio de 2010", "2013\u20132014"),
    ("fr", "30 mai 2017", "juin 2013", "juin\u2013juillet 2010", "2013\u20132014"),
])
def test_dates_in_each_language(language: str, day: str, month: str, months: str,
                                years: str) -> None:
    t = load_messages([THEME], language, Diagnostics())
    assert t.date(PartialDate(year=2017, month=5, day=30)) == day
    assert t.date(PartialDate(year=2013, month=6)) == month
    assert t.date(PartialDate(year=2010, month=6, end_month=7)) == months
    assert t.date(PartialDate(year=2013, end_year=2014)) == years
    assert t.date(PartialDate(year=2010)) == "2010"
    assert t.date(None) == ""


def test_french_first_of_the_month_and_headings() -> None:
    fr = load_messages([THEME], "fr", Diagnostics())
    assert fr.date(PartialDate(year=2017, month=5, day=1)) == "1er mai 2017"
    assert fr.month_year(2017, 5) == "mai 2017"
    assert fr.month_year(2017, 5, start=True) == "Mai 2017"  # a heading starts with a capital
    assert fr.decimal(0.934) == "0,93"


def test_values_are_escaped_and_markup_is_kept() -> None:
    t = load_messages([THEME], "en", Diagnostics())
    shown = t("nav.more_in", name="<script>alert(1)</script> & co")
    assert isinstance(shown, Markup)
    assert shown == "More in &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    link = Markup('<a href="/">latest articles</a>')
    assert '<a href="/">latest articles</a>' in t("not_found.text", latest=link, archive="x")
    # The message itself is text too: its apostrophe is escaped as a value's would be.
    assert "article&#39;s" in t("article.untitled_note")


def test_templates_get_t_and_escape_what_goes_in(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text('{{ t("footer", site=name) }}|{{ 5 | decimal }}')
    env = make_environment([tmp_path], messages=load_messages([THEME], "fr", Diagnostics()))
    out = env.get_template("p.html").render(name="<b>Site</b>")
    assert out.startswith("&lt;b&gt;Site&lt;/b&gt; — des archives statiques")
    assert out.endswith("|5,00")


@pytest.mark.parametrize(("tag", "section"), [
    ("fr", "fr"), ("fr-CA", "fr"), ("ES-mx", "es"), ("en-GB", "en"), ("pt-BR", None),
    ("de", None)])
def test_a_tag_with_a_region_uses_its_base_language(tag: str, section: str | None) -> None:
    assert language_section(tag, ["en", "es", "fr"]) == section


def test_a_language_the_table_lacks_falls_back_to_english_with_one_warning() -> None:
    diags = Diagnostics()
    messages = load_messages([THEME], "pt-BR", diags)
    assert messages.language == "en"
    assert messages("skip_to_content") == "Skip to content"
    [warning] = diags.items
    assert warning.code == "AG053" and warning.level == "warning"
    assert "'pt-BR'" in warning.message and "en, es, fr" in warning.message


def test_a_region_section_wins_over_its_base_language(tmp_path: Path) -> None:
    (tmp_path / MESSAGES_FILE).write_text('fr-CA:\n  skip_to_content: "Passer au contenu"\n')
    diags = Diagnostics()
    messages = load_messages([tmp_path, THEME], "fr-CA", diags)
    assert messages.language == "fr-CA"
    assert messages("skip_to_content") == "Passer au contenu"
    assert messages.one == frozenset({0, 1})  # French plural rule
    # The rest of the section is not there: English, and a warning that says so.
    assert messages("nav.dates") == "Dates"
    assert [d.code for d in diags.items] == ["AG052"]


def test_a_theme_adds_a_language_and_rewords_one(tmp_path: Path) -> None:
    (tmp_path / MESSAGES_FILE).write_text(
        'fr:\n  skip_to_content: "Sauter au contenu"\n'
        'de:\n  skip_to_content: "Zum Inhalt springen"\n'
        '  listing.articles: {one: "{count} Artikel", other: "{count} Artikel"}\n')
    diags = Diagnostics()
    fr = load_messages([tmp_path, THEME], "fr", diags)
    assert fr("skip_to_content") == "Sauter au contenu"
    assert fr("nav.related") == "Articles connexes"  # the default theme's, key by key
    assert diags.items == []
    de = load_messages([tmp_path, THEME], "de", diags)
    assert de.text("listing.articles", count=3) == "3 Artikel"
    assert de.text("nav.related") == "Related articles"
    [missing] = diags.items
    assert missing.code == "AG052" and "lack" in missing.message


def test_bad_messages_are_warnings_and_leave_the_ones_under_them(tmp_path: Path) -> None:
    (tmp_path / MESSAGES_FILE).write_text(
        "fr:\n"
        '  nav.more_in: "Plus sur {nom}"\n'  # line 2: a placeholder English has not
        "  nav.related: no\n"  # line 3: YAML reads a bool
        '  listing.articles: "{count} articles"\n'  # line 4: not plural
        '  no.such.key: "x"\n'  # line 5
        "not a tag: {}\n")  # line 6
    diags = Diagnostics()
    fr = load_messages([tmp_path, THEME], "fr", diags)
    # Each bad message leaves the one under it: the default theme's French.
    assert fr.text("nav.more_in", name="X") == "Autres articles\u00a0: X"
    assert fr.text("nav.related") == "Articles connexes"
    assert fr.text("listing.articles", count=2) == "2 articles"
    assert "no.such.key" not in fr.texts
    found = sorted((d.location.line, d.code) for d in diags.items)
    assert found == [(2, "AG052"), (3, "AG052"), (4, "AG052"), (5, "AG052"), (6, "AG052")]
    assert all(d.location.path.endswith(MESSAGES_FILE) for d in diags.items)


@pytest.mark.parametrize("content", [b"fr: [unclosed\n", b"\xff\xfe not utf-8", b"- a list\n"])
def test_an_unreadable_messages_file_is_reported_not_a_crash(tmp_path: Path,
                                                             content: bytes) -> None:
    (tmp_path / MESSAGES_FILE).write_bytes(content)
    diags = Diagnostics()
    messages = load_messages([tmp_path, THEME], "fr", diags)
    assert messages("skip_to_content") == "Aller au contenu"  # the default theme's still
    assert len(diags.items) == 1


def test_the_digest_follows_the_language_and_the_words(tmp_path: Path) -> None:
    en = load_messages([THEME], "en", Diagnostics())
    fr = load_messages([THEME], "fr", Diagnostics())
    assert en.digest != fr.digest
    assert en.digest == load_messages([THEME], "en", Diagnostics()).digest
    (tmp_path / MESSAGES_FILE).write_text('en:\n  skip_to_content: "Skip"\n')
    assert load_messages([tmp_path, THEME], "en", Diagnostics()).digest != en.digest


def test_script_data_carries_what_search_js_shows() -> None:
    data = load_messages([THEME], "fr", Diagnostics()).script_data()
    assert data["language"] == "fr" and data["one"] == [0, 1]
    messages = data["messages"]
    assert isinstance(messages, dict) and set(messages) == set(SCRIPT_MESSAGES)
    assert messages["search.found"] == ["{count} article trouvé.", "{count} articles trouvés."]
    assert messages["search.none"] == "Aucun article ne contient tous ces mots."


def test_css_string_cannot_leave_its_quotes() -> None:
    assert css_string("Notes") == '"Notes"'
    assert css_string('a"b\\c\n</style>') == '"a\\22 b\\5c c\\a \\3c /style\\3e "'


def test_messages_are_callable_from_code_too() -> None:
    t = Messages(language="en", texts={"k": "{a} & {b}", "p": ("one {count}", "many {count}")})
    assert t.text("k", a="<", b=">") == "< & >"  # plain: for a value escaped later
    assert t("k", a="<", b=">") == "&lt; &amp; &gt;"
    assert t.text("p", count=1) == "one 1" and t.text("p", count=7) == "many 7"


def test_a_themes_english_keeps_the_kind_and_placeholders_of_the_default(tmp_path: Path) -> None:
    """A theme rewording an English message cannot break the templates that fill it: a
    placeholder they do not give, one text where they count, or no text at all. Each such
    message is a warning and leaves the default theme's; a new key is the theme's own."""
    (tmp_path / MESSAGES_FILE).write_text(
        "en:\n"
        '  search.title: "Search {what}"\n'  # line 2: a placeholder no template gives
        '  archive.title: {one: "A", other: "B"}\n'  # line 3: plural where one text is
        '  footer: "{site} by {oops}"\n'  # line 4
        '  skip_to_content: "Jump to the text"\n'  # a good rewording
        '  my_theme.banner: "Hello {name}"\n')  # a message of the theme's own templates
    diags = Diagnostics()
    en = load_messages([tmp_path, THEME], "en", diags)
    assert en.text("search.title") == "Search"
    assert en.text("archive.title") == "Archive by date"
    assert en.text("footer", site="S").startswith("S — a static archive")
    assert en.text("skip_to_content") == "Jump to the text"
    assert en.text("my_theme.banner", name="you") == "Hello you"
    assert sorted((d.location.line, d.code) for d in diags.items) == [
        (2, "AG052"), (3, "AG052"), (4, "AG052")]
