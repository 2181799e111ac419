"""Helpers of the unit tests of quick rebuilds and relisting (test_relist.py,
test_quick_conditions.py): a small project of front-matter articles, built once with its
cache, edited the way an editor edits (each step a later mtime, so stats are trusted: files
modified in the last two seconds are "racy"). Imported as `from incremental_unit_helpers
import ...` (tests/unit/ is on sys.path while its tests run)."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.incremental.cache import CACHE_PATH, BuildCache
from archivegen.report import BuildReport
from conftest import published, remember

OLD = 1_600_000_000  # an mtime long past: a stat a build may trust

# Bodies with no sentence in common, so duplicate detection groups none of them.
BODIES = {
    "alpha": "The harbour authority reopened the northern quay after the storm damaged "
             "three cranes and flooded the customs sheds near the old lighthouse.",
    "beta": "Farmers in the valley planted late this spring because seed merchants ran "
            "short of barley and the irrigation canals were still being dredged.",
    "gamma": "A new railway timetable cuts the journey between the two provincial capitals "
             "by forty minutes, though night trains will run only on weekends.",
    "delta": "Hospital staff held a one-day strike over unpaid overtime, and the ministry "
             "promised to settle the arrears before the end of the quarter.",
    "epsilon": "The city library digitised its collection of nineteenth-century maps, "
               "letting historians compare street plans drawn before the great fire.",
}

# name: (title, date, regions, themes). Listings with page_size 3:
# home      alpha beta gamma | epsilon delta   (two pages)
# /2020/, /2020/01/: alpha beta gamma; /2019/, /2019/06/: epsilon delta
# regions/syria: alpha beta epsilon (epsilon spells it SYRIA); regions/iraq: gamma delta epsilon
# themes/economy: alpha beta; themes/health: delta alone
ARTICLES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "alpha": ("Alpha Report", "2020-01-05", ("Syria",), ("Economy",)),
    "beta": ("Beta Report", "2020-01-03", ("Syria",), ("Economy",)),
    "gamma": ("Gamma Report", "2020-01-01", ("Iraq",), ()),
    "delta": ("Delta Report", "2019-06-01", ("Iraq",), ("Health",)),
    "epsilon": ("Epsilon Report", "2019-06-02", ("SYRIA", "Iraq"), ()),
}

CONFIG = SiteConfig(input="in", output="site", page_size=3)


def article_text(title: str, date: str, regions: tuple[str, ...], themes: tuple[str, ...],
                 body: str) -> str:
    front = [f"title: {title}", f"date: {date}"]
    if regions:
        front.append(f"regions: [{', '.join(regions)}]")
    if themes:
        front.append(f"themes: [{', '.join(themes)}]")
    return "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n"


def write(path: Path, text: str, when: int = OLD) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))


def write_article(project: Path, name: str, when: int = OLD, **changes: object) -> Path:
    """Write articles/<name>.md as ARTICLES has it, with `changes` (title, date, regions,
    themes, body) made."""
    title, date, regions, themes = ARTICLES[name]
    fields: dict[str, object] = dict(title=title, date=date, regions=regions, themes=themes,
                                     body=BODIES[name])
    fields.update(changes)
    path = project / "in" / f"{name}.md"
    write(path, article_text(**fields), when)  # type: ignore[arg-type]
    return path


def make_project(project: Path) -> SiteConfig:
    (project / "in").mkdir(parents=True)
    for name in ARTICLES:
        write_article(project, name)
    return CONFIG


def built_project(project: Path) -> SiteConfig:
    """A project built once (a full build), its cache holding every listing."""
    config = make_project(project)
    report = build(project, config)
    assert "render+write" in phase_names(report), report.phases
    return config


def open_cache(project: Path) -> BuildCache:
    return BuildCache.open(project / CACHE_PATH)


def phase_names(report: BuildReport) -> list[str]:
    return [name for name, _ in report.phases]


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file below root, by relative POSIX path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def tree_state(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file below root with its bytes, mtime and inode: what a build that writes
    nothing leaves as it was."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), st.st_mtime_ns,
                                                        st.st_ino)
    return found


def copy_inputs(project: Path, elsewhere: Path) -> Path:
    """A second project with the same input files (for a build to compare with)."""
    elsewhere.mkdir(parents=True)
    shutil.copytree(project / "in", elsewhere / "in")
    return elsewhere


def clean_build(project: Path, elsewhere: Path, config: SiteConfig = CONFIG) -> dict[str, bytes]:
    """The site a clean build makes of `project`'s input, in a folder of its own, from a new
    build state remembering the URLs `project` published (the same redirect pages)."""
    elsewhere.mkdir(parents=True)
    out = elsewhere / "site"
    remember(elsewhere, published(project))
    build(elsewhere, replace(config, input=str(project / config.input), output=str(out)))
    return tree_bytes(out)
