"""What an article page tells search engines and link previews: its own description, and a
schema.org NewsArticle record (JSON-LD).

The record is a plain dict; the template serialises it with Jinja's `tojson`, which escapes
`<`, `>`, `&` and `'` (no field, however hostile, can close the <script> holding it).
"""

from __future__ import annotations

from archivegen.model import Article
from archivegen.render.templates import is_web_url, iso_date
from archivegen.search.terms import html_text

DESCRIPTION_WORDS = 30


def page_description(article: Article, body_html: str) -> str:
    """The article's own summary, else the first DESCRIPTION_WORDS words of its text (as the
    page shows it: the body's HTML without its tags), with an ellipsis when cut."""
    if article.summary:
        return " ".join(article.summary.split())
    words = html_text(body_html).split(maxsplit=DESCRIPTION_WORDS)
    cut = len(words) > DESCRIPTION_WORDS
    return " ".join(words[:DESCRIPTION_WORDS]) + ("\u2026" if cut else "")


def news_article(article: Article, headline: str, description: str,
                 canonical: str) -> dict[str, object]:
    """schema.org NewsArticle: headline, date, authors, publisher and the original source it
    is based on (a URL, or a named work), with `canonical` as its URL when there is one."""
    record: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                                 "headline": headline, "description": description}
    if canonical:
        record["url"] = canonical
        record["mainEntityOfPage"] = canonical
    if article.date is not None:
        record["datePublished"] = iso_date(article.date)
    if article.authors:
        record["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.publisher:
        record["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.original_source:
        source = article.original_source
        record["isBasedOn"] = (source if is_web_url(source)
                               else {"@type": "CreativeWork", "name": source})
    if article.language:
        record["inLanguage"] = article.language
    return record
