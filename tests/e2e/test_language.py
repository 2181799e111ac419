"""The default theme speaks the site's `language` (issue #17): every word of its chrome comes
from templates/messages.yaml, none is left in a template, dates and month names follow it,
search.js gets its words from the search page, a language the table lacks falls back to
English with one warning, and switching languages re-renders every page once."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from incremental_helpers import age, edit_body, run

from archivegen.config import default_theme_dir
from archivegen.errors import Diagnostics
from archivegen.render.messages import MESSAGES_FILE, load_messages
from conftest import FIXTURES, run_build, tree_bytes

ARCHIVE = FIXTURES / "archive"
THEME = default_theme_dir()
MONTH_PAGE = "2017/05/index.html"
MAY_30 = '<time datetime="2017-05-30">'


def build_in(language: str, root: Path) -> Path:
    """The fixture archive built by the command line with `language: <language>` in the
    settings; its output folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "archivegen.yaml").write_text(f"language: {language}\n")
    out = root / "site"
    code = run_build(ARCHIVE, out, "--config", str(root / "archivegen.yaml"))
    assert code == 0
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("languages")
    return {lang: build_in(lang, root / lang) for lang in ("es", "fr")}


def page(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def test_spanish_chrome(sites: dict[str, Path]) -> None:
    es = sites["es"]
    home = page(es, "index.html")
    assert '<html lang="es">' in home
    assert '<a class="skip" href="#main">Saltar al contenido</a>' in home
    assert ">Fechas</a>" in home and ">Regiones</a>" in home
    assert "<h1>Página no encontrada</h1>" in page(es, "404.html")
    month = page(es, MONTH_PAGE)
    assert "<h1>Mayo de 2017</h1>" in month and "<title>Mayo de 2017 · " in month
    assert f"{MAY_30}30 de mayo de 2017</time>" in month
    assert "<p class=\"count\">4 artículos</p>" in month


def test_french_chrome_dates_and_404(sites: dict[str, Path]) -> None:
    fr = sites["fr"]
    home = page(fr, "index.html")
    assert '<html lang="fr">' in home
    assert '<a class="skip" href="#main">Aller au contenu</a>' in home
    assert 'placeholder="Rechercher dans les archives"' in home
    not_found = page(fr, "404.html")
    assert "<h1>Page introuvable</h1>" in not_found
    assert "<title>Page introuvable · " in not_found
    assert re.search(r"Essayez les <a href=\"[^\"]*\">derniers articles</a>", not_found)
    month = page(fr, MONTH_PAGE)
    assert "<h1>Mai 2017</h1>" in month
    assert f"{MAY_30}30 mai 2017</time>" in month


def test_french_month_names_on_the_archive_page(sites: dict[str, Path]) -> None:
    archive = page(sites["fr"], "archive/index.html")
    assert "<h1>Archives par date</h1>" in archive
    # Machine values stay as they were: only the words change.
    assert '<time datetime="2017-05">Mai</time>' in archive
    assert '<time datetime="2021-08">Août</time>' in archive
    assert "<summary>Nombre par année</summary>" in archive
    assert not re.search(r">(January|February|March|April|June|July|August|September|"
                         r"October|November|December)<", archive)


def test_the_search_page_and_search_js_words(sites: dict[str, Path]) -> None:
    search = page(sites["fr"], "search/index.html")
    assert "<h1>Recherche</h1>" in search
    assert '<label for="search-q">Mots à rechercher</label>' in search
    assert '<option value="">indifférent</option>' in search
    assert ">Afficher plus de résultats</button>" in search
    found = re.search(r"data-messages='([^']*)'", search)
    assert found
    data = json.loads(html.unescape(found[1]))
    assert data["language"] == "fr" and data["one"] == [0, 1]
    assert data["messages"]["search.none"] == "Aucun article ne contient tous ces mots."
    assert data["messages"]["month.5"] == "mai"
    # One script element, as before: the words travel in an attribute, not a script block.
    assert search.count("<script") == 1


def test_a_term_listing_and_its_feed(sites: dict[str, Path]) -> None:
    fr = sites["fr"]
    listing = page(fr, "regions/europe/index.html")
    assert "<title>Région\u00a0: Europe · " in listing
    assert ">Flux Atom</a> pour Europe</p>" in listing
    assert "<title>Région\u00a0: Europe</title>" in page(fr, "regions/europe/feed.xml")
    assert re.search(r"\d+ articles par mois|\d+ articles? par année", listing)


def english_phrases() -> list[str]:
    """The English table's texts that French words differently, cut at placeholders: the
    pieces of two words or more (one word alone, or "or the", may be an article's)."""
    en = load_messages([THEME], "en", Diagnostics())
    fr = load_messages([THEME], "fr", Diagnostics())
    phrases = set()
    for key, text in en.texts.items():
        forms = text if isinstance(text, tuple) else (text,)
        theirs = fr.texts[key]
        if theirs == text:
            continue
        for form in forms:
            for piece in re.split(r"\{[a-z_]+\}", form):
                piece = piece.strip(" ,.:;()←→")
                if len(piece.split()) >= 2 and len(piece) >= 8:
                    phrases.add(piece)
    return sorted(phrases)


# What is the articles' own text, not the theme's: bodies, excerpts, titles (in headings,
# links to articles, the page's title and its metadata).
_ARTICLE_TEXT = re.compile(
    r'<div class="body".*?</div>|<p class="excerpt">.*?</p>|<h1>.*?</h1>|<h2><a .*?</h2>|'
    r'<a href="[^"]*/\d\d/\d\d/[^"]*">[^<]*</a>|<title>.*?</title>|<meta [^>]*>|'
    r'<script type="application/ld\+json">.*?</script>', re.DOTALL)


def english_left(site: Path) -> dict[str, list[str]]:
    """Per page, the English phrases of the table its chrome shows."""
    phrases = english_phrases()
    left = {}
    for path, content in tree_bytes(site).items():
        # (Feeds hold the articles' bodies; their titles are checked above.)
        if not path.endswith(".html") or path.startswith("search/"):
            continue
        chrome = _ARTICLE_TEXT.sub(" ", content.decode("utf-8"))
        found = [p for p in phrases if p in chrome]
        if found:
            left[path] = found
    return left


def test_no_english_ui_phrase_is_left_in_french_pages(sites: dict[str, Path],
                                                     tmp_path: Path) -> None:
    assert "Skip to content" in english_phrases() and "Archive by date" in english_phrases()
    assert english_left(sites["fr"]) == {}
    # The check sees the chrome: in English, every page shows some of these phrases.
    english = build_in("en", tmp_path)
    pages = [p for p in tree_bytes(english) if p.endswith(".html") and not p.startswith("search/")]
    assert sorted(english_left(english)) == sorted(pages)


class _TextNodes(HTMLParser):
    """Text and the attributes people read (labels, placeholders, titles), of a template
    with its Jinja code taken out."""

    SHOWN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "label")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v or "" for k, v in attrs if k in self.SHOWN_ATTRIBUTES]

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


@pytest.mark.parametrize("name", sorted(p.name for p in THEME.iterdir()
                                        if p.suffix in (".html", ".xml")))
def test_no_template_holds_a_word(name: str) -> None:
    """Every word a template shows comes from `t`: with the Jinja code taken out, no text
    node nor shown attribute holds a letter (but the generator's name in the feed, and the
    name of the sidecar rule, which the provenance shows as the rule names it reads)."""
    source = (THEME / name).read_text("utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", source, flags=re.DOTALL)
    parser = _TextNodes()
    parser.feed(source)
    words = [t.strip() for t in parser.texts if re.search(r"[^\W\d_]", t)]
    assert [w for w in words if w not in ("archivegen", "sidecar")] == []


def test_search_js_holds_no_sentence() -> None:
    """search.js shows the words the search page hands it: none of the table's is in it."""
    script = (THEME / "static" / "search.js").read_text("utf-8")
    script = re.sub(r"/\*.*?\*/|^\s*//.*$", "", script, flags=re.DOTALL | re.MULTILINE)
    en = load_messages([THEME], "en", Diagnostics())
    for key, text in en.script_data()["messages"].items():  # type: ignore[union-attr]
        for form in text if isinstance(text, list) else [text]:
            for piece in re.split(r"\{[a-z_]+\}", form):
                if len(piece.strip()) > 3:
                    assert piece.strip() not in script, key


def test_a_language_the_table_lacks_is_english_with_one_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    out = build_in("pt-BR", tmp_path)
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "[AG053]" in line]
    assert len(warnings) == 1, err
    assert warnings[0].startswith(str(THEME / MESSAGES_FILE) + ": warning: ")
    assert "'pt-BR'" in warnings[0]
    home = page(out, "index.html")
    assert '<html lang="pt-BR">' in home  # the tag the settings give, as before
    assert ">Skip to content</a>" in home


def test_a_region_tag_uses_its_base_language(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    out = build_in("fr-CA", tmp_path)
    assert "[AG05" not in capsys.readouterr().err
    home = page(out, "index.html")
    assert '<html lang="fr-CA">' in home and ">Aller au contenu</a>" in home


def test_french_builds_are_byte_identical(sites: dict[str, Path], tmp_path: Path) -> None:
    again = build_in("fr", tmp_path)
    assert tree_bytes(again) == tree_bytes(sites["fr"])


def test_switching_language_renders_every_page_once(project: Path) -> None:
    first = run(project)
    assert first.rendered > 0
    assert "Skip to content" in page(project / "site", "index.html")
    switched = run(project, language="fr")
    assert switched.rendered == first.pages  # every page again (not the static files)
    for path, content in tree_bytes(project / "site").items():
        if path.endswith(".html"):
            assert b"Skip to content" not in content, path
            assert b"Aller au contenu" in content, path
    assert run(project, language="fr").rendered == 0  # nothing changed: nothing rendered
    # A quick rebuild after an edit writes its pages in French too.
    edit_body(project / "articles" / sorted(p.name for p in (project / "articles").iterdir()
                                            if p.suffix == ".md")[0])
    quick = run(project, language="fr")
    assert 0 < quick.rendered < first.rendered
    assert not any(b"Skip to content" in c for p, c in tree_bytes(project / "site").items()
                   if p.endswith(".html"))
    back = run(project)
    # Every page again: those of the first build that did not change come back from the
    # build state's page store, the edited article's are rendered.
    assert back.rendered + back.restored == first.pages
    assert 0 < back.rendered < back.restored
    assert "Skip to content" in page(project / "site", "index.html")


def test_editing_the_theme_messages_renders_again(project: Path) -> None:
    theme = project / "templates"
    theme.mkdir()
    run(project, language="fr")
    (theme / MESSAGES_FILE).write_text('fr:\n  skip_to_content: "Passer au contenu"\n')
    age(theme, 1_700_000_000)
    edited = run(project, language="fr")
    assert edited.rendered > 0 and edited.diagnostics == ()
    assert ">Passer au contenu</a>" in page(project / "site", "index.html")
    assert run(project, language="fr").rendered == 0
    shutil.rmtree(theme)
    again = run(project, language="fr")  # the pages of the first build, from the page store
    assert again.restored > 0 and again.rendered == 0
    assert ">Aller au contenu</a>" in page(project / "site", "index.html")
