"""Loaders: one module per input layout, and the chooser that picks one per file.

Each loader turns decoded text into an Article record with the line of every field; none of them
touches the disk. Files whose suffix no loader knows are not articles and are skipped quietly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.filenames import ARTICLE_SUFFIXES, SIDECAR_SUFFIX, is_article_path
from archivegen.load.layouts import frontmatter, globalresearch, repost, scraped
from archivegen.load.layouts.leftovers import report_metadata_in_body
from archivegen.load.layouts.sidecar import apply_sidecar
from archivegen.load.layouts.text import decode
from archivegen.model import Article, FieldOrigin, Source
from archivegen.partial_date import PartialDate

__all__ = ["ARTICLE_SUFFIXES", "LAYOUTS", "SIDECAR_SUFFIX", "is_article_path", "load_source"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    name: str
    sniff: Callable[[str, str], bool]
    load: Callable[[str, Source, Diagnostics], list[Article]]


def _one(load: Callable[[str, Source, Diagnostics], Article | None]
         ) -> Callable[[str, Source, Diagnostics], list[Article]]:
    """Adapt a loader that reads one article per file to the list-returning interface."""
    def load_all(text: str, source: Source, diags: Diagnostics) -> list[Article]:
        article = load(text, source, diags)
        return [article] if article is not None else []
    return load_all


# Tried in order; the first whose sniff says yes reads the file. Scraped text (plain text,
# body-only text, a saved web page) takes whatever the others do not.
LAYOUTS: tuple[Layout, ...] = (
    Layout(name=frontmatter.LAYOUT, sniff=frontmatter.sniff, load=_one(frontmatter.load)),
    # A repost's "# Title" and "> Source:" line say what it is, whatever its body holds
    # (even the label lines that also mark the Global Research layout).
    Layout(name=repost.LAYOUT, sniff=repost.sniff, load=_one(repost.load)),
    Layout(name=globalresearch.LAYOUT, sniff=globalresearch.sniff, load=globalresearch.load),
    Layout(name=scraped.LAYOUT, sniff=scraped.sniff, load=_one(scraped.load)),
)


def load_source(source: Source, diags: Diagnostics, *, file_time_dates: bool = False,
                limits: Limits = DEFAULT_LIMITS) -> list[Article]:
    """Read one source into its records: usually one; none (with an error) if it holds no
    usable article; several when the file holds several pieces with their own bylines.
    `limits` bound its YAML (front matter and sidecar)."""
    text = decode(source, diags)
    if text is None:
        return []
    if not text.strip():
        diags.error("AG002", "file is empty", SourceLocation(path=source.path, line=1, col=1))
        return []
    articles = _load_text(text, source, diags, limits)
    for article in articles:
        report_metadata_in_body(article, diags)
    if len(articles) > 1 and source.sidecar is not None:
        diags.warning("AG022", "a sidecar cannot tell which piece of a split file it corrects; "
                      "ignored", SourceLocation(path=source.sidecar_path))
        return articles
    articles = [apply_sidecar(a, source, diags, limits) for a in articles]
    if file_time_dates:
        articles = [date_from_file_time(a, source) for a in articles]
    return articles


def date_from_file_time(article: Article, source: Source) -> Article:
    """Only when the config asks: an undated article takes its file's modification day (UTC),
    recorded with the rule "file-mtime" so the page says where the date came from. A time
    no calendar date holds (year 0, 10^17 seconds: file systems keep them) gives none."""
    if article.date is not None or source.mtime is None:
        return article
    try:
        day = dt.datetime.fromtimestamp(source.mtime, tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        return article
    origin = FieldOrigin(name="date", line=0, rule="file-mtime")
    return replace(article, date=PartialDate.from_date(day),
                   provenance=replace(article.provenance,
                                      fields=(*article.provenance.fields, origin)))


def _load_text(text: str, source: Source, diags: Diagnostics,
               limits: Limits) -> list[Article]:
    layout = next(layout for layout in LAYOUTS if layout.sniff(text, source.path))
    if layout.name == frontmatter.LAYOUT:  # the one layout that reads YAML: its limits
        article = frontmatter.load(text, source, diags, limits)
        return [article] if article is not None else []
    return layout.load(text, source, diags)
