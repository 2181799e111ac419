"""Every XML and JSON file archivegen writes is valid, config values are checked, and the
terminal only ever receives escaped text (issue #14), whatever the articles hold.

Each class is shown as a user meets it: a build through the CLI (conftest.run_build), or
`archivegen check` run as a program, whose output bytes are what a terminal would receive.
Lone surrogates reach the text through YAML escapes ("\\ud800" in front matter); in JSON we
write they become U+FFFD (strict JSON parsers reject them even escaped).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SEED_FILE, SEEDS, run_build

HOSTILE = FIXTURES / "hostile"
# Raw characters no page or feed may carry (see render.valid_text): what XML refuses, and the
# bidi controls that would show a name reordered ("\u202eevil" reads "live").
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                      "\u202a-\u202e\u2066-\u2069]")
# Raw bytes a terminal must never receive: C0 controls but \n, DEL, and in UTF-8 the C1
# controls and the bidi embeddings, overrides and isolates.
TERMINAL_UNSAFE = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]"
                             rb"|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
# Pieces that break XML, JSON or a terminal when written raw.
NASTY = ["\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9b", "\u202e",
         "\u2066", "\ufffe", "\uffff", "]]>", "&", "&amp;", "<", "<![CDATA[", "\"", "'",
         "\\", "<http://example.org/a&b>", "[l](http://example.org/\x01)"]


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, every control character and surrogate as an
    escape (raw ones are refused by the YAML reader before anything is built)."""
    out = []
    for char in text:
        code = ord(char)
        if char in "\"\\":
            out.append("\\" + char)
        elif code < 0x20 or 0x7f <= code <= 0x9f or 0xd800 <= code <= 0xdfff or code > 0xfffd:
            out.append(f"\\u{code:04x}" if code <= 0xffff else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def front_matter_article(title: str, body: str, *, theme: str = "Shared theme",
                         author: str = "A. Writer") -> str:
    return (f"---\ntitle: {yaml_quoted(title)}\ndate: 2021-02-03\n"
            f"authors: [{yaml_quoted(author)}]\nthemes: [{yaml_quoted(theme)}, \"Shared theme\"]\n"
            f"summary: {yaml_quoted(body[:80])}\n---\n\n{body}\n")


def write_hostile_input(folder: Path, title: str, body: str, author: str = "A. Writer") -> Path:
    """A plain article and a hostile one sharing a theme (so they share feeds)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plain.md").write_text(front_matter_article("Plain title", "Plain body text."))
    (folder / "hostile.md").write_text(front_matter_article(title, body, author=author),
                                       encoding="utf-8")
    return folder


def assert_feeds_parse(site: Path) -> int:
    feeds = sorted(site.rglob("feed.xml"))
    for feed in feeds:
        try:
            xml.dom.minidom.parse(str(feed))
        except Exception as exc:  # ExpatError: name the feed that does not parse
            raise AssertionError(f"{feed.relative_to(site)}: {exc}") from exc
    return len(feeds)


def assert_pages_are_text(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        found = NOT_TEXT.search(page.read_bytes().decode("utf-8"))
        assert found is None, f"{page.relative_to(site)} holds {found[0]!r}"


def assert_report_is_json(project: Path) -> dict[str, object]:
    data = (project / ".archivegen" / "build-report.json").read_bytes()
    parsed: dict[str, object] = json.loads(data.decode("utf-8"))
    return parsed


def archivegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a program: its output as the bytes a terminal or a pipe receives."""
    return subprocess.run([sys.executable, "-m", "archivegen", *args], cwd=cwd,
                          capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


# --- 1. feeds and pages ------------------------------------------------------------------


def test_feeds_parse_and_pages_hold_no_controls_for_hostile_articles(tmp_path: Path) -> None:
    """Before: one control character in an article made every feed it is in unparsable."""
    source = tmp_path / "in"
    write_hostile_input(source, "Alarm \x1b[31m\x01 & ]]> <b>bold</b> \ufffe",
                        "Body \x01 with \x0b, \x7f and ]]> & <![CDATA[ x ]]>.\n\n"
                        "[link](https://example.org/a?b=1&c=\x02) <https://example.org/\x0c>",
                        author="Eve \x08 <eve@example.org> \u202eevil")
    for name in ("gr_hostile.txt", "md_hostile.md"):
        (source / name).write_bytes((HOSTILE / name).read_bytes())
    out = tmp_path / "out"
    assert run_build(source, out) == 0
    assert assert_feeds_parse(out) >= 5
    assert_pages_are_text(out)
    assert_report_is_json(tmp_path)


@pytest.mark.slow
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=st.lists(st.sampled_from(NASTY) | st.characters(), min_size=1, max_size=8)
       .map("".join),
       body=st.lists(st.sampled_from(NASTY) | st.characters(exclude_categories=["Cs"],
                                                            exclude_characters="\x00"),
                     min_size=1, max_size=12).map("".join))
def test_generated_hostile_articles_give_valid_feeds_pages_and_report(
        tmp_path_factory: pytest.TempPathFactory, title: str, body: str) -> None:
    """Titles, authors and themes from YAML escapes (lone surrogates included) and bodies
    with raw control characters: every feed parses, no page holds a raw control character,
    the build report is UTF-8 JSON. --no-cache: see the next test for the cache."""
    project = tmp_path_factory.mktemp("generated")
    source = write_hostile_input(project / "in", title or "x", "Start. " + body,
                                 author=title)
    os.chdir(project)
    assert run_build(source, project / "out", "--no-cache") in (0, 1)
    assert assert_feeds_parse(project / "out") >= 1
    assert_pages_are_text(project / "out")
    assert_report_is_json(project)


def test_a_cached_build_of_a_lone_surrogate_writes_valid_files(tmp_path: Path) -> None:
    source = write_hostile_input(tmp_path / "in", "Broken \ud800 title", "Body.")
    assert run_build(source, tmp_path / "out") == 0
    assert_feeds_parse(tmp_path / "out")
    assert_report_is_json(tmp_path)


# --- 2. JSON -----------------------------------------------------------------------------


def test_build_report_is_utf8_json_with_a_lone_surrogate(tmp_path: Path) -> None:
    """Before: `build` ended with a UnicodeEncodeError traceback."""
    source = write_hostile_input(tmp_path / "in", "Broken \ud800 title \ud83d\ude00",
                                 "Body \x1b text.")
    out = tmp_path / "out"
    assert run_build(source, out, "--no-cache") == 0
    report = assert_report_is_json(tmp_path)
    urls = [a["url"] for a in report["articles"]]  # type: ignore[attr-defined]
    assert "/2021/02/03/broken-title/" in urls
    page = (out / "2021/02/03/broken-title/index.html").read_text("utf-8")
    # The lone surrogate is replaced; the escaped pair is joined into the emoji it means.
    assert "Broken \ufffd title \U0001f600" in page
    assert_feeds_parse(out)


def test_check_json_is_utf8_json_with_lone_surrogates_and_controls(tmp_path: Path) -> None:
    """Before: `check --format json` ended with a UnicodeEncodeError traceback."""
    write_hostile_input(tmp_path / "in", "Broken \ud800 \x1b[2J \u202e\x9b title", "Body.",
                        author="Name \udcff")
    proc = archivegen("check", "--format", "json", "in", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    data = json.loads(proc.stdout.decode("utf-8"))
    assert TERMINAL_UNSAFE.search(proc.stdout) is None  # escaped in the JSON, not raw
    titles = [a["fields"]["title"]["value"] for f in data["files"] for a in f["articles"]]
    assert "Broken \ufffd \x1b[2J \u202e\x9b title" in titles


# --- 3. config ---------------------------------------------------------------------------


@pytest.mark.parametrize("line, message", [
    ('base_url: "javascript:alert(document.domain)//"', "'base_url' must be an absolute "
     "http(s) URL (https://example.org/news/) or a path starting with '/' (/news/), without "
     "query or fragment; got 'javascript:alert(document.domain)//'"),
    ('base_url: "//evil.example/"', "'base_url' must be an absolute http(s) URL"),
    ('base_url: "data:text/html,x"', "'base_url' must be an absolute http(s) URL"),
    ('title: "Site \\e[2J"', "'title' must not contain control characters or lone "
     "surrogates (found \\x1b)"),
    ('description: "About \\x85"', "'description' must not contain control characters"),
    ('language: "en\\\"><script>"', "'language' must be a language tag such as en or pt-BR"),
])
def test_config_values_are_checked(tmp_path: Path, line: str, message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `base_url: javascript:…` became live hrefs in 404.html, and control
    characters in the title reached every page and feed."""
    (tmp_path / "archivegen.yaml").write_text(f"# hostile settings\n{line}\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED_FILE).write_bytes((SEEDS / SEED_FILE).read_bytes())
    assert run_build(tmp_path / "in", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"archivegen.yaml:2:1: error: {message}" in err
    assert "nothing was built" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("base", ["https://example.org/news/", "/news/"])
def test_base_url_as_url_or_path_makes_valid_links(tmp_path: Path, base: str) -> None:
    (tmp_path / "archivegen.yaml").write_text(f"base_url: {base}\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED_FILE).write_bytes((SEEDS / SEED_FILE).read_bytes())
    assert run_build(tmp_path / "in", tmp_path / "out") == 0
    page = (tmp_path / "out" / "404.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith((base.rstrip("/") + "/", "#")) for h in hrefs), hrefs
    feed = xml.dom.minidom.parse(str(tmp_path / "out" / "feed.xml"))
    ids = [n.firstChild.data for n in feed.getElementsByTagName("id")]  # type: ignore[union-attr]
    # Atom ids are absolute IRIs: with only a path, the name-based UUIDs.
    assert all(i.startswith("https://" if base.startswith("https") else "urn:uuid:")
               for i in ids), ids


# --- 4. terminal -------------------------------------------------------------------------


@pytest.mark.slow
def test_check_and_build_show_control_characters_escaped(tmp_path: Path) -> None:
    """Before: ESC bytes from titles and file names reached the terminal raw (an article
    could clear the screen or retitle the window); a lone surrogate made a traceback."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "evil\x1b]0;owned\x07\u202e.txt").write_text(
        "Title \x1b[2J\x816n \u2066here\n\nBody text of the article.\n")
    (source / "sur.md").write_text(front_matter_article("Lone \ud800 title", "Body."))
    (source / "no title.md").write_text("---\ndate: 2021-02-03\n---\n\n\x1b[31mBody.\n")
    check = archivegen("check", "in", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    build = archivegen("build", "--input", "in", "--output", "out", "--no-cache", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    for proc in (check, build):
        assert b"Traceback" not in proc.stderr
        assert TERMINAL_UNSAFE.search(proc.stdout) is None, proc.stdout
        assert TERMINAL_UNSAFE.search(proc.stderr) is None, proc.stderr
    text = check.stdout.decode("utf-8")
    assert "in/evil\\x1b]0;owned\\x07\\u202e.txt" in text
    assert "title: Title \\x1b[2J\\x816n \\u2066here  [line 1," in text
    assert "title: Lone \\ud800 title  [line 2, front-matter]" in text


def test_check_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """Before: `archivegen check … | head` ended with a BrokenPipeError traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "archivegen", "check", "--format", "json",
                             str(FIXTURES / "layouts")], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    # The reader goes away before the output ends (`| head` on a long report); closed
    # before the first write, so the write fails whatever the pipe's capacity.
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == b""


def test_the_summary_shows_a_reason_naming_a_file_on_one_escaped_line(tmp_path: Path) -> None:
    """The "full build:" reason may quote a file or term name: a newline in it must not
    start a line that looks like a diagnostic, and an ESC must not reach the terminal."""
    from archivegen.dispatch import summary as build_summary
    from archivegen.report import BuildReport

    report = BuildReport(articles=1, pages=1, written=1, unchanged=0, removed=0, kept_stale=0,
                         diagnostics=(), seconds=0.1, phases=(("check", 0.0),),
                         full_because="a file was added: x\nevil.txt:1:1: error: fake [AG001]"
                                      "\x1b[2J")
    summary = build_summary(report, tmp_path, quiet=False).split("\n")
    reason = [line for line in summary if line.startswith("full build: ")]
    assert len(reason) == 1 and "\\n" in reason[0] and "\x1b" not in reason[0]
    assert not any(line.startswith("evil.txt") for line in summary)
