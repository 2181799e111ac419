"""Files an article references (load/assets.py): what is copied, what is refused and why,
and the signatures that tell a later build an asset changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.assets import asset_bytes, assets_fresh, find_assets
from archivegen.markdown.article import Reference
from archivegen.markdown.engine import local_path

OLD = 1_600_000_000


def _ref(url: str, kind: str = "image", line: int = 3) -> Reference:
    path = local_path(url)
    assert path is not None
    return Reference(kind=kind, url=url, path=path,
                     location=SourceLocation(path="2020/a.md", line=line, col=5))


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "2020" / "img").mkdir(parents=True)
    (root / "2020" / "a.md").write_text("---\ntitle: A\n---\nbody\n")
    (root / "2020" / "b.md").write_text("---\ntitle: B\n---\nbody\n")
    (root / "2020" / "img" / "map.png").write_bytes(b"PNG map")
    (root / "2020" / "report.pdf").write_bytes(b"%PDF")
    (root / "secret.txt").write_text("outside the article's folder")
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))
    return root


def _find(root: Path, *urls: str, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    diags = Diagnostics()
    assets, looked = find_assets(os.fspath(root), "2020/a.md", [_ref(u) for u in urls],
                                 diags, limits)
    return assets, looked, [d.format() for d in diags.items]


def test_a_file_in_the_articles_folder_is_an_asset_once(inputs: Path) -> None:
    assets, looked, said = _find(inputs, "img/map.png", "report.pdf?x#p", "img/../img/map.png")
    assert said == []
    assert [(a.path, a.source, a.size) for a in assets] == [
        ("img/map.png", "2020/img/map.png", 7), ("report.pdf", "2020/report.pdf", 4)]
    assert assets[0].sha256 == hashlib.sha256(b"PNG map").hexdigest()
    assert [rel for rel, _ in looked] == ["2020/img/map.png", "2020/report.pdf"]


def test_a_missing_file_is_a_warning_at_the_reference(inputs: Path) -> None:
    assets, looked, said = _find(inputs, "img/nope.png")
    assert assets == ()
    assert said == ["2020/a.md:3:5: warning: image 'img/nope.png' not found next to the "
                    "article [AG035]"]
    assert [rel for rel, _ in looked] == ["2020/img/nope.png"]  # watched: it may appear


@pytest.mark.parametrize(("url", "why"), [
    ("../../../../etc/passwd", "is outside the article's folder"),
    ("%2e%2e/secret.txt", "is outside the article's folder"),
    ("img/../../secret.txt", "is outside the article's folder"),
    ("..", "is outside the article's folder"),
    ("%2Fetc%2Fpasswd", "unsafe name"),
    ("img%2fmap.png", "unsafe name"),
    ("img%5Cmap.png", "unsafe name"),
    ("img/map%00.png", "unsafe name"),
    ("img/map%0a.png", "unsafe name"),
    (".hidden", "names a hidden file or folder"),
    (".archivegen/cache-v12.sqlite", "names a hidden file or folder"),
    ("img/.git/config", "names a hidden file or folder"),
    ("a.md", "names an article file"),
    ("b.md", "names an article file"),
    ("b.md.yaml", "names an article file"),
    ("index.html", "would take the place of the article's page"),
])
def test_hostile_references_are_refused_without_reading_anything(inputs: Path, url: str,
                                                                   why: str) -> None:
    assets, looked, said = _find(inputs, url)
    assert assets == () and looked == ()
    assert len(said) == 1 and why in said[0] and said[0].endswith("not copied [AG036]")


def test_symlinks_are_never_followed(inputs: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_bytes(b"not ours")
    (inputs / "2020" / "link.png").symlink_to(outside / "x.png")
    (inputs / "2020" / "linked").symlink_to(outside)
    (inputs / "2020" / "inside.png").symlink_to(inputs / "2020" / "img" / "map.png")
    assets, _, said = _find(inputs, "link.png", "linked/x.png", "inside.png")
    assert assets == ()
    assert len(said) == 3 and all("symlink" in s and "[AG036]" in s for s in said)


def test_not_a_regular_file_too_large_or_a_folder(inputs: Path) -> None:
    os.mkfifo(inputs / "2020" / "fifo.png")
    assets, _, said = _find(inputs, "fifo.png", "img", "img/map.png", "report.pdf",
                            limits=Limits(asset_bytes=5))
    assert [a.path for a in assets] == ["report.pdf"]
    assert len(said) == 3
    assert "not a file" in said[0] and "not a file" in said[1]
    assert "is 7 bytes, over the limit of 5 (limits.asset_bytes)" in said[2]


def test_a_very_long_name_is_a_warning(inputs: Path) -> None:
    assets, _, said = _find(inputs, "img/" + "x" * 5000 + ".png")
    assert assets == () and len(said) == 1 and "[AG035]" in said[0]


def test_links_to_pages_are_not_references_to_files(inputs: Path) -> None:
    diags = Diagnostics()
    refs = [_ref("../other/", kind="link"), _ref("./", kind="link")]
    assert find_assets(os.fspath(inputs), "2020/a.md", refs, diags) == ((), ())
    assert diags.items == []


def test_signatures_notice_an_edit_an_appearance_and_a_symlink(inputs: Path) -> None:
    _, looked, _ = _find(inputs, "img/map.png", "img/new.png")
    top = os.fspath(inputs)
    assert assets_fresh(top, looked)
    (inputs / "2020" / "img" / "new.png").write_bytes(b"new")
    assert not assets_fresh(top, looked)
    (inputs / "2020" / "img" / "new.png").unlink()
    assert assets_fresh(top, looked)
    (inputs / "2020" / "img" / "map.png").write_bytes(b"PNG map, edited")
    assert not assets_fresh(top, looked)  # modified just now: never trusted as unchanged


def test_asset_bytes_checks_the_path_again(inputs: Path, tmp_path: Path) -> None:
    top = os.fspath(inputs)
    assert asset_bytes(top, "2020/img/map.png") == b"PNG map"
    (inputs / "2020" / "img" / "map.png").unlink()
    (inputs / "2020" / "img" / "map.png").symlink_to(inputs / "secret.txt")
    with pytest.raises(OSError):
        asset_bytes(top, "2020/img/map.png")
