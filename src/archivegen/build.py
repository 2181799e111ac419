"""The orchestrator: read, load, repair, index, render, write — a flat list of timed steps.

`make_site` is the whole pipeline between the edges: sources in, rendered files out. It does no
I/O of its own besides Jinja's template reads, so tests can run it on shuffled inputs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .config import SiteConfig
from .duplicates import collapse_duplicates
from .errors import ArchivegenError, Diagnostic, Diagnostics
from .indexer import assign_urls, build_index, listing_pages, summarize
from .loaders import load_source
from .markdown import derived_title, make_markdown, plain_excerpt
from .model import Article, DuplicateRef, RenderedFile, Source, article_key
from .render import Renderer
from .repair import repair_article
from .sources import read_sources, read_static_files
from .templates import default_theme_dir, make_environment
from .urls import output_path, static_url
from .writer import drop_collisions, write_atomic, write_tree

# Where `build` writes its machine-readable report, relative to the project folder.
REPORT_PATH = Path(".archivegen") / "build-report.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    articles: int
    pages: int
    written: int
    unchanged: int
    removed: int
    kept_stale: int
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    phases: tuple[tuple[str, float], ...]
    report_path: Path | None = None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.level == "warning")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteOutput:
    files: tuple[RenderedFile, ...]
    articles: int
    pages: int
    # (article key, layout, URL) of every article built, and the copies folded into each.
    article_urls: tuple[tuple[str, str, str], ...] = ()
    also_archived: dict[str, tuple[DuplicateRef, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class _Timer:
    phases: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.phases.append((name, time.perf_counter() - start))


def theme_dirs(project_dir: Path, config: SiteConfig) -> list[Path]:
    """The archive's override folder (if it exists) before the default theme."""
    override = (project_dir / config.theme_dir).resolve()
    default = default_theme_dir().resolve()
    return [override, default] if override.is_dir() and override != default else [default]


def load_articles(sources: Sequence[Source], diags: Diagnostics, *,
                  file_time_dates: bool = False) -> list[Article]:
    articles = []
    for source in sources:
        loaded = load_source(source, diags, file_time_dates=file_time_dates)
        articles += [repair_article(a, diags) for a in loaded]
    return articles


def make_site(sources: Sequence[Source], config: SiteConfig, themes: Sequence[Path],
              static_files: dict[str, bytes], diags: Diagnostics,
              timer: _Timer | None = None) -> SiteOutput:
    timer = timer or _Timer()
    md = make_markdown()
    with timer.phase("load"):
        articles = load_articles(sources, diags, file_time_dates=config.dates_from_file_times)
    with timer.phase("dedupe"):
        articles, also_archived = collapse_duplicates(articles, diags)
    with timer.phase("index"):
        table = assign_urls(articles, diags)
        entries = [(summarize(url, a, lambda body: plain_excerpt(md, body, config.excerpt_words),
                              lambda body: derived_title(md, body)), a) for url, a in table]
        index = build_index(entries)
        listings = listing_pages(index, config)
    renderer = Renderer(env=make_environment(themes), md=md, config=config,
                        nav=tuple(t for t, terms in index.taxonomies if terms),
                        term_counts={t.key: len(terms) for t, terms in index.taxonomies})
    files: list[RenderedFile | None] = []
    with timer.phase("render"):
        files += [renderer.article(url, a, diags, also_archived.get(article_key(a), ()))
                  for url, a in table]
        files += [renderer.listing(page, diags) for page in listings]
        files += [renderer.taxonomy_index(tax, terms, diags) for tax, terms in index.taxonomies
                  if terms]
        files.append(renderer.archive_index(index, diags))
        files.append(renderer.not_found(diags))
        files += [RenderedFile(path=str(output_path(static_url(name))), content=data,
                               dependencies=(f"static:{name}",), origin=f"static/{name}")
                  for name, data in static_files.items()]
    out = drop_collisions((f for f in files if f is not None), diags)
    return SiteOutput(files=tuple(out), articles=len(table), pages=len(out) - len(static_files),
                      article_urls=tuple((article_key(a), a.provenance.layout, url)
                                         for url, a in table),
                      also_archived=also_archived)


def build(project_dir: Path, config: SiteConfig, *, strict: bool = False) -> BuildReport:
    """Build the site described by `config` (paths relative to `project_dir`)."""
    start = time.perf_counter()
    timer = _Timer()
    diags = Diagnostics()
    input_dir = (project_dir / config.input).resolve()
    output_dir = (project_dir / config.output).resolve()
    themes = theme_dirs(project_dir, config)
    with timer.phase("read"):
        sources = read_sources(input_dir, diags)
        static_files = read_static_files(themes)
    site = make_site(sources, config, themes, static_files, diags, timer)
    failed = diags.errors > 0 or (strict and diags.warnings > 0)
    with timer.phase("write"):
        try:
            report = write_tree(output_dir, site.files, diags, prune=not failed)
        except OSError as exc:  # a file where a folder must go, a full disk, no permission
            raise ArchivegenError(f"cannot write the site into {output_dir}: {exc}") from exc
    result = BuildReport(
        articles=site.articles, pages=site.pages, written=report.written,
        unchanged=report.unchanged, removed=report.removed, kept_stale=report.kept_stale,
        diagnostics=diags.sorted(), seconds=time.perf_counter() - start,
        phases=tuple(timer.phases), report_path=project_dir / REPORT_PATH,
    )
    report_file = (project_dir / REPORT_PATH).resolve()
    if not report_file.is_relative_to(output_dir):  # never publish the report with the site
        try:
            write_atomic(report_file, build_report_json(result, site))
        except OSError as exc:
            raise ArchivegenError(f"cannot write the build report {report_file}: {exc}") from exc
    else:
        result = replace(result, report_path=None)
    return result


def build_report_json(report: BuildReport, site: SiteOutput) -> bytes:
    """The machine-readable build report: summary, diagnostics, articles, duplicates."""
    data = {
        "archivegen": __version__,
        "summary": {"articles": report.articles, "pages": report.pages,
                    "written": report.written, "unchanged": report.unchanged,
                    "removed": report.removed, "kept_stale": report.kept_stale,
                    "warnings": report.warnings, "errors": report.errors,
                    "seconds": round(report.seconds, 3)},
        "diagnostics": [{"path": d.location.path, "line": d.location.line,
                         "col": d.location.col, "level": str(d.level), "code": d.code,
                         "message": d.message} for d in report.diagnostics],
        "articles": [{"source": key, "layout": layout, "url": url,
                      "also_archived_as": [{"path": r.key, "kind": r.kind,
                                            "similarity": r.similarity}
                                           for r in site.also_archived.get(key, ())]}
                     for key, layout, url in site.article_urls],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
