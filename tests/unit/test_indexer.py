"""indexer.py: URL table, site index (order, terms, date archives) and listing pages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.config import SiteConfig
from archivegen.errors import Diagnostics, Level
from archivegen.model import Article, ArticleHead, Provenance, SiteIndex, head_of
from archivegen.partial_date import PartialDate
from archivegen.site.indexer import (
    assign_urls,
    build_index,
    date_counts,
    listing_pages,
    listing_states,
    listings_of,
    newest_first,
    summarize,
    term_name,
    years_counted,
)
from archivegen.urls import listing_url


def art(title: str, date: dt.date | None, path: str, **fields) -> Article:
    pdate = PartialDate.from_date(date) if date is not None else None
    return Article(title=title, date=pdate, body=f"Body of {title}.",
                   provenance=Provenance(source_path=path, sha256="0", layout="plain-text"),
                   **fields)


def heads(articles: list[Article]) -> list[ArticleHead]:
    return [head_of(a) for a in articles]


def excerpt(body: str) -> str:
    return body[:30]


def index_of(articles, diags: Diagnostics | None = None) -> SiteIndex:
    bodies = {head_of(a).key: a.body for a in articles}
    table = assign_urls(map(head_of, articles), diags if diags is not None else Diagnostics())
    return build_index([(summarize(url, h, (excerpt(bodies[h.key]), "")), h)
                        for url, h in table])


def terms(index: SiteIndex, key: str):
    return next(entries for tax, entries in index.taxonomies if tax.key == key)


D1 = dt.date(2017, 5, 30)


# --- assign_urls -------------------------------------------------------------------------------

def test_assign_urls_gives_date_and_slug_url():
    table = assign_urls(heads([art("Hello World", D1, "a.txt"), art("No Date", None, "b.txt")]),
                        Diagnostics())
    assert sorted(url for url, _ in table) == ["/2017/05/30/hello-world/", "/undated/no-date/"]


def test_same_date_and_title_is_ag040_naming_both_files():
    first = art("Same Title", D1, "a/first.txt")
    second = art("Same Title", D1, "b/second.txt")
    for order in ([first, second], [second, first]):
        diags = Diagnostics()
        table = assign_urls(heads(order), diags)
        assert [(url, a.source_path) for url, a in table] == [
            ("/2017/05/30/same-title/", "a/first.txt")]
        assert len(diags.items) == 1
        d = diags.items[0]
        assert (d.code, d.level) == ("AG040", Level.ERROR)
        assert "a/first.txt" in d.message and "b/second.txt" in d.message
        assert "/2017/05/30/same-title/" in d.message
        assert d.location.path == "b/second.txt"


def test_titles_that_slug_alike_collide():
    diags = Diagnostics()
    table = assign_urls(heads([art("Syria: Report!", D1, "z.txt"), art("syria report", D1, "y.txt"),
                         art("SYRIA REPORT", D1, "x.txt")]), diags)
    assert [a.source_path for _, a in table] == ["x.txt"]
    assert sorted(d.location.path for d in diags.items) == ["y.txt", "z.txt"]
    assert all("x.txt" in d.message for d in diags.items)


def test_same_title_on_different_dates_does_not_collide():
    diags = Diagnostics()
    table = assign_urls(heads([art("T", D1, "a.txt"), art("T", dt.date(2017, 5, 31), "b.txt"),
                         art("T", None, "c.txt")]), diags)
    assert len(table) == 3
    assert not diags.items


def test_slug_field_separates_same_titles():
    diags = Diagnostics()
    table = assign_urls(heads([art("T", D1, "a.txt"), art("T", D1, "b.txt", slug="other")]), diags)
    assert not diags.items
    assert sorted(url for url, _ in table) == ["/2017/05/30/other/", "/2017/05/30/t/"]


# --- build_index -------------------------------------------------------------------------------

def test_build_index_orders_newest_first_undated_last_ties_by_url():
    articles = [
        art("Old", dt.date(2016, 1, 1), "1.txt"),
        art("Undated B", None, "2.txt"),
        art("Zeta", D1, "3.txt"),
        art("Alpha", D1, "4.txt"),
        art("Newest", dt.date(2018, 2, 3), "5.txt"),
        art("Undated A", None, "6.txt"),
    ]
    index = index_of(articles)
    assert [s.title for s in index.articles] == ["Newest", "Alpha", "Zeta", "Old",
                                                 "Undated A", "Undated B"]
    assert [s.title for s in index.undated] == ["Undated A", "Undated B"]
    assert index.articles[1].url == "/2017/05/30/alpha/"


def test_summary_fields():
    a = art("Title", D1, "p.txt", authors=("A",), publisher="Pub", summary="")
    s = index_of([a]).articles[0]
    assert (s.url, s.title, s.date, s.authors, s.publisher, s.excerpt, s.source_path) == (
        "/2017/05/30/title/", "Title", PartialDate.from_date(D1), ("A",), "Pub",
        "Body of Title.", "p.txt")
    b = art("Other", D1, "q.txt", summary="Given summary")
    assert index_of([b]).articles[0].excerpt == "Given summary"


def test_terms_merge_by_slug_with_most_frequent_spelling():
    articles = [art("A", D1, "a.txt", reports=("SYRIA",)),
                art("B", D1, "b.txt", reports=("Syria",)),
                art("C", dt.date(2017, 6, 1), "c.txt", reports=("Syria",))]
    entries = terms(index_of(articles), "reports")
    assert len(entries) == 1
    assert entries[0].term.name == "Syria"
    assert entries[0].term.slug == "syria"
    assert entries[0].term.taxonomy == "reports"
    assert [s.title for s in entries[0].articles] == ["C", "A", "B"]


def test_most_frequent_spelling_wins_even_if_upper_case():
    articles = [art("A", D1, "a.txt", regions=("SYRIA",)),
                art("B", D1, "b.txt", regions=("SYRIA",)),
                art("C", D1, "c.txt", regions=("Syria",))]
    entries = terms(index_of(articles), "regions")
    assert [(e.term.name, len(e.articles)) for e in entries] == [("SYRIA", 3)]


def test_spelling_tie_is_deterministic():
    a = [art("A", D1, "a.txt", tags=("Syria",)), art("B", D1, "b.txt", tags=("SYRIA",))]
    assert terms(index_of(a), "tags")[0].term.name == terms(index_of(a[::-1]),
                                                             "tags")[0].term.name


def test_article_listing_a_term_twice_is_counted_once():
    a = art("A", D1, "a.txt", themes=("Syria", "SYRIA"))
    entries = terms(index_of([a]), "themes")
    assert [(e.term.slug, len(e.articles)) for e in entries] == [("syria", 1)]


def test_terms_sorted_by_name_case_insensitively():
    a = art("A", D1, "a.txt", tags=("beta", "Alpha", "gamma"))
    assert [e.term.name for e in terms(index_of([a]), "tags")] == ["Alpha", "beta", "gamma"]


def test_single_valued_taxonomies():
    a = art("A", D1, "a.txt", publisher="Global Research", original_source="South Front",
            authors=("South Front",))
    index = index_of([a])
    assert [e.term.name for e in terms(index, "publishers")] == ["Global Research"]
    assert [e.term.name for e in terms(index, "sources")] == ["South Front"]
    assert [e.term.slug for e in terms(index, "authors")] == ["south-front"]
    assert terms(index, "regions") == ()


def test_years_and_months():
    articles = [art("A", dt.date(2017, 5, 30), "a.txt"), art("B", dt.date(2017, 5, 1), "b.txt"),
                art("C", dt.date(2017, 12, 24), "c.txt"), art("D", dt.date(2015, 1, 2), "d.txt"),
                art("E", None, "e.txt")]
    index = index_of(articles)
    assert [(y.year, [m.month for m in y.months], y.count) for y in index.years] == [
        (2017, [12, 5], 3), (2015, [1], 1)]
    may = index.years[0].months[1]
    assert [s.title for s in may.articles] == ["A", "B"]


# --- listing_pages -----------------------------------------------------------------------------

def test_listing_pages_paginate_home():
    articles = [art(f"Article {i:02d}", dt.date(2017, 1, 1) + dt.timedelta(days=i), f"{i}.txt")
                for i in range(25)]
    pages = list(listing_pages(index_of(articles), SiteConfig(page_size=10, title="Site")))
    home = [p for p in pages if p.kind == "home"]
    assert [p.url for p in home] == ["/", "/page/2/", "/page/3/"]
    assert [len(p.articles) for p in home] == [10, 10, 5]
    assert [p.pager.number for p in home] == [1, 2, 3]
    assert [(p.pager.prev_url, p.pager.next_url) for p in home] == [
        (None, "/page/2/"), ("/", "/page/3/"), ("/page/2/", None)]
    assert all(p.pager.total == 3 and p.title == "Site" for p in home)
    assert home[0].articles[0].title == "Article 24"
    assert home[2].articles[-1].title == "Article 00"
    assert [s.title for p in home for s in p.articles] == [
        f"Article {i:02d}" for i in range(24, -1, -1)]


def test_listing_pages_year_month_term_undated():
    articles = [art("A", dt.date(2017, 5, 30), "a.txt", regions=("Syria",)),
                art("B", dt.date(2016, 2, 1), "b.txt", regions=("SYRIA",)),
                art("C", None, "c.txt")]
    pages = list(listing_pages(index_of(articles), SiteConfig(page_size=10)))
    by_url = {p.url: p for p in pages}
    assert len(by_url) == len(pages)
    assert by_url["/2017/"].kind == "year"
    assert by_url["/2017/05/"].kind == "month"
    assert by_url["/2017/05/"].title == "May 2017"
    assert by_url["/2016/02/"].title == "February 2016"
    assert [s.title for s in by_url["/2016/"].articles] == ["B"]
    assert by_url["/undated/"].kind == "undated"
    assert [s.title for s in by_url["/undated/"].articles] == ["C"]
    syria = by_url["/regions/syria/"]
    assert syria.kind == "term"
    assert syria.term is not None and syria.taxonomy is not None
    assert syria.taxonomy.key == "regions"
    assert [s.title for s in syria.articles] == ["A", "B"]
    assert by_url["/"].kind == "home"


def test_year_pages_paginate_with_page_urls():
    articles = [art(f"T{i}", dt.date(2017, 1 + i % 12, 1 + i // 12), f"{i}.txt")
                for i in range(5)]
    pages = list(listing_pages(index_of(articles), SiteConfig(page_size=2)))
    year = [p for p in pages if p.kind == "year"]
    assert [p.url for p in year] == ["/2017/", "/2017/page/2/", "/2017/page/3/"]
    assert year[1].pager.prev_url == "/2017/"


def test_no_undated_page_without_undated_articles():
    pages = list(listing_pages(index_of([art("A", D1, "a.txt")]), SiteConfig()))
    assert all(p.kind != "undated" for p in pages)


def test_empty_site_has_one_empty_home_page():
    pages = list(listing_pages(index_of([]), SiteConfig()))
    assert [(p.kind, p.url, p.articles) for p in pages] == [("home", "/", ())]


# --- order independence ------------------------------------------------------------------------

CORPUS = [
    art("Syria Update", D1, "2017/a.txt", regions=("Syria",), authors=("South Front",)),
    art("Syria Update", D1, "2017/b.txt", regions=("SYRIA",)),
    art("Iraq", D1, "c.txt", regions=("Iraq", "SYRIA"), tags=("war",)),
    art("Old News", dt.date(2015, 3, 4), "old.txt", themes=("Terrorism",)),
    art("Undated One", None, "u1.txt", tags=("War",)),
    art("Undated Two", None, "u2.txt", authors=("south front",)),
    art("Same Day", dt.date(2015, 3, 4), "same.txt", regions=("Syria",)),
    art("Gearóid Ó Colmáin on Syria", dt.date(2016, 7, 8), "g.txt",
        authors=("Gearóid Ó Colmáin",), regions=("Syria",)),
]


def full_result(articles):
    diags = Diagnostics()
    index = index_of(articles, diags)
    return index, list(listing_pages(index, SiteConfig(page_size=2))), diags.sorted()


@settings(max_examples=60, deadline=None)
@given(st.permutations(CORPUS))
def test_result_identical_when_input_is_shuffled(shuffled):
    assert full_result(shuffled) == full_result(CORPUS)


def test_corpus_sanity():
    index, pages, diags = full_result(CORPUS)
    assert [d.code for d in diags] == ["AG040"]
    assert [e.term.name for e in terms(index, "regions")] == ["Iraq", "Syria"]
    assert len(pages) > 5


# --- listing states: what quick rebuilds keep of every listing -----------------------------------

NAMES = st.sampled_from(["Syria", "SYRIA", "syria", "Iraq", "Trade", "Oil & Gas", "oil-gas"])
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1),
                                      max_value=dt.date(2016, 12, 31)))


@st.composite
def archives(draw: st.DrawFn) -> list[Article]:
    count = draw(st.integers(min_value=1, max_value=12))
    return [art(draw(st.sampled_from(["A", "B", "C D"])) + f" {n}", draw(DATES), f"f{n}.txt",
                regions=tuple(draw(st.lists(NAMES, max_size=3))),
                themes=tuple(draw(st.lists(NAMES, max_size=2))),
                publisher=draw(st.sampled_from(["", "Press", "PRESS"])))
            for n in range(count)]


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(archives())
def test_listings_of_an_article_are_those_the_index_puts_it_on(articles: list[Article]):
    """relist.py moves an edited article through the listings `listings_of` names: they must
    be exactly those build_index and listing_states put it on, with its term spellings."""
    index = index_of(articles)
    key_of = {s.url: s.source_path for s in index.articles}
    states = {listing_url(s.spec): s for s in listing_states(index, key_of)}
    expected: dict[str, set[str]] = {url: set() for url in states}
    spellings: dict[str, dict[str, int]] = {url: {} for url in states}
    for head in heads(articles):
        for url, names in listings_of(head).items():
            expected[url].add(head.key)
            for name in names:
                spellings[url][name] = spellings[url].get(name, 0) + 1
    assert {url: set(s.members) for url, s in states.items()} == expected
    assert {url: dict(s.spellings) for url, s in states.items() if s.spec.kind == "term"} == {
        url: found for url, found in spellings.items() if states[url].spec.kind == "term"}
    for state in states.values():  # in the order of newest_first, and shown by the top name
        assert list(state.members) == [key_of[s.url] for s in sorted(
            (s for s in index.articles if key_of[s.url] in state.members), key=newest_first)]
        if state.spec.term is not None:
            assert state.spec.term.name == term_name(state.spellings)


def test_date_counts_come_from_listing_counts():
    articles = [art("A", D1, "a.txt"), art("B", dt.date(2017, 4, 1), "b.txt"),
                art("C", dt.date(2015, 1, 2), "c.txt")]
    index = index_of(articles)
    counted = date_counts(index)
    assert [(y.year, y.count, [(m.month, m.count) for m in y.months]) for y in counted] == [
        (2017, 2, [(5, 1), (4, 1)]), (2015, 1, [(1, 1)])]
    assert counted == years_counted({2017: 2, 2015: 1}, {(2017, 5): 1, (2017, 4): 1,
                                                         (2015, 1): 1})
