"""`archivegen init`: a new archive's project folder, ready to build.

It writes a commented settings file, an input folder with one example article and a
.gitignore for what builds make; it never overwrites a file (an existing one is an error
before anything is written).
"""

from __future__ import annotations

from pathlib import Path

from archivegen.config import CONFIG_FILENAME
from archivegen.errors import ArchivegenError

INPUT_FOLDER = "articles"
OUTPUT_FOLDER = "site"
EXAMPLE_ARTICLE = f"{INPUT_FOLDER}/example-article.md"

SETTINGS = f"""\
# archivegen settings: every key is optional (the README lists them all).
title: My news archive
description: A browsable archive of news articles.

# Where the articles are (.txt, .md, .markdown, any layout: see `archivegen check`) and
# where the site is written. Relative paths start from this file's folder.
input: {INPUT_FOLDER}
output: {OUTPUT_FOLDER}

# Where the site will be published: canonical links, feeds, link previews and the 404 page
# use it. An address (https://example.org/archive/) or only a path (/archive/).
# base_url: https://example.org/archive/

language: en
page_size: 20        # articles per listing page
excerpt_words: 40    # words of an article shown in listings when it has no summary
feed_size: 20        # articles per Atom feed; 0 writes no feeds
search: true         # the built-in search (its index is written in search/)
portable: false      # true: links name index.html files, so the site opens from disk
"""

EXAMPLE = """\
---
title: An example article to replace with your own
date: 2024-05-30
authors: [Ada Reporter]
publisher: Example News
regions: [Europe]
themes: [Archives]
tags: [example]
summary: What an article with YAML front matter looks like; scraped text files work too.
---

Put your articles in this folder, in any layout archivegen reads: Markdown with YAML front
matter like this one, or text scraped from news sites (a title, a byline, a date line and
the body). `archivegen check` shows what it reads from each file.

Each article gets its own page, and is listed under its date, its authors, its regions,
themes and tags, its publisher and its original source.
"""

GITIGNORE = f"""\
# What builds make: the site, and the build state that makes the next build quick.
/{OUTPUT_FOLDER}/
/.archivegen/
"""


def init_project(folder: Path) -> list[Path]:
    """Write a new project into `folder` (made if missing): the files written, in order.
    Refused (ArchivegenError) if `folder` is a file or any of the files already exists."""
    if folder.exists() and not folder.is_dir():
        raise ArchivegenError(f"'{folder}' is a file, not a folder")
    files = {folder / CONFIG_FILENAME: SETTINGS, folder / EXAMPLE_ARTICLE: EXAMPLE,
             folder / ".gitignore": GITIGNORE}
    taken = [path for path in files if path.exists() or path.is_symlink()]
    if taken:
        raise ArchivegenError(f"'{taken[0]}' already exists; nothing was written "
                              "(init starts a new archive: choose an empty folder)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never over a file made meanwhile
            out.write(text)
    return list(files)
