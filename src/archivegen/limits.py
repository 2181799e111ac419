"""Limits on what one input may cost: articles come from the open web and builds run unattended.

Each limit bounds the time or memory one hostile file can take; hitting one is a diagnostic
naming the file (and line where there is one), and the rest of the archive still builds.
The defaults are far above what real articles need (the largest of the real sets is 118 KB);
`archivegen.yaml` may change them under the key `limits` (see config.py and docs/limits.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    # An article file (and a sidecar) larger than this is not read: 5 MB, 40x the largest real
    # article we hold, and what markdown-it-py renders in about a second.
    article_bytes: int = 5_000_000
    # A YAML document (front matter, sidecar, settings file) larger than this is not parsed.
    yaml_bytes: int = 100_000
    # Nesting of YAML collections, and nodes an alias may stand for once expanded.
    yaml_depth: int = 20
    yaml_alias_nodes: int = 10_000
    # Bare URLs and e-mail addresses made into links in one article; the rest stay text.
    links_per_article: int = 10_000
    # Terms one article may carry in each taxonomy (tags, authors, ...); the rest are dropped.
    # Each term is a page and a feed listing the article with all its terms: 8,000 tags and
    # 8,000 authors in a 94 KB file made 32,000 pages, 5.3 GB and 100 s of build.
    terms_per_article: int = 200
    # Cells of the tables of one article (a table cut short keeps its first rows; the rest
    # stay text). A cell costs about 20 µs: 20,000 are 0.4 s, and 100 rows of 200 columns.
    table_cells: int = 20_000
    # A file an article references by a relative path (an image, a PDF) larger than this is
    # not copied beside its page: 50 MB, a long PDF report or a large photograph. (It is read
    # once to hash it when its article loads, and once more to copy it.)
    asset_bytes: int = 50_000_000


DEFAULT_LIMITS = Limits()
