"""The Global Research layout's footer: where it starts, and what it states.

The footer is the site's boilerplate at the end of the file (a donation appeal, "The original
source of this article is ...", copyright, "Articles by:", disclaimers), never article text.
It fills one field, the original source it names; the rest is kept in provenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archivegen.load.layouts.text import LINK_RE, clean_name, link_texts

# Paragraphs of the site's footer; the footer is the run of them that ends the file.
FOOTER_PARAGRAPH_RE = re.compile(
    r"^(The original source of this article is\b|Copyright ©|Copyright \(c\)|Articles by:"
    r"|Disclaimer:|\[Comment on Global Research Articles|\[Become a Member of Global Research"
    r"|www\.globalresearch\.ca contains|For media inquiries:|Related Articles"
    r"|The Centre for Research on Globalization)", re.IGNORECASE)
STRONG_FOOTER_RE = re.compile(r"^(The original source of this article is\b|Copyright ©"
                              r"|Copyright \(c\))", re.IGNORECASE)
# Phrases of a donation appeal or of the site's share-and-follow note (regular expressions, in
# lower case, starting with a letter, alternatives and quantifiers only on groups, so that the
# text up to the first "(" is literal); a paragraph needs two different ones to count as one
# ("Global Research is a reader-funded media ... Help us stay afloat ... donation", "Please
# click the share buttons ... Follow us on Instagram ...").
APPEAL_PHRASES = (
    "donate", "donation", "paypal", "patreon", "please support",
    "support (?:the|our) (?:project|work)", "become a (?:member|patron)",
    "our work wouldn't be possible", "reader-(?:funded|supported)", "help us stay afloat",
    "click the share button(?:s)?", "share widely",
    "follow us on (?:instagram|twitter|facebook|telegram)", "subscribe to our telegram channel")
# The lookahead of first letters is a cheap test before trying every phrase at a word start.
_APPEAL_FIRSTS = "".join(sorted({p[0] for p in APPEAL_PHRASES}))
APPEAL_RE = re.compile(rf"(?i)\b(?=[{_APPEAL_FIRSTS}])({'|'.join(APPEAL_PHRASES)})")
# The literal start of each phrase: a paragraph holding none of them (nearly every body
# paragraph) is no appeal, and APPEAL_RE is not run on it.
APPEAL_STARTS = tuple(p.split("(")[0] for p in APPEAL_PHRASES)
FOOTER_SOURCE_RE = re.compile(r"^The original source of this article is\s+(?P<value>\S.*)$",
                              re.IGNORECASE)
ARTICLES_BY_RE = re.compile(r"^Articles by:\s*(?P<value>\S.*)$", re.IGNORECASE)
MAX_SOURCE_CHARS = 120
@dataclass(frozen=True, slots=True)
class Footer:
    """What the site's footer states about the article: the original source (with its 1-based
    line) and what follows "Articles by:" (read only when there is no byline)."""

    source: str = ""
    source_line: int = 0
    articles_by: str = ""

    def author_keys(self) -> set[str]:
        return {n.casefold() for n in link_texts(self.articles_by)}


NO_FOOTER = Footer()


def footer_facts(lines: list[str], footer_start: int) -> Footer:
    """The original source and the "Articles by:" value the footer states, if it does."""
    source, source_line, articles_by = "", 0, ""
    for i in range(footer_start, len(lines)):
        line = lines[i].strip()
        if line[:1] not in ("T", "t", "A", "a"):  # cheap test first: the disclaimers are long
            continue
        if not source and (m := FOOTER_SOURCE_RE.match(line)):
            link = LINK_RE.search(m["value"])
            name = clean_name(link.group(1) if link else m["value"].rstrip(". "))
            if name and len(name) <= MAX_SOURCE_CHARS:
                source, source_line = name, i + 1
        elif not articles_by and (m := ARTICLES_BY_RE.match(line)):
            articles_by = m["value"]
    return Footer(source=source, source_line=source_line, articles_by=articles_by)


def footer_start(lines: list[str], body_start: int) -> int:
    """Index of the first footer line: the trailing run of boilerplate paragraphs.

    Read from the end: the footer is the run of paragraphs at the end of the file that are all
    site boilerplate; it must hold a strong mark (the original-source line or a copyright line)
    or be at least two paragraphs long. A paragraph just before it is pulled in only when it
    is clearly a donation appeal (two different appeal phrases), so body text that mentions a
    donation stays body text.
    """
    # Paragraphs read from the end, only as far as the footer and one paragraph before it
    # reach, not the whole body's (0.5 % of loading's instructions, by callgrind).
    spans = paragraphs_from_end(lines, body_start)
    run: list[tuple[int, int]] = []  # the footer's paragraphs, last first
    before = None  # the paragraph before them
    for span in spans:
        if not FOOTER_PARAGRAPH_RE.match(lines[span[0]].strip()):
            before = span
            break
        run.append(span)
    if not run or (len(run) < 2 and not any(STRONG_FOOTER_RE.match(lines[begin].strip())
                                            for begin, _ in run)):
        return len(lines)  # one stray "Disclaimer:" paragraph is not a footer
    first = run[-1][0]
    while before is not None:
        begin, end = before
        text = " ".join(lines[begin:end])
        lowered = text.lower()
        if not any(start in lowered for start in APPEAL_STARTS) or len(
                {m.group(0).lower() for m in APPEAL_RE.finditer(text)}) < 2:
            break
        first = begin
        before = next(spans, None)
    return first


def paragraphs_from_end(lines: list[str], start: int) -> Iterator[tuple[int, int]]:
    """(first line, end line) of each blank-line separated paragraph from `start` on, the
    last first, each found as it is asked for."""
    i = len(lines)
    while i > start:
        if not lines[i - 1].strip():
            i -= 1
            continue
        end = i
        while i > start and lines[i - 1].strip():
            i -= 1
        yield i, end
