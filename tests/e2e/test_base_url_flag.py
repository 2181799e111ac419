"""`--base-url` on build and serve: where the site will be published, as `base_url` in the
settings (the flag wins); an address that cannot be one is refused before anything is built."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURES, SEEDS, run_build, serve_once

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_FILE = next(p.name for p in SEEDS.iterdir() if p.is_file())


def project(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED_FILE).write_bytes((SEEDS / SEED_FILE).read_bytes())
    if settings:
        (tmp_path / "archivegen.yaml").write_text(settings)
    return tmp_path


def canonical(page: Path) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]*)"', page.read_text("utf-8"))
    assert found
    return found[1]


def test_build_with_a_base_url_links_canonically_under_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # The settings say another address: the flag wins.
    project(tmp_path, "base_url: https://old.example.net/\n")
    assert run_build(tmp_path / "in", tmp_path / "out", "--base-url",
                     "https://example.org/archive/", cwd=tmp_path, monkeypatch=monkeypatch) == 0
    out = tmp_path / "out"
    article = next(p for p in out.glob("[12]*/*/*/*/index.html"))
    assert canonical(article) == ("https://example.org/archive/"
                                  + article.parent.relative_to(out).as_posix() + "/")
    assert canonical(out / "index.html") == "https://example.org/archive/"
    hrefs = re.findall(r'href="([^"]*)"', (out / "404.html").read_text("utf-8"))
    assert hrefs and all(h.startswith(("https://example.org/archive/", "#")) for h in hrefs)
    feed = ET.parse(out / "feed.xml").getroot()
    ids = [e.findtext(f"{ATOM}id") or "" for e in feed.findall(f"{ATOM}entry")]
    assert ids and all(i.startswith("https://example.org/archive/20") for i in ids)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "example.org/archive/",
                                     "https://example.org/a?b=c", "//example.org/"])
def test_an_address_that_cannot_be_a_base_url_is_refused(tmp_path: Path, address: str,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    project(tmp_path)
    assert run_build(tmp_path / "in", tmp_path / "out", "--base-url", address) == 2
    err = capsys.readouterr().err
    assert "error: --base-url: 'base_url' must be an absolute http(s) URL" in err
    assert repr(address)[1:-1] in err
    assert not (tmp_path / "out").exists()


def test_serve_previews_under_the_base_urls_path(tmp_path: Path) -> None:
    project(tmp_path)
    line, port = serve_once(tmp_path, "--input", "in", "--output", "site", "--no-reload",
                            "--base-url", "https://example.org/archive/")
    assert f"at http://127.0.0.1:{port}/archive/ (Ctrl-C to stop)" in line
    assert canonical(tmp_path / "site" / "index.html") == "https://example.org/archive/"


def test_the_fixture_archive_builds_alike_with_the_flag_or_the_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "archivegen.yaml").write_text("base_url: /news/\n")
    assert run_build(FIXTURES / "archive", tmp_path / "a", "--config",
                     str(tmp_path / "archivegen.yaml")) == 0
    assert run_build(FIXTURES / "archive", tmp_path / "b", "--base-url", "/news/") == 0
    one = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*")
           if p.is_file() and ".archivegen" not in p.parts}
    two = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*")
           if p.is_file() and ".archivegen" not in p.parts}
    assert one == two
