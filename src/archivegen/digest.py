"""The one digest of build state: page fingerprints (site/plan.py) and the input and context
states that decide whether a build can be replayed (incremental/uptodate.py).

Its own module so that the no-op check imports no more than hashlib for it.
"""

from __future__ import annotations

import hashlib


def fingerprint(*parts: str) -> str:
    """A hash of some texts: one join and one encode (this runs for every output of every
    build); NUL-separated, so ("ab", "c") and ("a", "bc") differ."""
    text = "\0".join(parts) + "\0"
    # 128 bits are plenty to tell versions of one output apart, and a build holds one
    # fingerprint per output and per article: 32 hex digits, not sha256's 64.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
