"""archivegen.yaml: a frozen, typed SiteConfig; every problem reported at once with file:line."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from archivegen.config import SiteConfig, parse_config, with_overrides
from archivegen.errors import Diagnostics

PATH = "site/archivegen.yaml"
KNOWN = ("base_url, dates_from_file_times, description, drafts, excerpt_words, export, "
         "feed_size, input, "
         "language, "
         "limits, "
         "output, page_size, portable, redirects, search, "
         "theme_dir, title")


def parse(text: str) -> tuple[SiteConfig, list[str]]:
    diags = Diagnostics()
    config = parse_config(text, PATH, diags)
    return config, [d.format() for d in diags.sorted()]


def test_valid_file_gives_the_values() -> None:
    config, problems = parse(
        "title: My Archive\n"
        "description: Old news\n"
        "base_url: https://example.org/news/\n"
        "language: fr\n"
        "input: articles\n"
        "output: public\n"
        "theme_dir: theme\n"
        "page_size: 5\n"
        "excerpt_words: 0\n"
    )
    assert problems == []
    assert config == SiteConfig(title="My Archive", description="Old news",
                                base_url="https://example.org/news/", language="fr",
                                input="articles", output="public", theme_dir="theme",
                                page_size=5, excerpt_words=0)


def test_empty_file_gives_defaults() -> None:
    config, problems = parse("")
    assert problems == []
    assert config == SiteConfig()


def test_config_is_frozen() -> None:
    config, _ = parse("title: T\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.page_size = 1  # type: ignore[misc]


def test_all_problems_reported_together_with_line_and_column() -> None:
    config, problems = parse(
        "title: Kept\n"              # 1 ok
        "bogus: 1\n"                 # 2 unknown
        "page_size: true\n"          # 3 bool is not an int
        "\n"                         # 4
        "excerpt_words: nope\n"      # 5 wrong type
        "  # comment\n"              # 6
        "colour: red\n"              # 7 unknown
        "language: 12\n"             # 8 wrong type
        "output: out\n"              # 9 ok
    )
    assert problems == [
        f"{PATH}:2:1: error: unknown config key 'bogus' (known keys: {KNOWN}) [AG011]",
        f"{PATH}:3:1: error: 'page_size' must be a whole number, got true or false [AG012]",
        f"{PATH}:5:1: error: 'excerpt_words' must be a whole number, got a string [AG012]",
        f"{PATH}:7:1: error: unknown config key 'colour' (known keys: {KNOWN}) [AG011]",
        f"{PATH}:8:1: error: 'language' must be a string, got a whole number [AG012]",
    ]
    # Valid keys still apply; invalid ones fall back to defaults.
    assert config.title == "Kept"
    assert config.output == "out"
    assert config.page_size == SiteConfig().page_size
    assert config.excerpt_words == SiteConfig().excerpt_words
    assert config.language == SiteConfig().language


def test_column_is_reported_for_indented_mapping() -> None:
    _, problems = parse("  title: T\n  nope: 1\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{PATH}:2:3: error: unknown config key 'nope'")


@pytest.mark.parametrize("value", ["true", "false", "yes", "on"])
def test_bool_page_size_is_rejected(value: str) -> None:
    config, problems = parse(f"page_size: {value}\n")
    assert config.page_size == 20
    assert [p.split(" [")[-1] for p in problems] == ["AG012]"]
    assert problems[0].startswith(f"{PATH}:1:1: error: 'page_size' must be a whole number")


@pytest.mark.parametrize("value", ["5.0", "'5'", "[5]", "{n: 5}", ""])
def test_page_size_of_other_types_is_rejected(value: str) -> None:
    config, problems = parse(f"title: T\npage_size: {value}\n")
    assert config.page_size == 20
    assert config.title == "T"
    assert len(problems) == 1
    assert problems[0].startswith(f"{PATH}:2:1: error: 'page_size' must be a whole number")
    assert problems[0].endswith("[AG012]")


@pytest.mark.parametrize(("text", "line"),
                         [("page_size: 0\n", 1), ("page_size: -3\n", 1),
                          ("title: x\npage_size: 10001\n", 2),
                          ("excerpt_words: -1\n", 1), ("excerpt_words: 1001\n", 1)])
def test_out_of_range_numbers_rejected(text: str, line: int) -> None:
    config, problems = parse(text)
    assert config.page_size == 20
    assert config.excerpt_words == 40
    assert len(problems) == 1
    assert problems[0].startswith(f"{PATH}:{line}:1: error: ")
    assert "must be between" in problems[0]
    assert problems[0].endswith("[AG012]")


@pytest.mark.parametrize(("text", "size"), [("page_size: 1\n", 1),
                                            ("page_size: 10000\n", 10000)])
def test_page_size_limits_are_inclusive(text: str, size: int) -> None:
    config, problems = parse(text)
    assert problems == []
    assert config.page_size == size


def test_yaml_syntax_error_gives_ag010_with_line() -> None:
    config, problems = parse("title: T\npage_size: 3\ndescription: a\n  bad: indent\n")
    assert config == SiteConfig()
    assert len(problems) == 1
    assert problems[0].startswith(f"{PATH}:4:")
    assert "YAML syntax error" in problems[0]
    assert problems[0].endswith("[AG010]")


def test_unclosed_flow_sequence_is_a_syntax_error() -> None:
    _, problems = parse("title: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].endswith("[AG010]")
    assert problems[0].startswith(f"{PATH}:")


@pytest.mark.parametrize("text", ["- title\n- page_size\n", "just a sentence\n", "42\n"])
def test_non_mapping_document(text: str) -> None:
    config, problems = parse(text)
    assert config == SiteConfig()
    assert problems == [f"{PATH}:1:1: error: expected a mapping of keys to values [AG012]"]


def test_duplicate_keys_reported_first_value_kept() -> None:
    config, problems = parse("title: First\npage_size: 3\ntitle: Second\n")
    assert problems == [f"{PATH}:3:1: error: key 'title' repeats the one on line 1 [AG011]"]
    assert config.title == "First"
    assert config.page_size == 3


@pytest.mark.parametrize(
    "template",
    ["title: !!python/object/apply:os.system [\"touch {marker}\"]\n",
     "!!python/object/apply:os.system [\"touch {marker}\"]\n",
     "page_size: !!python/object/apply:os.system [\"touch {marker}\"]\n"],
)
def test_yaml_is_loaded_safely(template: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a) or 0)
    marker = tmp_path / "pwned"
    diags = Diagnostics()
    config = parse_config(template.format(marker=marker), PATH, diags)
    assert calls == []
    assert not marker.exists()
    assert diags.errors >= 1
    assert all(d.location.path == PATH and d.location.line == 1 for d in diags.items)
    assert config == SiteConfig()


def test_with_overrides_command_line_wins() -> None:
    config, _ = parse("input: a\noutput: b\ntitle: T\n")
    assert with_overrides(config, input="x", output=None) == dataclasses.replace(
        config, input="x")
    assert with_overrides(config, input=None, output="y") == dataclasses.replace(
        config, output="y")
    assert with_overrides(config) == config


@pytest.mark.parametrize("text, expected", [
    ('base_url: "javascript:alert(1)//"', "'base_url' must be an absolute http(s) URL "
     "(https://example.org/news/) or a path starting with '/' (/news/), without query or "
     "fragment; got 'javascript:alert(1)//'"),
    ('base_url: "JavaScript:alert(1)"', "'base_url' must be"),
    ('base_url: "//evil.example/"', "'base_url' must be"),
    ('base_url: "/\\\\evil.example/"', "'base_url' must be"),
    ('base_url: "http://"', "'base_url' must be"),
    ('base_url: "https://example.org/?a=1"', "'base_url' must be"),
    ('base_url: "https://example.org/#top"', "'base_url' must be"),
    ('base_url: "https://exa mple.org/"', "'base_url' must be"),
    ('base_url: "https://example.org/\\"onmouseover=x"', "'base_url' must be"),
    ('base_url: "ftp://example.org/"', "'base_url' must be"),
    ('base_url: "https://[::1"', "'base_url' must be"),
    ('base_url: "example.org"', "'base_url' must be"),
    ('title: "A\\e[2JB"', "'title' must not contain control characters or lone surrogates "
     "(found \\x1b)"),
    ('title: "A\\ud800"', "'title' must not contain control characters or lone surrogates "
     "(found \\ud800)"),
    ('description: "A\\x85"', "'description' must not contain control characters"),
    ('language: "en\\tus"', "'language' must not contain control characters"),
    ('output: "out\\0put"', "'output' must not contain control characters"),
    ('input: "in\\nput"', "'input' must not contain control characters"),
    ('theme_dir: "t\\x7f"', "'theme_dir' must not contain control characters"),
    ('language: "en US"', "'language' must be a language tag such as en or pt-BR; got 'en US'"),
    ('language: "en\\"><b>"', "'language' must be a language tag"),
])
def test_unusable_values_are_errors(text: str, expected: str) -> None:
    config, problems = parse(text + "\n")
    assert len(problems) == 1 and problems[0].startswith(f"{PATH}:1:1: error: {expected}")
    assert problems[0].endswith("[AG012]")
    assert config == SiteConfig()  # the value is not used


@pytest.mark.parametrize("text", [
    "base_url: https://example.org/news/", "base_url: HTTP://Example.org", "base_url: /news/",
    "base_url: /", "base_url: ''", "base_url: https://user@example.org:8080/a/b/",
    "base_url: https://[::1]:8000/", "language: pt-BR", "language: ''", "language: zh-Hant-TW",
    'description: "Two lines\\nand a\\ttab"', "title: Ärchiv — «news» & <notes>",
])
def test_usable_values_are_accepted(text: str) -> None:
    _, problems = parse(text + "\n")
    assert problems == []


def test_paths_starting_with_a_tilde_are_the_home_folders(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """`output: ~/site` made a folder named "~" in the project (and "rm -rf ~" to remove it
    is a user's worst day): input, output and theme_dir are expanded as a shell would."""
    monkeypatch.setenv("HOME", "/home/someone")
    diags = Diagnostics()
    config = parse_config("input: ~/articles\noutput: ~/site\ntheme_dir: ~/theme\n"
                          "title: ~/not a path\n", "archivegen.yaml", diags)
    assert diags.items == []
    assert (config.input, config.output, config.theme_dir, config.title) == (
        "/home/someone/articles", "/home/someone/site", "/home/someone/theme", "~/not a path")


@pytest.mark.parametrize(("text", "formats"), [
    ("export: [json, csv, sqlite]", ("json", "csv", "sqlite")),
    ("export: [sqlite, json, json]", ("json", "sqlite")),  # one order, each once
    ("export: csv", ("csv",)),
    ("export: []", ()),
    ("export:", ()),
])
def test_export_formats(text: str, formats: tuple[str, ...]) -> None:
    config, problems = parse(text + "\n")
    assert problems == []
    assert config.export == formats


@pytest.mark.parametrize(("text", "named"), [
    ("export: [json, xlsx]", "got 'xlsx'"),
    ("export: [JSON]", "got 'JSON'"),
    ("export: [1]", "got 1"),
    ("export: {json: true}", "must be a list of formats"),
])
def test_bad_export_formats_are_named(text: str, named: str) -> None:
    config, problems = parse(text + "\n")
    assert len(problems) == 1 and problems[0].endswith("[AG012]"), problems
    assert named in problems[0] and problems[0].startswith(f"{PATH}:1:1: error: 'export'")
    assert config.export == ()
