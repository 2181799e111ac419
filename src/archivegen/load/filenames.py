"""Which files of the input folder are articles, and which are their sidecars."""

from __future__ import annotations

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
# A `<file>.yaml` beside an article corrects or adds fields without touching the original.
SIDECAR_SUFFIX = ".yaml"


def is_article_path(path: str) -> bool:
    return path.lower().endswith(ARTICLE_SUFFIXES)
