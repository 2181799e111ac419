"""One exported article: the shape every export file is made from (pure, no I/O).

The JSON file writes `ExportRecord.as_json()` as it is; CSV and SQLite flatten the same
values. An article's fields are as the loader read them (nothing invented: a field the text
does not state is empty), its date at the precision the text states it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from archivegen.model import TAXONOMIES, Article, DuplicateRef, terms_of
from archivegen.partial_date import PartialDate
from archivegen.render.templates import is_web_url
from archivegen.slugs import term_slug
from archivegen.urls import absolute_url, term_url


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedArticle:
    """What the build knows of an article before its record is read: where its page is and
    what that page's heading says."""

    url: str  # the page's root-relative URL
    key: str  # model.article_key
    source_path: str
    source_sig: str  # its source file's hash: the export's fingerprint is made of these
    title: str  # as the page shows it: the stated title, else the body's first words
    title_stated: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRecord:
    """An article as the export shows it: `number` is its 1-based place in URL order (the
    SQLite tables' article_id)."""

    number: int
    page: ExportedArticle
    article: Article
    duplicates: tuple[DuplicateRef, ...]
    base_url: str
    # A date in words as the pages show it, in the site's language (render/messages.py).
    date_words: Callable[[PartialDate], str]

    def dates(self) -> Mapping[str, Any]:
        """The article's date fields (date_fields), in the pages' words."""
        return date_fields(self.article.date, self.date_words)

    @property
    def absolute_url(self) -> str | None:
        """The page's address, when the site's base_url is an absolute http(s) URL."""
        if not is_web_url(self.base_url):
            return None
        return absolute_url(self.base_url, self.page.url)

    def terms(self) -> list[tuple[str, str, str]]:
        """(taxonomy, term as the article spells it, slug) in taxonomy and article order;
        the slug is the term page's (two spellings that slug alike are one term)."""
        return [(tax.key, name, term_slug(name)) for tax in TAXONOMIES
                for name in terms_of(self.article, tax)]

    def as_json(self) -> dict[str, Any]:
        """The record as archive.json holds it (keys in this order: the file's bytes are
        the same on every build)."""
        a, p = self.article, self.article.provenance
        return {
            "id": self.number, "key": self.page.key, "url": self.page.url,
            "absolute_url": self.absolute_url, "title": self.page.title,
            "title_stated": self.page.title_stated, "authors": list(a.authors),
            "contributors": [{"role": c.role, "name": c.name} for c in a.contributors],
            "publisher": a.publisher, **self.dates(),
            "original_source": a.original_source, "original_url": a.url,
            "regions": list(a.regions), "themes": list(a.themes), "tags": list(a.tags),
            "reports": list(a.reports),
            "terms": [{"taxonomy": tax, "term": name, "slug": slug,
                       "url": term_url(_TAXONOMY[tax], slug)}
                      for tax, name, slug in self.terms()],
            "slug": a.slug, "summary": a.summary, "language": a.language, "draft": a.draft,
            "body_markdown": a.body,
            "notes": [{"label": n.label, "text": n.text, "line": n.line} for n in a.notes],
            "duplicates": [{"key": d.key, "source_path": d.source_path, "kind": d.kind,
                            "similarity": round(d.similarity, 4)} for d in self.duplicates],
            "provenance": {
                "source_path": p.source_path, "sha256": p.sha256, "layout": p.layout,
                "sidecar_path": p.sidecar_path, "piece": p.piece, "body_line": a.body_line,
                "fields": [{"field": f.name, "line": f.line, "rule": f.rule}
                           for f in p.fields],
                "repairs": [{"rule": r.rule, "line": r.line, "detail": r.detail}
                            for r in p.repairs],
                "noticed": [{"rule": r.rule, "line": r.line, "detail": r.detail}
                            for r in p.notes],
                "other_dates": [{"date": d.date.isoformat(), "line": d.line, "text": d.text}
                                for d in p.other_dates],
                "footer": p.footer,
            },
        }


_TAXONOMY = {tax.key: tax for tax in TAXONOMIES}


def date_fields(date: PartialDate | None,
                words: Callable[[PartialDate], str]) -> Mapping[str, Any]:
    """An article's date as the text states it: ISO 8601 at that precision ("2017-05",
    "2010-06/2010-07"), the precision's name, and the words its page shows (`words`)."""
    if date is None:
        return {"date": None, "date_precision": None, "date_display": ""}
    return {"date": date.isoformat(), "date_precision": date.precision,
            "date_display": words(date)}
