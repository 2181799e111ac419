"""Scrape repair: a named, ordered chain of small rules over the body's paragraphs.

Like markdown-it-py's rulers, each rule can be listed, switched off and tested alone. A rule gets
the paragraphs (with their source lines) and returns new ones plus what it changed; every change
lands in the article's provenance. Rules never delete text that is not an exact repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.notes import extract_notes
from archivegen.load.paragraphs import Paragraph, join_paragraphs, split_paragraphs
from archivegen.model import Article, Repair


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
# (Possessive: "[a](" and 40,000 spaces without a ")" tried every split of the spaces
# between the two runs, quadratic: 5 s for 80 KB.)
DEAD_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,500}+)\]\([ \t]*+#?[ \t]*+\)")


def unlink_dead_links(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """`[text](#)` and `[text]()` are scrape leftovers: keep the text, drop the link."""
    repairs: list[Repair] = []
    out: list[Paragraph] = []
    for para in paragraphs:
        # every dead link holds "](": most paragraphs are passed over without the pattern
        if "](" not in para.text:
            out.append(para)
            continue
        pieces: list[str] = []
        end = 0  # where the text not yet copied to `pieces` starts
        line = para.line  # the line `end` is on: counted on from the last link, not from
        # the paragraph's start (that was quadratic in a paragraph of many links)
        for m in DEAD_LINK_RE.finditer(para.text):
            line += para.text.count("\n", end, m.start())
            repairs.append(Repair(rule="unlink_dead_links", line=line,
                                  detail=f"dead link around '{m[1]}' made plain text"))
            pieces += (para.text[end:m.start()], m[1])
            line += m[1].count("\n")  # (none: the text of a dead link is one line)
            end = m.end()
        if not pieces:
            out.append(para)
            continue
        pieces.append(para.text[end:])
        out.append(replace(para, text="".join(pieces)))
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
    # Runs of paragraphs to join, each joined once at the end: joining every piece to the
    # growing text copied it again each time (quadratic in a text split many times).
    groups: list[list[Paragraph]] = []
    repairs: list[Repair] = []
    head = ""  # the start of the last group's joined text, all BLOCK_START_RE reads of it
    head_starts_block = False
    for para in paragraphs:
        group = groups[-1] if groups else None
        if (group is not None and not _ends_sentence(group[-1].text)
                and para.text[:1].islower() and not head_starts_block
                and not BLOCK_START_RE.match(para.text)):
            group.append(para)
            cap = len(group[0].text) + HEAD_MARGIN
            if len(head) < cap:  # (a few times at most: each adds two characters or more)
                head = f"{head} {para.text}"[:cap]
                head_starts_block = BLOCK_START_RE.match(head) is not None
            repairs.append(Repair(rule="join_split_paragraphs", line=para.line,
                                  detail=f"joined to the paragraph of line {group[0].line}, "
                                         "which ended mid-sentence"))
        else:
            groups.append([para])
            head = para.text
            head_starts_block = BLOCK_START_RE.match(head) is not None
    out = tuple(group[0] if len(group) == 1 else
                replace(group[0], text=" ".join(p.text for p in group)) for group in groups)
    return RuleResult(paragraphs=out, repairs=tuple(repairs))


# BLOCK_START_RE reads leading spaces and a few characters after them. The first piece of a
# joined paragraph holds a character that is not a space, so the match never reads past that
# piece and the space after it: its text and a margin decide it, whatever is joined on.
HEAD_MARGIN = 8


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


# A sentence ends at . ! or ? followed by white space and a capital or an opening quote.
# Found from the punctuation: a search that starts at a character class skips ahead fast,
# where a lookbehind (re.split on "(?<=[.!?])\s+(?=...)") is tried at every position.
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+(?=[A-Z\"“])")
MIN_REPEATED_SENTENCE_WORDS = 8


def sentences(text: str) -> list[str]:
    """`text` split into sentences, the white space between them dropped."""
    parts = []
    start = 0
    for end in _SENTENCE_BREAK_RE.finditer(text):
        parts.append(text[start:end.start() + 1])
        start = end.end()
    parts.append(text[start:])
    return parts


def report_repeated_sentences(paragraphs: tuple[Paragraph, ...]) -> RuleResult:
    """Notice a long sentence that occurs twice; keep it, because it is not a whole repeat."""
    seen: dict[str, int] = {}
    notes: list[Repair] = []
    for para in paragraphs:
        # White space made single spaces once per paragraph, not once per sentence: each
        # sentence is then its own key, and its spaces count its words.
        for key in sentences(" ".join(para.text.split())):
            if key.count(" ") + 1 < MIN_REPEATED_SENTENCE_WORDS:
                continue
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
