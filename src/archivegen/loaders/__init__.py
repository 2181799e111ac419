"""Loaders: one module per input layout, and the chooser that picks one per file.

Each loader turns decoded text into an Article record with the line of every field; none of them
touches the disk. Files whose suffix no loader knows are not articles and are skipped quietly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import Diagnostics, SourceLocation
from ..model import Article, Source
from . import frontmatter, globalresearch, plaintext
from .sidecar import SIDECAR_SUFFIX, apply_sidecar
from .text import decode

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
__all__ = ["ARTICLE_SUFFIXES", "LAYOUTS", "SIDECAR_SUFFIX", "is_article_path", "load_source"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    name: str
    sniff: Callable[[str, str], bool]
    load: Callable[[str, Source, Diagnostics], Article | None]


# Tried in order; the first whose sniff says yes reads the file. Plain text is the fallback.
LAYOUTS: tuple[Layout, ...] = (
    Layout(name=frontmatter.LAYOUT, sniff=frontmatter.sniff, load=frontmatter.load),
    Layout(name=globalresearch.LAYOUT, sniff=globalresearch.sniff, load=globalresearch.load),
)


def is_article_path(path: str) -> bool:
    return path.lower().endswith(ARTICLE_SUFFIXES)


def load_source(source: Source, diags: Diagnostics) -> Article | None:
    """Read one source into a record, or None (with an error) if it holds no usable article."""
    text = decode(source, diags)
    if text is None:
        return None
    if not text.strip():
        diags.error("AG002", "file is empty", SourceLocation(path=source.path, line=1, col=1))
        return None
    article = _load_text(text, source, diags)
    return apply_sidecar(article, source, diags) if article is not None else None


def _load_text(text: str, source: Source, diags: Diagnostics) -> Article | None:
    for layout in LAYOUTS:
        if layout.sniff(text, source.path):
            return layout.load(text, source, diags)
    diags.warning("AG020", "layout not recognised; read as plain text (first line is the title)",
                  SourceLocation(path=source.path, line=1, col=1))
    return plaintext.load(text, source, diags)
