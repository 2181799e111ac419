"""Fold exact and near duplicate articles into one canonical page (measure: dedupe.py).

A copy is folded only when it cannot be a different article: where both copies state a title
they must match (ignoring case and punctuation), and where both state a date it must be the
same. Two stories that share boilerplate, or a short caption such as "Watch the video below.",
keep their own pages. Every folded copy is reported (AG024), so no article vanishes silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from .dedupe import Candidate, Sketch, find_duplicates
from .errors import Diagnostics, SourceLocation
from .model import ArticleHead, DuplicateRef


def collapse_duplicates(articles: Sequence[tuple[ArticleHead, Sketch]],
                        diags: Diagnostics | None = None,
                        ) -> tuple[list[ArticleHead], dict[str, tuple[DuplicateRef, ...]],
                                   frozenset[str]]:
    """The articles to build, for each canonical article key the copies folded into it, and
    the keys of every article whose body is grouped with another's, folded or not (a title
    or date edit can fold it: quick rebuilds must know).

    Works from each article's head and body sketch (dedupe.sketch_text), never its body, so an
    incremental build need not read bodies back. The canonical copy is the one stating the
    most fields, then the first by key.
    """
    by_key = {head.key: (head, sketch) for head, sketch in articles}
    groups = find_duplicates(
        Candidate(key=key, text="", rank=(-_filled_fields(head),), sketch=sketch)
        for key, (head, sketch) in by_key.items())
    dropped: set[str] = set()
    also: dict[str, tuple[DuplicateRef, ...]] = {}
    for group in groups:
        canonical, canonical_sketch = by_key[group.canonical]
        refs = []
        for key in group.others:
            copy, sketch = by_key[key]
            if not _same_article(canonical, copy):
                continue
            # A group may mix exact and near copies: say which each one is. Equal digests are
            # equal normalised text.
            exact = sketch.digest == canonical_sketch.digest
            refs.append(DuplicateRef(key=key, source_path=copy.source_path,
                                     kind="exact" if exact else "near",
                                     similarity=1.0 if exact else group.similarity))
            dropped.add(key)
            if diags is not None:
                diags.warning("AG024", f"{'exact' if exact else 'near'} copy of "
                              f"'{group.canonical}'; shown on that article's page as "
                              "'also archived as', not as a page of its own",
                              SourceLocation(path=copy.source_path, line=1, col=1))
        if refs:
            also[group.canonical] = tuple(refs)
    grouped = frozenset(key for group in groups for key in (group.canonical, *group.others))
    return [head for k, (head, _) in by_key.items() if k not in dropped], also, grouped


def _same_article(a: ArticleHead, b: ArticleHead) -> bool:
    """False when the two records state a different title or a different date."""
    if a.title and b.title and _title_key(a.title) != _title_key(b.title):
        return False
    return not (a.date and b.date and a.date != b.date)


def _title_key(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def _filled_fields(article: ArticleHead) -> int:
    return sum(1 for value in (article.title, article.authors, article.publisher, article.date,
                               article.original_source, article.url, article.regions,
                               article.themes, article.tags, article.reports) if value)
