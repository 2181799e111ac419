"""The page plan (site/plan.py), pure: each plan_* function gives its page's kind, output path,
origin and data, and a fingerprint that changes with every input it is documented to depend
on and with nothing else; plan_site gives every page of a site once, in its documented order."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.config import SiteConfig
from archivegen.digest import fingerprint
from archivegen.model import (
    TAXONOMIES,
    ArticleHead,
    ArticleSummary,
    DuplicateRef,
    Feed,
    ListingPage,
    MonthCount,
    Pager,
    Term,
    TermCount,
    YearCount,
)
from archivegen.partial_date import PartialDate
from archivegen.site.indexer import (
    build_index,
    date_counts,
    feeds,
    listing_pages,
    summarize,
    term_counts,
)
from archivegen.site.plan import (
    PAGE_TEMPLATES,
    Page,
    PageBases,
    SiteContent,
    plan_archive,
    plan_article,
    plan_feed,
    plan_listing,
    plan_not_found,
    plan_site,
    plan_static,
    plan_terms,
    summary_fingerprint,
)
from archivegen.urls import output_file


def D(year: int, month: int | None = None, day: int | None = None,
      **more: int) -> PartialDate:
    return PartialDate(year=year, month=month, day=day, **more)  # type: ignore[arg-type]


REGIONS = TAXONOMIES[0]
THEMES = TAXONOMIES[1]
BASES = PageBases.of("base", lambda name: f"digest of {name}")


def head(key: str = "a.md", title: str = "A", **changes: object) -> ArticleHead:
    fields: dict[str, object] = dict(
        key=key, source_path=key.partition("#")[0], layout="frontmatter", title=title,
        slug="", date=D(2020, 1, 2), authors=("Ann",), publisher="Pub",
        original_source="", url="", regions=("Syria",), themes=(), tags=(), reports=(),
        summary="")
    fields.update(changes)
    return ArticleHead(**fields)  # type: ignore[arg-type]


def summary(url: str = "/2020/01/02/a/", **changes: object) -> ArticleSummary:
    fields: dict[str, object] = dict(
        url=url, title="A", date=D(2020, 1, 2), authors=("Ann",), publisher="Pub",
        excerpt="Body of A.", source_path="a.md", title_derived=False)
    fields.update(changes)
    return ArticleSummary(**fields)  # type: ignore[arg-type]


def pager(number: int = 1, total: int = 1, url: str = "/") -> Pager:
    return Pager(number=number, total=total, first_url=url, prev_url=None, next_url=None,
                 links=((1, url),))


TERM = Term(taxonomy="regions", name="Syria", slug="syria")


def listing(**changes: object) -> ListingPage:
    fields: dict[str, object] = dict(
        kind="term", url="/regions/syria/", title="Syria", articles=(summary(),),
        pager=pager(url="/regions/syria/"), total=1, term=TERM, taxonomy=REGIONS)
    fields.update(changes)
    return ListingPage(**fields)  # type: ignore[arg-type]


def feed(**changes: object) -> Feed:
    fields: dict[str, object] = dict(url="/regions/syria/feed.xml",
                                     listing_url="/regions/syria/", title="Syria",
                                     articles=(summary(),))
    fields.update(changes)
    return Feed(**fields)  # type: ignore[arg-type]


REF = DuplicateRef(key="b.md", source_path="b.md", kind="exact", similarity=1.0)
YEARS = (YearCount(year=2020, count=3, months=(MonthCount(year=2020, month=1, count=2),)),
         YearCount(year=2019, count=1, months=()))


# --- PageBases ------------------------------------------------------------------------------

def test_each_kind_basis_is_the_base_with_its_own_template_digest() -> None:
    bases = PageBases.of("base", lambda name: f"digest of {name}")
    for kind, template in PAGE_TEMPLATES.items():
        assert getattr(bases, kind) == fingerprint("base", f"digest of {template}")
    assert len({getattr(bases, kind) for kind in PAGE_TEMPLATES}) == len(PAGE_TEMPLATES)


def test_a_changed_template_changes_only_its_own_kind_basis() -> None:
    before = PageBases.of("base", lambda name: "same")
    after = PageBases.of("base", lambda name: "edited" if name == "feed.xml" else "same")
    differing = [kind for kind in PAGE_TEMPLATES if getattr(before, kind) != getattr(after, kind)]
    assert differing == ["feed"]
    assert PageBases.of("other base", lambda name: "same") != before


def test_bases_read_back_from_a_mapping_and_refuse_one_missing_a_kind() -> None:
    stored = {kind: getattr(BASES, kind) for kind in PAGE_TEMPLATES}
    assert PageBases.from_mapping(stored) == BASES
    del stored["terms"]
    with pytest.raises(KeyError):
        PageBases.from_mapping(stored)


# --- summary_fingerprint --------------------------------------------------------------------

SHOWN_FIELD_CHANGES = {
    "url": "/2020/01/02/b/", "title": "B", "date": D(2020, 1, 3),
    "authors": ("Ann", "Bob"), "publisher": "Other", "excerpt": "Another excerpt.",
    "source_path": "b.md", "title_derived": True,
}


@pytest.mark.parametrize("field", sorted(SHOWN_FIELD_CHANGES))
def test_summary_fingerprint_changes_with_each_shown_field(field: str) -> None:
    assert summary_fingerprint(summary(**{field: SHOWN_FIELD_CHANGES[field]})) \
        != summary_fingerprint(summary())


def test_summary_fingerprint_tells_dates_of_other_precision_and_no_date_apart() -> None:
    found = {summary_fingerprint(summary(date=d)) for d in (
        None, D(2020), D(2020, 1), D(2020, 1, 2),
        D(2020, 1, end_month=2), D(2020, end_year=2021))}
    assert len(found) == 6


def test_summary_fingerprint_is_the_same_for_equal_summaries() -> None:
    assert summary_fingerprint(summary()) == summary_fingerprint(summary())


text = st.text(max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.tuples(text, text, text, text), st.tuples(text, text, text, text))
def test_summary_fingerprints_of_distinct_summaries_differ(one: tuple[str, ...],
                                                           two: tuple[str, ...]) -> None:
    def made(values: tuple[str, ...]) -> ArticleSummary:
        url, title, publisher, excerpt = values
        return summary(url=url, title=title, publisher=publisher, excerpt=excerpt)

    assert (summary_fingerprint(made(one)) == summary_fingerprint(made(two))) == (one == two)


# --- digest.fingerprint ---------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=6), min_size=1, max_size=4),
       st.lists(st.text(max_size=6), min_size=1, max_size=4))
def test_fingerprints_of_distinct_part_lists_differ(one: list[str], two: list[str]) -> None:
    """NUL-separated: where the parts are cut counts (as long as no part holds a NUL). (No
    parts at all and one empty part are both "\\0": every caller gives a leading basis.)"""
    if any("\0" in part for part in one + two):
        return
    assert (fingerprint(*one) == fingerprint(*two)) == (one == two)


def test_fingerprint_tells_where_parts_are_cut() -> None:
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert fingerprint("a", "") != fingerprint("a")


# --- plan_article ---------------------------------------------------------------------------

def test_an_article_page_is_written_at_its_url_from_its_source() -> None:
    record = None
    page = plan_article(BASES, "/2020/01/02/a/", head(), "sig", (REF,), ["sig-b"], record)
    assert (page.kind, page.path, page.origin) == ("article", "2020/01/02/a/index.html", "a.md")
    assert page.data == ("/2020/01/02/a/", head(), (REF,), None, (None, None), ())


ARTICLE_INPUTS = {
    "basis": lambda: plan_article(replace(BASES, article="other"), "/a/", head(), "sig",
                                  (REF,), ["sig-b"]),
    "url": lambda: plan_article(BASES, "/b/", head(), "sig", (REF,), ["sig-b"]),
    "key": lambda: plan_article(BASES, "/a/", head(key="a.md#1"), "sig", (REF,), ["sig-b"]),
    "source hash": lambda: plan_article(BASES, "/a/", head(), "sig2", (REF,), ["sig-b"]),
    "refs": lambda: plan_article(BASES, "/a/", head(), "sig", (), ["sig-b"]),
    "ref kind": lambda: plan_article(BASES, "/a/", head(), "sig",
                                     (replace(REF, kind="near"),), ["sig-b"]),
    "ref similarity": lambda: plan_article(BASES, "/a/", head(), "sig",
                                           (replace(REF, similarity=0.9),), ["sig-b"]),
    "ref source hash": lambda: plan_article(BASES, "/a/", head(), "sig", (REF,), ["sig-c"]),
}


@pytest.mark.parametrize("changed", sorted(ARTICLE_INPUTS))
def test_an_article_fingerprint_changes_with_each_input(changed: str) -> None:
    same = plan_article(BASES, "/a/", head(), "sig", (REF,), ["sig-b"])
    assert ARTICLE_INPUTS[changed]().fingerprint != same.fingerprint


def test_an_article_fingerprint_ignores_the_record_in_memory_and_other_kinds_bases() -> None:
    page = plan_article(BASES, "/a/", head(), "sig")
    others = replace(BASES, listing="x", feed="x", terms="x", archive="x", not_found="x")
    assert plan_article(others, "/a/", head(), "sig").fingerprint == page.fingerprint
    with_record = plan_article(BASES, "/a/", head(), "sig", record=(object(), "<p>"))  # type: ignore[arg-type]
    assert with_record.fingerprint == page.fingerprint
    assert with_record.data[3] == (with_record.data[3][0], "<p>")  # type: ignore[index]


# --- plan_listing ---------------------------------------------------------------------------

def test_a_listing_page_is_written_at_its_url_with_the_page_as_data() -> None:
    page = listing(url="/regions/syria/page/2/")
    planned = plan_listing(BASES, page, [summary_fingerprint(summary())])
    assert (planned.kind, planned.path, planned.origin, planned.data) == (
        "listing", "regions/syria/page/2/index.html", "/regions/syria/page/2/", page)


def test_a_listing_planned_twice_from_equal_inputs_has_one_fingerprint() -> None:
    one = plan_listing(BASES, listing(), [summary_fingerprint(summary())])
    two = plan_listing(PageBases.of("base", lambda name: f"digest of {name}"), listing(),
                       [summary_fingerprint(summary())])
    assert one == two


LISTING_CHANGES = {
    "kind": dict(kind="home"), "url": dict(url="/regions/syria/page/2/"),
    "title": dict(title="Syrie"), "total": dict(total=2),
    "pager": dict(pager=pager(1, 2, "/regions/syria/")),
    "term": dict(term=replace(TERM, name="SYRIA")), "taxonomy": dict(taxonomy=THEMES),
}


@pytest.mark.parametrize("changed", sorted(LISTING_CHANGES))
def test_a_listing_fingerprint_changes_with_each_field_of_its_page(changed: str) -> None:
    sums = [summary_fingerprint(summary())]
    assert plan_listing(BASES, listing(**LISTING_CHANGES[changed]), sums).fingerprint \
        != plan_listing(BASES, listing(), sums).fingerprint


def test_a_listing_fingerprint_changes_with_its_basis_and_each_summary() -> None:
    a, b = summary_fingerprint(summary()), summary_fingerprint(summary(title="B"))
    fp = plan_listing(BASES, listing(), [a, b]).fingerprint
    assert plan_listing(replace(BASES, listing="other"), listing(), [a, b]).fingerprint != fp
    assert plan_listing(BASES, listing(), [b, a]).fingerprint != fp  # order shown
    assert plan_listing(BASES, listing(), [a]).fingerprint != fp
    assert plan_listing(BASES, listing(), [a, a]).fingerprint != fp
    assert plan_listing(replace(BASES, article="other", feed="other"), listing(),
                        [a, b]).fingerprint == fp


# --- plan_feed ------------------------------------------------------------------------------

def test_a_feed_is_written_at_its_url_and_comes_from_its_listing() -> None:
    planned = plan_feed(BASES, feed(), [summary_fingerprint(summary())], ["sig"], ("<p>b</p>",))
    assert (planned.kind, planned.path, planned.origin, planned.data) == (
        "feed", "regions/syria/feed.xml", "/regions/syria/", (feed(), ("<p>b</p>",)))


def test_a_feed_fingerprint_changes_with_basis_url_title_and_each_summary() -> None:
    a, b = summary_fingerprint(summary()), summary_fingerprint(summary(excerpt="New."))
    fp = plan_feed(BASES, feed(), [a], ["sig"]).fingerprint
    assert plan_feed(BASES, feed(), [a], ["sig"]).fingerprint == fp
    assert plan_feed(replace(BASES, feed="other"), feed(), [a], ["sig"]).fingerprint != fp
    assert plan_feed(BASES, feed(url="/feed.xml"), [a], ["sig"]).fingerprint != fp
    assert plan_feed(BASES, feed(title="Other"), [a], ["sig"]).fingerprint != fp
    assert plan_feed(BASES, feed(), [b], ["sig"]).fingerprint != fp
    assert plan_feed(BASES, feed(), [a, b], ["sig", "sig"]).fingerprint != fp
    # the bodies come from the sources: another source hash, another feed
    assert plan_feed(BASES, feed(), [a], ["other sig"]).fingerprint != fp
    # (the bodies themselves are not hashed again: the source hash stands for them)
    assert plan_feed(BASES, feed(), [a], ["sig"], ("<p>x</p>",)).fingerprint == fp
    assert plan_feed(replace(BASES, listing="other"), feed(), [a], ["sig"]).fingerprint == fp


# --- plan_terms -----------------------------------------------------------------------------

def test_a_taxonomy_index_page_is_written_at_the_taxonomy_url() -> None:
    terms = [TermCount(term=TERM, count=3)]
    planned = plan_terms(BASES, REGIONS, terms)
    assert (planned.kind, planned.path, planned.origin) == (
        "terms", "regions/index.html", "/regions/")
    assert planned.data == (REGIONS, (TermCount(term=TERM, count=3),))


def test_a_terms_fingerprint_changes_with_basis_taxonomy_names_and_counts() -> None:
    other = Term(taxonomy="regions", name="Iraq", slug="iraq")
    terms = [TermCount(term=TERM, count=3), TermCount(term=other, count=1)]
    fp = plan_terms(BASES, REGIONS, terms).fingerprint
    assert plan_terms(BASES, REGIONS, list(terms)).fingerprint == fp
    assert plan_terms(replace(BASES, terms="other"), REGIONS, terms).fingerprint != fp
    assert plan_terms(BASES, replace(REGIONS, plural="Areas"), terms).fingerprint != fp
    assert plan_terms(BASES, REGIONS, [replace(terms[0], count=4), terms[1]]).fingerprint != fp
    assert plan_terms(BASES, REGIONS, [TermCount(term=replace(TERM, name="SYRIA"), count=3),
                                       terms[1]]).fingerprint != fp
    assert plan_terms(BASES, REGIONS, terms[:1]).fingerprint != fp
    assert plan_terms(BASES, REGIONS, terms[::-1]).fingerprint != fp


# --- plan_archive ---------------------------------------------------------------------------

def test_the_archive_page_is_written_at_the_archive_url_with_its_counts() -> None:
    planned = plan_archive(BASES, YEARS, 2)
    assert (planned.kind, planned.path, planned.origin) == (
        "archive", "archive/index.html", "/archive/")
    assert planned.data == (YEARS, 2)


ARCHIVE_CHANGES = {
    "year count": (replace(YEARS[0], count=4), YEARS[1]),
    "year": (YEARS[0], replace(YEARS[1], year=2018)),
    "month count": (replace(YEARS[0], months=(MonthCount(year=2020, month=1, count=3),)),
                    YEARS[1]),
    "month": (replace(YEARS[0], months=(MonthCount(year=2020, month=2, count=2),)), YEARS[1]),
    "a month more": (replace(YEARS[0], months=(*YEARS[0].months,
                                               MonthCount(year=2020, month=3, count=1))),
                     YEARS[1]),
    "a year fewer": (YEARS[0],),
}


@pytest.mark.parametrize("changed", sorted(ARCHIVE_CHANGES))
def test_the_archive_fingerprint_changes_with_each_count(changed: str) -> None:
    assert plan_archive(BASES, ARCHIVE_CHANGES[changed], 2).fingerprint \
        != plan_archive(BASES, YEARS, 2).fingerprint


def test_the_archive_fingerprint_changes_with_basis_and_undated_count_only() -> None:
    fp = plan_archive(BASES, YEARS, 2).fingerprint
    assert plan_archive(BASES, list(YEARS), 2).fingerprint == fp
    assert plan_archive(BASES, YEARS, 3).fingerprint != fp
    assert plan_archive(replace(BASES, archive="other"), YEARS, 2).fingerprint != fp
    assert plan_archive(replace(BASES, terms="other"), YEARS, 2).fingerprint == fp


# --- plan_not_found, plan_static ------------------------------------------------------------

def test_the_404_page_fingerprint_is_its_basis() -> None:
    planned = plan_not_found(BASES)
    assert planned == Page(kind="not_found", path="404.html", origin="/404.html",
                           fingerprint=BASES.not_found, data=None)
    assert plan_not_found(replace(BASES, not_found="other")).fingerprint == "other"


def test_a_static_file_is_copied_under_static_with_the_sha256_of_its_bytes() -> None:
    planned = plan_static("css/site.css", b"body{}")
    assert (planned.kind, planned.path, planned.origin) == (
        "static", "static/css/site.css", "static/css/site.css")
    assert planned.fingerprint == hashlib.sha256(b"body{}").hexdigest()
    assert planned.data.content == b"body{}"  # type: ignore[union-attr]
    assert planned.data.path == planned.path  # type: ignore[union-attr]
    assert planned.data.dependencies == ("static:css/site.css",)  # type: ignore[union-attr]
    assert plan_static("css/site.css", b"body{ }").fingerprint != planned.fingerprint


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64))
def test_a_static_fingerprint_is_the_sha256_of_any_bytes(content: bytes) -> None:
    assert plan_static("x.js", content).fingerprint == hashlib.sha256(content).hexdigest()


# --- plan_site ------------------------------------------------------------------------------

def site(config: SiteConfig) -> SiteContent:
    heads = [
        head("a.md", "A", regions=("Syria",), themes=("Economy",)),
        head("b.md", "B", date=D(2019, 5), regions=("Syria", "Iraq")),
        head("c.md", "C", date=None, regions=(), authors=()),
        head("d.md", "D", date=D(2018), regions=(), authors=(), publisher=""),
    ]
    table = [(f"/u/{h.key[0]}/", h) for h in heads]
    index = build_index([(summarize(url, h, (f"excerpt {h.key}", "")), h) for url, h in table])
    return SiteContent(
        table=table, index=index, listings=list(listing_pages(index, config)),
        feeds=feeds(index, config),
        terms=[(tax, term_counts(terms)) for tax, terms in index.taxonomies if terms],
        years=date_counts(index), also_archived={"a.md": (REF,)},
        source_sig=lambda key: f"sig {key}", record=lambda key: None,
        related=lambda key: (), static_files={"site.css": b"css", "site.js": b"js"})


def test_plan_site_gives_every_page_once_in_kind_order() -> None:
    config = SiteConfig(page_size=2)
    content = site(config)
    pages = list(plan_site(BASES, content))
    order = ["article", "listing", "feed", "terms", "archive", "not_found", "static"]
    kinds = [p.kind for p in pages]
    assert kinds == sorted(kinds, key=order.index)
    assert kinds.count("article") == 4
    assert kinds.count("listing") == len(list(content.listings)) > 4
    assert kinds.count("feed") == len(list(content.feeds)) > 1
    with_terms = [tax.key for tax, terms in content.index.taxonomies if terms]
    assert [p.data[0].key for p in pages if p.kind == "terms"] == with_terms  # type: ignore[index,union-attr]
    assert (kinds.count("archive"), kinds.count("not_found"), kinds.count("static")) == (1, 1, 2)
    assert len({p.path for p in pages}) == len(pages)
    assert [p.path for p in pages if p.kind == "article"] == [
        output_file(url) for url, _ in content.table]


def test_plan_site_pages_are_those_of_the_plan_functions() -> None:
    config = SiteConfig(page_size=2)
    content = site(config)
    pages = list(plan_site(BASES, content))
    sums = {s.url: summary_fingerprint(s) for s in content.index.articles}
    order = list(content.index.articles)  # newest first: each page shows its neighbours
    nav = {s.url: (order[n - 1] if n else None, order[n + 1] if n + 1 < len(order) else None)
           for n, s in enumerate(order)}
    url, a = content.table[0]
    assert pages[0] == plan_article(BASES, url, a, "sig a.md", (REF,), ["sig b.md"],
                                    nav=nav[url])
    assert pages[1] == plan_article(BASES, *content.table[1], "sig b.md",
                                    nav=nav[content.table[1][0]])
    first_listing = next(iter(content.listings))
    assert pages[4] == plan_listing(BASES, first_listing,
                                    [sums[s.url] for s in first_listing.articles])
    archive = next(p for p in pages if p.kind == "archive")
    assert archive == plan_archive(BASES, content.years, 1)  # c.md is undated
    assert pages[-1] == plan_static("site.js", b"js")


def test_plan_site_without_its_memo_plans_the_same_pages() -> None:
    # A build plans its pages a second time as they are rendered, keeping nothing between
    # listing pages: the pages must be the first pass's, fingerprints and all.
    content = site(SiteConfig(page_size=2))
    assert list(plan_site(BASES, content, memo=False)) == list(plan_site(BASES, content))


def test_plan_site_with_the_first_pass_fingerprints_plans_the_same_pages() -> None:
    # The second pass takes article and listing fingerprints from the first instead of
    # making them again: every page must be the same, data and fingerprint.
    content = site(SiteConfig(page_size=2))
    first = list(plan_site(BASES, content))
    known = {p.path: p.fingerprint for p in first}
    assert list(plan_site(BASES, content, memo=False, known=known)) == first
    # A page whose path the first pass did not keep gets no fingerprint (it is not rendered).
    article = next(p for p in first if p.kind == "article")
    listing = next(p for p in first if p.kind == "listing")
    del known[article.path], known[listing.path]
    again = {p.path: p for p in plan_site(BASES, content, known=known)}
    assert again[article.path].fingerprint == again[listing.path].fingerprint == ""
    assert again[article.path].data == article.data


def test_plan_site_without_feeds_or_terms_plans_none() -> None:
    config = SiteConfig(feed_size=0)
    content = replace(site(config), terms=[], static_files={})
    kinds = [p.kind for p in plan_site(BASES, content)]
    assert "feed" not in kinds and "terms" not in kinds and "static" not in kinds
    assert kinds[-2:] == ["archive", "not_found"]


def test_an_edited_title_changes_the_listings_showing_it_and_no_other_page() -> None:
    config = SiteConfig(page_size=2)
    before = site(config)
    table = [(url, replace(h, title="D2") if h.key == "d.md" else h)
             for url, h in before.table]
    index = build_index([(summarize(url, h, (f"excerpt {h.key}", "")), h)
                         for url, h in table])
    after = replace(before, table=table, index=index,
                    listings=list(listing_pages(index, config)),
                    feeds=feeds(index, config))
    old = {p.path: p.fingerprint for p in plan_site(BASES, before)}
    new = {p.path: p.fingerprint for p in plan_site(BASES, after)}
    assert old.keys() == new.keys()
    changed = {path for path in old if old[path] != new[path]}
    # d.md (2018, no terms) is on the home page's second page, its year's and its feed, and
    # the pages of the articles beside it show its title. Its own page's fingerprint is its
    # source hash's, which this test keeps.
    order = [s.url for s in before.index.articles]
    at = next(n for n, (url, h) in enumerate(before.table) if h.key == "d.md")
    d_url = before.table[at][0]
    beside = {order[n] for n in (order.index(d_url) - 1, order.index(d_url) + 1)
              if 0 <= n < len(order)}
    assert changed == {"page/2/index.html", "2018/index.html", "feed.xml",
                       *(url.strip("/") + "/index.html" for url in beside)}


def test_an_article_page_depends_on_what_it_shows_of_its_neighbours_only() -> None:
    def page(**later: object) -> str:
        nav = (summary("/2021/01/01/b/", **later), None)
        return plan_article(BASES, "/a/", head(), "sig", nav=nav).fingerprint

    plain = page()
    assert page(excerpt="another excerpt") == plain  # not shown beside: a body edit
    assert page(authors=("Someone Else",)) == plain
    assert page(title="Retitled") != plain
    assert page(date=PartialDate(year=2021, month=2, day=1)) != plain
    assert plan_article(BASES, "/a/", head(), "sig").fingerprint != plain  # no neighbour
