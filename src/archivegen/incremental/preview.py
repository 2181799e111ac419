"""A template edit's first pages: the article pages open in serve's tabs, made with the theme
as it is now, before the full build a template edit needs.

Every page of the kinds a template serves changes with it, so a quick rebuild declines and
the full build renders them all: 15 s or more at 10^4 articles. Serve asks this module first
for the few pages its tabs show, and publishes them at once; the full build that follows
makes them again with the rest. They are made as a quick rebuild makes a neighbour's page
(quick.py): from the cache the last full build left (its navigation, related articles and
records) with the theme's templates, messages and static files as they are now. Their
outputs are forgotten by the cache before they are written (as a quick rebuild does): the
full build never takes them for its own, and a build stopped halfway is never replayed.
Only article pages: a listing, the home page or a feed is made by the full build.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Collection, Sequence
from pathlib import Path
from stat import S_ISREG

from archivegen.config import SiteConfig, theme_dirs
from archivegen.errors import Diagnostics
from archivegen.incremental.cache import (
    BuildCache,
    RecordReader,
    open_cache,
    template_bytecode_dir,
)
from archivegen.incremental.heads import Heads
from archivegen.incremental.json_report import report_file
from archivegen.incremental.lock import build_lock
from archivegen.incremental.neighbours import Order, home_members
from archivegen.incremental.quick import CachedRecords, NotQuick, QuickRenderer
from archivegen.incremental.related_pages import CachedFacts
from archivegen.load.sources import read_static_files
from archivegen.render.writer import replace_owned
from archivegen.site.plan import Page, PageBases, plan_article, plan_static

# At most this many pages are made first (one per open tab, most recently seen first).
MAX_PAGES = 8
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def preview(project_dir: Path, config: SiteConfig, urls: Collection[str]) -> list[str]:
    """Make and write the article pages at `urls` (site URLs: "/2024/05/01/slug/") and the
    theme's static files; the output paths written. None written (an empty list) when the
    cache cannot say how (no complete earlier build, another URL, a page that does not
    render cleanly): the full build that follows says why, if anything is wrong."""
    output_dir = (project_dir / config.output).resolve()
    with build_lock(project_dir, output_dir):
        cache = open_cache(project_dir, output_dir, Diagnostics())
        if cache is None:
            return []
        records = CachedRecords(cache, [])
        try:
            basis = cache.quick_basis()
            members = home_members(cache)
            keys = _article_keys(project_dir, output_dir, set(list(urls)[:MAX_PAGES]))
            if basis is None or members is None or not keys:
                return []
            themes = theme_dirs(project_dir, config)
            pages = _article_pages(cache, basis.bases, members, keys)
            pages += [plan_static(name, content)
                      for name, content in read_static_files(themes).items()]
            rendered = QuickRenderer(basis, config, themes, template_bytecode_dir(cache.path)
                                     ).render(pages, records)
            cache.forget_outputs(page.path for page, _ in rendered)
            cache.set_input_state("")
            cache.set_quick_basis(None, "pages were previewed since the last build")
            cache.commit()
            written, _ = replace_owned(output_dir, [page for page, _ in rendered])
        except (KeyError, OSError, sqlite3.Error, ValueError, NotQuick):
            # The cache lacks what its listings name, a full disk, a page that does not
            # render cleanly (a template error: the full build reports it).
            return []
        finally:
            records.close()
            cache.close()
    return [done.path for done in written if not (done.refused or done.unwritable)]


def _article_keys(project_dir: Path, output_dir: Path, urls: set[str]) -> list[str]:
    """The keys of the articles at `urls`, from the last build's report (which maps each
    article to its URL); none if there is no report."""
    path = report_file(project_dir, output_dir)
    if path is None or not urls:
        return []
    try:  # never through a symlink, nor waiting on a FIFO
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return []
    with open(fd, "rb") as handle:
        if not S_ISREG(os.fstat(fd).st_mode):
            return []
        articles = json.loads(handle.read()).get("articles", [])
    return [str(a["source"]) for a in articles if a.get("url") in urls]


def _article_pages(cache: BuildCache, bases: PageBases, members: Sequence[str],
                   keys: list[str]) -> list[Page]:
    """Each article's page as the full build plans it from what the cache holds (the
    fingerprint is the last build's: the output is forgotten, the full build plans it
    again)."""
    order = Order(members, Heads(cache, {}))
    facts = CachedFacts(cache, order.heads)
    folded = cache.folded()
    reader = RecordReader(cache.path)
    try:
        pages = []
        for key in keys:
            head = order.heads[key]
            refs = folded.get(key, ())
            shas = cache.source_shas({head.head.source_path, *(r.source_path for r in refs)})
            sha, *ref_sigs = (shas[path] for path in
                              (head.head.source_path, *(r.source_path for r in refs)))
            pages.append(plan_article(bases, head.site_url, head.head, sha, refs, ref_sigs,
                                      record=reader.article(head.head.source_path, key),
                                      nav=order.nav(key), related=facts.related(key)))
        return pages
    finally:
        reader.close()
