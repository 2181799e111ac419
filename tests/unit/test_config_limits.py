"""`limits:` in archivegen.yaml (issue #14): read into SiteConfig.limits, checked like every
other setting (file:line of the field, exit 2), and used by `check`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archivegen.cli import main
from archivegen.config import SiteConfig, parse_config, settings_key
from archivegen.errors import Diagnostics
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.source_file import load_articles
from archivegen.model import Source

PATH = "archivegen.yaml"
FIELDS = ("article_bytes, yaml_bytes, yaml_depth, yaml_alias_nodes, links_per_article, "
          "terms_per_article, table_cells, asset_bytes")


def parse(text: str) -> tuple[SiteConfig, list[str]]:
    diags = Diagnostics()
    config = parse_config(text, PATH, diags)
    return config, [d.format() for d in diags.sorted()]


def test_limits_are_read_and_the_rest_keep_their_defaults() -> None:
    config, problems = parse("title: T\nlimits:\n  article_bytes: 1000\n  yaml_depth: 5\n")
    assert problems == []
    assert config.limits == dataclasses.replace(DEFAULT_LIMITS, article_bytes=1000,
                                                yaml_depth=5)
    assert config.title == "T"


def test_every_field_of_limits_can_be_set() -> None:
    wanted = Limits(article_bytes=11, yaml_bytes=12, yaml_depth=13, yaml_alias_nodes=14,
                    links_per_article=15)
    text = "limits: {" + ", ".join(f"{f.name}: {getattr(wanted, f.name)}"
                                   for f in dataclasses.fields(Limits)) + "}\n"
    config, problems = parse(text)
    assert (config.limits, problems) == (wanted, [])


def test_no_limits_key_gives_the_defaults() -> None:
    assert parse("title: T\n")[0].limits == DEFAULT_LIMITS == SiteConfig().limits


def test_each_bad_limit_is_reported_at_its_line_and_keeps_its_default() -> None:
    config, problems = parse(
        "limits:\n"                         # 1
        "  article_bytes: 1000\n"           # 2 ok
        "  yaml_depth: 0\n"                 # 3 not positive
        "  yaml_bytes: -5\n"                # 4 not positive
        "  links_per_article: true\n"       # 5 a bool is no count
        "  yaml_alias_nodes: '10'\n"        # 6 a string
        "  article_size: 10\n"              # 7 unknown
        "  yaml_depth_max: 9999999999\n"    # 8 unknown
    )
    must = "must be a whole number from 1 to 2,147,483,647, got"
    assert problems == [
        f"{PATH}:3:3: error: 'limits.yaml_depth' {must} 0 [AG012]",
        f"{PATH}:4:3: error: 'limits.yaml_bytes' {must} -5 [AG012]",
        f"{PATH}:5:3: error: 'limits.links_per_article' {must} True [AG012]",
        f"{PATH}:6:3: error: 'limits.yaml_alias_nodes' {must} '10' [AG012]",
        f"{PATH}:7:3: error: unknown limit 'article_size' (known limits: {FIELDS}) [AG011]",
        f"{PATH}:8:3: error: unknown limit 'yaml_depth_max' (known limits: {FIELDS}) [AG011]",
    ]
    assert config.limits == dataclasses.replace(DEFAULT_LIMITS, article_bytes=1000)


@pytest.mark.parametrize("value", ["2147483648", "1.5", "[1]", "~"])
def test_a_limit_too_large_or_not_a_whole_number_is_refused(value: str) -> None:
    config, problems = parse(f"limits: {{yaml_bytes: {value}}}\n")
    assert len(problems) == 1 and problems[0].startswith(
        f"{PATH}:1:10: error: 'limits.yaml_bytes' must be a whole number from 1 to ")
    assert config.limits == DEFAULT_LIMITS


@pytest.mark.parametrize("value", ["5", "[article_bytes]", "''", ""])
def test_limits_must_be_a_mapping(value: str) -> None:
    config, problems = parse(f"title: T\nlimits: {value}\n")
    assert [p.split(" must be ")[0] for p in problems] == [f"{PATH}:2:1: error: 'limits'"]
    assert problems[0].endswith("[AG012]")
    assert (config.limits, config.title) == (DEFAULT_LIMITS, "T")


def test_limits_are_part_of_the_settings_fingerprint() -> None:
    lowered = dataclasses.replace(SiteConfig(), limits=Limits(article_bytes=10))
    assert settings_key(lowered) != settings_key(SiteConfig())


def test_loading_makes_links_within_the_configured_limit() -> None:
    """links_per_article: 2 links the first two of five bare URLs and warns (AG032) at the
    line of the first left as text; the default links all five."""
    urls = "\n".join(f"https://example.org/{n}" for n in range(5))
    data = f"---\ntitle: Links\n---\n\nSee:\n\n{urls}\n".encode()
    source = Source(path="links.md", data=data, sha256="0" * 64)
    for limits, linked, warned in ((Limits(links_per_article=2), 2, ["links.md:9: AG032"]),
                                   (DEFAULT_LIMITS, 5, [])):
        diags = Diagnostics()
        (loaded,) = load_articles([source], diags, SiteConfig(limits=limits))
        assert loaded.record is not None
        assert loaded.record[1].count('<a href="https://example.org/') == linked
        assert [f"{d.location.path}:{d.location.line}: {d.code}" for d in diags.items] == warned


# --- through the command line -----------------------------------------------------------

ARTICLE = "---\ntitle: {title}\ndate: 2020-01-02\n---\n\n{body}\n"


def project(root: Path, settings: str) -> None:
    """A 2 KB article and a small one; archivegen.yaml holding `settings`."""
    articles = root / "articles"
    articles.mkdir()
    (articles / "big.md").write_text(ARTICLE.format(title="Big", body="word " * 400))
    (articles / "small.md").write_text(ARTICLE.format(title="Small", body="A short body."))
    (root / PATH).write_text(f"input: articles\noutput: site\n{settings}")


def test_a_bad_limit_stops_build_and_check_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path, "limits:\n  article_bytes: 0\n")
    for command in (["build"], ["check"], ["check", "articles"], ["check", "--summary"]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert err.startswith(f"{PATH}:4:3: error: 'limits.article_bytes' must be"), err
        assert "Traceback" not in err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("args", [["check"], ["check", "articles"],
                                  ["check", "--format", "json"], ["check", "--summary"]])
def test_check_uses_the_article_size_limit_of_the_settings(
        args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """article_bytes: 1000 makes the 2 KB article AG005 (a warning: the file is skipped),
    whether or not paths are given; without it, both are read."""
    project(tmp_path, "limits:\n  article_bytes: 1000\n")
    assert main([*args, "--strict"]) == 1
    out = capsys.readouterr().out
    assert "AG005" in out
    if "--summary" in args:
        assert "checked 2 files: 1 articles" in out
    else:
        assert "Small" in out and "Big" not in out
    (tmp_path / PATH).write_text("input: articles\n")  # the default limit: both read
    assert main([*args, "--strict"]) == 0
    out = capsys.readouterr().out
    assert "AG005" not in out
    assert "checked 2 files: 2 articles" in out if "--summary" in args else "Big" in out
