"""Hostile YAML (issue #14): an alias bomb, deep nesting (block, and 1,000+ levels of `[`,
`{` and `- `) or an oversized document in front matter, a sidecar or archivegen.yaml is
refused with AG015 at its file:line:col, costs that article only (the settings: exit 2 and a
clear message), little memory, little time and never a traceback.

Each case is a real `archivegen build` or `check` in a subprocess of its own, in a project
folder of its own, under a cap on its address space and a timeout: before the fix the bomb's
value was quoted whole in a diagnostic (39-110 s and 4-8 GiB, then a `MemoryError`) and deep
nesting ended in a `RecursionError` traceback; a regression now fails at the cap or the
timeout instead of exhausting the machine. The fixed build needs about 160 MiB.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.errors import Diagnostics
from archivegen.load.layouts import load_source
from archivegen.model import Source

pytestmark = pytest.mark.slow  # each test builds or checks an archive over a limit

# limits.Limits' defaults (not imported, so that this file also runs on code before them).
YAML_BYTES, YAML_DEPTH = 100_000, 20
# Every document starts with a title, so a sidecar that was applied would show it.
TITLE = "title: Replaced by the YAML\n"
# Address space a whole CLI run may map (the fixed build maps about 160 MiB), and seconds
# it may take (the fixed one takes under a second): far over need, far under the old cost.
MEMORY_CAP = 1 << 30
TIMEOUT = 120
# Messages are patterns (re.fullmatch).
DEEPER = rf"YAML nested deeper than {YAML_DEPTH} levels; not read"


def alias_bomb() -> tuple[str, int, int, str]:
    """The "billion laughs": nine levels of nine aliases, 9^9 strings once expanded, given to
    `date` (whose message used to quote the value). Refused at the first alias that brings
    the expansion over 10,000 nodes: a4's first `*a3` (1-based line and column)."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = TITLE + "\n".join(lines) + "\ndate: *a8\n"
    return (text, 2 + 4, len("a4: &a4 [") + 1,
            r"YAML aliases stand for more than 10,000 nodes once expanded; not read")


def deep_block() -> tuple[str, int, int, str]:
    """300 nested block mappings (46 KB, under the size limit); the mapping at level 21 (the
    root is level 1) is refused: its first key, indented 20."""
    levels = "".join(" " * i + "k:\n" for i in range(1, 300))
    return TITLE + "d:\n" + levels + " " * 300 + "v\n", 2 + 20, 21, DEEPER


def deep_flow_sequences() -> tuple[str, int, int, str]:
    """5,000 nested flow sequences on one line; the 20th `[` opens level 21."""
    return TITLE + "d: " + "[" * 5000 + "]" * 5000 + "\n", 2, len("d: ") + 20, DEEPER


def deep_flow_mappings() -> tuple[str, int, int, str]:
    """2,000 nested flow mappings `{k: {k: ...}}`; the 20th `{` opens level 21."""
    text = TITLE + "d: " + "{k: " * 2000 + "v" + "}" * 2000 + "\n"
    return text, 2, len("d: ") + 19 * len("{k: ") + 1, DEEPER


def deep_compact_sequences() -> tuple[str, int, int, str]:
    """1,000 block sequences nested on one line (`- - - x`); the 20th `-` opens level 21."""
    return TITLE + "d:\n" + "- " * 1000 + "x\n", 3, 19 * 2 + 1, DEEPER


def oversized() -> tuple[str, int, int, str]:
    """A document over the 100,000-byte limit, refused before parsing, at its first line."""
    text = TITLE + "summary: " + "x" * YAML_BYTES + "\n"
    # (front matter is measured without its last newline: one byte less)
    return (text, 1, 1, r"YAML document of 100,03\d bytes is over the limit of 100,000; "
            "not read")


CASES = {"alias-bomb": alias_bomb, "deep-block": deep_block,
         "deep-flow-sequences": deep_flow_sequences, "deep-flow-mappings": deep_flow_mappings,
         "deep-compact-sequences": deep_compact_sequences, "oversized": oversized}
GOOD = "---\ntitle: Good {n}\ndate: 2020-01-0{n}\n---\n\nBody of good article {n}.\n"
GOOD_PAGES = ("2020/01/01/good-1/index.html", "2020/01/02/good-2/index.html")


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """`archivegen ARGS` in `root`, in a subprocess under the memory cap and the timeout:
    its exit code, stdout and stderr. A traceback (RecursionError, MemoryError) fails."""
    done = subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=root,
                          capture_output=True, text=True, timeout=TIMEOUT,
                          preexec_fn=_cap_memory, env={**os.environ, "PYTHONHASHSEED": "0"},
                          check=False)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "Error:" not in done.stderr, done.stderr[-2000:]  # RecursionError, MemoryError
    return done.returncode, done.stdout, done.stderr


def build(root: Path) -> tuple[int, list[str]]:
    """Exit code of a real build of `root`, and its AG015 lines."""
    code, _, err = run(root, "build", "--input", "articles", "--output", "site", "--quiet")
    return code, [line for line in err.splitlines() if line.endswith("[AG015]")]


def project(root: Path) -> Path:
    """Two good articles and one more, `case.md`, whose front matter is plain; the input."""
    articles = root / "articles"
    articles.mkdir()
    for n in (1, 2):
        (articles / f"good{n}.md").write_text(GOOD.format(n=n))
    (articles / "case.md").write_text("---\ntitle: Case\n---\n\nBody of the case.\n")
    return articles


def report_sources(root: Path) -> list[str]:
    report = json.loads((root / ".archivegen" / "build-report.json").read_text("utf-8"))
    return sorted(a["source"] for a in report["articles"])


def where(lines: list[str], message: str) -> list[str]:
    """`path:line:col` of each AG015 line; each must say `message` (a pattern)."""
    found = [line.partition(": error: ") for line in lines]
    assert all(re.fullmatch(message + r" \[AG015\]", said) for _, _, said in found), lines
    return [at for at, _, _ in found]


@pytest.mark.parametrize("case", CASES)
def test_front_matter_over_a_limit_skips_its_article(case: str, tmp_path: Path) -> None:
    text, line, col, message = CASES[case]()
    articles = project(tmp_path)
    (articles / "case.md").write_text("---\n" + text + "---\n\nBody of the case.\n")
    code, found = build(tmp_path)
    # The front matter is one line below the file's first: the `---`.
    assert where(found, message) == [f"case.md:{line + 1}:{col}"]
    assert code == 1  # a content error: the article is skipped, the rest is built
    assert report_sources(tmp_path) == ["good1.md", "good2.md"]
    assert all((tmp_path / "site" / page).is_file() for page in GOOD_PAGES)
    assert not (tmp_path / "site" / "undated" / "case").exists()


@pytest.mark.parametrize("case", CASES)
def test_sidecar_over_a_limit_is_ignored_and_its_article_built(case: str,
                                                               tmp_path: Path) -> None:
    text, line, col, message = CASES[case]()
    articles = project(tmp_path)
    (articles / "case.md.yaml").write_text(text)
    code, found = build(tmp_path)
    assert where(found, message) == [f"case.md.yaml:{line}:{col}"]
    assert code == 1
    assert report_sources(tmp_path) == ["case.md", "good1.md", "good2.md"]
    assert all((tmp_path / "site" / page).is_file() for page in GOOD_PAGES)
    page = (tmp_path / "site" / "undated" / "case" / "index.html").read_text("utf-8")
    assert "Replaced by the YAML" not in page  # built as its own file states it


@pytest.mark.parametrize("case", CASES)
def test_settings_file_over_a_limit_builds_nothing(case: str, tmp_path: Path) -> None:
    text, line, col, message = CASES[case]()
    project(tmp_path)
    (tmp_path / "archivegen.yaml").write_text(text)  # the working folder's settings
    code, _, err = run(tmp_path, "build", "--input", "articles", "--output", "site")
    assert code == 2  # a configuration error
    first, *rest = err.splitlines()
    assert where([first], message) == [f"archivegen.yaml:{line}:{col}"]
    assert rest == ["error: 1 problem(s) in archivegen.yaml; nothing was built"]
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("case", CASES)
def test_check_reports_the_limit_per_file(case: str, tmp_path: Path) -> None:
    """`check --format json` names the file and line, reads the rest, and stays valid JSON."""
    text, line, col, message = CASES[case]()
    articles = project(tmp_path)
    (articles / "case.md").write_text("---\n" + text + "---\n\nBody of the case.\n")
    (articles / "good1.md.yaml").write_text(text)
    code, out, _ = run(tmp_path, "check", "--format", "json", "articles")
    assert code == 1
    files = {f["path"]: f for f in json.loads(out)["files"]}
    hits = [d for f in files.values() for d in f["diagnostics"] if d["code"] == "AG015"]
    assert all(re.fullmatch(message, d["message"]) for d in hits), hits
    assert sorted((d["path"], d["line"], d["col"]) for d in hits) == [
        ("articles/case.md", line + 1, col), ("articles/good1.md.yaml", line, col)]
    assert files["articles/case.md"]["articles"] == []
    assert [len(files[f"articles/good{n}.md"]["articles"]) for n in (1, 2)] == [1, 1]


# --- arbitrary YAML-ish front matter and sidecars never raise out of load_source ----------

PIECES = st.sampled_from([
    "title: x", "date: 2017-02-30", "date: *a", "tags: [a, b]", "authors: {a: 1}", "k:", "- ",
    "- x", "[", "]", "{", "}", ", ", ": ", "&a ", "*a", "*b", "&b [*a, *a]", "<<: *a",
    "<<: [*a, *b]", "? ", "!!binary", "!!python/object/apply:os.system", "!!int", "!!float",
    "!!timestamp", "!!map", "!!set", "!!omap", "|", ">-", "'", '"', '"\\ud800"', "\\x00",
    "%YAML 1.1", "---", "...", "#", "~", ".inf", "0x1F", "1" * 5000, "2001-12-14t21:59:43.10-05",
    "\t", "\ufeff", "\x85", "é", "null", "yes",
    # Nesting past the limit, and past Python's stack before the fix (RecursionError).
    "[" * 600, "- " * 600, "{a: " * 600,
])
YAML_ISH = st.lists(st.tuples(st.integers(0, 6), st.lists(PIECES, max_size=6)),
                    max_size=30).map(
    lambda rows: "\n".join(" " * indent + " ".join(parts) for indent, parts in rows))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAML_ISH, YAML_ISH)
def test_yaml_ish_front_matter_and_sidecar_never_raise(front: str, sidecar: str) -> None:
    data = ("---\n" + front + "\n---\n\nBody.\n").encode("utf-8", "surrogatepass")
    source = Source(path="a.md", data=data, sha256="0" * 64, sidecar_path="a.md.yaml",
                    sidecar=sidecar.encode("utf-8", "surrogatepass"))
    diags = Diagnostics()
    load_source(source, diags)  # returns or reports: no exception
    assert all(d.location.path in ("a.md", "a.md.yaml") for d in diags.items)


def test_the_defaults_are_those_above() -> None:
    from archivegen.limits import DEFAULT_LIMITS

    assert (DEFAULT_LIMITS.yaml_bytes, DEFAULT_LIMITS.yaml_depth) == (YAML_BYTES, YAML_DEPTH)
