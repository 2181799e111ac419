"""An article's body as HTML: its endnotes joined in, parsed once for the excerpt, limits reported.

What the load stage runs once per article (the HTML is kept in the build state) and what the
renderer runs when a page needs a body it was not given."""

from __future__ import annotations

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.markdown.engine import SafeMarkdown, render_markdown_with_excerpt
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
    """article_body_html, and the body's first `excerpt_words` words from the same parse."""
    referenced = [n for n in article.notes if f"[^{n.label}]" in article.body]
    source = article.body + "".join(f"\n\n[^{n.label}]: {n.text}" for n in referenced)
    return render_markdown_with_excerpt(md, source, excerpt_words)


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
