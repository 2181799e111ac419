"""The limits of archivegen.yaml reach every reader (issue #14): a lowered limit changes what
`archivegen build` and `archivegen check` read, and a changed limit is not hidden by the
build cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.cli import main

ARTICLE = "---\ntitle: {title}\ndate: 2020-01-02\n{more}---\n\n{body}\n"
# A collection in the root mapping (depth 2, as deep as a field goes): refused when
# yaml_depth is 1.
DEEP = "regions: [Deep]\n"
# An alias standing for 4 nodes (the list and its 3 strings): refused when yaml_alias_nodes
# is 3.
ALIASED = "tags: &t [a, b, c]\nthemes: *t\n"


def project(root: Path) -> None:
    """`big.md` of 2 KB, `deep.md` with nested front matter, `small.md` with an aliased
    sidecar; the settings are written by each test."""
    articles = root / "articles"
    articles.mkdir()
    (articles / "big.md").write_text(ARTICLE.format(title="Big", more="", body="word " * 400))
    (articles / "deep.md").write_text(ARTICLE.format(title="Deep", more=DEEP, body="Deep."))
    (articles / "small.md").write_text(ARTICLE.format(title="Small", more="", body="Small."))
    (articles / "small.md.yaml").write_text(ALIASED)


def settings(root: Path, limits: str = "") -> None:
    (root / "archivegen.yaml").write_text(f"input: articles\noutput: site\n{limits}")


LOWERED = {  # a limit, and the file:line: code it makes
    "article_bytes: 1000": ["big.md: AG005"],
    "yaml_depth: 1": ["deep.md:4: AG015", "small.md.yaml:1: AG015"],
    "yaml_alias_nodes: 3": ["small.md.yaml:2: AG015"],
    "yaml_bytes: 40": ["deep.md:2: AG015"],
}


def built(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, set[str], list[str]]:
    """A build's exit code, the pages of its articles and its diagnostics as
    `path[:line]: code`."""
    capsys.readouterr()
    code = main(["build"])  # not quiet: warnings are printed too
    err = capsys.readouterr().err
    assert "Traceback" not in err
    report = json.loads((root / ".archivegen" / "build-report.json").read_text("utf-8"))
    return code, {a["source"] for a in report["articles"]}, shown(root, err.splitlines())


def shown(root: Path, lines: list[str]) -> list[str]:
    """`path:line: CODE` of each diagnostic line, the path from the input folder (`path: CODE`
    when the diagnostic has no line)."""
    found = []
    for line in lines:
        if line.endswith("]") and ": " in line:
            path_line = line.split(": ")[0].removeprefix(f"{root}/articles/").split(":")[:2]
            found.append(f"{':'.join(path_line)}: {line.rsplit('[', 1)[1].rstrip(']')}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("limit", LOWERED)
def test_a_lowered_limit_changes_what_build_reads(
        limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path)
    settings(tmp_path)
    code, sources, diags = built(tmp_path, capsys)
    assert (code, sources, diags) == (0, {"big.md", "deep.md", "small.md"}, [])
    settings(tmp_path, f"limits:\n  {limit}\n")  # the same files, from the cache
    _, sources, diags = built(tmp_path, capsys)
    assert diags == LOWERED[limit]
    if limit.startswith("article_bytes"):
        assert sources == {"deep.md", "small.md"}  # skipped, as a warning
    elif limit.startswith("yaml_alias"):
        assert sources == {"big.md", "deep.md", "small.md"}  # built without its sidecar
    else:
        assert sources == {"big.md", "small.md"}  # front matter refused: article skipped
    settings(tmp_path)  # and back
    code, sources, diags = built(tmp_path, capsys)
    assert (code, sources, diags) == (0, {"big.md", "deep.md", "small.md"}, [])


@pytest.mark.parametrize("limit", LOWERED)
def test_a_lowered_limit_changes_what_check_reads(
        limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path)
    for limits, expected in ((f"limits:\n  {limit}\n", LOWERED[limit]), ("", [])):
        settings(tmp_path, limits)
        capsys.readouterr()
        main(["check", "--format", "json"])
        data = json.loads(capsys.readouterr().out)
        found = [f"{d['path'].removeprefix(f'{tmp_path}/articles/')}"
                 f"{':' + str(d['line']) if d['line'] else ''}: {d['code']}"
                 for f in data["files"] for d in f["diagnostics"]]
        assert found == expected


def test_an_edit_after_a_build_is_read_within_the_limits(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The few files changed since the last build (a quick rebuild reads only them) are
    read within the settings' limits too: a summary that takes the front matter over
    yaml_bytes is refused, not shown."""
    project(tmp_path)
    settings(tmp_path, "limits:\n  yaml_bytes: 60\n")
    assert built(tmp_path, capsys)[2] == []
    (tmp_path / "articles" / "small.md").write_text(
        ARTICLE.format(title="Small", more="summary: " + "s" * 40 + "\n", body="Small."))
    _, sources, diags = built(tmp_path, capsys)
    assert (sources, diags) == ({"big.md", "deep.md"}, ["small.md:2: AG015"])


def test_a_lowered_links_limit_changes_the_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """links_per_article: 2 links the first two of five bare URLs; the rest stay text."""
    project(tmp_path)
    urls = " ".join(f"https://example.org/{n}" for n in range(5))
    (tmp_path / "articles" / "links.md").write_text(
        ARTICLE.format(title="Links", more="", body=f"See {urls} now."))
    page = tmp_path / "site" / "2020" / "01" / "02" / "links" / "index.html"
    for limits, linked, diags in (("limits:\n  links_per_article: 2\n", 2, ["links.md:6: AG032"]),
                                  ("", 5, [])):
        settings(tmp_path, limits)
        assert built(tmp_path, capsys)[2] == diags
        assert page.read_text("utf-8").count('<a href="https://example.org/') == linked


def test_a_lowered_table_cells_limit_changes_the_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """table_cells: 8 keeps a table's header and first row (4 + 4 cells, counted as the
    header's "|" and one) and shows the other rows as text, with AG034 at the table's line."""
    project(tmp_path)
    table = "|a|b|c\n|-|-|-\n|1|2|3\n|4|5|6\n|7|8|9"
    (tmp_path / "articles" / "table.md").write_text(
        ARTICLE.format(title="Table", more="", body=f"Intro.\n\n{table}\n\nAfter."))
    page = tmp_path / "site" / "2020" / "01" / "02" / "table" / "index.html"
    for limits, cells, diags in (("limits:\n  table_cells: 8\n", 6, ["table.md:8: AG034"]),
                                 ("", 12, [])):
        settings(tmp_path, limits)
        assert built(tmp_path, capsys)[2] == diags
        html = page.read_text("utf-8")
        assert html.count("<td>") + html.count("<th>") == cells
        assert ("<p>|4|5|6\n|7|8|9</p>" in html) == (cells == 6)
