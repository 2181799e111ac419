"""archive.json, written a record at a time: one article per line inside one JSON document."""

from __future__ import annotations

import json
from typing import IO

from archivegen.export.record import ExportRecord
from archivegen.export.schema import SCHEMA, SCHEMA_NAME
from archivegen.records import dumps


class JsonExport:
    """archive.json into an open binary file: its head, an article per line, its end."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._first = True
        head = dumps({"$schema": SCHEMA_NAME, "generator": "archivegen"})
        self._out.write(head[:-1].encode() + b', "articles": [')

    def add(self, record: ExportRecord) -> None:
        # records.dumps: ensure_ascii=False (readable text), lone surrogates replaced and
        # terminal controls escaped, so the file is valid UTF-8 whatever a scrape held.
        self._out.write(b"\n" if self._first else b",\n")
        self._out.write(dumps(record.as_json()).encode("utf-8"))
        self._first = False

    def close(self) -> None:
        self._out.write(b"]}\n" if self._first else b"\n]}\n")


def schema_bytes() -> bytes:
    return (json.dumps(SCHEMA, indent=2) + "\n").encode("utf-8")
