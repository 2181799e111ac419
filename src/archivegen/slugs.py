"""The only slug rules: lowercase ASCII words joined by hyphens, safe as one URL path segment."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 80
UNTITLED_SLUG = "untitled"


def slugify(text: str) -> str:
    """Return a lowercase, hyphenated, ASCII slug; never empty, never a path.

    An input with no letters or digits gets the slug "untitled" so that every
    term and article still has a URL segment.
    """
    slug = _slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True, lowercase=True)
    return slug or UNTITLED_SLUG


# Term names repeat on every article that carries them: their slugs are worth keeping. Titles
# are not (each comes once): kept, 65,536 of them held ~25 MiB in every process at 10^5.
term_slug = lru_cache(maxsize=16_384)(slugify)
