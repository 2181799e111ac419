"""Link walker: every internal href/src of every built page resolves to a built file."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import FIXTURES, SEEDS, run_build

SITE_ROOT = "http://site.invalid/sub/dir/"  # a subfolder: relative links must survive it


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def page_url(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return SITE_ROOT + rel


def target_file(root: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if not (parts.scheme == "http" and url.startswith(SITE_ROOT)):
        return None
    rel = unquote(parts.path[len(urlsplit(SITE_ROOT).path):])
    path = root / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def broken_links(root: Path, *, published_at_site_root: bool = False) -> list[str]:
    """Every internal link of every page that does not resolve to a built file. With
    `published_at_site_root` (a build whose base_url is SITE_ROOT), absolute links into the
    site are followed too, and the 404 page (whose links are then absolute) is walked."""
    problems = []
    pages = sorted(root.rglob("*.html"))
    assert pages, "no pages built"
    for page in pages:
        if page.name == "404.html" and not published_at_site_root:
            continue  # served at any depth; its links are root-relative (checked below)
        collector = _LinkCollector()
        collector.feed(page.read_text("utf-8"))
        base = page_url(root, page)
        for link in collector.links:
            if published_at_site_root and link.startswith(SITE_ROOT):
                pass  # into the site, written absolute (canonical links, the 404 page)
            elif urlsplit(link).scheme in ("http", "https", "mailto") or link.startswith("//"):
                continue  # leaves the archive
            resolved = urljoin(base, link)
            target = target_file(root, resolved)
            if target is None:
                problems.append(f"{page.relative_to(root)}: {link} leaves the site folder")
            elif not target.is_file():
                problems.append(f"{page.relative_to(root)}: {link} -> missing {target}")
            fragment = urlsplit(resolved).fragment
            if fragment and target is not None and target == page and fragment not in collector.ids:
                problems.append(f"{page.relative_to(root)}: #{fragment} has no target")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("archive", [SEEDS, FIXTURES / "archive", FIXTURES / "layouts"],
                         ids=["seeds", "fixture", "layouts"])
def test_every_internal_link_resolves(archive: Path, tmp_path: Path) -> None:
    run_build(archive, tmp_path)
    assert broken_links(tmp_path) == []


def test_every_link_resolves_under_a_base_path(tmp_path: Path) -> None:
    """Published in a subfolder (base_url with a path): relative links, the absolute ones
    (canonical, 404 page) and the redirect page an old URL leaves all reach a file."""
    archive = tmp_path / "in"
    shutil.copytree(FIXTURES / "archive", archive)
    out = tmp_path / "out"
    assert run_build(archive, out, "--base-url", SITE_ROOT) == 0
    md = archive / "md_002_ceasefire-northern-districts.md"
    md.write_text(md.read_text().replace('title: "Ceasefire Holds', 'title: "Truce Holds', 1))
    assert run_build(archive, out, "--base-url", SITE_ROOT) == 0
    old = "ceasefire-holds-in-northern-districts-as-displaced-families-weigh-return"
    assert 'http-equiv="refresh"' in (out / "2019/03/14" / old / "index.html").read_text()
    assert broken_links(out, published_at_site_root=True) == []
    assert broken_links(out) == []


def test_walker_notices_a_broken_link(tmp_path: Path) -> None:
    run_build(SEEDS, tmp_path)
    (tmp_path / "regions/index.html").write_text('<a href="../nowhere/">x</a>')
    assert broken_links(tmp_path) == ["regions/index.html: ../nowhere/ -> missing "
                                      f"{tmp_path / 'nowhere/index.html'}"]


def test_404_page_links_are_root_relative(tmp_path: Path) -> None:
    run_build(SEEDS, tmp_path)
    collector = _LinkCollector()
    collector.feed((tmp_path / "404.html").read_text())
    assert collector.links
    for link in (x for x in collector.links if not x.startswith("#")):
        assert link.startswith("/")
        rel = link.lstrip("/")
        assert (tmp_path / rel / "index.html").is_file() or (tmp_path / rel).is_file(), link


# --- portable output: every link opens a file from disk -----------------------------------

def links_not_to_files(root: Path) -> list[str]:
    """Every relative href/src of every page, resolved as a browser does on file:// (against
    the page's own file), must name a file: a folder shows a directory listing there."""
    problems = []
    for page in sorted(root.rglob("*.html")):
        if page.name == "404.html":
            continue  # served by a web server only
        collector = _LinkCollector()
        collector.feed(page.read_text("utf-8"))
        base = page.resolve().as_uri()
        for link in collector.links:
            if urlsplit(link).scheme in ("http", "https", "mailto") or link.startswith(("//",
                                                                                     "#")):
                continue
            target = Path(unquote(urlsplit(urljoin(base, link)).path))
            if not target.is_relative_to(root.resolve()):
                problems.append(f"{page.relative_to(root)}: {link} leaves the site folder")
            elif not target.is_file():
                problems.append(f"{page.relative_to(root)}: {link} is not a file")
    return problems


@pytest.mark.parametrize("archive", [SEEDS, FIXTURES / "archive"], ids=["seeds", "fixture"])
def test_a_portable_site_links_files_on_disk(archive: Path, tmp_path: Path) -> None:
    assert run_build(archive, tmp_path / "site", "--portable") == 0
    assert links_not_to_files(tmp_path / "site") == []
    assert broken_links(tmp_path / "site") == []  # and still from any web server's subfolder


def test_without_portable_folder_links_are_not_files_on_disk(tmp_path: Path) -> None:
    # What --portable is for: the walker above sees the difference.
    assert run_build(SEEDS, tmp_path / "site") == 0
    problems = links_not_to_files(tmp_path / "site")
    assert problems and all(p.endswith("is not a file") for p in problems)


def test_portable_from_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "archivegen.yaml").write_text("portable: true\n")
    assert run_build(SEEDS, tmp_path / "site", "--config", str(tmp_path / "archivegen.yaml")) == 0
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'href="archive/index.html"' in home and 'href="./"' not in home
    assert links_not_to_files(tmp_path / "site") == []
