"""Endnotes: a `NOTES` / `Notes:` / `Endnotes` section becomes the article's notes list.

Scraped articles keep their notes as plain text: `[1]` markers in the body and, after a heading,
paragraphs starting `[1]`, `1.` or `1 `. A long piece may have several parts, each with its own
notes section and numbering that restarts; the second section's notes get labels "2-1", "2-2"…
so that every marker links to the right note. Markers whose number has no note stay as text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archivegen.load.paragraphs import split_paragraphs
from archivegen.model import Article, Note

# (After the word, `\s*(?::\s*)?$` and not `\s*:?\s*$`: the same text, but the two spans of
# spaces could divide a long run of spaces in every way, quadratic before a failing `$`.)
HEADING_RE = re.compile(r"^(?:#{1,6}\s*)?\**(?:notes|endnotes|end notes|footnotes|notas|"
                        r"références|references and notes)\**\s*(?::\s*)?$", re.IGNORECASE)
NOTE_RE = re.compile(r"^\s*(?:\[(?P<a>\d{1,3})\]|(?P<b>\d{1,3})(?P<dot>[.)])?)\s+(?P<text>\S.*)$",
                     re.DOTALL)
MARKER_RE = re.compile(r"\[(\d{1,3})\]")


def extract_notes(article: Article) -> Article:
    """Move notes sections out of the body into `article.notes`; label body markers to match."""
    paragraphs = [(p.text, p.line) for p in split_paragraphs(article.body, article.body_line)]
    if not any(HEADING_RE.match(text) for text, _ in paragraphs):
        return article
    kept: list[tuple[str, int]] = []
    notes: list[Note] = []
    segment_start = 0  # index in `kept` where the current part's text begins
    # The markers of the current part's text, kept up to date as text is kept: collected
    # again at each heading, a text of many headings without notes was read once per heading.
    markers: set[str] = set()
    section = 0
    i = 0
    while i < len(paragraphs):
        text, line = paragraphs[i]
        if not HEADING_RE.match(text):
            kept.append((text, line))
            markers.update(m[1] for m in MARKER_RE.finditer(text))
            i += 1
            continue
        section_notes: list[Note] = []
        j = i + 1
        while j < len(paragraphs):
            more = _notes_of(*paragraphs[j], expected=len(section_notes) + 1, markers=markers)
            if not more:
                break  # "3 ministers resigned on Tuesday" after the notes is body text
            section_notes += more
            j += 1
        if not section_notes:  # a heading called "Notes" with no notes under it is text
            kept.append((text, line))
            markers.update(m[1] for m in MARKER_RE.finditer(text))
            i += 1
            continue
        section += 1
        if section > 1:
            section_notes = [replace(n, label=f"{section}-{n.label}") for n in section_notes]
        prefix = f"{section}-" if section > 1 else ""
        numbers = {n.label.removeprefix(prefix) for n in section_notes}
        for k in range(segment_start, len(kept)):
            kept[k] = (_label_markers(kept[k][0], prefix, numbers), kept[k][1])
        notes += section_notes
        segment_start = len(kept)
        markers = set()
        i = j
    body = "\n\n".join(text for text, _ in kept)
    return replace(article, body=body, notes=article.notes + tuple(notes))


def _notes_of(text: str, line: int, *, expected: int, markers: set[str]) -> list[Note]:
    """The notes of one paragraph: usually one, several when they sit on consecutive lines.

    Notes are numbered 1, 2, 3…: a number out of sequence ends the notes. A bare number
    ("1 The study…", no brackets or dot) counts only if the text has a [1] marker for it.
    Returns [] if the paragraph does not start with the expected note.
    """
    notes: list[Note] = []
    # Each note's text as pieces, joined once: a note wrapped over many lines was copied
    # again for each line.
    pieces: list[list[str]] = []
    for offset, row in enumerate(text.split("\n")):
        m = NOTE_RE.match(row)
        number = (m["a"] or m["b"]) if m else None
        bare = m is not None and m["a"] is None and m["dot"] is None
        if (m and number is not None and int(number) == expected + len(notes)
                and (not bare or number in markers)):
            notes.append(Note(label=number, text="", line=line + offset))
            pieces.append(m["text"].split())
        elif notes and not m:  # a note's text wrapped onto the next line
            pieces[-1] += row.split()
        else:
            break  # the notes end here (none if the paragraph does not start with one)
    return [replace(note, text=" ".join(words)) for note, words in zip(notes, pieces,
                                                                       strict=True)]


def _label_markers(text: str, prefix: str, numbers: set[str]) -> str:
    """`[1]` becomes `[^1]` (or `[^2-1]` in a later part): Markdown footnote syntax."""
    if not prefix and not numbers:
        return text
    return MARKER_RE.sub(lambda m: f"[^{prefix}{m[1]}]" if m[1] in numbers else m[0], text)
