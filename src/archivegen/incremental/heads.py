"""Articles' heads as the cache holds them, read as a quick rebuild needs them (relist's
listings, the neighbours of an edited article), with the edited articles' new heads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archivegen.incremental.cache import BuildCache
from archivegen.load.loaded import CachedHead
from archivegen.model import ArticleSummary
from archivegen.site.indexer import OrderKey, order_key, summarize


class Heads:
    """Cached heads by article key, read as needed; the edited articles' as they are now."""

    def __init__(self, cache: BuildCache, edited: dict[str, CachedHead]) -> None:
        self._cache = cache
        self._known = dict(edited)

    def load(self, keys: Iterable[str]) -> None:
        wanted = {path for k in keys if k not in self._known for path in _source_paths(k)}
        for key, head in self._cache.heads(wanted).items() if wanted else ():
            # (a source's other pieces come too: an edited one keeps its new head)
            self._known.setdefault(key, head)

    def __getitem__(self, key: str) -> CachedHead:
        if key not in self._known:
            self.load((key,))
        return self._known[key]  # KeyError: the cache does not hold what its listings name

    def order(self, key: str) -> OrderKey:
        h = self[key]
        return order_key(h.head.date, h.site_url, h.head.source_path)

    def summaries(self, keys: Sequence[str]) -> list[ArticleSummary]:
        self.load(keys)
        return [summarize(h.site_url, h.head, (h.excerpt, h.heading))
                for h in map(self.__getitem__, keys)]


def _source_paths(key: str) -> tuple[str, ...]:
    """The source files an article key may come from (model.piece_key: the path, or the path
    and "#piece"; a file may itself be named "a#2")."""
    path, mark, piece = key.rpartition("#")
    return (key, path) if mark and piece.isdigit() else (key,)
