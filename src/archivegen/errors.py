"""Source locations and diagnostics: every problem a user can cause, with file, line and code.

Codes are stable; the table in CODES documents them (docs/diagnostics.md is generated from it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from archivegen.slotted import quick_pickle


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


CODES: dict[str, str] = {
    "AG001": "file is binary, not text",
    "AG002": "file is empty or holds no article",
    "AG003": "file or folder cannot be read",
    "AG004": "file is not UTF-8; decoded as Windows-1252",
    "AG005": "file is larger than the article size limit; not read",
    "AG006": "not a regular file (a FIFO, device or socket); not read",
    "AG007": "file name cannot be used (not UTF-8, too long, or unwritable as a page); skipped",
    "AG010": "YAML syntax error",
    "AG011": "unknown key",
    "AG012": "value has the wrong type",
    "AG013": "date cannot be understood",
    "AG014": "article has no title (a heading is derived from its first words)",
    "AG015": "YAML too large, too deep or with too many aliases; not read",
    "AG020": "layout not recognised; read as plain text",
    "AG021": "line of a byline block not understood",
    "AG022": "sidecar of a file holding several pieces ignored",
    "AG023": "file holds several articles; split into separate pages",
    "AG024": "duplicate of another article; shown on its page, not as a page of its own",
    "AG025": "metadata left in the body: a label, byline, dateline or attribution not read",
    "AG030": "repeated text kept (not an exact repeat of a paragraph)",
    "AG031": "link with a disallowed URL scheme rendered as text",
    "AG032": "more bare links than the limit; the rest stay text",
    "AG033": "more terms in one taxonomy than the limit; the rest are dropped",
    "AG034": "more table cells than the limit; the rest of the table stays text",
    "AG035": "a file the article references by a relative path is not there; not copied",
    "AG036": "a file the article references cannot be copied (outside its folder, hidden, "
             "an article, a symlink, not a regular file, too large, in a page's place, or "
             "HTML, SVG, XML or a script, which would run as the site)",
    "AG040": "two sources map to one URL",
    "AG041": "output path escapes the output folder",
    "AG050": "template error",
    "AG051": "an unexpected error while reading or rendering one article; it is skipped",
    "AG052": "a theme message cannot be used (unreadable file, unknown key, wrong placeholders); "
             "English shown",
    "AG053": "the theme has no messages in the site's language; pages show English",
    "AG060": "the build could not run (e.g. the output folder cannot be written)",
    "AG061": "a state file is a symlink or cannot be written; not used",
}


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLocation:
    """Where in which file; line and column are 1-based, 0 means unknown."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.col, 1)}"


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    level: Level
    code: str
    message: str
    location: SourceLocation

    def format(self) -> str:
        """One line for a terminal: titles and file names come from untrusted files, so
        control characters in them are shown escaped, never sent (see escape_controls)."""
        return escape_controls(f"{self.location}: {self.level}: {self.message} [{self.code}]")

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)


@dataclass(slots=True)
class Diagnostics:
    """Collects diagnostics from one step; merged by the orchestrator, sorted when reported."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, location: SourceLocation) -> None:
        self.items.append(Diagnostic(level=Level.ERROR, code=code, message=message,
                                     location=location))

    def warning(self, code: str, message: str, location: SourceLocation) -> None:
        self.items.append(Diagnostic(level=Level.WARNING, code=code, message=message,
                                     location=location))

    def extend(self, other: Diagnostics | list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.items if d.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.items if d.level is Level.WARNING)

    def sorted(self) -> tuple[Diagnostic, ...]:
        return tuple(sorted(self.items, key=Diagnostic.sort_key))


# What a terminal must not receive from untrusted text: C0 controls (ESC starts escape
# sequences; a newline would forge a line), DEL, C1 controls (0x9b is a one-byte CSI), bidi
# embeddings and overrides (they reorder what is shown), and lone surrogates (not encodable).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_controls(text: str) -> str:
    """`text` with each control character written as an escape (`\\x1b`, `\\u202e`,
    `\\ud800`, `\\t`), as Python's repr writes it; text without one is returned as it is."""
    if text.isascii() and text.isprintable():
        return text  # the common case, without a regex
    return _CONTROLS.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class ArchivegenError(Exception):
    """A problem that stops a command before it can build anything (exit code 2)."""
