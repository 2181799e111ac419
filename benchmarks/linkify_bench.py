"""Long lines stay linear: render time, and load + repair time, as the line length doubles.

    python benchmarks/linkify_bench.py

Prints seconds per line shape and size; a ratio near 2 between consecutive sizes is linear,
near 4 would be quadratic.
"""

from __future__ import annotations

import itertools
import time

from archivegen.build import load_articles
from archivegen.errors import Diagnostics
from archivegen.markdown.engine import make_markdown, render_markdown
from archivegen.model import Source

SHAPES = {
    "plain words": "lorem ipsum dolor ",
    "bare URLs": "see http://example.org/x ",
    "at signs": "a@b@c@ ",
    "dotted words": "a.b.c.d ",
    "open brackets": "[[[(( ",
}


def main() -> None:
    md = make_markdown()
    sizes = (50_000, 100_000, 200_000, 400_000)
    for name, unit in SHAPES.items():
        times = []
        for size in sizes:
            text = (unit * (size // len(unit) + 1))[:size]
            start = time.perf_counter()
            render_markdown(md, text)
            times.append(time.perf_counter() - start)
        ratios = " ".join(f"{b / a:.1f}" for a, b in itertools.pairwise(times))
        cells = " ".join(f"{t:.3f}s" for t in times)
        print(f"{name:14} {cells}   doubling ratios: {ratios}")
    # Loading and repairing a scraped file whose body is one long run of "[" (dead-link and
    # link patterns scanned it quadratically once: 39 s for 60,000 characters).
    times = []
    for size in sizes:
        data = b"Brackets\n\n" + b"[" * size + b"\n"
        start = time.perf_counter()
        load_articles([Source(path="a.txt", data=data, sha256="x")], Diagnostics())
        times.append(time.perf_counter() - start)
    ratios = " ".join(f"{b / a:.1f}" for a, b in itertools.pairwise(times))
    cells = " ".join(f"{t:.3f}s" for t in times)
    print(f"{'load [ runs':14} {cells}   doubling ratios: {ratios}")


if __name__ == "__main__":
    main()
