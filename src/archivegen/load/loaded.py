"""What loading a source file produces, as the build state keeps it: heads, sketches, records.

Plain values and no heavy imports: a no-op build reads these from the cache without loading the
Markdown engine or the layouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from archivegen.errors import Diagnostic
from archivegen.model import Article, ArticleHead, Asset
from archivegen.slotted import quick_pickle

if TYPE_CHECKING:
    from archivegen.dedupe.detect import Sketch


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class CachedArticle:
    """One article as every build needs it: no body (see ArticleHead)."""

    head: ArticleHead
    sketch: Sketch
    excerpt: str  # what listings show of the body (parsing it is costly)
    heading: str  # a heading derived from the body, for an untitled article
    site_url: str  # urls.article_url of the head
    assets: tuple[Asset, ...] = ()  # files it references, copied beside its page


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class CachedSource:
    stat: str  # size, mtime and sidecar signature: equal means "not changed", without reading
    sha256: str
    articles: tuple[CachedArticle, ...]
    diagnostics: tuple[Diagnostic, ...]
    # The paths its articles' references named, with what was there (load/assets.py): the
    # file is loaded again when one of them changes (an asset edited, added or removed).
    asset_stats: tuple[tuple[str, str], ...] = ()


def reusable_sha(entry: CachedSource | None) -> str:
    """The content hash a reload may compare to keep `entry` when the file's bytes are the
    same; "" (load it again) when its articles reference files: one may have changed."""
    return entry.sha256 if entry is not None and not entry.asset_stats else ""


# A whole record: the article, and its body as HTML (render.article_body_html).
Record = tuple[Article, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedHead:
    """An article's head as listings show it (a CachedArticle without its sketch)."""

    head: ArticleHead
    excerpt: str
    heading: str
    site_url: str
