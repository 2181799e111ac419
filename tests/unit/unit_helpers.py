"""Helpers shared by the unit tests, imported as `from unit_helpers import ...` (tests/unit/
is on sys.path while its tests run: pytest's default "prepend" import mode, no packages)."""

from __future__ import annotations

import hashlib

from archivegen.model import Source


def make_source(data: bytes, path: str = "x.txt") -> Source:
    """The bytes of one input file as the load stage reads them."""
    return Source(path=path, data=data, sha256=hashlib.sha256(data).hexdigest())
