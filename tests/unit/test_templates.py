"""The Jinja environment: autoescape everywhere, StrictUndefined, url_for, dependencies."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from archivegen.config import default_theme_dir
from archivegen.partial_date import PartialDate
from archivegen.render.templates import (
    human_date,
    is_web_url,
    iso_date,
    make_environment,
    page_url_for,
    site_url,
    template_dependencies,
)

ARTICLE_PAGE = "/2017/05/30/a/"


def theme(tmp_path: Path, files: dict[str, str], name: str = "theme") -> Path:
    root = tmp_path / name
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def render_string(source: str, **context: object) -> str:
    env = make_environment([])
    return env.from_string(source).render(**context)


# --- escaping and undefined -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["x.txt", "x.xml", "x", "x.html", "feed.atom"])
def test_autoescape_whatever_the_extension(tmp_path: Path, name: str) -> None:
    env = make_environment([theme(tmp_path, {name: "{{ v }}"})])
    assert env.get_template(name).render(v="<b>") == "&lt;b&gt;"


def test_autoescape_in_attributes(tmp_path: Path) -> None:
    env = make_environment([theme(tmp_path, {"x.txt": '<a title="{{ v }}">'})])
    out = env.get_template("x.txt").render(v='"><script>alert(1)</script>')
    assert "<script>" not in out
    assert "&#34;&gt;&lt;script&gt;" in out


def test_missing_variable_raises(tmp_path: Path) -> None:
    env = make_environment([theme(tmp_path, {"x.html": "Hello {{ missing }}"})])
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("x.html").render()


def test_missing_attribute_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_string("{{ site.nope }}", site={})


def test_missing_variable_in_condition_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_string("{% if missing %}x{% endif %}")


# --- url_for --------------------------------------------------------------------------------

def test_url_for_term_is_relative_to_page() -> None:
    out = render_string(
        "{{ url_for('term', taxonomy='regions', name='Middle East & North Africa') }}",
        page_url=ARTICLE_PAGE)
    assert out == "../../../../regions/middle-east-north-africa/"


@pytest.mark.parametrize(
    ("page_url", "call", "expected"),
    [
        ("/", "url_for('home')", "./"),
        ("/", "url_for('home', page=2)", "page/2/"),
        ("/page/2/", "url_for('home')", "../../"),
        (ARTICLE_PAGE, "url_for('archive')", "../../../../archive/"),
        (ARTICLE_PAGE, "url_for('undated')", "../../../../undated/"),
        (ARTICLE_PAGE, "url_for('static', name='style.css')", "../../../../static/style.css"),
        ("/", "url_for('static', name='style.css')", "static/style.css"),
        ("/regions/syria/", "url_for('taxonomy', taxonomy='regions')", "../"),
        ("/regions/syria/", "url_for('year', year=2017)", "../../2017/"),
        ("/2017/", "url_for('month', year=2017, month=5)", "05/"),
        ("/2017/05/", "url_for('/2017/05/30/a/')", "30/a/"),
        ("/404.html", "url_for('home')", "./"),
        ("/404.html", "url_for('term', taxonomy='authors', name='Gearóid Ó Colmáin')",
         "authors/gearoid-o-colmain/"),
    ],
)
def test_url_for_targets(page_url: str, call: str, expected: str) -> None:
    assert render_string("{{ " + call + " }}", page_url=page_url) == expected
    # The renderer's per-page url_for gives the same links.
    assert render_string("{{ " + call + " }}", page_url=page_url,
                         url_for=page_url_for(page_url)) == expected


def test_url_for_with_link_base_is_absolute_from_base() -> None:
    call = "{{ url_for('term', taxonomy='regions', name='Syria') }}"
    for base in ("https://example.org/news", "https://example.org/news/"):
        out = render_string(call, page_url="/404.html", link_base=base)
        assert out == "https://example.org/news/regions/syria/"
    assert render_string("{{ url_for('home') }}", page_url="/404.html",
                         link_base="https://example.org/") == "https://example.org/"
    assert render_string("{{ url_for('static', name='style.css') }}", page_url="/a/b/",
                         link_base="") == "/static/style.css"


def test_url_for_output_is_escaped_in_attributes() -> None:
    out = render_string('<a href="{{ url_for(\'term\', taxonomy=\'tags\', name=n) }}">',
                        page_url="/", n='"><script>')
    assert "<script>" not in out


@pytest.mark.parametrize("target", ['/a/"><script>/', Markup('/a/"><script>/')])
def test_url_for_site_url_targets_are_escaped(target: str) -> None:
    # A site URL is written as given: even one marked safe must come out escaped.
    for page_url in ("/", "/a/", "/b/c/"):
        for extra in ({}, {"url_for": page_url_for(page_url)}):
            out = render_string('<a href="{{ url_for(t) }}">', page_url=page_url, t=target,
                                **extra)
            assert "<script>" not in out and '"><' not in out


def test_page_url_for_with_link_base_matches_url_for() -> None:
    call = "{{ url_for('term', taxonomy='regions', name='Syria') }} {{ url_for('/a/') }}"
    for base in ("https://example.org/news", "https://example.org/news/", ""):
        expected = render_string(call, page_url="/404.html", link_base=base)
        assert render_string(call, page_url="/404.html", link_base=base,
                             url_for=page_url_for("/404.html", base)) == expected
    assert expected == "/regions/syria/ /a/"


def test_page_url_for_reaches_macros_imported_with_context(tmp_path: Path) -> None:
    root = theme(tmp_path, {
        "m.html": "{% macro link(u) %}{{ url_for(u) }}{% endmacro %}",
        "p.html": "{% from 'm.html' import link with context %}{{ link('/tags/oil/') }}",
    })
    out = make_environment([root]).get_template("p.html").render(
        page_url="/2017/05/", url_for=page_url_for("/2017/05/"))
    assert out == "../../tags/oil/"


@pytest.mark.parametrize("target", ["nowhere", "article", "", "regions"])
def test_unknown_target_raises(target: str) -> None:
    with pytest.raises(ValueError, match="unknown target"):
        render_string("{{ url_for(t) }}", page_url="/", t=target)


def test_unknown_taxonomy_raises() -> None:
    with pytest.raises(KeyError):
        site_url("term", taxonomy="colours", name="red")


def test_url_for_needs_page_url() -> None:
    with pytest.raises(KeyError):
        render_string("{{ url_for('home') }}")


def test_url_for_inside_macro_imported_with_context(tmp_path: Path) -> None:
    root = theme(tmp_path, {
        "m.html": "{% macro link(n) %}{{ url_for('term', taxonomy='tags', name=n) }}"
                  "{% endmacro %}",
        "p.html": "{% from 'm.html' import link with context %}{{ link('Oil & Gas') }}",
    })
    out = make_environment([root]).get_template("p.html").render(page_url="/tags/")
    assert out == "oil-gas/"


# --- filters and tests ----------------------------------------------------------------------

def test_date_filters() -> None:
    assert iso_date(PartialDate(year=2017, month=5, day=3)) == "2017-05-03"
    assert iso_date(None) == ""
    assert human_date(PartialDate(year=2017, month=5, day=3)) == "May 3, 2017"
    assert human_date(None) == ""
    assert render_string("{{ d | iso_date }} / {{ d | human_date }}",
                         d=PartialDate(year=2016, month=12, day=25)) == (
        "2016-12-25 / December 25, 2016")


@pytest.mark.parametrize(("date", "iso", "human"), [
    (PartialDate(year=2013, month=6), "2013-06", "June 2013"),
    (PartialDate(year=2010), "2010", "2010"),
    # <time datetime> cannot hold a range: it gets the start month; the text shows the range.
    (PartialDate(year=2010, month=6, end_month=7), "2010-06", "June\u2013July 2010"),
    (PartialDate(year=2013, end_year=2014), "2013", "2013\u20132014"),
])
def test_partial_dates_keep_their_precision(date: PartialDate, iso: str, human: str) -> None:
    assert iso_date(date) == iso
    assert human_date(date) == human


@pytest.mark.parametrize(("value", "ok"), [
    ("http://example.org/", True), ("HTTPS://example.org/", True),
    ("javascript:alert(1)", False), ("ftp://x/", False), ("/local/", False), ("", False),
    (None, False), (42, False)])
def test_web_url_test(value: object, ok: bool) -> None:
    assert is_web_url(value) is ok
    assert render_string("{{ v is web_url }}", v=value) == str(ok)


# --- theme folders and dependencies ---------------------------------------------------------

def test_default_theme_has_the_templates_and_stylesheet() -> None:
    root = default_theme_dir()
    for name in ["base.html", "article.html", "listing.html", "terms.html", "archive.html",
                 "404.html", "static/style.css"]:
        assert (root / name).is_file(), name


def test_default_theme_templates_parse() -> None:
    env = make_environment([default_theme_dir()])
    for name in ["base.html", "article.html", "listing.html", "terms.html", "archive.html",
                 "404.html"]:
        env.get_template(name)


def test_override_folder_wins_over_default_theme(tmp_path: Path) -> None:
    override = theme(tmp_path, {"base.html": "OVERRIDE {% block content %}{% endblock %}"})
    env = make_environment([override, default_theme_dir()])
    src, filename, _ = env.loader.get_source(env, "base.html")  # type: ignore[union-attr]
    assert src.startswith("OVERRIDE")
    assert Path(filename).parent == override
    _, filename, _ = env.loader.get_source(env, "404.html")  # type: ignore[union-attr]
    assert Path(filename).parent == default_theme_dir()


def test_template_dependencies_follow_extends_include_import(tmp_path: Path) -> None:
    root = theme(tmp_path, {
        "layout.html": "{% include 'header.html' %}{% block body %}{% endblock %}",
        "header.html": "{% import 'nav.html' as nav %}head",
        "nav.html": "nav",
        "macros.html": "{% macro m() %}m{% endmacro %}",
        "page.html": "{% extends 'layout.html' %}{% from 'macros.html' import m %}"
                     "{% block body %}{{ m() }}{% endblock %}",
        "lonely.html": "alone",
        "unused.html": "{% include 'nav.html' %}",
    })
    env = make_environment([root])
    memo: dict[str, tuple[str, ...]] = {}
    assert template_dependencies(env, "page.html", memo) == (
        "header.html", "layout.html", "macros.html", "nav.html", "page.html")
    assert template_dependencies(env, "layout.html", memo) == (
        "header.html", "layout.html", "nav.html")
    assert template_dependencies(env, "lonely.html", memo) == ("lonely.html",)
    assert "page.html" in memo


def test_template_dependencies_ignore_dynamic_names(tmp_path: Path) -> None:
    root = theme(tmp_path, {"a.html": "{% include name %}{% include 'b.html' %}",
                            "b.html": "b"})
    env = make_environment([root])
    assert template_dependencies(env, "a.html", {}) == ("a.html", "b.html")


def test_template_dependencies_self_include(tmp_path: Path) -> None:
    root = theme(tmp_path, {"tree.html": "{% if n %}{% include 'tree.html' %}{% endif %}"})
    env = make_environment([root])
    assert template_dependencies(env, "tree.html", {}) == ("tree.html",)


def test_template_dependencies_mutual_include(tmp_path: Path) -> None:
    # Legal Jinja (guarded recursion between two partials); must not recurse forever.
    root = theme(tmp_path, {
        "a.html": "{% if n %}{% with n = n - 1 %}{% include 'b.html' %}{% endwith %}{% endif %}",
        "b.html": "{% if n %}{% with n = n - 1 %}{% include 'a.html' %}{% endwith %}{% endif %}",
    })
    env = make_environment([root])
    assert env.get_template("a.html").render(n=3) == ""
    memo: dict[str, tuple[str, ...]] = {}
    assert template_dependencies(env, "a.html", memo) == ("a.html", "b.html")
    assert template_dependencies(env, "b.html", memo) == ("a.html", "b.html")


def test_default_listing_dependencies() -> None:
    env = make_environment([default_theme_dir()])
    deps = template_dependencies(env, "listing.html", {})
    assert deps == ("_macros.html", "_timeline.html", "base.html", "listing.html")
    assert template_dependencies(env, "404.html", {}) == ("404.html", "base.html")


def test_template_dependencies_see_overrides(tmp_path: Path) -> None:
    override = theme(tmp_path, {"404.html": "{% include 'extra.html' %}",
                                "extra.html": "x"})
    env = make_environment([override, default_theme_dir()])
    assert template_dependencies(env, "404.html", {}) == ("404.html", "extra.html")


def test_url_for_feed_is_the_listings_feed_relative_to_the_page() -> None:
    call = "{{ url_for('feed', listing='/regions/syria/') }}"
    for page_url, expected in (("/", "regions/syria/feed.xml"),
                               ("/regions/syria/", "feed.xml"),
                               ("/regions/syria/page/2/", "../../feed.xml")):
        assert render_string(call, page_url=page_url) == expected
        assert render_string(call, page_url=page_url,
                             url_for=page_url_for(page_url)) == expected


def test_url_for_canonical_is_the_pages_absolute_url_on_the_base() -> None:
    class Site:
        base_url = "https://example.org/archive/"

    call = "{{ url_for('canonical') }}"
    expected = "https://example.org/archive/2017/05/30/a/"
    assert render_string(call, page_url=ARTICLE_PAGE, site=Site()) == expected
    for link_base in (None, "https://example.org/archive"):
        assert page_url_for(ARTICLE_PAGE, link_base, Site.base_url)("canonical") == expected
    assert page_url_for("/", None, "https://example.org")("canonical") == "https://example.org/"


def test_template_dependencies_kept_beside_compiled_templates(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # What each template names is kept by its source's hash: a later process reads it
    # instead of parsing; an edited template is parsed again; a garbled file is not trusted.
    root = theme(tmp_path, {"page.html": "{% extends 'layout.html' %}",
                            "layout.html": "{% include 'nav.html' %}", "nav.html": "nav"})
    compiled = tmp_path / "state" / "jinja"
    plain = template_dependencies(make_environment([root]), "page.html", {})
    assert template_dependencies(make_environment([root], compiled), "page.html", {}) == plain
    assert len(list(compiled.glob("refs-*.json"))) == 3

    def no_parse(*args: object, **kw: object) -> None:
        raise AssertionError("parsed although kept")

    env = make_environment([root], compiled)
    monkeypatch.setattr(env, "parse", no_parse)
    assert template_dependencies(env, "page.html", {}) == plain
    monkeypatch.undo()

    (root / "layout.html").write_text("{% include 'other.html' %}", encoding="utf-8")
    (root / "other.html").write_text("o", encoding="utf-8")
    assert template_dependencies(make_environment([root], compiled), "page.html", {}) == (
        "layout.html", "other.html", "page.html")
    for kept in compiled.glob("refs-*.json"):
        kept.write_text('["../../etc/passwd", 3]', encoding="utf-8")
    assert template_dependencies(make_environment([root], compiled), "page.html", {}) == (
        "layout.html", "other.html", "page.html")


# --- calls from templates (make_environment's context calls plain callables directly) -------


class _Marked:
    """Callables of every kind Jinja's `call` looks at: methods with and without a marker."""

    def plain(self, *args: object, **kwargs: object) -> str:
        return f"plain{args}{sorted(kwargs)}"

    @jinja2.pass_context
    def with_context(self, context: jinja2.runtime.Context, name: str) -> str:
        return f"ctx:{context.get(name)}"

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context) -> str:
        return f"instance:{context.get('x')}"


def _plain(*args: object, **kwargs: object) -> str:
    return f"f{args}{sorted(kwargs)}"


def _stopping() -> str:
    raise StopIteration


_CALLERS: dict[str, object] = {
    "f": _plain,
    "g": jinja2.pass_context(lambda context, name: f"ctx:{context.get(name)}"),
    "e": jinja2.pass_environment(lambda env: type(env).__name__),
    "v": jinja2.pass_eval_context(lambda ctx: f"auto:{ctx.autoescape}"),
    "m": _Marked(),
    "stop": _stopping,
}


@pytest.mark.parametrize("source", [
    "{{ f(1, k=2) }}",
    "{% for x in [1, 2] %}{{ f(x, k=x) }}{{ g('x') }}{% endfor %}",
    "{% for x in [1, 2] %}{% set y = x * 10 %}{{ g('y') }}{% endfor %}",
    "{% macro mac(a) %}{{ f(a) }}{{ g('a') }}{% endmacro %}{{ mac(3) }}",
    "{% for x in [4] %}{{ m.plain(x, k=x) }}{{ m.with_context('x') }}{{ m() }}{% endfor %}",
    "{{ e() }}{{ v() }}{{ 'a-b'.split('-') | last }}{{ t('untitled') }}",
    "{{ t('article.term_label', taxonomy='<b>') }}",
])
def test_template_calls_give_what_jinjas_own_context_gives(source: str) -> None:
    ours = make_environment([])
    stock = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    stock.globals.update(ours.globals)
    assert type(ours.from_string("").new_context()) is not jinja2.runtime.Context
    expected = stock.from_string(source).render(**_CALLERS)
    assert ours.from_string(source).render(**_CALLERS) == expected


def test_a_callable_that_raises_stopiteration_gives_undefined_as_in_jinja() -> None:
    for env in (make_environment([]),
                jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)):
        with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
            env.from_string("{{ stop() }}").render(**_CALLERS)
