"""The one place that decides how a build runs: replay, quick rebuild or full build.

`archivegen build` and `archivegen serve` both call `build`. In order:
- **replay**: nothing a build reads changed since the last one (uptodate.up_to_date,
  from file stats alone): its report is given again and nothing is written;
- **restore**: the output folder holds nothing of the last build (a fresh checkout on CI
  with the build state restored from a cache): its pages are copied back from the page
  store and touched, unchanged files get their new stats (incremental/checkout.py); then
  the three others are tried as if that build had run here;
- **quick**: only a few articles changed, in ways quick.py can apply to their own pages and
  listings; otherwise it says why not (`report.Declined`);
- **full**: build.full_build, the whole pipeline, with the reason the quick path declined
  shown in the summary ("full build: ...").

The replay and the restore import neither Jinja's pipeline nor numpy (a no-op build takes a
fraction of a second); the full build is imported only when it runs.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.errors import escape_controls
from archivegen.incremental.uptodate import Scan, up_to_date
from archivegen.report import BuildReport, Progress, told


def build(project_dir: Path, config: SiteConfig, *, strict: bool = False,
          use_cache: bool = True, progress: Progress | None = None,
          scan: Scan | None = None, outputs_checked: bool = False) -> BuildReport:
    """Build the site `config` describes (paths relative to `project_dir`) the cheapest
    way that gives the same output: replay, quick rebuild, or full build. `scan`: the
    input scan, if the caller has one (serve keeps it between builds: watched.py);
    `outputs_checked`: every output was found as the last build wrote it since that build
    (quick.rebuild)."""
    began = time.perf_counter()
    output_dir = (project_dir / config.output).resolve()
    declined = ""
    settled = None
    if use_cache:
        with told(progress, "check"):  # every input file's stat: seconds at 10^5 files
            fresh = up_to_date(project_dir, config, strict=strict, scan=scan)
        if fresh.report is not None:
            return fresh.report
        scan = fresh.scan
        from archivegen.incremental.checkout import emptied, settle

        if scan is not None and emptied(project_dir, config):  # on CI, say: put it back
            with told(progress, "restore"):
                settled = settle(project_dir, config, strict=strict, scan=scan)
            if settled is not None:
                fresh = up_to_date(project_dir, config, strict=strict, scan=scan)
                if fresh.report is not None:
                    return settled.into(fresh.report, output_dir, began)
        from archivegen.incremental.quick import rebuild

        with told(progress, "quick"):
            quickly = rebuild(project_dir, config, strict=strict, scan=scan,
                              outputs_checked=outputs_checked)
        if isinstance(quickly, BuildReport):
            return settled.into(quickly, output_dir, began) if settled is not None else quickly
        declined = quickly.reason
    from archivegen.build import full_build

    report = full_build(project_dir, config, strict=strict, use_cache=use_cache,
                        progress=progress, scan=scan)
    if settled is not None:
        report = settled.into(report, output_dir, began)
    return replace(report, full_because=declined) if declined else report


def summary(report: BuildReport, output_dir: Path, *, quiet: bool = False) -> str:
    """What a build prints when it ends: counts, the report's path, kept files and (unless
    quiet) the phases' times and why the build was not quick."""
    line = (f"built {report.articles} articles, {report.pages} pages into {output_dir} "
            f"in {report.seconds:.2f} s: {report.rendered} rendered, {report.written} written, "
            f"{report.unchanged} unchanged, {report.removed} removed"
            f"{f', {report.restored} copied from the build state' if report.restored else ''}; "
            f"{report.warnings} warning(s), {report.errors} error(s)")
    if report.report_path is not None:
        line += f"\nbuild report: {report.report_path}"
    if report.kept_stale:
        line += (f"\n{report.kept_stale} file(s) from an earlier build kept because this build "
                 "had errors")
    if not quiet:
        phases = ", ".join(f"{name} {secs:.2f} s" for name, secs in report.phases)
        line += f"\nphases: {phases}"
        if report.full_because:  # it may name a file: escaped, so it stays one line
            line += f"\nfull build: {escape_controls(report.full_because)}"
    return line
