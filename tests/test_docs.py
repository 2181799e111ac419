"""The docs say what the code does: README.md, CONTRIBUTING.md and docs/ against the source.

- docs/diagnostics.md is what scripts/diagnostics_table.py generates from errors.CODES;
- every relative link points to a file of the repository (never outside it);
- the README's two set-up commands are the ones .ci/run runs, and its Python version is
  pyproject's;
- the README's extensions are load/filenames.py's, its settings keys and defaults config's,
  docs/limits.md's keys and defaults limits.py's;
- the layer tables of CONTRIBUTING.md are the import-linter contracts of pyproject.toml, and
  every module of src/archivegen/ is named there.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from types import ModuleType

import pytest

from archivegen.config import SiteConfig
from archivegen.errors import CODES
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.filenames import ARTICLE_SUFFIXES
from conftest import REPO

README = REPO / "README.md"
CONTRIBUTING = REPO / "CONTRIBUTING.md"
DOCS = REPO / "docs"
DOC_FILES = [README, CONTRIBUTING, *sorted(DOCS.glob("*.md"))]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _script(name: str) -> ModuleType:
    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prose(text: str) -> str:
    """Markdown without fenced code blocks and code spans (links there are not links)."""
    text = re.sub(r"^```.*?^```[^\n]*$", "", text, flags=re.M | re.S)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text, flags=re.S)


def _links(text: str) -> list[str]:
    prose = _prose(text)
    inline = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", prose)
    reference = re.findall(r"^\s*\[[^\]]+\]:\s*(\S+)", prose, flags=re.M)
    auto = re.findall(r"<([a-z][a-z0-9+.-]*:[^>\s]+)>", prose)
    return inline + reference + auto


def _is_external(target: str) -> bool:
    return bool(re.match(r"[a-z][a-z0-9+.-]*:", target, flags=re.I))


def _table_rows(lines: list[str], start: int) -> list[list[str]]:
    """The cells of the body rows of the first Markdown table at or after line `start`."""
    i = start
    while i < len(lines) and not lines[i].lstrip().startswith("|"):
        i += 1
    rows: list[list[str]] = []
    for line in lines[i + 2:]:  # past the header and its --- line
        if not line.lstrip().startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip() for cell in cells])
    return rows


def _section_start(lines: list[str], heading: str) -> int:
    for i, line in enumerate(lines):
        if line.startswith("#") and line.lstrip("#").strip().startswith(heading):
            return i
    raise AssertionError(f"no heading starting with {heading!r}")


# --- the diagnostics table ----------------------------------------------------------------


def test_diagnostics_doc_is_what_the_script_generates() -> None:
    expected = _script("diagnostics_table").table()
    written = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    assert written == expected, (
        "docs/diagnostics.md is out of date: run "
        "`.venv/bin/python scripts/diagnostics_table.py --write`")


def test_diagnostics_doc_lists_every_code() -> None:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (AG\d{3}) \|", text, flags=re.M)
    assert listed == sorted(CODES)
    assert {"AG001", "AG004", "AG060"} <= set(listed)
    for code, meaning in CODES.items():
        assert meaning in text, code


def test_diagnostics_levels_come_from_the_source() -> None:
    levels = _script("diagnostics_table").levels_in_source()
    assert levels["AG001"] == {"error"}
    assert levels["AG004"] == {"warning"}
    assert levels["AG011"] == {"error", "warning"}  # settings: error; front matter: warning
    assert "AG060" not in levels  # shown by serve, not a diagnostic of one file


# --- links ------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_point_to_files_of_the_repository(doc: Path) -> None:
    bad = []
    for target in _links(doc.read_text(encoding="utf-8")):
        if _is_external(target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        resolved = (doc.parent / path).resolve()
        if not resolved.is_relative_to(REPO) or not resolved.exists():
            bad.append(target)
    assert not bad, f"{doc.name}: links to nothing in the repository: {bad}"


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_link_leaves_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{doc.name} names a path outside the repository"
    for target in _links(text):
        assert not target.startswith(("file:", "/")), target


def test_the_link_checker_sees_links() -> None:
    text = "a [x](docs/a.md#b) `[not](here)` <https://e.org/> [y](../shared/z)\n```\n[n](m)\n```\n"
    assert _links(text) == ["docs/a.md#b", "../shared/z", "https://e.org/"]


# --- the README against the code ------------------------------------------------------


def _fenced(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.M | re.S)


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_second() -> None:
    text = README.read_text(encoding="utf-8")
    build, test = (block.strip() for block in _fenced(text, "bash")[:2])
    head = text[:text.index("\n## ")]
    assert head.count("```bash") == 2, "exactly two commands before the first section"
    assert build == ("python3 -m venv .venv && .venv/bin/pip install . "
                     "&& .venv/bin/archivegen build")
    assert test == "scripts/test"
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert ci[-1] == test, ".ci/run must end by running exactly the README's test command"
    script = REPO / test
    assert script.is_file() and script.stat().st_mode & 0o111, f"{test} must be executable"


def test_readme_states_the_python_version_pyproject_requires() -> None:
    minimum = re.fullmatch(r">=\s*(\d+\.\d+)", PYPROJECT["project"]["requires-python"])
    assert minimum, PYPROJECT["project"]["requires-python"]
    assert f"Python {minimum[1]}" in README.read_text(encoding="utf-8")


def test_readme_extensions_are_the_ones_the_loader_reads() -> None:
    text = README.read_text(encoding="utf-8")
    sentence = re.search(r"reads every (.*?) file", text, flags=re.S)
    assert sentence, "the README says which files are read ('reads every `.txt`, … file')"
    assert set(re.findall(r"`(\.\w+)`", sentence[1])) == set(ARTICLE_SUFFIXES)


def _shown_default(value: object) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == ():
        return "(none)"
    return f"`{value}`" if value != "" else "(empty)"


def test_readme_settings_table_is_config_fields() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    rows = _table_rows(lines, _section_start(lines, "Configuration"))
    documented = {row[0].strip("`"): row[1] for row in rows}
    assert list(documented) == [f.name for f in fields(SiteConfig)]
    defaults = SiteConfig()
    for name, shown in documented.items():
        value = getattr(defaults, name)
        if name == "limits":
            assert "limits.md" in shown
        else:
            assert shown == _shown_default(value), name
    assert "dates_from_file_times" in documented


def test_limits_doc_is_limits_fields() -> None:
    lines = (DOCS / "limits.md").read_text(encoding="utf-8").splitlines()
    rows = _table_rows(lines, 0)
    documented = {row[0].strip("`"): row[1] for row in rows}
    assert list(documented) == [f.name for f in fields(Limits)]
    for name, shown in documented.items():
        assert shown.split()[0] == f"`{getattr(DEFAULT_LIMITS, name)}`", name


def test_readme_front_matter_keys_are_the_loaders() -> None:
    from archivegen.load.layouts.fields import KNOWN_KEYS

    text = README.read_text(encoding="utf-8")
    bullet = re.search(r"\*\*Markdown with YAML front matter\*\*.*?(?=\n- |\n\n)", text,
                       flags=re.S)
    assert bullet
    assert set(re.findall(r"`(\w+)`", bullet[0])) >= set(KNOWN_KEYS)


# --- CONTRIBUTING.md's layers against pyproject's contracts -------------------------------


def _contract_layers(contract: dict[str, object]) -> list[set[str]]:
    layers = contract["layers"]
    assert isinstance(layers, list)
    return [{name.strip() for name in re.split(r"[|:]", layer)} for layer in layers]


def _documented_layers(container: str) -> list[set[str]]:
    lines = CONTRIBUTING.read_text(encoding="utf-8").splitlines()
    start = _section_start(lines, f"`{container}`")
    layers: dict[int, set[str]] = {}
    for row in _table_rows(lines, start):
        module = row[1].strip("`").removesuffix("/").removesuffix(".py")
        layers.setdefault(int(row[0]), set()).add(module)
    assert sorted(layers) == list(range(1, len(layers) + 1)), f"{container}: layers 1, 2, …"
    return [layers[n] for n in sorted(layers)]


CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c["containers"][0])
def test_contributing_layers_are_the_import_contracts(contract: dict[str, object]) -> None:
    containers = contract["containers"]
    assert isinstance(containers, list) and len(containers) == 1
    assert _documented_layers(containers[0]) == _contract_layers(contract)


def test_every_contract_is_written_in_contributing() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    for contract in CONTRACTS:
        assert re.search(rf"^#+ `{re.escape(contract['containers'][0])}`", text, flags=re.M)


def test_every_module_is_named_in_contributing() -> None:
    named = set(re.findall(r"`([\w./]+)`", CONTRIBUTING.read_text(encoding="utf-8")))
    package = REPO / "src" / "archivegen"
    missing = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "__init__.py":
            if path.parent != package and not ({f"{path.parent.name}/"} & named):
                missing.append(str(path.parent.relative_to(package)) + "/")
            continue
        if not {path.stem, path.name} & named:
            missing.append(str(path.relative_to(package)))
    assert not missing, f"modules CONTRIBUTING.md does not name: {missing}"
