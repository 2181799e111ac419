"""An article's body as HTML: its endnotes joined in, parsed once for the excerpt, limits reported.

What the load stage runs once per article (the HTML is kept in the build state) and what the
renderer runs when a page needs a body it was not given."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.markdown.engine import SafeMarkdown, local_path
from archivegen.markdown.fast import render_with_excerpt
from archivegen.model import Article


def article_body_html(md: SafeMarkdown, article: Article) -> tuple[str, tuple[str, ...]]:
    """The body as HTML, and the link URLs the allowlist refused.

    Endnotes become Markdown footnotes, so markers and notes link to each other (a note no
    marker points to is listed apart by the page). Computed when an article is loaded, in a
    worker process, and cached: parsing Markdown is most of the cost of a page.
    """
    html, refused, _ = article_body_and_excerpt(md, article, 0)
    return html, refused


def article_body_and_excerpt(md: SafeMarkdown, article: Article, excerpt_words: int
                             ) -> tuple[str, tuple[str, ...], str]:
    """article_body_html, and the body's first `excerpt_words` words from the same parse
    (by markdown-it-pyrs where it gives the reference's result: markdown/fast.py)."""
    return render_with_excerpt(md, _markdown_source(article), excerpt_words)


def _markdown_source(article: Article) -> str:
    """The body with its referenced endnotes appended as footnote definitions."""
    referenced = [n for n in article.notes if f"[^{n.label}]" in article.body]
    return article.body + "".join(f"\n\n[^{n.label}]: {n.text}" for n in referenced)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """An image or link of an article's body naming a file by a relative path."""

    kind: str  # "image" or "link"
    url: str  # as the page carries it
    path: str  # the file it names, relative to the article's folder (may hold "..")
    location: SourceLocation  # where it is written in the source file


def local_references(md: SafeMarkdown, article: Article) -> tuple[Reference, ...]:
    """The relative references of the body `md` just rendered (article_body_and_excerpt),
    each with its line and column in the source file.

    The line is the body's line plus that of the reference in the body as repaired (exact
    unless a repair joined or removed lines before it); the column is where its URL is
    written on that line (1 if it cannot be found there). A reference in an endnote gets
    the note's line, column 1."""
    if not md.local_refs:
        return ()
    lines = _markdown_source(article).split("\n")
    body_lines = article.body.count("\n") + 1
    note_starts = _note_lines(article, body_lines)
    searched: dict[int, int] = {}  # per line, where the next URL is looked for
    path = article.provenance.source_path
    found = []
    for ref in md.local_refs:
        target = local_path(ref.url)
        assert target is not None  # (engine keeps only these)
        if ref.line < body_lines:
            text = lines[ref.line] if ref.line < len(lines) else ""
            start = searched.get(ref.line, 0)
            col = next((at for written in (ref.url, unquote(ref.url))
                        if (at := text.find(written, start)) >= 0), -1)
            if col >= 0:
                searched[ref.line] = col + 1
            where = SourceLocation(path=path, line=article.body_line + ref.line,
                                   col=col + 1 if col >= 0 else 1)
        else:
            start_line, note_line = max((s for s in note_starts if s[0] <= ref.line),
                                        default=(ref.line, article.body_line + ref.line))
            where = SourceLocation(path=path, line=note_line + ref.line - start_line, col=1)
        found.append(Reference(kind=ref.kind, url=ref.url, path=target, location=where))
    return tuple(found)


def _note_lines(article: Article, body_lines: int) -> list[tuple[int, int]]:
    """(line in the Markdown source, line in the file) where each appended note starts."""
    starts = []
    line = body_lines - 1
    for note in article.notes:
        if f"[^{note.label}]" in article.body:
            starts.append((line + 2, note.line))
            line += 2 + note.text.count("\n")
    return starts


def report_markdown_limits(md: SafeMarkdown, article: Article, diags: Diagnostics) -> None:
    """Warn when the body `md` just rendered held more bare links (AG032) or table cells
    (AG034) than the limits allow.

    The line is the article's body line plus that of the first link left as text (or the
    first table cut short) in the body as repaired: exact unless a repair joined or removed
    paragraphs before it (then a little before it). A link's text is in the message."""
    path = article.provenance.source_path
    unlinked = md.unlinked
    if unlinked is not None:
        diags.warning("AG032", f"{unlinked.count:,} bare link(s) past the limit of "
                      f"{md.limits.links_per_article:,} (limits.links_per_article) left as "
                      f"text, the first '{unlinked.text[:80]}'",
                      SourceLocation(path=path, line=article.body_line + unlinked.line))
    if md.table_cut is not None:
        diags.warning("AG034", f"tables of more than {md.limits.table_cells:,} cells in all "
                      "(limits.table_cells): the rest of this table and any after it are "
                      "shown as text", SourceLocation(path=path,
                                                      line=article.body_line + md.table_cut.line))
