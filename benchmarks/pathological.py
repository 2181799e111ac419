"""Pathological article shapes: does doubling a hostile input at most about double its time?

    python benchmarks/pathological.py [--timeout 30] [--scale 1.0] [--layout txt|md]
                                      [--only NAME ...] [--stages] [--src DIR]

Each shape is an article body built from n repetitions of a unit (dead links, `http://`
fragments, unclosed brackets...), or a whole file (header shapes). It runs at n and at 2n,
each in a fresh subprocess with a timeout of T seconds of CPU time (a run that needs more is
shown as `>T s`, not waited for; CPU time, not the clock's, so that a busy machine does not
time runs out), through the pipeline a build runs for one file: load_source, repair_article,
the body's Markdown rendering with its excerpt (markdown.article.article_body_and_excerpt, as
loading.load_one does), the duplicate sketch and the derived heading. Prints shape, n,
time(n), time(2n) and their ratio (target: <= 2.5; about 2 is linear, about 4 quadratic);
`--stages` adds where the time of the 2n run went. Times are the child's CPU time (its
thread's: under RLIMIT_CPU, Linux counts the process's time only in ticks), best of up to
three runs (a run past 2.5 s is not repeated), so other processes on the machine disturb
them little. Exits 1 when a ratio is
over 2.5 or a run timed out or failed.

`--src DIR` runs the children on the archivegen package found in DIR (a `src` folder of
another checkout, e.g. `git worktree add /tmp/wt-old a4ab3dd` then `--src /tmp/wt-old/src`),
for a before/after table.

The last row compares a 1 MB article of normal prose with a 5 KB one, per KB: an article of
~1 MB must not cost more than about 10x per KB what a normal one does.

`--layout txt` (default) reads each body as a scraped `.txt` file after a title line, the
layout a file from the web usually takes; `--layout md` as a `.md` file with front matter.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = ("the", "committee", "met", "on", "Tuesday", "to", "discuss", "budget", "and",
              "several", "members", "said", "proposal", "would", "not", "pass", "without",
              "changes", "transport", "section", "minister", "city", "council", "report",
              "workers", "union", "strike", "government", "police", "protest", "water")


def _prose(n: int, *, paragraphs: bool = True) -> str:
    """n characters of varied sentences (no two alike: repeats would be collapsed), in
    paragraphs of about 600 characters, or as one line."""
    out: list[str] = []
    size = 0
    state = 12345
    sentence = 0
    while size < n:
        words = []
        for _ in range(8 + sentence % 9):
            state = (state * 1103515245 + 12345) % 2**31
            words.append(VOCABULARY[state % len(VOCABULARY)])
        sentence += 1
        text = f"{words[0].capitalize()} {' '.join(words[1:])} {sentence}."
        brk = "\n\n" if paragraphs and sentence % 6 == 0 else " "
        out.append(text + brk)
        size += len(text) + len(brk)
    return "".join(out)[:n].strip()


@dataclass(frozen=True)
class Shape:
    name: str
    n: int  # the smaller size: chosen so the run takes a measurable time
    body: Callable[[int], str]
    # The text is a whole `.txt` file (a header shape), not a body put under a title.
    whole: bool = False


def _words(i: int) -> str:
    return f"word{i % 97} text{i % 13}"


def _split_mid_sentence(n: int) -> str:
    # Each paragraph ends without punctuation and the next starts in lower case: all join.
    return "\n\n".join(f"part {i} of a sentence that goes on" for i in range(n))


def _dead_links(n: int) -> str:
    # One paragraph of many lines, twenty dead links a line.
    return "\n".join(" ".join("[x](#)" for _ in range(20)) for _ in range(n // 20))


def _wrapped_notes(n: int) -> str:
    # One note whose text wraps over many lines: each line was added to a longer string.
    lines = "\n".join(f"and line {i} of the same note" for i in range(n))
    return f"Claim [1].\n\nNotes\n\n[1] First line\n{lines}"


def _repeated_sentences(n: int) -> str:
    sentence = "This sentence of more than eight words occurs in many paragraphs here."
    return "\n\n".join(f"{sentence} Paragraph {i} adds a few words." for i in range(n))


def _endnote_headings(n: int) -> str:
    # Notes headings with no notes under them: each is body text, and each was a new scan.
    return "\n\n".join(f"Body paragraph {i} cites [1] here.\n\nNotes" for i in range(n))


def _endnotes(n: int) -> str:
    body = " ".join(f"Claim [{i % 999 + 1}]." for i in range(n))
    notes = "\n\n".join(f"[{i + 1}] Source number {i + 1}." for i in range(999))
    return f"{body}\n\nNotes\n\n{notes}"


def _name(i: int) -> str:
    """A distinct surname for each i: 'Qb', 'Qc', ... 'Qba' (repeats would be one name)."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
    return "Q" + letters


def _label_lines(n: int) -> str:
    # A Global Research header of n label lines, each naming a region not named before.
    head = "The Title\n\nBy [Jane Roe](#)\n\nGlobal Research, May 3, 2019\n\n"
    return head + "".join(f"Region: [R{_name(i)}](#)\n" for i in range(n)) + "\nBody text.\n"


def _bylines(n: int) -> str:
    # A repost whose byline block names n people, one line each.
    head = "# The Title\n\n> Source: http://example.org/a\n\nby\nJane Doe\n"
    return head + "".join(f"translated by Jane {_name(i)}\n" for i in range(n)) + "Body.\n"


def _footnotes(n: int) -> str:
    # Markdown footnotes: n references, then n definitions.
    refs = " ".join(f"Claim[^{i}]." for i in range(n))
    return refs + "\n\n" + "\n".join(f"[^{i}]: Source {i}." for i in range(n))


def _reference_links(n: int) -> str:
    refs = " ".join(f"[link {i}][r{i}]" for i in range(n))
    return refs + "\n\n" + "\n".join(f"[r{i}]: http://example.org/{i}" for i in range(n))


def _padded_tables(n: int) -> str:
    # Tables of 1,000 columns whose rows hold one cell: markdown-it-py pads each row to the
    # header's width, up to 65,536 cells a table, so 5 KB made 65,000 cells.
    return "\n\n".join(f"|a{i}" * 1000 + "\n" + "|-" * 1000 + "\n" + "b\n" * 70
                       for i in range(n))


# The bare-link search looks only at runs of at most markdown.MAX_LINK_RUN characters without
# a space: runs just under it of a unit that is slow to search bound what a run may cost.
_BOUNDED_RUN = 990

SHAPES: tuple[Shape, ...] = (
    # the shapes
    Shape("dead links [x](#)", 100_000, _dead_links),
    Shape("split mid-sentence", 20_000, _split_mid_sentence),
    Shape("http:// run", 40_000, lambda n: "http://" * n),
    Shape("http:// spaced", 20_000, lambda n: "http:// " * n),
    Shape("bare URLs", 10_000, lambda n: " ".join(f"http://example.org/a{i}" for i in range(n))),
    Shape("![ run", 100_000, lambda n: "![" * n),
    Shape("[ run", 100_000, lambda n: "[" * n),
    Shape("<![CDATA[ run", 20_000, lambda n: "<![CDATA[" * n),
    Shape("* nesting", 20_000, lambda n: "*a " * n + "b" + " c*" * n),
    Shape("link/emphasis mix", 20_000, lambda n: "*[a*](b) " * n),
    # bare links: other schemes, e-mail addresses, runs up to the bound
    Shape("a:// run", 20_000, lambda n: "a://" * n),
    Shape("mailto: run", 20_000, lambda n: "mailto:" * n),
    Shape("http://x.org/[ run", 5_000, lambda n: "http://x.org/[" * n),
    Shape("bounded runs of it", 40, lambda n: (("http://x.org/[" * 70)[:_BOUNDED_RUN] + " ") * n),
    Shape("bounded runs http://", 100, lambda n: (("http://" * 150)[:_BOUNDED_RUN] + " ") * n),
    Shape("e-mails one a line", 5_000,
          lambda n: "\n".join(f"user{i}@example.org" for i in range(n))),
    Shape("e-mail *em* mix", 5_000, lambda n: "user@example.org *x* " * n),
    Shape("e-mail tokens", 10_000, lambda n: " ".join(f"user{i}@example.org" for i in range(n))),
    Shape("@ runs", 100_000, lambda n: "a@b@c@ " * (n // 7)),
    Shape("a.b@ run", 20_000, lambda n: "a.b@" * n),
    Shape("links over the limit", 15_000,
          lambda n: " ".join(f"http://example.org/a{i}" for i in range(n))),
    # Markdown inline shapes
    Shape("![a run", 50_000, lambda n: "![a " * n),
    Shape("![ run, then ]", 50_000, lambda n: "![" * n + "]"),
    Shape("^[ run", 50_000, lambda n: "^[" * n),
    Shape("*_ nesting", 20_000, lambda n: "*a _b " * n),
    Shape("** runs", 20_000, lambda n: "**a *b " * n),
    Shape("link/emph unclosed", 20_000, lambda n: "[*a](" * n),
    Shape("[text]( unclosed", 50_000, lambda n: "[text](" * n),
    Shape("[text](url unclosed", 20_000, lambda n: "[text](http://x.org/a " * n),
    Shape("[a]( + ( nesting", 1_000_000, lambda n: "[a](" + "(" * n),
    Shape("[a]( + spaces", 40_000, lambda n: "[a](" + " " * n + "x"),
    Shape("[a]( + tabs", 40_000, lambda n: "[a](" + "\t" * n + "x"),
    Shape("` runs", 20_000, lambda n: " ".join("`" * (i % 50 + 1) for i in range(n))),
    Shape("` run", 1_000_000, lambda n: "`" * n),
    Shape("< runs", 100_000, lambda n: "<" * n),
    Shape("<a runs", 50_000, lambda n: "<a href=" * n),
    Shape("<http:// autolinks", 20_000, lambda n: "<http://a" * n),
    Shape("&amp; entities", 50_000, lambda n: "&amp;&#38;&#x26;" * n),
    Shape("\\ escapes", 100_000, lambda n: "\\*" * n),
    Shape("[^1] runs", 30_000, lambda n: "[^1]" * n),
    Shape("[^ unclosed", 50_000, lambda n: "[^" * n),
    Shape("footnotes [^n]", 10_000, _footnotes),
    Shape("reference links", 10_000, _reference_links),
    # Markdown block shapes
    Shape("> nesting", 200_000, lambda n: ">" * n + " a"),
    Shape("- nesting", 200_000, lambda n: "- " * n + "a"),
    Shape("1. nesting", 200_000, lambda n: "1. " * n + "a"),
    Shape("list items", 20_000, lambda n: "\n".join(f"- item {i}" for i in range(n))),
    Shape("| table", 1_000, lambda n: "\n".join(["|a" * 50, "|-" * 50]
                                                + ["|b" * 50] * n)),
    Shape("| table, under the limit", 150, lambda n: "\n".join(["|a" * 50, "|-" * 50]
                                                              + ["|b" * 50] * n)),
    Shape("| tables, padded rows", 4, _padded_tables),
    Shape("headings", 20_000, lambda n: "\n".join(f"## Heading {i}" for i in range(n))),
    # notes and repairs
    Shape("[1] runs", 30_000, lambda n: "[1] " * n),
    Shape("endnote headings", 5_000, _endnote_headings),
    Shape("endnotes", 20_000, _endnotes),
    Shape("endnote wrapped lines", 20_000, _wrapped_notes),
    Shape("Notes + spaces", 2_000_000, lambda n: "Notes" + " " * n + "x"),
    Shape("repeated sentences", 10_000, _repeated_sentences),
    # loader headers
    Shape("GR label lines", 4_000, _label_lines, whole=True),
    Shape("repost bylines", 8_000, _bylines, whole=True),
    Shape("By [](... line", 80_000, lambda n: "Title\n\nBy " + "[](" * n + "\n\nBody text.\n",
          whole=True),
    # size alone
    Shape("very long line", 500_000, lambda n: _prose(n, paragraphs=False)),
    Shape("line without spaces", 500_000, lambda n: "abcdefghij" * (n // 10)),
    Shape("many lines", 50_000, lambda n: "\n".join(_words(i) for i in range(n))),
    Shape("one-letter lines", 100_000, lambda n: "a\n" * n),
    Shape("reference title unclosed", 20_000, lambda n: '[a]: u "' + "t\n" * n),
    Shape("prose 1 MB (n = bytes)", 500_000, _prose),
)


def article_bytes(shape: Shape, size: int, layout: str) -> tuple[str, bytes]:
    body = shape.body(size)
    if shape.whole:
        return "a.txt", body.encode()
    if layout == "md":
        return "a.md", f"---\ntitle: Pathological\n---\n\n{body}\n".encode()
    return "a.txt", f"Pathological\n\n{body}\n".encode()


def run_once(path: str, data: bytes) -> dict[str, float]:
    """Seconds per stage of loading one file, as loading.load_one runs them."""
    from archivegen.dedupe.detect import sketch_text
    from archivegen.errors import Diagnostics
    from archivegen.load.layouts import load_source
    from archivegen.load.repair import repair_article
    from archivegen.markdown.article import article_body_and_excerpt
    from archivegen.markdown.engine import derived_title, make_markdown
    from archivegen.model import Source

    md = make_markdown()
    diags = Diagnostics()
    stages = {"load": 0.0, "repair": 0.0, "render": 0.0, "other": 0.0}
    clock = time.thread_time
    start = clock()
    articles = load_source(Source(path=path, data=data, sha256="x"), diags)
    stages["load"] = clock() - start
    for article in articles:
        start = clock()
        repaired = repair_article(article, diags)
        stages["repair"] += clock() - start
        start = clock()
        article_body_and_excerpt(md, repaired, 40)
        stages["render"] += clock() - start
        start = clock()
        sketch_text(repaired.body)
        if not repaired.title:
            derived_title(md, repaired.body)
        stages["other"] += clock() - start
    return stages


def child(name: str, size: int, layout: str, timeout: float) -> None:
    import resource

    import archivegen

    # Past `timeout` seconds of CPU time the kernel ends this process (SIGXCPU).
    limit = max(1, int(timeout + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    shape = next(s for s in SHAPES if s.name == name)
    path, data = article_bytes(shape, size, layout)
    prose = Shape("prose", 5_000, _prose)
    run_once(*article_bytes(prose, 5_000, layout))  # warm up: compiled patterns, tables
    best: dict[str, float] | None = None
    for _ in range(3):  # best of up to three runs of under 2.5 s: less noise in the ratio
        stages = run_once(path, data)
        if best is None or sum(stages.values()) < sum(best.values()):
            best = stages
        if sum(stages.values()) > 2.5:
            break
    print(json.dumps({"stages": best, "chars": len(data), "package": archivegen.__file__}))


@dataclass(frozen=True)
class Run:
    stages: dict[str, float]
    chars: int
    package: str

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


def measure(name: str, size: int, args: argparse.Namespace) -> Run | str:
    """Stage times of one run in a fresh interpreter, or why there are none."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, str(size),
           "--layout", args.layout, "--timeout", str(args.timeout)]
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(args.src).resolve()),
                                             *filter(None, [env.get("PYTHONPATH")])])
    try:
        # (The clock's limit only backs up the CPU limit the child sets itself.)
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False,
                              timeout=WALL_CLOCK_FACTOR * args.timeout + 30)
    except subprocess.TimeoutExpired:
        return f">{args.timeout:g} s"
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f">{args.timeout:g} s"
    if done.returncode != 0:
        print(f"  {name} n={size}: failed: {done.stderr.strip().splitlines()[-1:]}",
              file=sys.stderr)
        return "FAILED"
    got = json.loads(done.stdout.splitlines()[-1])
    return Run(stages=got["stages"], chars=got["chars"], package=got["package"])


def _cell(run: Run | str) -> str:
    return f"{run:>10}" if isinstance(run, str) else f"{run.seconds:9.3f}s"


PROSE_SHAPE = "prose 1 MB (n = bytes)"
WALL_CLOCK_FACTOR = 10  # a run may take this many times its CPU limit on the clock
MAX_RATIO = 2.5


def _row(shape: Shape, args: argparse.Namespace, prose_kb: float) -> tuple[str, bool]:
    """The table row of one shape, and whether it passes (ratio <= MAX_RATIO)."""
    n = max(1, int(shape.n * args.scale))
    small = measure(shape.name, n, args)
    big = measure(shape.name, 2 * n, args) if isinstance(small, Run) else "-"
    ratio = per_kb = kb = "-"
    ok = False
    if isinstance(small, Run) and isinstance(big, Run):
        value = big.seconds / max(small.seconds, 1e-9)
        ok = value <= MAX_RATIO
        ratio = f"{value:.1f}"
        kb = f"{big.chars / 1000:.0f}"
        per_kb = f"{big.seconds / (big.chars / 1000) / prose_kb:.1f}"
    line = (f"{shape.name:24} {n:7} {kb:>7} {_cell(small)} {_cell(big)} {ratio:>6}"
            f" {per_kb:>8}{'' if ok else '  <-- over'}")
    if args.stages and isinstance(big, Run):
        line += "   " + " ".join(f"{k} {v:.2f}" for k, v in big.stages.items())
    return line, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds of CPU time per run")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n")
    parser.add_argument("--layout", choices=("txt", "md"), default="txt")
    parser.add_argument("--only", nargs="*", default=None, help="shape names to run")
    parser.add_argument("--stages", action="store_true", help="where the 2n run's time went")
    parser.add_argument("--src", default=None, help="folder holding the archivegen package")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.layout, args.timeout)
        return 0
    # Time per KB of a normal 100 KB article: the "x prose" column compares each shape's
    # time per KB at 2n with it.
    base = measure(PROSE_SHAPE, 100_000, args)
    if not isinstance(base, Run):
        print(f"100 KB of prose: {base}")
        return 1
    prose_kb = base.seconds / (base.chars / 1000)
    print(f"archivegen from {Path(base.package).parent}")
    print(f"layout {args.layout}, timeout {args.timeout:g} s of CPU time; "
          f"ratio = time(2n) / time(n); x prose = time per KB at 2n / that of 100 KB of "
          f"prose ({prose_kb * 1000:.2f} ms)")
    print(f"{'shape':24} {'n':>7} {'KB(2n)':>7} {'time(n)':>10} {'time(2n)':>10} {'ratio':>6}"
          f" {'x prose':>8}")
    failed = 0
    tried = 0
    for shape in SHAPES:
        if args.only and shape.name not in args.only:
            continue
        line, ok = _row(shape, args, prose_kb)
        tried += 1
        failed += not ok
        print(line, flush=True)
    if not args.only or PROSE_SHAPE in args.only:
        normal = measure(PROSE_SHAPE, 5_000, args)
        large = measure(PROSE_SHAPE, 1_000_000, args)
        if isinstance(normal, Run) and isinstance(large, Run) and normal.seconds > 0:
            per_kb = (large.seconds / 1000) / (normal.seconds / 5)
            print(f"prose per KB: 1 MB article {large.seconds:.3f}s, 5 KB article "
                  f"{normal.seconds:.4f}s: {per_kb:.1f}x the time per KB (target <= 10)")
    print(f"{tried} shapes, {failed} over a ratio of {MAX_RATIO} (or timed out or failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
