"""Text helpers shared by the loaders: decoding, line handling, links, dates, name lists."""

from __future__ import annotations

import re

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.load.dateparse import find_dates, lines_with_years
from archivegen.model import FoundDate, Source


def decode(source: Source, diags: Diagnostics) -> str | None:
    """Text with every line ending turned into \\n; None (and an error) for binary data.

    UTF-8 with or without a BOM is the norm. UTF-16 with a BOM (what Windows editors save as
    "Unicode") is read as such. Anything else is read as Windows-1252, what old scrapes
    usually are, with a warning naming the first byte that is not UTF-8.
    """
    data = source.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data:
        try:
            wide = data.decode("utf-16")
        except UnicodeDecodeError:  # an odd length or a lone surrogate: binary after all
            wide = "\x00"
        if "\x00" not in wide:
            return _lines(wide)
    if b"\x00" in data:
        diags.error("AG001", "binary data (NUL bytes), not text",
                    _byte_location(source.path, data, data.index(b"\x00")))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.warning("AG004", f"not UTF-8 (byte 0x{data[exc.start]:02x}); decoded as "
                      "Windows-1252", _byte_location(source.path, data, exc.start))
        text = data.decode("cp1252", errors="replace")
    return _lines(text)


def _lines(text: str) -> str:
    if _C1_RE.search(text):
        text = text.translate(C1_AS_CP1252)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _c1_table() -> dict[int, str]:
    """U+0080-U+009F (C1 controls) to the Windows-1252 character of the same byte.

    No real text uses C1 controls; they appear when Windows-1252 bytes were decoded as Latin-1
    upstream ("Iran\x92s", "Safe\x85 or"). Mapping them back gives the right quote and the
    ellipsis again, and keeps U+0085 (NEL) from ever acting as a line break. The five bytes
    Windows-1252 leaves undefined stay as they are.
    """
    table: dict[int, str] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


C1_AS_CP1252 = _c1_table()
_C1_RE = re.compile("[\x80-\x9f]")


def _byte_location(path: str, data: bytes, offset: int) -> SourceLocation:
    """Line and column of a byte offset, counting lines as the decoded text will (CRLF, LF and
    lone CR each end a line) and columns in characters, as an editor shows them."""
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line = before.count(b"\n") + 1
    col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    return SourceLocation(path=path, line=line, col=col)


# Bounded and excluding "[" inside the text, so a line of 60,000 "[" is scanned in linear time.
# A target reads no further than a "(" that no ")" closes: a header line of "[](" repeated
# read 2,000 characters again from every "[" (100 times prose per byte). Parentheses in a
# target are kept when they pair ("wiki/Foo_(bar)"); runs are possessive.
LINK_RE = re.compile(r"\[([^\[\]\n]{0,500}+)\]\(((?:[^()\n]|\([^()\n]{0,500}+\)){0,2000}+)\)")


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


def other_dates(lines: list[str], first: int, last: int,
                skip_line: int | None) -> tuple[FoundDate, ...]:
    """Dates stated on lines[first:last] (0-based), except on the line the article's own date
    was read from (`skip_line`, 1-based); kept in provenance, never used as the date."""
    found: list[FoundDate] = []
    for offset in sorted(lines_with_years("\n".join(lines[first:last]))):
        index = first + offset
        if index + 1 == skip_line:
            continue
        for match in find_dates(lines[index]):
            found.append(FoundDate(date=match.date, line=index + 1, text=match.text))
    return tuple(found)
