"""Scrape repair: a named, ordered chain of small rules over the body's paragraphs.

Like markdown-it-py's rulers, each rule can be listed, switched off and tested alone. A rule gets
the paragraphs (with their source lines) and returns new ones plus what it changed; every change
lands in the article's provenance. Rules never delete text that is not an exact repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .errors import Diagnostics, SourceLocation
from .model import Article, Repair
from .notes import extract_notes
from .paragraphs import Paragraph, join_paragraphs, split_paragraphs


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleResult:
    paragraphs: tuple[Paragraph, ...]
    repairs: tuple[Repair, ...] = ()
    notes: tuple[Repair, ...] = ()  # things noticed and deliberately left as they are


RuleFunc = Callable[[tuple[Paragraph, ...]], RuleResult]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    name: str
    description: str
    apply: RuleFunc
    # A rule that only notices (never changes the text) runs once, on the final text.
    notes_only: bool = False


# --- rules ---------------------------------------------------------------------------------

# Bounded and excluding "[" inside the text, so a run of "[" is scanned in linear time.
DEAD_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([ \t]*#?[ \t]*\)")


def unlink_dead_links(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """`[text](#)` and `[text]()` are scrape leftovers: keep the text, drop the link."""
    repairs: list[Repair] = []
    out: list[Paragraph] = []
    for para in paragraphs:
        # every dead link holds "](": most paragraphs are passed over without the pattern
        found = list(DEAD_LINK_RE.finditer(para.text)) if "](" in para.text else []
        if not found:
            out.append(para)
            continue
        for m in found:
            line = para.line + para.text.count("\n", 0, m.start())
            repairs.append(Repair(rule="unlink_dead_links", line=line,
                                  detail=f"dead link around '{m[1]}' made plain text"))
        out.append(replace(para, text=DEAD_LINK_RE.sub(lambda m: m[1], para.text)))
    return RuleResult(paragraphs=tuple(out), repairs=tuple(repairs))


# Markdown block starts that are not running prose: never join across them.
BLOCK_START_RE = re.compile(r"^\s*([#>|*+-]|\d+[.)]\s|```|~~~|    )")
SENTENCE_END_RE = re.compile("[.!?:;\u2026\"\u201d\u2019')\\]*_]$")  # ellipsis, closing quotes


def _ends_sentence(text: str) -> bool:
    """SENTENCE_END_RE.search(text), from the last character alone (`$` also matches before
    a final newline): the pattern searched a whole paragraph for its end."""
    last = text[-2:-1] if text.endswith("\n") else text[-1:]
    return bool(last) and SENTENCE_END_RE.match(last) is not None


def join_split_paragraphs(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """A paragraph ending mid-sentence, followed by one starting in lower case, is one paragraph.

    Scrapers break paragraphs at page or column boundaries ("... the SAA" / "may just outflank").
    """
    out: list[Paragraph] = []
    repairs: list[Repair] = []
    for para in paragraphs:
        prev = out[-1] if out else None
        if (prev is not None and not _ends_sentence(prev.text)
                and para.text[:1].islower() and not BLOCK_START_RE.match(prev.text)
                and not BLOCK_START_RE.match(para.text)):
            out[-1] = replace(prev, text=f"{prev.text} {para.text}")
            repairs.append(Repair(rule="join_split_paragraphs", line=para.line,
                                  detail=f"joined to the paragraph of line {prev.line}, "
                                         "which ended mid-sentence"))
        else:
            out.append(para)
    return RuleResult(paragraphs=tuple(out), repairs=tuple(repairs))


MIN_COLLAPSE_WORDS = 5


def collapse_repeated_paragraphs(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """Drop a paragraph only when it is character-for-character a copy of an earlier one.

    Short paragraphs ("Notes:", "* * *", a repeated subheading) are structure, not scrape
    accidents: only paragraphs of MIN_COLLAPSE_WORDS words or more are collapsed.
    """
    seen: dict[str, int] = {}
    out: list[Paragraph] = []
    repairs: list[Repair] = []
    for para in paragraphs:
        # (at most MIN_COLLAPSE_WORDS pieces: enough to know, without splitting it all)
        if len(para.text.split(None, MIN_COLLAPSE_WORDS - 1)) < MIN_COLLAPSE_WORDS:
            out.append(para)
            continue
        first = seen.get(para.text)
        if first is not None:
            repairs.append(Repair(rule="collapse_repeated_paragraphs", line=para.line,
                                  detail=f"exact repeat of the paragraph of line {first} removed"))
            continue
        seen[para.text] = para.line
        out.append(para)
    return RuleResult(paragraphs=tuple(out), repairs=tuple(repairs))


SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
MIN_REPEATED_SENTENCE_WORDS = 8


def report_repeated_sentences(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """Notice a long sentence that occurs twice; keep it, because it is not a whole repeat."""
    seen: dict[str, int] = {}
    notes: list[Repair] = []
    for para in paragraphs:
        for sentence in SENTENCE_SPLIT_RE.split(para.text):
            words = sentence.split()
            if len(words) < MIN_REPEATED_SENTENCE_WORDS:
                continue
            key = " ".join(words)
            if key in seen and seen[key] != para.line:
                notes.append(Repair(rule="report_repeated_sentences", line=para.line,
                                    detail=f"sentence '{_clip(key)}' repeats one from line "
                                           f"{seen[key]}; kept"))
            seen.setdefault(key, para.line)
    return RuleResult(paragraphs=paragraphs, notes=tuple(notes))


def _clip(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


RULES: tuple[Rule, ...] = (
    Rule(name="unlink_dead_links", description="[text](#) becomes plain text",
         apply=unlink_dead_links),
    Rule(name="collapse_repeated_paragraphs", description="drop exact repeats of a paragraph",
         apply=collapse_repeated_paragraphs),
    Rule(name="join_split_paragraphs", description="rejoin a paragraph split mid-sentence",
         apply=join_split_paragraphs),
    Rule(name="report_repeated_sentences", description="warn about repeated sentences, keep them",
         apply=report_repeated_sentences, notes_only=True),
)
# One rule's change can enable another's (a removed repeat brings two halves of a split
# paragraph together), so the chain runs until nothing changes: repairing is idempotent.
MAX_PASSES = 5


def repair_article(article: Article, diags: Diagnostics,
                   rules: Sequence[Rule] = RULES) -> Article:
    """Run the rule chain over the body; record every change and warn about what was kept."""
    paragraphs = split_paragraphs(article.body, article.body_line)
    repairs: list[Repair] = []
    notes: list[Repair] = []
    changing = [rule for rule in rules if not rule.notes_only]
    for _ in range(MAX_PASSES):
        before = paragraphs
        notes = []  # notes describe the final text, so only the last pass's count
        for rule in changing:
            result = rule.apply(paragraphs)
            paragraphs = result.paragraphs
            repairs.extend(result.repairs)
            notes.extend(result.notes)
        if paragraphs == before:
            break
    for rule in rules:
        if rule.notes_only:  # on the final text, once (it was once per pass: half of repair)
            notes.extend(rule.apply(paragraphs).notes)
    path = article.provenance.source_path
    for note in notes:
        diags.warning("AG030", note.detail, SourceLocation(path=path, line=note.line, col=1))
    provenance = replace(article.provenance, repairs=tuple(repairs), notes=tuple(notes))
    repaired = replace(article, body=join_paragraphs(paragraphs), provenance=provenance)
    return extract_notes(repaired)
