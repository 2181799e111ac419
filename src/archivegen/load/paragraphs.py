"""Paragraphs of an article body: blank-line separated blocks that remember their source line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    text: str
    line: int  # 1-based line in the source file where the paragraph starts


def split_paragraphs(body: str, first_line: int) -> tuple[Paragraph, ...]:
    """Blank-line separated blocks, each with the source line it starts on."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(body.split("\n")):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line.rstrip())
        elif current:
            paragraphs.append(Paragraph(text="\n".join(current), line=start))
            current = []
    if current:
        paragraphs.append(Paragraph(text="\n".join(current), line=start))
    return tuple(paragraphs)


def join_paragraphs(paragraphs: Sequence[Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs)
