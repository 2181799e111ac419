"""The articles before and after an article (previous / next links on its page), for a quick
rebuild.

Every article page shows its later and earlier article in the home listing's order (plan.
ArticleNav). An edit that changes what listings show of an article (title, date, URL) or
where it sits in that order changes the pages of the articles beside it, before and after
the edit: those pages are made again, with the fingerprint the full build would give them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archivegen.incremental.cache import BuildCache
from archivegen.incremental.heads import Heads
from archivegen.site.plan import ArticleNav
from archivegen.urls import home_url


class Order:
    """The home listing's article keys, newest first, shown with `heads`."""

    def __init__(self, members: Sequence[str], heads: Heads) -> None:
        self.members = members
        self.heads = heads

    def beside(self, key: str) -> tuple[str | None, str | None]:
        """The keys of the later and the earlier article (KeyError: not in the order). A
        quick rebuild asks this of a few keys: a scan each, no index of 10^5 keys built."""
        try:
            n = self.members.index(key)
        except ValueError:
            raise KeyError(key) from None
        return (self.members[n - 1] if n > 0 else None,
                self.members[n + 1] if n + 1 < len(self.members) else None)

    def nav(self, key: str) -> ArticleNav:
        """What the page of `key` shows of the articles beside it."""
        later, earlier = self.beside(key)
        return (self.heads.summaries([later])[0] if later is not None else None,
                self.heads.summaries([earlier])[0] if earlier is not None else None)


def home_members(cache: BuildCache) -> Sequence[str] | None:
    """Every article's key in the home listing's order, as the last build stored it."""
    state = cache.listing_states([home_url()]).get(home_url())
    return state.members if state is not None else None


def beside_any(orders: Iterable[Order], keys: Iterable[str]) -> set[str]:
    """The keys next to any of `keys` in any of `orders` (not `keys` themselves)."""
    keys = set(keys)
    found = {k for order in orders for key in keys for k in order.beside(key) if k is not None}
    return found - keys
