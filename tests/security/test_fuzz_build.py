"""No traceback reaches the user for any input (issue #14): hypothesis fuzzing through the
whole build.

Inputs come from grammar-shaped strategies (fuzz_strategies.py): real files of every layout
mutated line by line, YAML front matter and sidecars written from a grammar of odd scalars,
tags, anchors and nestings, and file names as bytes with controls, bidi overrides, lone
surrogates (surrogateescape), very long names and names that slug alike. Each example is
built for real (archivegen.dispatch.build on a temporary project, with and without the cache,
and once more through the CLI), and checked (`archivegen check`, text and JSON), in-process;
a few run the CLI as a program. Whatever the input:

- no exception escapes, and none is caught by the per-file safety net (AG051 is a bug);
- exit codes are 0 or 1; every diagnostic names a file; the terminal gets escaped text;
- every page parses as balanced HTML with no script, no event handler, no `javascript:` URL
  and no tag that neither the theme nor Markdown makes; every feed parses as XML; every JSON
  file (the manifest, the build report, `check --format json`) parses and is UTF-8;
- two builds, cached and clean, write the same bytes.

The default run is small for CI. A long campaign: `AG_FUZZ_EXAMPLES=5000 pytest
tests/security/test_fuzz_build.py` (every test then draws that many examples).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fuzz_strategies import (
    front_matter_article,
    layouts,
    mutated_article,
    named_files,
    seeds,
    to_bytes,
    write_files,
    yaml_mapping,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivegen.cli import main
from archivegen.config import SiteConfig
from archivegen.dispatch import build
from archivegen.errors import Diagnostic, Diagnostics
from archivegen.load.source_file import load_one
from archivegen.markdown.engine import make_markdown
from archivegen.model import Source
from archivegen.report import BuildReport
from conftest import published, remember

pytestmark = pytest.mark.slow  # builds of generated archives (hypothesis)

EXAMPLES = int(os.environ.get("AG_FUZZ_EXAMPLES", "0"))


def fuzz(default: int) -> settings:
    """`default` examples in CI, drawn the same on every run (a suite that fails one run in
    twenty helps nobody: new inputs are the campaign's job); AG_FUZZ_EXAMPLES random ones in
    a campaign. Never a deadline: a build takes a fraction of a second, more on a busy
    machine."""
    if EXAMPLES:
        return settings(max_examples=EXAMPLES, deadline=None,
                        suppress_health_check=list(HealthCheck))
    return settings(max_examples=default, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# --- what every output must be ------------------------------------------------------------

# Elements the theme and the Markdown renderer make; anything else came from an input.
ALLOWED_TAGS = frozenset((
    "html", "head", "meta", "title", "link", "body", "header", "nav", "main", "footer",
    "section", "article", "div", "span", "a", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
    "ol", "li", "dl", "dt", "dd", "em", "strong", "code", "pre", "blockquote", "hr", "br",
    "img", "table", "thead", "tbody", "tr", "th", "td", "s", "sup", "time", "details",
    "summary",
    # timelines (inline SVG) and the term index's sort switch
    "figure", "figcaption", "svg", "rect", "label", "input",
    # the search box on every page, and the search page's form
    "form", "button", "select", "option", "fieldset", "legend", "noscript"))
VOID_TAGS = frozenset(("br", "hr", "img", "link", "meta", "input"))
# The one script element a page has: the theme's search, loaded by the search page.
SEARCH_PAGE = "search/index.html"
SEARCH_SCRIPT = re.compile(r'<script src="(?:\.\./)*static/search\.js" defer></script>')
# An article page's metadata: a data block (never run), JSON with no "<" in it.
JSON_LD = re.compile(r'<script type="application/ld\+json">([^<]*)</script>')
# The style attributes the theme writes: a term's count, for the index's order by count, and
# the endnotes' label in the site's language (a theme message, as render.templates.css_string
# quotes it: no quote, backslash, line break or angle bracket unescaped).
THEME_STYLE = re.compile(r'--count: \d+|--notes-label: "(?:[^"\\\n\r\f<>]|\\[0-9a-f]+ )*"')
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite"})
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file):", re.IGNORECASE)
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
# Raw bytes a terminal must never receive (see test_output_validity.TERMINAL_UNSAFE).
TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                             "\ud800-\udfff]")


class PageChecker(HTMLParser):
    """Walks a page and lists what is wrong with it: unbalanced or unknown elements, event
    handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> is not an element we make")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc" or (
                    name == "style" and not THEME_STYLE.fullmatch(value or "")):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(URL_IGNORED.sub("", value or "")):
                self.problems.append(f"<{tag} {name}={value!r}>")


def assert_page_is_safe(name: str, data: bytes) -> None:
    text = data.decode("utf-8")  # strict: a page is UTF-8
    if name == SEARCH_PAGE:
        text, found = SEARCH_SCRIPT.subn("", text)
        assert found == 1, f"{name}: the search script"
    blocks = JSON_LD.findall(text)
    assert len(blocks) <= 1, f"{name}: {len(blocks)} JSON-LD blocks"
    for block in blocks:
        json.loads(block)  # (a ValueError fails the test, naming the block)
    text = JSON_LD.sub("", text)
    assert re.search(r"<\s*script", text, re.IGNORECASE) is None, f"{name}: <script"
    checker = PageChecker()
    checker.feed(text)
    checker.close()
    problems = checker.problems + ([f"unclosed {checker.stack}"] if checker.stack else [])
    assert not problems, f"{name}: {problems[:5]}"


def assert_json_text(name: str, data: bytes) -> object:
    """Parsed JSON whose strings are all encodable UTF-8 (no lone surrogate, even escaped)."""
    parsed = json.loads(data.decode("utf-8"))
    json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    return parsed


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_site_is_valid(site: Path) -> dict[str, bytes]:
    files = tree(site)
    for name, data in files.items():
        if name.endswith(".html"):
            assert_page_is_safe(name, data)
        elif name.endswith(".xml"):
            ET.fromstring(data)  # a feed a reader takes
        elif name.endswith(".json"):
            assert_json_text(name, data)
    return files


def assert_diagnostics_name_files(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]
                                  ) -> None:
    for d in diagnostics:
        assert d.code != "AG051", f"an unexpected error was caught: {d.format()}"
        assert d.location.path.strip(), f"no file named: {d.format()}"
        assert TERMINAL_UNSAFE.search(d.format()) is None, d.format()


@contextlib.contextmanager
def captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def assert_terminal_safe(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text
        found = TERMINAL_UNSAFE.search(text)
        assert found is None, f"raw {found[0]!r} in {text[:300]!r}"


def build_everything(files: dict[bytes, bytes], edits: dict[bytes, bytes | None] | None = None
                     ) -> None:
    """Build `files` as an archive (cached, then through the CLI, then clean elsewhere),
    check them, and assert everything the module docstring promises. With `edits` (new
    bytes, or None to delete), the CLI then rebuilds the edited archive incrementally, and
    a clean build of it must write the same bytes."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        project = Path(tmp)
        write_files(project / "in", files)
        os.chdir(project)  # the CLI's project folder (the test's own folder is restored)
        report = build(project, SiteConfig(input="in", output="out"))
        assert_diagnostics_name_files(report.diagnostics)
        built = assert_site_is_valid(project / "out")
        assert_json_text("build-report.json",
                         (project / ".archivegen" / "build-report.json").read_bytes())
        cli_build()  # nothing changed: answered from the cache
        assert tree(project / "out") == built
        if edits:
            edit_files(project / "in", edits)
            had_errors = cli_build() == 1  # a quick or incremental rebuild
            before, built = built, assert_site_is_valid(project / "out")
            report = clean_build(project, "out3")
            clean = tree(project / "out3")
            assert_same_site(clean, built, before if had_errors else {})
            built = clean  # what the next clean build must write again
        again = clean_build(project, "out2")
        assert [d.format() for d in again.diagnostics] == [
            d.format() for d in report.diagnostics]
        assert tree(project / "out2") == built, "a clean build wrote other bytes"
        check_everything(project / "in")


def clean_build(project: Path, output: str) -> BuildReport:
    """A clean build of the project's input into `output`, from a new build state that
    remembers only the URLs the project published (the same redirect pages)."""
    state = project / f"state-{output}"
    shutil.rmtree(project / output, ignore_errors=True)
    remember(state, published(project))
    return build(state, SiteConfig(input=str(project / "in"), output=str(project / output)))


def cli_build() -> int:
    with captured() as (out, err):
        code = main(["build", "--input", "in", "--output", "out", "--quiet"])
    assert code in (0, 1), err.getvalue()
    assert_terminal_safe(out.getvalue(), err.getvalue())
    return code


def assert_same_site(clean: dict[str, bytes], built: dict[str, bytes],
                     stale: dict[str, bytes]) -> None:
    """An incremental build wrote what a clean one writes; after a build with errors, it
    also keeps the files of the build before (`stale`) that this one no longer makes."""
    if not stale:
        assert built == clean, "an incremental build wrote other bytes"
        return
    for name, data in clean.items():
        if name != ".archivegen-manifest.json":  # it lists the files kept, too
            assert built.get(name) == data, f"an incremental build wrote other {name}"
    kept = set(built) - set(clean)
    assert kept <= set(stale), f"files neither built nor kept: {sorted(kept - set(stale))}"


def edit_files(folder: Path, edits: dict[bytes, bytes | None]) -> None:
    for name, data in edits.items():
        path = os.path.join(os.fsencode(folder), name)
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        else:
            write_files(folder, {name: data})


def check_everything(folder: Path) -> None:
    with captured() as (out, err):
        code = main(["check", str(folder)])
    assert code in (0, 1), err.getvalue()
    assert_terminal_safe(out.getvalue(), err.getvalue())
    with captured() as (out, err):
        code = main(["check", "--format", "json", str(folder)])
    assert code in (0, 1), err.getvalue()
    assert_terminal_safe(err.getvalue())
    data = assert_json_text("check --format json", out.getvalue().encode("utf-8"))
    assert isinstance(data, dict)
    for entry in data["files"]:
        assert entry["path"], entry
        for d in entry["diagnostics"]:
            assert d["path"] and d["code"] != "AG051", d
    with captured() as (out, err):
        code = main(["check", "--summary", str(folder)])
    assert code in (0, 1), err.getvalue()
    assert_terminal_safe(out.getvalue(), err.getvalue())


def load_alone(name: str, data: bytes, sidecar: bytes | None = None) -> None:
    """One file through loading, repair and Markdown: the step the build's safety net
    (AG051) guards, asserted here without it."""
    diags = Diagnostics()
    source = Source(path=name, data=data, sha256="0" * 64,
                    sidecar_path=name + ".yaml" if sidecar is not None else "",
                    sidecar=sidecar)
    load_one(source, diags, MARKDOWN)
    assert_diagnostics_name_files(diags.items)


MARKDOWN = make_markdown()


def suffixed(seed_name: str, index: int) -> bytes:
    return f"{index:02d}_{seed_name}".encode()


# --- the layouts ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", layouts())
@fuzz(default=4)
@given(data=st.data())
def test_mutated_files_of_each_layout_build_cleanly(layout: str, data: st.DataObject) -> None:
    """One to three real files of `layout`, mutated (an extra one of any layout beside);
    then one is mutated again, or removed, and the archive rebuilt."""
    articles = data.draw(st.lists(mutated_article(layout), min_size=1, max_size=3))
    articles += data.draw(st.lists(mutated_article(), max_size=1))
    files = {suffixed(name, i): text for i, (name, text) in enumerate(articles)}
    edited = data.draw(st.sampled_from(sorted(files)))
    edit = data.draw(st.none() | mutated_article(layout).map(lambda article: article[1]))
    build_everything(files, {edited: edit})


@fuzz(default=4)
@given(data=st.data())
def test_near_duplicates_build_cleanly(data: st.DataObject) -> None:
    """Two to four mutated copies of one real file: duplicate detection and the pages of
    the copies folded into one article."""
    seed = data.draw(st.sampled_from(seeds()))
    variants = data.draw(st.lists(mutated_article(seed=seed.name, max_mutations=4),
                                  min_size=2, max_size=4))
    build_everything({suffixed(name, i): text for i, (name, text) in enumerate(variants)})


@pytest.mark.parametrize("layout", layouts())
@fuzz(default=30)
@given(article=st.data())
def test_mutated_files_of_each_layout_load_without_error(layout: str,
                                                         article: st.DataObject) -> None:
    name, data = article.draw(mutated_article(layout, max_mutations=12))
    load_alone(name, data)


# --- YAML: front matter and sidecars --------------------------------------------------------


@fuzz(default=8)
@given(articles=st.lists(front_matter_article(), min_size=1, max_size=3))
def test_generated_front_matter_builds_cleanly(articles: list[bytes]) -> None:
    build_everything({f"fm{i}.md".encode(): text for i, text in enumerate(articles)})


@fuzz(default=40)
@given(article=front_matter_article())
def test_generated_front_matter_loads_without_error(article: bytes) -> None:
    load_alone("fm.md", article)


@fuzz(default=6)
@given(article=mutated_article(), sidecar=yaml_mapping(),
       encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "latin-1")))
def test_generated_sidecars_build_cleanly(article: tuple[str, bytes], sidecar: str,
                                          encoding: str) -> None:
    name = suffixed(article[0], 0)
    raw = to_bytes(sidecar) if encoding == "utf-8" else sidecar.encode(encoding, "replace")
    build_everything({name: article[1], name + b".yaml": raw,
                      b"other.md": b"---\ntitle: Other\n---\n\nBody.\n"})


@fuzz(default=40)
@given(article=mutated_article(max_mutations=3), sidecar=yaml_mapping())
def test_generated_sidecars_load_without_error(article: tuple[str, bytes],
                                               sidecar: str) -> None:
    load_alone(article[0], article[1], to_bytes(sidecar))


# --- file names -----------------------------------------------------------------------------


@fuzz(default=8)
@given(files=named_files())
def test_odd_file_names_build_cleanly(files: dict[bytes, bytes]) -> None:
    build_everything(files)


@fuzz(default=6)
@given(files=named_files(), folder=st.sampled_from(
    (b"sub", b"\xff\xfe", b"\x1b[2J", "\u202e".encode(), b"a" * 255, b"-", b"feed.xml")))
def test_odd_file_names_in_odd_folders_build_cleanly(files: dict[bytes, bytes],
                                                     folder: bytes) -> None:
    build_everything({folder + b"/" + name: data for name, data in files.items()}
                     | {b"top.txt": b"Top article\n\nIts body.\n"})


# --- the real command line ------------------------------------------------------------------


def archivegen(*args: str, cwd: Path, encoding: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=cwd,
                          capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": encoding})


@settings(fuzz(default=2), max_examples=EXAMPLES // 50 or 2)
@given(articles=st.lists(mutated_article(), min_size=1, max_size=4),
       front=st.lists(front_matter_article(), max_size=2), names=named_files(),
       sidecar=yaml_mapping(), encoding=st.sampled_from(("utf-8", "ascii", "latin-1")))
def test_the_command_line_never_shows_a_traceback(
        articles: list[tuple[str, bytes]], front: list[bytes], names: dict[bytes, bytes],
        sidecar: str, encoding: str) -> None:
    """The program as a user runs it, on a terminal of any of three encodings: exit 0 or 1,
    no traceback, no raw control bytes."""
    files = {suffixed(name, i): text for i, (name, text) in enumerate(articles)}
    files[next(iter(files)) + b".yaml"] = to_bytes(sidecar)
    files |= {f"fm{i}.md".encode(): text for i, text in enumerate(front)} | names
    with tempfile.TemporaryDirectory(prefix="fuzz-cli-") as tmp:
        project = Path(tmp)
        write_files(project / "in", files)
        for args in (("build", "--input", "in", "--output", "out"),
                     ("build", "--input", "in", "--output", "out"),
                     ("check", "in"), ("check", "--format", "json", "in"),
                     ("check", "--summary", "in")):
            proc = archivegen(*args, cwd=project, encoding=encoding)
            stderr = proc.stderr.decode(encoding)
            assert proc.returncode in (0, 1), (args, stderr)
            assert "Traceback" not in stderr, (args, stderr)
            assert_terminal_safe(proc.stdout.decode(encoding), stderr)
        assert_site_is_valid(project / "out")


# --- bugs the fuzzing found, as plain examples ----------------------------------------------


def test_check_json_is_json_for_a_file_name_holding_del(tmp_path: Path) -> None:
    """Found by the fuzzer: in an all-ASCII report, a DEL (from a file name or a title) was
    left raw by records.dumps, and the terminal's escaping then wrote it as `\\x7f`, which
    is no JSON escape: `check --format json` printed JSON no parser takes."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "odd\x7fname.txt").write_text("A title\n\nA body of text.\n")
    with captured() as (out, _):
        assert main(["check", "--format", "json", str(tmp_path / "in")]) == 0
    data = json.loads(out.getvalue())
    assert data["files"][0]["path"].endswith("odd\x7fname.txt")
    assert "\x7f" not in out.getvalue()  # escaped as \u007f, inert on a terminal
