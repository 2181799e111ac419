"""How the build cache's rows hold values: text exactly (surrogates too), article heads,
duplicate-detection sketches, listing specs and whole records as JSON.

JSON and packed bytes, never pickle: loading the cache must never run code.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from archivegen.load.loaded import CachedArticle, CachedHead, CachedSource, Record
from archivegen.model import TAXONOMIES, ArticleHead, Asset, ListingSpec, Term
from archivegen.partial_date import PartialDate
from archivegen.records import (
    article_to_json,
    date_from_json,
    date_to_json,
    diagnostic_from_json,
)

if TYPE_CHECKING:
    from archivegen.dedupe.detect import Sketch

# SQLite keeps text as UTF-8, which has no encoding for a lone surrogate (a YAML "\ud800"
# escape puts one in an article): sqlite3 raises UnicodeEncodeError. Text that is not ASCII
# is stored as a blob of its UTF-8 bytes with surrogates passed through, and decoded back
# exactly. (json's ensure_ascii escapes would do for lone ones, but json.loads joins an
# escaped pair into one character; and looking for surrogates first costs more than the
# encoding, which sqlite3 would do anyway.)
def to_db(text: str) -> str | bytes:
    """`text` as SQLite can store it (read back by from_db)."""
    return text if text.isascii() else text.encode("utf-8", "surrogatepass")


def from_db(value: str | bytes) -> str:
    """The text to_db stored."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


# Listing members (article keys) are stored NUL-separated: a key is a file's path, which
# may hold a newline but never a NUL.
MEMBER_SEP = "\0"


def encode_records(records: Sequence[Record]) -> str:
    """The whole records of one source, as the cache stores them (worker processes encode)."""
    return json.dumps([[article_to_json(a), html] for a, html in records], ensure_ascii=False)



def head_to_json(a: CachedArticle) -> list[object]:
    h = a.head
    return [h.key, h.layout, h.title, h.slug, date_to_json(h.date), list(h.authors),
            h.publisher, h.original_source, h.url, list(h.regions), list(h.themes),
            list(h.tags), list(h.reports), h.summary, a.excerpt, a.heading, a.site_url,
            h.draft]


# Per sketch: digest, values and lead lengths, then digest, values, lead (a blob column: no
# hex in JSON).
_SKETCH_HEADER = struct.Struct("<BHH")


def pack_sketch(sketch: Sketch) -> bytes:
    return (_SKETCH_HEADER.pack(len(sketch.digest), len(sketch.values), len(sketch.lead))
            + sketch.digest + sketch.values + sketch.lead)


def sketch_parts(blob: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(digest, values, lead) of each sketch packed in `blob`."""
    at = 0
    while at < len(blob):
        digest_len, values_len, lead_len = _SKETCH_HEADER.unpack_from(blob, at)
        at += _SKETCH_HEADER.size
        parts = []
        for length in (digest_len, values_len, lead_len):
            parts.append(blob[at:at + length])
            at += length
        yield parts[0], parts[1], parts[2]
    if at != len(blob):
        raise ValueError("sketch blob does not match its heads")


def _unpack_sketches(blob: bytes, count: int) -> list[Sketch]:
    from archivegen.dedupe.detect import Sketch

    sketches = [Sketch(digest=digest, values=values, lead=lead)
                for digest, values, lead in sketch_parts(blob)]
    if len(sketches) != count:
        raise ValueError("sketch blob does not match its heads")
    return sketches


def shared_terms(article: CachedArticle) -> CachedArticle:
    """The article with its term names interned: one string per distinct name, not one per
    article (at 10^5 articles that is tens of MiB), its date one object per distinct date,
    and its key the same string as its source path when they are equal. For records from
    worker processes."""
    h = article.head
    return replace(article, head=replace(
        h, key=h.source_path if h.key == h.source_path else h.key, date=_shared_date(h.date),
        layout=_intern(h.layout), authors=_interned(h.authors),
        publisher=_intern(h.publisher), original_source=_intern(h.original_source),
        regions=_interned(h.regions), themes=_interned(h.themes), tags=_interned(h.tags),
        reports=_interned(h.reports)))


# One object per distinct date a build has seen (a few thousand days, not 10^5 copies).
_DATES: dict[PartialDate, PartialDate] = {}


def _shared_date(date: PartialDate | None) -> PartialDate | None:
    return None if date is None else _DATES.setdefault(date, date)


def _intern(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    return sys.intern(text)


def _interned(names: Sequence[object]) -> tuple[str, ...]:
    return tuple(map(_intern, names))


def decode_heads(path: str, raw: dict[str, Any], *,
                  shared: bool = True) -> Iterator[CachedHead]:
    """The heads of one source; `shared`: term names interned (for heads a build keeps)."""
    one, many = (_intern, _interned) if shared else (str, tuple)
    for (key, layout, title, slug, date, authors, publisher, original_source, url, regions,
         themes, tags, reports, summary, excerpt, heading, site_url,
         draft) in raw["articles"]:
        day = date_from_json(date)
        head = ArticleHead(key=path if shared and key == path else key, source_path=path,
                           layout=one(layout), title=title, slug=slug,
                           date=_shared_date(day) if shared else day, authors=many(authors),
                           publisher=one(publisher),
                           original_source=one(original_source), url=url,
                           regions=many(regions), themes=many(themes),
                           tags=many(tags), reports=many(reports), summary=summary,
                           draft=bool(draft))
        yield CachedHead(head=head, excerpt=str(excerpt), heading=str(heading),
                         site_url=str(site_url))


def assets_to_json(entry: CachedSource) -> dict[str, object]:
    """The files a source's articles reference (per article) and the paths looked at, as
    the heads' JSON holds them (left out when there are none: most sources)."""
    if not entry.asset_stats and not any(a.assets for a in entry.articles):
        return {}
    return {"assets": [[[x.path, x.source, x.sha256, x.size] for x in a.assets]
                       for a in entry.articles],
            "asset_stats": [list(pair) for pair in entry.asset_stats]}


def _assets_from_json(raw: dict[str, Any], count: int
                      ) -> tuple[list[tuple[Asset, ...]], tuple[tuple[str, str], ...]]:
    per_article = raw.get("assets") or [[]] * count
    if len(per_article) != count:
        raise ValueError("assets do not match the heads")
    assets = [tuple(Asset(path=str(p), source=str(s), sha256=str(h), size=int(n))
                    for p, s, h, n in listed) for listed in per_article]
    return assets, tuple((str(rel), str(sig)) for rel, sig in raw.get("asset_stats") or ())


def decode_source(path: str, stat: str, sha: str, heads: str | bytes,
                   sketches: bytes) -> CachedSource:
    raw = json.loads(from_db(heads))
    count = len(raw["articles"])
    assets, asset_stats = _assets_from_json(raw, count)
    articles = [CachedArticle(head=h.head, excerpt=h.excerpt, heading=h.heading,
                              site_url=h.site_url, sketch=sketch, assets=listed)
                for h, sketch, listed in zip(decode_heads(path, raw),
                                             _unpack_sketches(sketches, count), assets,
                                             strict=True)]
    return CachedSource(stat=stat, sha256=sha, articles=tuple(articles),
                        diagnostics=tuple(diagnostic_from_json(d) for d in raw["diagnostics"]),
                        asset_stats=asset_stats)


def spec_to_json(spec: ListingSpec, spellings: Sequence[tuple[str, int]],
                 periods: Sequence[tuple[str, int]] = ()) -> str:
    """A listing's spec, its term's spellings and its articles per period."""
    term = spec.term
    return json.dumps([spec.kind, spec.title, spec.taxonomy.key if spec.taxonomy else "",
                       [term.name, term.slug] if term else None, spec.year, spec.month,
                       [list(pair) for pair in spellings], [list(pair) for pair in periods]],
                      ensure_ascii=False)


_TAXONOMY_BY_KEY = {tax.key: tax for tax in TAXONOMIES}


def spec_from_json(text: str | bytes) -> tuple[ListingSpec, tuple[tuple[str, int], ...],
                                               tuple[tuple[str, int], ...]]:
    """spec_to_json's spec, spellings and periods."""
    kind, title, taxonomy, term, year, month, spellings, periods = json.loads(from_db(text))
    tax = _TAXONOMY_BY_KEY[taxonomy] if taxonomy else None
    spec = ListingSpec(kind=str(kind), title=str(title), taxonomy=tax,
                       term=Term(taxonomy=tax.key, name=str(term[0]), slug=str(term[1]))
                       if tax is not None and term is not None else None,
                       year=int(year), month=int(month))
    return (spec, tuple((str(name), int(count)) for name, count in spellings),
            tuple((str(period), int(count)) for period, count in periods))
