"""URLs: the one mapping of articles, listings and pages to URLs and output paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from pathlib import PurePosixPath
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from archivegen import urls
from archivegen.model import TAXONOMIES, Article, ArticleHead, Provenance, Taxonomy, head_of

REGIONS = next(t for t in TAXONOMIES if t.key == "regions")
ARTICLE_URL_RE = re.compile(r"^/(\d{4}/\d{2}/\d{2}|undated)/[a-z0-9]+(-[a-z0-9]+)*/$")


def make_article(*, title: str = "A title", date: dt.date | None = None, slug: str = "",
                 source_path: str = "seeds/000_abc.txt") -> ArticleHead:
    return head_of(Article(title=title, date=date, slug=slug,
                           provenance=Provenance(source_path=source_path, sha256="0" * 64,
                                                 layout="plaintext")))


# --- articles -------------------------------------------------------------------------------

def test_dated_article_url() -> None:
    article = make_article(title="Syria: The War Goes On", date=dt.date(2017, 5, 30))
    assert urls.article_url(article) == "/2017/05/30/syria-the-war-goes-on/"


def test_dated_article_url_pads_year_month_day() -> None:
    article = make_article(title="Old", date=dt.date(999, 1, 2))
    assert urls.article_url(article) == "/0999/01/02/old/"


def test_undated_article_url() -> None:
    assert urls.article_url(make_article(title="No Date Here")) == "/undated/no-date-here/"


def test_front_matter_slug_wins_over_title() -> None:
    article = make_article(title="The Title", slug="my-slug", date=dt.date(2016, 12, 1))
    assert urls.article_url(article) == "/2016/12/01/my-slug/"


def test_front_matter_slug_is_reslugified() -> None:
    article = make_article(title="T", slug="My Own Slug!", date=dt.date(2016, 12, 1))
    assert urls.article_url(article) == "/2016/12/01/my-own-slug/"


@pytest.mark.parametrize("slug", ["../../etc", "../../../etc/passwd", "/abs/path", "..",
                                  "a/../../b", "..\\..\\win"])
def test_front_matter_slug_cannot_escape(slug: str) -> None:
    for date in (dt.date(2017, 5, 30), None):
        url = urls.article_url(make_article(slug=slug, date=date))
        assert ARTICLE_URL_RE.match(url), url
        assert ".." not in url
        out = urls.output_path(url)
        assert ".." not in out.parts
        assert not out.is_absolute()
        assert len(out.parts) in (3, 5)  # undated/slug/index.html or y/m/d/slug/index.html


def test_article_without_title_uses_its_whole_relative_path() -> None:
    article = make_article(title="", source_path="seeds/Some File.txt")
    assert urls.article_url(article) == "/undated/seeds-some-file/"
    # Same-named untitled files in two folders do not collide.
    a = make_article(title="", source_path="siteA/0001.txt")
    b = make_article(title="", source_path="siteB/0001.txt")
    assert urls.article_url(a) != urls.article_url(b)


def test_title_without_letters_falls_back_to_the_path() -> None:
    assert urls.article_url(make_article(title="???", source_path="a/x.txt")) == "/undated/a-x/"
    article = make_article(title="!!!", source_path="!!!.txt")
    assert urls.article_url(article) == "/undated/untitled/"


def test_all_digit_slug_cannot_take_a_month_page_url() -> None:
    from archivegen.partial_date import PartialDate
    article = make_article(title="05", source_path="a.txt")
    article = dataclasses.replace(article, date=PartialDate(year=2017))
    assert urls.article_url(article) == "/2017/article-05/"


@settings(max_examples=200)
@given(title=st.text(), slug=st.text(), date=st.none() | st.dates())
def test_any_article_url_is_one_safe_pretty_url(title: str, slug: str,
                                                date: dt.date | None) -> None:
    url = urls.article_url(make_article(title=title, slug=slug, date=date))
    assert ARTICLE_URL_RE.match(url), url
    assert ".." not in urls.output_path(url).parts


# --- listings and pagination ----------------------------------------------------------------

def test_page_one_has_no_page_segment() -> None:
    assert urls.home_url() == urls.home_url(1) == "/"
    assert urls.term_url(REGIONS, "syria") == urls.term_url(REGIONS, "syria", 1)
    assert urls.term_url(REGIONS, "syria", 1) == "/regions/syria/"
    assert urls.year_url(2017, 1) == "/2017/"
    assert urls.month_url(2017, 5, 1) == "/2017/05/"
    assert urls.undated_url(1) == "/undated/"
    for url in (urls.home_url(1), urls.term_url(REGIONS, "syria", 1), urls.year_url(2017),
                urls.month_url(2017, 5), urls.undated_url()):
        assert "/page/" not in url


def test_later_pages_add_page_number() -> None:
    assert urls.home_url(2) == "/page/2/"
    assert urls.term_url(REGIONS, "syria", 3) == "/regions/syria/page/3/"
    assert urls.year_url(2017, 2) == "/2017/page/2/"
    assert urls.month_url(2017, 5, 12) == "/2017/05/page/12/"
    assert urls.undated_url(4) == "/undated/page/4/"


def test_taxonomy_and_fixed_urls() -> None:
    assert urls.taxonomy_url(REGIONS) == "/regions/"
    custom = Taxonomy(key="themes", field="themes", singular="Theme", plural="Themes")
    assert urls.taxonomy_url(custom) == "/themes/"
    assert urls.HOME_URL == "/"
    assert urls.ARCHIVE_URL == "/archive/"
    assert urls.static_url("style.css") == "/static/style.css"
    assert urls.static_url("/style.css") == "/static/style.css"


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500))
def test_distinct_pages_have_distinct_urls(a: int, b: int) -> None:
    if a != b:
        assert urls.home_url(a) != urls.home_url(b)
        assert urls.term_url(REGIONS, "x", a) != urls.term_url(REGIONS, "x", b)
        assert urls.output_path(urls.year_url(2017, a)) != urls.output_path(
            urls.year_url(2017, b))


# --- output paths ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/", "index.html"),
        ("/a/b/", "a/b/index.html"),
        ("/static/style.css", "static/style.css"),
        ("/404.html", "404.html"),
        ("/2017/05/30/slug/", "2017/05/30/slug/index.html"),
        ("/regions/syria/page/2/", "regions/syria/page/2/index.html"),
    ],
)
def test_output_path(url: str, path: str) -> None:
    result = urls.output_path(url)
    assert isinstance(result, PurePosixPath)
    assert result == PurePosixPath(path)
    assert not result.is_absolute()


# --- relative links -------------------------------------------------------------------------

segment = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
file_name = st.builds(lambda stem, ext: f"{stem}.{ext}", segment,
                      st.sampled_from(["html", "css", "js", "png", "xml"]))


@st.composite
def site_urls(draw: st.DrawFn) -> str:
    parts = draw(st.lists(segment, max_size=5))
    directory = "/" + "".join(p + "/" for p in parts)
    if draw(st.booleans()):
        return directory
    return directory + draw(file_name)


REL_EXAMPLES = [
    ("/", "/"),
    ("/a/", "/a/"),
    ("/a/b/", "/a/"),
    ("/a/", "/a/b/"),
    ("/404.html", "/"),
    ("/404.html", "/static/style.css"),
    ("/2017/05/30/a/", "/regions/middle-east-north-africa/"),
    ("/a/b/c.html", "/a/b/c.html"),
    ("/a/b/c.html", "/a/b/"),
    ("/x/y/", "/x/y/z.css"),
]


@pytest.mark.slow
@settings(max_examples=200)
@given(site_urls(), site_urls())
def test_relative_url_resolves_back_to_target(from_url: str, to_url: str) -> None:
    rel = urls.relative_url(from_url, to_url)
    assert not rel.startswith("/")
    assert urljoin("http://h" + from_url, rel) == "http://h" + to_url


@pytest.mark.slow
@settings(max_examples=200)
@given(site_urls(), site_urls())
def test_relative_url_works_under_a_base_path(from_url: str, to_url: str) -> None:
    rel = urls.relative_url(from_url, to_url)
    base = "http://h/sub/dir"
    assert urljoin(base + from_url, rel) == base + to_url


@pytest.mark.parametrize(("from_url", "to_url"), REL_EXAMPLES)
def test_relative_url_examples_resolve(from_url: str, to_url: str) -> None:
    rel = urls.relative_url(from_url, to_url)
    assert urljoin("http://h" + from_url, rel) == "http://h" + to_url
    assert urljoin("http://h/sub/dir" + from_url, rel) == "http://h/sub/dir" + to_url


def test_relative_url_known_values() -> None:
    assert urls.relative_url("/", "/") == "./"
    assert urls.relative_url("/a/b/", "/a/") == "../"
    assert urls.relative_url("/2017/05/30/a/", "/regions/middle-east-north-africa/") == (
        "../../../../regions/middle-east-north-africa/"
    )
    assert urls.relative_url("/", "/static/style.css") == "static/style.css"
    assert urls.relative_url("/404.html", "/archive/") == "archive/"


def _segment_arithmetic(from_url: str, to_url: str) -> str:
    """relative_url's rule written out plainly, to check its shortcut against."""
    from_parts = from_url.split("/")[1:-1]
    to_parts = to_url.split("/")[1:]
    common = 0
    while (common < min(len(from_parts), len(to_parts) - 1)
           and from_parts[common] == to_parts[common]):
        common += 1
    return "../" * (len(from_parts) - common) + "/".join(to_parts[common:]) or "./"


def test_relative_url_shortcut_agrees_on_every_small_input() -> None:
    # Every string of up to three pieces, odd ones included ("//", no leading "/"), both ways.
    pieces = ["", "/", "a", "b", "ab", "//"]
    strings = sorted({"".join(p) for n in range(4) for p in itertools.product(pieces, repeat=n)})
    for from_url in strings:
        links = urls.relative_links(from_url)
        for to_url in strings:
            expected = _segment_arithmetic(from_url, to_url)
            assert urls.relative_url(from_url, to_url) == expected, (from_url, to_url)
            assert links(to_url) == expected, (from_url, to_url)


@st.composite
def related_site_urls(draw: st.DrawFn) -> tuple[str, str]:
    """Two site URLs sharing a drawn number of leading folders (independent draws rarely do)."""
    shared = draw(st.lists(segment, max_size=3))
    ends = [draw(st.lists(segment, max_size=3)) for _ in range(2)]
    pair = ["/" + "".join(p + "/" for p in shared + end) for end in ends]
    if draw(st.booleans()):
        pair[1] += draw(file_name)
    return pair[0], pair[1]


@pytest.mark.slow
@settings(max_examples=300)
@given(related_site_urls())
def test_relative_links_agree_with_segment_arithmetic(pair: tuple[str, str]) -> None:
    from_url, to_url = pair
    rel = urls.relative_links(from_url)(to_url)
    assert rel == _segment_arithmetic(from_url, to_url)
    assert urljoin("http://h/sub" + from_url, rel) == "http://h/sub" + to_url


def test_relative_url_is_a_plain_string_even_for_markup() -> None:
    # Templates escape a plain str; a Markup subclass would be written out unescaped.
    for from_url in ("/", "/a/", "/x/y/"):
        rel = urls.relative_links(from_url)(Markup('/a/"><b>/'))
        assert type(rel) is str
