#!/usr/bin/env python3
"""Search engines for the built site, measured (issue #16): Pagefind vs a sharded inverted index.

Prints the figures that benchmarks/RESULTS.md quotes ("Issue #16: search engine").  Run it
with a scratch venv that holds the measuring tools, never the project's venv:

    python3 -m venv /tmp/search-bench/venv
    /tmp/search-bench/venv/bin/pip install "pagefind[bin]==1.5.2" psutil
    python3 ../shared/bench/gen_corpus.py --n 10000 --format raw --out /tmp/search-bench/raw-10000
    V=/tmp/search-bench/venv/bin/python
    $V benchmarks/search_engines.py archivegen --corpus /tmp/search-bench/raw-10000 \\
        --site /tmp/search-bench/site-10000 --runs 3          # cold build (--no-cache), timed
    $V benchmarks/search_engines.py pagefind --site /tmp/search-bench/site-10000 --runs 3
    $V benchmarks/search_engines.py pagefind --site /tmp/search-bench/site-10000 --runs 3 \\
        --articles-only
    $V benchmarks/search_engines.py pagefind-query --site /tmp/search-bench/site-10000 \\
        --bundle /tmp/search-bench/site-10000/pf-articles   # bytes a browser fetches (Chromium)
    $V benchmarks/search_engines.py shards --site /tmp/search-bench/site-10000 \\
        --out /tmp/search-bench/shards-10000 --runs 3         # prototype: build, sizes, query bytes
    # one-article edit: shards rewritten, time
    $V benchmarks/search_engines.py shards-edit --site /tmp/search-bench/site-10000 \\
        --out /tmp/search-bench/shards-10000
    $V benchmarks/search_engines.py fts5 --site /tmp/search-bench/site-10000 \
        --out /tmp/search-bench/fts-10000.db --runs 3           # SQLite FTS5: build, size, pages
    # 100k: the same with raw-100000 / site-100000; the prototype in segments of 10,000 articles:
    $V benchmarks/search_engines.py shards --site /tmp/search-bench/site-100000 \
        --out /tmp/search-bench/shards-100000-seg --runs 1 --segment 10000
    $V benchmarks/search_engines.py pagefind --site /tmp/search-bench/site-100000 --runs 1 \
        --articles-only --max-rss-gib 10                      # killed past 10 GiB

Timings are wall clock and user+sys CPU time of the whole command (CPU time moves less than
wall time when other work shares the 2 cores); peak memory is the peak of the summed RSS of
the process tree, sampled every 50 ms with psutil (falls back to the largest child's ru_maxrss).
Each timed command runs --runs times; the best and the median are printed.

`pagefind-query` serves the site on 127.0.0.1, opens a page in headless Chromium
(/usr/bin/chromium, Playwright from --browser-python, default the project's venv) that imports
the bundle's pagefind.js, runs each query, loads the data (fragments) of the first --top
results, and sums the bodies of every response the page received.

The prototype (`shards`) reads the article pages of the built site (title, authors, date,
publisher, regions, themes, body text), tokenises (NFKD, diacritics dropped, lowercase, \\w+),
and writes, for each segment of --segment articles (default: one segment), postings (uint32
doc ids + a tf byte each; a bitmap + tf bytes for a term in more than 1/32 of the segment's
documents) grouped in shards keyed by the term's first 2 characters, a shard over --cap bytes
split by 3 characters, a term still over it in a file of its own; facets (region, theme,
author, publisher, year) are terms too ("r:…", "y:2015")
so a filter is one more posting list; a document table in chunks of --chunk documents (title,
date, authors, publisher, url); each article's text for the snippet
in a file of its own.  Every file is gzip-compressed on disk (the browser inflates it with
DecompressionStream), so size on disk is what a query downloads.  A query fetches the manifest,
the shards of its terms, the document-table chunks of its top --top results and (for marked
snippets) their text files.
"""
from __future__ import annotations

import argparse
import bisect
import contextlib
import gzip
import html
import json
import math
import os
import re
import resource
import statistics
import struct
import subprocess
import sys
import threading
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from pathlib import Path

ARTICLE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
PAGEFIND_ARTICLE_GLOB = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"
QUERIES = ["pipeline", "sugar factory", "government", "nato sanctions"]


# ---------------------------------------------------------------- measuring a command
def run_measured(cmd, cwd=None, interval=0.05, kill_above=None):
    """Run cmd; return (returncode, wall seconds, peak tree RSS bytes, stderr tail).
    kill_above: bytes; the tree is killed when its RSS passes it (returncode -9)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err_chunks = []
    reader = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()), daemon=True)
    reader.start()
    peak = 0
    if psutil is not None:
        root = psutil.Process(p.pid)
        while p.poll() is None:
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for q in procs:
                with contextlib.suppress(psutil.Error):
                    total += q.memory_info().rss
            peak = max(peak, total)
            if kill_above and total > kill_above:
                for q in procs[::-1]:
                    with contextlib.suppress(psutil.Error):
                        q.kill()
            time.sleep(interval)
    p.wait()
    wall = time.perf_counter() - t0
    reader.join()
    if psutil is None:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    err = b"".join(err_chunks).decode(errors="replace")
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_measured.cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return p.returncode, wall, peak, err[-2000:]


def repeat(label, cmd, runs, before=None, cwd=None, kill_above=None):
    walls, peaks, cpus = [], [], []
    for _ in range(runs):
        if before:
            before()
        rc, wall, peak, err = run_measured(cmd, cwd=cwd, kill_above=kill_above)
        if rc == -9 and kill_above:
            sys.exit(f"{label}: killed at {wall:.1f} s when the tree passed "
                     f"{kill_above / 2**30:.1f} GiB (peak seen {peak / 2**20:.0f} MiB)")
        if rc != 0:
            sys.exit(f"{label}: exit {rc}\n{err}")
        walls.append(wall)
        peaks.append(peak)
        cpus.append(run_measured.cpu)
    print(f"{label}: wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
          f"(runs: {', '.join(f'{w:.2f}' for w in walls)}); CPU (user+sys) best {min(cpus):.2f} s, "
          f"median {statistics.median(cpus):.2f} s; peak tree RSS median "
          f"{statistics.median(peaks) / 2**20:.0f} MiB, max {max(peaks) / 2**20:.0f} MiB")
    return walls, peaks


def tree_size(path: Path):
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def rmtree(path: Path):
    subprocess.run(["rm", "-rf", str(path)], check=True)


# ---------------------------------------------------------------- archivegen, pagefind
def cmd_archivegen(a):
    site = Path(a.site)
    repeat(f"archivegen build --no-cache {a.corpus}",
           [a.archivegen, "build", "-q", "--no-cache", "--input", a.corpus, "--output", str(site)],
           a.runs, before=lambda: rmtree(site))
    n, size = tree_size(site)
    print(f"site: {n} files, {size / 2**20:.0f} MiB")


def cmd_pagefind(a):
    site = Path(a.site)
    out = site / ("pf-articles" if a.articles_only else "pf-all")
    cmd = [a.pagefind, "--site", str(site), "--output-path", str(out), "--silent"]
    if a.articles_only:
        cmd += ["--glob", PAGEFIND_ARTICLE_GLOB]
    if a.exclude:
        cmd += ["--exclude-selectors", a.exclude]
    label = "pagefind " + ("articles only" if a.articles_only else "whole site")
    repeat(label, cmd, a.runs, before=lambda: rmtree(out),
           kill_above=a.max_rss_gib * 2**30 if a.max_rss_gib else None)
    n, size = tree_size(out)
    idx_n, idx_size = tree_size(out / "index")
    frag_n, frag_size = tree_size(out / "fragment")
    chunks = sorted(p.stat().st_size for p in (out / "index").iterdir())
    print(f"{label}: bundle {n} files, {size / 2**20:.1f} MiB; index {idx_n} chunks "
          f"{idx_size / 2**20:.1f} MiB (chunk min {chunks[0]} / "
          f"median {chunks[len(chunks) // 2]} / "
          f"max {chunks[-1]} bytes); fragments {frag_n} files {frag_size / 2**20:.1f} MiB")


BROWSER_SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright
url, bundle, top, queries = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
out = {}
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
    for q in queries:
        ctx = b.new_context()          # fresh cache for every query
        page = ctx.new_page()
        got = []
        def on_response(r):
            try:
                body = r.body()
            except Exception:
                body = b""
            got.append((r.url, len(body)))
        page.on("response", on_response)
        page.goto(url)
        page.evaluate('''async ([bundle, q, top]) => {
            const pf = await import(bundle + "/pagefind.js");
            await pf.options({});
            await pf.init();
            const r = await pf.search(q);
            const data = await Promise.all(r.results.slice(0, top).map(x => x.data()));
            window.__n = r.results.length;
            return data.length;
        }''', [bundle, q, top])
        n = page.evaluate("window.__n")
        page.wait_for_timeout(300)
        files = [(u, s) for u, s in got if bundle in u]
        out[q] = {"results": n, "requests": len(files), "bytes": sum(s for _, s in files),
                  "by_kind": {}}
        for u, s in files:
            kind = (u.rsplit("/", 2)[-2] if "/fragment/" in u or "/index/" in u
                    else u.rsplit("/", 1)[-1])
            out[q]["by_kind"][kind] = out[q]["by_kind"].get(kind, 0) + s
        ctx.close()
    b.close()
print(json.dumps(out))
"""


def cmd_pagefind_query(a):
    import functools
    import http.server
    site = Path(a.site).resolve()
    bundle = Path(a.bundle).resolve()
    rel = "/" + str(bundle.relative_to(site))
    (site / "_pf_query.html").write_text("<!doctype html><title>q</title><p>q</p>")
    handler = functools.partial(QuietHandler, directory=str(site))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}/_pf_query.html"
        r = subprocess.run([a.browser_python, "-c", BROWSER_SCRIPT, url, rel, str(a.top),
                            json.dumps(a.queries or QUERIES)],
                           capture_output=True, text=True, timeout=600)
        if r.returncode:
            sys.exit(r.stderr[-3000:])
        res = json.loads(r.stdout.strip().splitlines()[-1])
    finally:
        srv.shutdown()
        (site / "_pf_query.html").unlink()
    for q, v in res.items():
        kinds = ", ".join(f"{k} {s / 1024:.0f} KiB" for k, s in sorted(v["by_kind"].items()))
        print(f"pagefind query {q!r}: {v['results']} results; {v['requests']} requests, "
              f"{v['bytes'] / 1024:.0f} KiB fetched for the first {a.top} results' data ({kinds})")


try:
    import http.server as _hs

    class QuietHandler(_hs.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
except ImportError:  # pragma: no cover
    pass


# ---------------------------------------------------------------- prototype: sharded index
TAG_RE = re.compile(r"<[^>]+>")
WORD_RE = re.compile(r"\w+")


def text_of(fragment: str) -> str:
    return html.unescape(TAG_RE.sub(" ", fragment))


def tokens(text: str):
    t = text.lower()
    if not t.isascii():
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    return WORD_RE.findall(t)


def read_article(path: Path, url: str):
    s = path.read_text(encoding="utf-8")
    main = s[s.index("<main"):s.index("</main>")]
    title = text_of(re.search(r"<h1>(.*?)</h1>", main, re.S).group(1)).strip()
    by = re.search(r"<dt>By</dt>\s*<dd>(.*?)</dd>", main, re.S)
    authors = ([text_of(x).strip() for x in re.findall(r"<a [^>]*>(.*?)</a>", by.group(1))]
               if by else [])
    date = re.search(r'<time datetime="([^"]+)"', main).group(1)
    pub = re.search(r"<dt>Publisher</dt>\s*<dd>(.*?)</dd>", main, re.S)
    publisher = text_of(pub.group(1)).strip() if pub else ""
    facets = {"r": [], "t": []}
    for label, block in re.findall(r'<span class="label">([^<]*)</span>(.*?)</p>', main, re.S):
        key = "r" if label.startswith("Region") else "t" if label.startswith("Theme") else None
        if key:
            facets[key] += re.findall(r'href="[^"]*/(?:regions|themes)/([^/"]+)/"', block)
    body_m = re.search(r'<div class="body">(.*?)</div>\s*<footer>', main, re.S)
    body = re.sub(r"\s+", " ", text_of(body_m.group(1))).strip() if body_m else ""
    slug_authors = re.findall(r'href="[^"]*/authors/([^/"]+)/"', by.group(1)) if by else []
    return {"title": title, "authors": authors, "date": date, "publisher": publisher, "url": url,
            "regions": facets["r"], "themes": facets["t"], "author_slugs": slug_authors,
            "body": body}


def article_paths(site: Path):
    out = []
    for root, _dirs, files in os.walk(site):
        if "index.html" in files:
            rel = os.path.relpath(os.path.join(root, "index.html"), site)
            if ARTICLE_RE.match(rel):
                out.append(rel)
    out.sort()
    return out


def doc_terms(d):
    c = Counter(tokens(d["title"]) * 3 + tokens(" ".join(d["authors"])) + tokens(d["body"]))
    for r in d["regions"]:
        c["r:" + r] = 1
    for t in d["themes"]:
        c["t:" + t] = 1
    for s in d["author_slugs"]:
        c["a:" + s] = 1
    if d["publisher"]:
        c["p:" + "-".join(tokens(d["publisher"]))] = 1
    c["y:" + d["date"][:4]] = 1
    return c


def encode_list(docs, tfs, n_docs: int):
    """doc ids (array, ascending, local to the segment) and their tf bytes -> (kind, payload).
    Sparse (kind 0): uint32 doc ids then one tf byte each; dense (kind 1, df > N/32): a bitmap of
    the doc ids then the tf bytes."""
    if len(docs) * 32 > n_docs:
        bm = bytearray((n_docs + 7) // 8)
        for doc in docs:
            bm[doc >> 3] |= 1 << (doc & 7)
        return 1, bytes(bm) + bytes(tfs)
    return 0, docs.tobytes() + bytes(tfs)


def pack_terms(entries: dict) -> bytes:
    """entries: {term: (kind, count, payload)} -> shard bytes (before gzip)."""
    out = bytearray()
    for term in sorted(entries):
        kind, count, payload = entries[term]
        tb = term.encode()
        out += struct.pack("<B", len(tb)) + tb + struct.pack("<BII", kind, count, len(payload))
        out += payload
    return bytes(out)


def unpack_terms(buf: bytes) -> dict:
    entries, i = {}, 0
    while i < len(buf):
        n = buf[i]
        term = buf[i + 1:i + 1 + n].decode()
        i += 1 + n
        kind, count, size = struct.unpack_from("<BII", buf, i)
        i += 9
        entries[term] = (kind, count, buf[i:i + size])
        i += size
    return entries


def postings_of(entry):
    kind, count, payload = entry
    tfs = payload[-count:] if count else b""
    if kind == 0:
        return list(zip(array("I", payload[:4 * count]), tfs, strict=False))
    bm = payload[:len(payload) - count]
    docs = [(j << 3) + b for j, byte in enumerate(bm) if byte for b in range(8) if byte >> b & 1]
    return list(zip(docs, tfs, strict=False))


def set_posting(entry, doc: int, tf: int):
    """entry with doc's tf set (tf 0: doc removed); C-speed array/bytearray edits."""
    kind, count, payload = entry
    tfs = bytearray(payload[len(payload) - count:])
    if kind == 0:
        ids = array("I", payload[:4 * count])
        i = bisect.bisect_left(ids, doc)
        present = i < len(ids) and ids[i] == doc
        if present and tf:
            tfs[i] = min(tf, 255)
        elif present:
            del ids[i], tfs[i]
        elif tf:
            ids.insert(i, doc)
            tfs.insert(i, min(tf, 255))
        return 0, len(ids), ids.tobytes() + bytes(tfs)
    bm = bytearray(payload[:len(payload) - count])
    if doc >> 3 >= len(bm):
        bm += bytes((doc >> 3) + 1 - len(bm))
    rank = int.from_bytes(bm[:doc >> 3], "little").bit_count() + \
        (bm[doc >> 3] & ((1 << (doc & 7)) - 1)).bit_count()
    present = bm[doc >> 3] >> (doc & 7) & 1
    if present and tf:
        tfs[rank] = min(tf, 255)
    elif present:
        bm[doc >> 3] &= ~(1 << (doc & 7)) & 0xFF
        del tfs[rank]
    elif tf:
        bm[doc >> 3] |= 1 << (doc & 7)
        tfs.insert(rank, min(tf, 255))
    return 1, len(tfs), bytes(bm) + bytes(tfs)


GZIP_LEVEL = 6


def gz(b: bytes) -> bytes:
    return gzip.compress(b, compresslevel=GZIP_LEVEL, mtime=0)


def shard_key(term: str, keys: set) -> str:
    if "=" + term in keys:
        return "=" + term
    if term[:3] in keys:
        return term[:3]
    return term[:2]


def plan_shards(postings: dict, cap: int, n_docs: int):
    """Group terms: by 2-char prefix; a group over cap by 3 chars; a term over cap alone.
    postings: {term: (doc ids, tfs)}."""
    est = {t: min(5 * len(p[0]), n_docs // 8 + len(p[0])) + len(t) + 10
           for t, p in postings.items()}
    groups = defaultdict(list)
    for t in postings:
        groups[t[:2]].append(t)
    shards = {}
    for k2, ts in groups.items():
        if sum(est[t] for t in ts) <= cap:
            shards[k2] = ts
            continue
        sub = defaultdict(list)
        for t in ts:
            sub[t[:3]].append(t)
        for k3, ts3 in sub.items():
            rest = []
            for t in ts3:
                if est[t] > cap and len(ts3) > 1:
                    shards["=" + t] = [t]
                else:
                    rest.append(t)
            if rest:
                key = k3     # a 2-char term stays under its 2-char key
                if key in shards:
                    shards[key] += rest
                else:
                    shards[key] = rest
    return shards


def shard_file(key: str, seg: int = 0) -> str:
    return f"terms/s{seg}/{key.encode().hex()}.bin.gz"


def build_shards(site: Path, out: Path, cap: int, chunk: int, segment: int):
    """segment: documents per segment (0: one segment); each segment is an index of its own,
    so an edit rewrites shards of one segment only and a query reads every segment."""
    rels = article_paths(site)
    rmtree(out)
    for sub in ("terms", "docs", "text"):
        (out / sub).mkdir(parents=True)
    segment = segment or len(rels) or 1
    segments = []
    table = []
    n_terms = set()
    for seg, start in enumerate(range(0, len(rels), segment)):
        end = min(len(rels), start + segment)
        docs_of, tfs_of = defaultdict(lambda: array("I")), defaultdict(bytearray)
        for doc in range(start, end):
            rel = rels[doc]
            d = read_article(site / rel, rel[: -len("index.html")])
            for term, tf in doc_terms(d).items():
                docs_of[term].append(doc - start)
                tfs_of[term].append(min(tf, 255))
            table.append([d["title"], d["date"], d["authors"], d["publisher"], d["url"]])
            (out / "text" / f"{doc}.txt.gz").write_bytes(gz(d["body"].encode()))
        postings = {t: (docs_of[t], tfs_of[t]) for t in docs_of}
        del docs_of, tfs_of
        n_terms |= postings.keys()
        shards = plan_shards(postings, cap, end - start)
        (out / "terms" / f"s{seg}").mkdir()
        for key, ts in shards.items():
            entries = {}
            for t in ts:
                kind, payload = encode_list(*postings[t], end - start)
                entries[t] = (kind, len(postings[t][0]), payload)
            (out / shard_file(key, seg)).write_bytes(gz(pack_terms(entries)))
        segments.append({"start": start, "end": end, "keys": sorted(shards)})
        del postings
    for start in range(0, len(table), chunk):
        (out / "docs" / f"{start // chunk}.json.gz").write_bytes(
            gz(json.dumps(table[start:start + chunk], ensure_ascii=False,
                          separators=(",", ":")).encode()))
    manifest = {"n": len(table), "chunk": chunk, "segments": segments}
    (out / "manifest.json.gz").write_bytes(gz(json.dumps(manifest, separators=(",", ":")).encode()))
    (out / "docids.json").write_text(json.dumps(rels))
    return len(table), len(n_terms)


def run_query(out: Path, q: str, top: int):
    """Return (fetched bytes by kind, n results) for an AND query, tf-idf ranked."""
    fetched = defaultdict(int)
    mbytes = (out / "manifest.json.gz").read_bytes()
    fetched["manifest"] += len(mbytes)
    man = json.loads(gzip.decompress(mbytes))
    n = man["n"]
    terms = tokens(q)
    lists = [[] for _ in terms]
    for seg, sg in enumerate(man["segments"]):
        keys, cache = set(sg["keys"]), {}
        for i, term in enumerate(terms):
            key = shard_key(term, keys)
            if key not in cache:
                path = out / shard_file(key, seg)
                cache[key] = (unpack_terms(gzip.decompress(path.read_bytes()))
                              if path.exists() else {})
                fetched["terms"] += path.stat().st_size if path.exists() else 0
                fetched["requests"] += 1
            entry = cache[key].get(term)
            if entry:
                lists[i] += [(d + sg["start"], tf) for d, tf in postings_of(entry)]
    if not lists or not all(lists):
        return fetched, 0
    scores = None
    for plist in lists:
        idf = math.log(1 + n / len(plist))
        s = {d: (1 + math.log(tf)) * idf for d, tf in plist}
        scores = s if scores is None else {d: v + s[d] for d, v in scores.items() if d in s}
    best = sorted(scores, key=lambda d: (-scores[d], d))[:top]
    for c in sorted({d // man["chunk"] for d in best}):
        fetched["docs"] += (out / "docs" / f"{c}.json.gz").stat().st_size
    for d in best:
        fetched["text"] += (out / "text" / f"{d}.txt.gz").stat().st_size
    return fetched, len(scores)


def cmd_shards_build(a):          # the measured child process
    n, terms = build_shards(Path(a.site), Path(a.out), a.cap, a.chunk, a.segment)
    print(json.dumps({"docs": n, "terms": terms}), file=sys.stderr)


def cmd_shards(a):
    out = Path(a.out)
    repeat(f"prototype shards build {a.site}",
           [sys.executable, __file__, "shards-build", "--site", a.site, "--out", a.out,
            "--cap", str(a.cap), "--chunk", str(a.chunk), "--segment", str(a.segment),
            "--level", str(a.level)], a.runs)
    parts = {}
    for sub in ("terms", "docs", "text"):
        parts[sub] = tree_size(out / sub)
    n, size = tree_size(out)
    sizes = sorted(p.stat().st_size for p in (out / "terms").rglob("*.gz"))
    def q(f):
        return sizes[min(len(sizes) - 1, int(f * len(sizes)))]
    print(f"prototype: {n} files, {size / 2**20:.1f} MiB on disk (gzip); "
          + "; ".join(f"{k} {c} files {s / 2**20:.1f} MiB" for k, (c, s) in parts.items()))
    print(f"term shards: {len(sizes)}; bytes min {sizes[0]}, p50 {q(.5)}, p90 {q(.9)}, "
          f"p99 {q(.99)}, "
          f"max {sizes[-1]}")
    for qq in a.queries or QUERIES:
        f, hits = run_query(out, qq, a.top)
        meta = f["manifest"] + f["terms"] + f["docs"]
        print(f"prototype query {qq!r}: {hits} results; manifest {f['manifest'] / 1024:.1f} KiB + "
              f"term shards {f['terms'] / 1024:.1f} KiB + "
              f"doc-table chunks {f['docs'] / 1024:.1f} KiB "
              f"= {meta / 1024:.0f} KiB ({f['requests']} shard requests); "
              f"+ top-{a.top} texts for snippets {f['text'] / 1024:.0f} KiB "
              f"= {(meta + f['text']) / 1024:.0f} KiB")


def cmd_shards_edit(a):
    """One article edited: rewrite the shards of its old and new terms and its doc-table chunk."""
    site, out = Path(a.site), Path(a.out)
    rels = json.loads((out / "docids.json").read_text())
    man = json.loads(gzip.decompress((out / "manifest.json.gz").read_bytes()))
    times, counts = [], []
    for trial in range(a.runs):
        doc = (trial * 7919 + 17) % len(rels)
        d = read_article(site / rels[doc], rels[doc][: -len("index.html")])
        old = doc_terms(d)
        d2 = dict(d)
        d2["title"] = d["title"] + " Zephyrine"             # the edit: a new word in the title,
        d2["body"] = d["body"].replace(" the ", " a ", 3)    # a few words of the body changed
        t0 = time.perf_counter()
        new = doc_terms(d2)
        seg = next(i for i, sg in enumerate(man["segments"]) if sg["start"] <= doc < sg["end"])
        keys, local = set(man["segments"][seg]["keys"]), doc - man["segments"][seg]["start"]
        touched = {shard_key(t, keys) for t in set(old) | set(new)}
        for key in touched:
            path = out / shard_file(key, seg)
            entries = unpack_terms(gzip.decompress(path.read_bytes())) if path.exists() else {}
            for t in set(old) | set(new):
                if shard_key(t, keys) != key:
                    continue
                entry = entries.get(t) or (0, 0, b"")
                entry = set_posting(entry, local, new.get(t, 0))
                if entry[1]:
                    entries[t] = entry
                else:
                    entries.pop(t, None)
            path.write_bytes(gz(pack_terms(entries)))
        c = doc // man["chunk"]
        cpath = out / "docs" / f"{c}.json.gz"
        rows = json.loads(gzip.decompress(cpath.read_bytes()))
        rows[doc - c * man["chunk"]][0] = d2["title"]
        cpath.write_bytes(gz(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()))
        (out / "text" / f"{doc}.txt.gz").write_bytes(gz(d2["body"].encode()))
        times.append(time.perf_counter() - t0)
        counts.append(len(touched))
        # A new key for a brand-new term (here "ze…") would also rewrite the manifest (< 2 KiB).
    total = sum(len(sg["keys"]) for sg in man["segments"])
    print(f"prototype one-article edit: rewrites {statistics.median(counts):.0f} of {total} term "
          f"shards + 1 doc-table chunk + 1 text file; "
          f"{statistics.median(times) * 1000:.0f} ms median "
          f"(best {min(times) * 1000:.0f} ms, {a.runs} edits, in-process, "
          f"index state read from the "
          f"shards themselves)")


# ---------------------------------------------------------------- SQLite FTS5
def cmd_fts5(a):
    repeat(f"fts5 build {a.site}", [sys.executable, __file__, "fts5-build", "--site", a.site,
                                    "--out", a.out], a.runs)
    cmd_fts5_build(a, report=True)


def cmd_fts5_build(a, report=False):
    import sqlite3
    site, db = Path(a.site), Path(a.out)
    if report:
        con = sqlite3.connect(db)
        return fts5_report(a, con)
    if db.exists():
        db.unlink()
    con = sqlite3.connect(db)
    con.execute("PRAGMA page_size=4096")
    con.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, title, date, authors, publisher, url, "
                "region, theme, year)")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, authors, body, content='', "
                "tokenize='unicode61 remove_diacritics 2', detail=column)")
    for i, rel in enumerate(article_paths(site)):
        d = read_article(site / rel, rel[: -len("index.html")])
        con.execute("INSERT INTO docs VALUES(?,?,?,?,?,?,?,?,?)",
                    (i, d["title"], d["date"], ", ".join(d["authors"]), d["publisher"], d["url"],
                     " ".join(d["regions"]), " ".join(d["themes"]), d["date"][:4]))
        con.execute("INSERT INTO fts(rowid, title, authors, body) VALUES(?,?,?,?)",
                    (i, d["title"], " ".join(d["authors"]), d["body"]))
    con.execute("INSERT INTO fts(fts) VALUES('optimize')")
    con.commit()
    con.execute("VACUUM")
    con.close()


def fts5_report(a, con):
    db = Path(a.out)
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    # Bytes of the FTS index's data rows (b-tree leaves a range-request VFS must read for a term):
    rows = con.execute("SELECT count(*), sum(length(block)) FROM fts_data").fetchone()
    print(f"fts5 (contentless, detail=column): {db.stat().st_size / 2**20:.1f} MiB, "
          f"{pages} pages of 4096; fts_data {rows[0]} rows {rows[1] / 2**20:.1f} MiB")
    con.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, row)")
    total_docs_terms = con.execute("SELECT sum(doc) FROM vocab").fetchone()[0]
    per_posting = rows[1] / total_docs_terms
    for q in a.queries or QUERIES:
        dfs = [con.execute("SELECT doc FROM vocab WHERE term=?", (t,)).fetchone()
               for t in tokens(q)]
        # + b-tree descent
        doclist = sum(math.ceil(df[0] * per_posting / 4096) + 2 for df in dfs if df)
        print(f"fts5 query {q!r}: df {[df[0] if df else 0 for df in dfs]}; "
              f"about {doclist} pages of "
              f"doclists + 20 pages of result rows = {(doclist + 20) * 4} KiB "
              f"by HTTP range requests "
              f"(estimate: {per_posting:.2f} index bytes per posting; "
              f"plus the SQLite wasm and a VFS)")
    con.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("archivegen", help="time archivegen's cold build (--no-cache, empty output)")
    p.add_argument("--corpus", required=True)
    p.add_argument("--site", required=True)
    p.add_argument("--archivegen",
                   default=str(Path(__file__).resolve().parents[1] / ".venv/bin/archivegen"))
    p.add_argument("--runs", type=int, default=3)
    p.set_defaults(fn=cmd_archivegen)
    p = sub.add_parser("pagefind", help="time Pagefind indexing the built site")
    p.add_argument("--site", required=True)
    p.add_argument("--pagefind", default=str(Path(sys.executable).parent.parent /
                   f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages/pagefind_bin/pagefind"))
    p.add_argument("--articles-only", action="store_true", help=f"--glob '{PAGEFIND_ARTICLE_GLOB}'")
    p.add_argument("--exclude", default="", help="--exclude-selectors, e.g. '.provenance'")
    p.add_argument("--max-rss-gib", type=float, default=10.0,
                   help="kill Pagefind above this (0: never)")
    p.add_argument("--runs", type=int, default=3)
    p.set_defaults(fn=cmd_pagefind)
    p = sub.add_parser("pagefind-query", help="bytes Chromium fetches for Pagefind queries")
    p.add_argument("--site", required=True)
    p.add_argument("--bundle", required=True, help="the bundle folder inside --site")
    p.add_argument("--browser-python",
                   default=str(Path(__file__).resolve().parents[1] / ".venv/bin/python"))
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--queries", nargs="*")
    p.set_defaults(fn=cmd_pagefind_query)
    for name, fn in (("shards", cmd_shards), ("shards-build", cmd_shards_build),
                     ("shards-edit", cmd_shards_edit)):
        p = sub.add_parser(name)
        p.add_argument("--site", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--cap", type=int, default=48_000, help="shard size cap, bytes before gzip")
        p.add_argument("--chunk", type=int, default=10, help="documents per doc-table chunk")
        p.add_argument("--level", type=int, default=6, help="gzip level of the files written")
        p.add_argument("--segment", type=int, default=0,
                       help="documents per segment, each an index of its own (0: one segment)")
        p.add_argument("--top", type=int, default=20)
        p.add_argument("--runs", type=int, default=3)
        p.add_argument("--queries", nargs="*")
        p.set_defaults(fn=fn)
    p = sub.add_parser("fts5", help="SQLite FTS5 database of the articles: build time and size")
    p.add_argument("--site", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--queries", nargs="*")
    p.add_argument("--runs", type=int, default=1)
    p.set_defaults(fn=cmd_fts5)
    p = sub.add_parser("fts5-build")
    p.add_argument("--site", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_fts5_build)
    a = ap.parse_args(argv)
    global GZIP_LEVEL
    GZIP_LEVEL = getattr(a, "level", GZIP_LEVEL)
    a.fn(a)


if __name__ == "__main__":
    main()
