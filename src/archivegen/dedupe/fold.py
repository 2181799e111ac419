"""Fold exact and near duplicate articles, and excerpts, into one canonical page (measure:
dedupe.py).

A missed duplicate costs one page; a wrong fold hides an article. So each kind of match needs
the evidence that rules out a different article:

* **Exact and near copies** (the same normalised text, or Jaccard >= 0.8 over the whole
  body) are folded only when neither copy states something else: where both state a title
  they must match (ignoring case and punctuation), and where both state a date it must be the
  same. Two stories that share boilerplate, or a short caption such as "Watch the video
  below.", keep their own pages.
* **Excerpts** (a short text, most of which is in the opening of a text at least half again
  as long: a page excerpt, a forum or mailing-list repost cut short; see dedupe.py) are
  folded into their container whatever their titles and dates say, since reposts carry
  their own (a forum thread's title, a repost dated years later). Instead their authors must
  not conflict: where both state authors, they share a surname (allowing one misspelt
  letter). The text evidence is strong
  by construction: a long share of the excerpt verbatim in the container's lead, the best
  container by a clear margin, never two long texts (two works that share whole passages,
  such as a book chapter reusing an article, are compared as near copies only). An excerpt
  is folded only with its container (itself folded into the canonical, or the canonical).

Every folded copy is reported (AG024), so no article vanishes silently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator

from archivegen.dedupe.detect import Candidate, DuplicateGroup, Sketch, find_duplicates
from archivegen.errors import Diagnostics, SourceLocation
from archivegen.model import ArticleHead, DuplicateRef


def collapse_duplicates(articles: Iterable[tuple[ArticleHead, Sketch]],
                        diags: Diagnostics | None = None,
                        body: Callable[[str], str] | None = None,
                        ) -> tuple[list[ArticleHead], dict[str, tuple[DuplicateRef, ...]],
                                   frozenset[str]]:
    """The articles to build, for each canonical article key the copies folded into it, and
    the keys of every article whose body is grouped with another's, folded or not (a title,
    date or author edit can fold it: quick rebuilds must know).

    Works from each article's head and body sketch (dedupe.sketch_text), read once, as
    duplicates are looked for: only each body's digest is kept (a build's sketches come
    from a SketchStore, one at a time). `body` (an article's body by key) is asked only to
    verify candidate excerpt pairs, so an incremental build reads back a few bodies at most
    (without it, no excerpt is found). The canonical copy is the one stating the most
    fields, then the first by key, never an excerpt. A key given twice is a ValueError.
    """
    heads: dict[str, ArticleHead] = {}
    digests: dict[str, bytes] = {}

    def candidates() -> Iterator[Candidate]:
        for head, sketch in articles:
            heads[head.key] = head
            digests[head.key] = sketch.digest
            yield Candidate(key=head.key, text="", rank=(-_filled_fields(head),),
                            sketch=sketch)

    groups = find_duplicates(candidates(), body=body)
    dropped: set[str] = set()
    also: dict[str, tuple[DuplicateRef, ...]] = {}
    for group in groups:
        refs = [_report(ref, group.canonical, heads[ref.key], diags)
                for ref in _folded(group, heads, digests)]
        dropped.update(ref.key for ref in refs)
        if refs:
            also[group.canonical] = tuple(refs)
    grouped = frozenset(key for group in groups for key in (group.canonical, *group.others))
    return [head for key, head in heads.items() if key not in dropped], also, grouped


def _folded(group: DuplicateGroup, heads: dict[str, ArticleHead],
            digests: dict[str, bytes]) -> list[DuplicateRef]:
    """The members of `group` that are folded into its canonical, in key order."""
    canonical = heads[group.canonical]
    excerpts = {excerpt.key: excerpt for excerpt in group.excerpts}
    folded: dict[str, DuplicateRef] = {}
    for key in group.others:
        copy = heads[key]
        if key in excerpts or not _same_article(canonical, copy):
            continue
        # A group may mix exact and near copies: say which each one is. Equal digests are
        # equal normalised text.
        exact = digests[key] == digests[group.canonical]
        folded[key] = DuplicateRef(key=key, source_path=copy.source_path,
                                   kind="exact" if exact else "near",
                                   similarity=1.0 if exact else group.similarity)
    # An excerpt follows its container; containers may be excerpts themselves (a chain).
    pending = sorted(excerpts.values(), key=lambda excerpt: excerpt.key)
    while True:
        ready = [x for x in pending if x.container in folded or x.container == group.canonical]
        if not ready:
            break
        pending = [x for x in pending if x not in ready]
        for excerpt in ready:
            copy = heads[excerpt.key]
            if _same_authors(copy, heads[excerpt.container]) and _same_authors(copy,
                                                                                canonical):
                folded[excerpt.key] = DuplicateRef(
                    key=excerpt.key, source_path=copy.source_path, kind="excerpt",
                    similarity=excerpt.containment)
    return [folded[key] for key in sorted(folded)]


def _report(ref: DuplicateRef, canonical: str, copy: ArticleHead,
            diags: Diagnostics | None) -> DuplicateRef:
    if diags is not None:
        what = (f"excerpt ({ref.similarity:.0%} of its text is in the opening) of"
                if ref.kind == "excerpt" else f"{ref.kind} copy of")
        diags.warning("AG024", f"{what} '{canonical}'; shown on that article's page as "
                      "'also archived as', not as a page of its own",
                      SourceLocation(path=copy.source_path, line=1, col=1))
    return ref


def _same_article(a: ArticleHead, b: ArticleHead) -> bool:
    """False when the two records state a different title or a different date."""
    if a.title and b.title and _title_key(a.title) != _title_key(b.title):
        return False
    return not (a.date and b.date and a.date != b.date)


def _same_authors(a: ArticleHead, b: ArticleHead) -> bool:
    """False when both records state authors and no two of them share a surname (the last
    word of the name, ignoring case and accents; one letter more, less or other in a surname
    of four letters or more is a misspelling: "Gollinger", "Brow")."""
    if not (a.authors and b.authors):
        return True
    return any(_same_surname(_surname(x), _surname(y)) for x in a.authors for y in b.authors)


def _same_surname(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    # one edit apart: skip the common prefix and suffix, at most one letter is left on a side
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return max(len(a), len(b)) - start - end <= 1


def _surname(name: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in unicodedata.normalize(
        "NFKD", name.casefold()) if not unicodedata.combining(ch)).split()
    return words[-1] if words else ""


def _title_key(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def _filled_fields(article: ArticleHead) -> int:
    return sum(1 for value in (article.title, article.authors, article.publisher, article.date,
                               article.original_source, article.url, article.regions,
                               article.themes, article.tags, article.reports) if value)
