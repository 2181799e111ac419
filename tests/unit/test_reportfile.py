"""reportfile.py: the articles section a quick rebuild keeps, with moved articles."""

from __future__ import annotations

import json

from archivegen.incremental.json_report import (
    ReportedArticle,
    articles_moved,
    articles_section,
    report_lines,
)
from archivegen.report import BuildReport

ARTICLES = [("a.md", "front-matter", "/2017/05/30/alpha/"),
            ("b.txt", "global-research", "/2017/05/30/beta/"),
            ("c.md", "front-matter", "/undated/gamma/")]


def report_text(articles: list[tuple[str, str, str]]) -> str:
    report = BuildReport(articles=len(articles), pages=1, written=0, unchanged=0, removed=0,
                         kept_stale=0, diagnostics=(), seconds=0.0, phases=())
    return "".join(report_lines(report, sorted(articles, key=lambda a: a[2]), {}))


def test_a_moved_article_takes_its_place_in_url_order() -> None:
    section = articles_section(report_text(ARTICLES))
    assert section is not None
    moved = articles_moved(section, [(ReportedArticle(key="a.md", layout="front-matter",
                                                      url="/2017/05/30/alpha/"),
                                      ReportedArticle(key="a.md", layout="front-matter",
                                                      url="/2017/05/30/zeta/"))])
    expected = [ARTICLES[1], ("a.md", "front-matter", "/2017/05/30/zeta/"), ARTICLES[2]]
    assert moved == articles_section(report_text(expected))
    data = json.loads("{" + moved.lstrip(",\n"))  # type: ignore[union-attr]
    assert [a["url"] for a in data["articles"]] == [url for _, _, url in expected]


def test_an_article_the_section_does_not_hold_is_refused() -> None:
    section = articles_section(report_text(ARTICLES))
    assert section is not None
    def move(layout: str, url: str) -> tuple[ReportedArticle, ReportedArticle]:
        return (ReportedArticle(key="a.md", layout=layout, url=url),
                ReportedArticle(key="a.md", layout="front-matter", url="/x/"))

    assert articles_moved(section, [move("front-matter", "/elsewhere/")]) is None
    assert articles_moved(section, [move("plain-text", ARTICLES[0][2])]) is None
    assert articles_moved(section[:-3], [move("front-matter", ARTICLES[0][2])]) is None


def test_the_only_article_can_move() -> None:
    section = articles_section(report_text(ARTICLES[:1]))
    assert section is not None
    moved = articles_moved(section, [(
        ReportedArticle(key="a.md", layout="front-matter", url=ARTICLES[0][2]),
        ReportedArticle(key="a.md", layout="plain-text", url="/new/"))])
    assert moved == articles_section(report_text([("a.md", "plain-text", "/new/")]))
