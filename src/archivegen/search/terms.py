"""The words an article is found by, counted: the same rules as the browser's search.js.

An article's term vector is computed once, when it is loaded (in a load worker), and kept
with its record in the build cache; the index is made from vectors, never from pages.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_TAG = re.compile(r"<[^>]*>")
# Longer "words" are URLs, hashes or junk: nobody types them into a search box.
MAX_WORD = 40
# What one article may add to the index: its most frequent words (a hostile file of a million
# different words costs no more than this).
MAX_TERMS = 5_000
TITLE_WEIGHT = 3  # a word of the title counts as this many of the body
MAX_TF = 255  # counts are stored in one byte
# Whole runs of letters and digits (Python's \w without "_"; search.js: [\p{L}\p{N}]+),
# never a piece of a longer one, of 2 to MAX_WORD characters, or one decimal digit: one
# C-speed findall, no filtering in Python.
_SEARCHED = re.compile(rf"(?<![^\W_])(?:[^\W_]{{2,{MAX_WORD}}}|\d)(?![^\W_])")


# ASCII letters and digits kept, every other byte a space: in ASCII text the runs _SEARCHED
# finds are exactly the pieces str.split() leaves, which is ~3x quicker than its lookarounds.
_ASCII_SPACES = bytes(b if chr(b).isascii() and chr(b).isalnum() else 0x20 for b in range(256))


def words(text: str) -> list[str]:
    """The searchable words of `text`: lower case, accents dropped (NFKD without marks),
    runs of letters and digits of 2 to MAX_WORD characters, or a lone decimal digit."""
    lowered = text.lower()
    if lowered.isascii():  # most scraped text, once its entities are decoded
        return [run for run in _ascii_runs(lowered) if _searched_run(run)]
    # again after NFKD: it makes capitals of bold "fancy text" letters, ™
    lowered = "".join(c for c in unicodedata.normalize("NFKD", lowered).lower()
                      if not unicodedata.category(c).startswith("M"))
    return _SEARCHED.findall(lowered)


def _ascii_runs(lowered: str) -> list[str]:
    """The runs of ASCII letters and digits of the ASCII text `lowered`."""
    return lowered.encode("ascii").translate(_ASCII_SPACES).decode("ascii").split()


def _searched_run(run: str) -> bool:
    """Is this ASCII run of letters and digits a word of `words`?"""
    return 1 < len(run) <= MAX_WORD or (len(run) == 1 and run.isdigit())


def counted_words(text: str) -> Counter[str]:
    """Counter(words(text)), in the order the words first occur. ASCII text is counted
    before it is filtered: a body has a few hundred different runs among thousands."""
    lowered = text.lower()
    if not lowered.isascii():
        return Counter(words(text))
    counts = Counter(_ascii_runs(lowered))
    for run in [run for run in counts if not _searched_run(run)]:
        del counts[run]
    return counts


def html_text(fragment: str) -> str:
    """The text of a (sanitised) HTML fragment: tags out, entities decoded."""
    return html.unescape(_TAG.sub(" ", fragment))


def term_vector(title: str, authors: Iterable[str], body_html: str) -> str:
    """An article's words with their weighted counts, encoded as "word count" lines (small to
    cache, quick to merge)."""
    counts = counted_words(body_html and html_text(body_html))
    for word in words(" ".join(authors)):
        counts[word] += 1
    for word in words(title):
        counts[word] += TITLE_WEIGHT
    if len(counts) > MAX_TERMS:
        kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
        counts = Counter(dict(kept))
    for word in [w for w, n in counts.items() if n > MAX_TF]:
        counts[word] = MAX_TF
    # In the order the words first occur (sorting costs more than all the rest).
    return "\n".join([f"{word} {n}" for word, n in counts.items()])


def read_vector(vector: str) -> dict[str, int]:
    """A term vector's words and counts."""
    parts = vector.split()  # a word holds no white space
    return dict(zip(parts[::2], map(int, parts[1::2]), strict=True))


def facet_term(listing_url: str) -> str:
    """The index term of a filter (a term listing or a year, by its first page's URL):
    words never hold "@" or "/", so it never meets one."""
    return "@" + listing_url
