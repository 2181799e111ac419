"""Text helpers shared by the loaders: decoding, line handling, links, dates, name lists."""

from __future__ import annotations

import re

from ..dates import PartialDate
from ..errors import Diagnostics, SourceLocation
from ..model import Source


def decode(source: Source, diags: Diagnostics) -> str | None:
    """UTF-8 (a BOM is dropped) with every line ending turned into \\n; None if undecodable."""
    data = source.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count lines as the decoded text will (CRLF, LF and lone CR each end a line) and
        # columns in characters, as an editor shows them.
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        diags.error("AG001", f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
                    SourceLocation(path=source.path, line=line, col=col))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


LINK_RE = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
MONTHS = {name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTH_ALT = "|".join(MONTHS)
MDY_RE = re.compile(rf"(?i)^({MONTH_ALT})\s+(\d{{1,2}}),\s*(\d{{4}})$")
DMY_RE = re.compile(rf"(?i)^(\d{{1,2}})\s+({MONTH_ALT})\s+(\d{{4}})$")
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def link_texts(value: str) -> tuple[str, ...]:
    """Names from a line of links or plain words: "[A](#), [B](#)" or "A, B and C"."""
    value = value.strip()
    if not value:
        return ()
    if LINK_RE.search(value):
        names = [m.group(1) for m in LINK_RE.finditer(value)]
    else:
        names = split_names(value)
    return tuple(clean_name(n) for n in names if clean_name(n))


def split_names(value: str) -> list[str]:
    parts = re.split(r",|;|\s+and\s+|\s+&\s+", value)
    return [p for p in parts if p.strip()]


def clean_name(name: str) -> str:
    """Collapse inner whitespace and strip emphasis markers a scrape left around a name."""
    return " ".join(name.replace("**", "").split()).strip(" *_")


def parse_date(value: str) -> PartialDate | None:
    """A calendar date from "May 30, 2017", "30 May 2017" or "2017-05-30"; None otherwise."""
    value = " ".join(value.split())
    try:
        if m := ISO_RE.match(value):
            return PartialDate(year=int(m[1]), month=int(m[2]), day=int(m[3]))
        if m := MDY_RE.match(value):
            return PartialDate(year=int(m[3]), month=MONTHS[m[1].lower()], day=int(m[2]))
        if m := DMY_RE.match(value):
            return PartialDate(year=int(m[3]), month=MONTHS[m[2].lower()], day=int(m[1]))
    except ValueError:
        return None
    return None
