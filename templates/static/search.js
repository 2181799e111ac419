/* archivegen search: reads the index the build wrote under search/ (src/archivegen/search/),
   fetching only the shards of the words asked for and the data of the results shown.
   Words are split and folded as search/terms.py does; shards are found by the FNV-1a hash
   postings.py uses. Nothing here writes HTML from the index: text goes in as text. */
(() => {
  "use strict";
  const form = document.querySelector("form[data-search-root]");
  if (!form) return;
  const root = new URL(form.dataset.searchRoot, location.href);
  const dir = new URL("search/", root);
  const input = form.querySelector("#search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const FACETS = ["regions", "themes", "authors", "publishers", "years"];
  const PAGE = 10;
  const MAX_WORD = 40;
  const utf8 = new TextEncoder();
  // The theme's words in the site's language (render/messages.py, Messages.script_data), from
  // the form's data-messages: texts by key (a plural one as [one, other]), the counts that
  // take the "one" form, and the language counts are written in. Text only: never HTML.
  const L10N = JSON.parse(form.dataset.messages || "{}");
  const ONE = new Set(L10N.one || [1]);
  const msg = (key, values = {}) => {
    let text = (L10N.messages || {})[key] ?? key;
    if (Array.isArray(text)) text = text[ONE.has(values.count) ? 0 : 1];
    return text.replace(/\{([a-z_]+)\}/g, (all, name) => {
      if (!(name in values)) return all;
      const value = values[name];
      return name === "count" ? value.toLocaleString(L10N.language || "en") : String(value);
    });
  };
  const fetched = new Map();

  const words = (text) => {
    const folded = text.toLowerCase().normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "");
    return (folded.match(/[\p{L}\p{N}]+/gu) || []).filter((w) => {
      const n = [...w].length;
      return (n > 1 && n <= MAX_WORD) || /^\p{Nd}$/u.test(w);
    });
  };

  const fnv1a = (term) => {
    let h = 0x811c9dc5;
    for (const byte of utf8.encode(term)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h >>> 0;
  };

  // A file's bytes, gunzipped unless the server already did (Content-Encoding).
  const bytes = (path) => {
    if (!fetched.has(path)) {
      fetched.set(path, fetch(new URL(path, dir)).then(async (r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        const b = new Uint8Array(await r.arrayBuffer());
        if (b[0] !== 0x1f || b[1] !== 0x8b) return b;
        const stream = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Uint8Array(await new Response(stream).arrayBuffer());
      }));
    }
    return fetched.get(path);
  };
  const json = async (path) => JSON.parse(new TextDecoder().decode(await bytes(path)));

  const varint = (b, at) => {
    let n = 0, scale = 1, byte;
    do { byte = b[at.i++]; n += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
    return n;
  };

  // The postings of `term` in one shard: Map doc -> count (empty if it is not there).
  const postings = (shard, term) => {
    const want = utf8.encode(term);
    const at = { i: 0 };
    while (at.i < shard.length) {
      const size = varint(shard, at), start = at.i;
      at.i += size;
      const n = varint(shard, at), length = varint(shard, at), payload = at.i;
      at.i += length;
      if (size !== want.length || !want.every((x, k) => shard[start + k] === x)) continue;
      const found = new Map(), p = { i: payload }, counts = payload + length - n;
      let doc = -1;
      for (let k = 0; k < n; k++) {
        doc += varint(shard, p) + 1;
        found.set(doc, shard[counts + k]);
      }
      return found;
    }
    return new Map();
  };

  const manifest = json("index.json").then((m) => {
    if (m.format !== 1) throw new Error("the search index is of another format");
    return m;
  });

  // Every document with all `terms` (the words and the filters), best first.
  const search = async (terms, scored) => {
    const m = await manifest;
    const lists = await Promise.all(terms.map((term) => Promise.all(m.buckets.map(
      async (buckets, s) => postings(await bytes(`s${s}/${(fnv1a(term) & (buckets - 1)).toString(16)}.bin`), term)))));
    const weight = lists.map((segments, t) => {
      const df = segments.reduce((sum, p) => sum + p.size, 0);
      return scored[t] ? Math.log(1 + m.docs / Math.max(df, 1)) : 0;
    });
    const results = [];
    m.buckets.forEach((_, s) => {
      const [first, ...rest] = lists.map((segments) => segments[s]);
      for (const [doc, count] of first) {
        let score = count * weight[0];
        if (!rest.every((p, t) => p.has(doc) && ((score += p.get(doc) * weight[t + 1]), true))) continue;
        results.push([score, s * m.segment + doc]);
      }
    });
    return results.sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((r) => r[1]);
  };

  // An ISO date at the precision the article states, written as its page writes it
  // (render/messages.py, Messages.date): "May 30, 2017", "30 mai 2017", "June 2013",
  // "June–July 2010", "2010".
  const humanDate = (iso) => {
    const month = (mm) => msg(`month.${Number(mm)}`);
    const year = (yyyy) => String(Number(yyyy));
    let m;
    if ((m = iso.match(/^(\d{4})-(\d{2})-(\d{2})$/))) {
      const day = Number(m[3]) === 1 ? msg("date.first_day") : String(Number(m[3]));
      return msg("date.day", { day, month: month(m[2]), year: year(m[1]) });
    }
    if ((m = iso.match(/^(\d{4})-(\d{2})\/\d{4}-(\d{2})$/))) {
      return msg("date.months", { start: month(m[2]), end: month(m[3]), year: year(m[1]) });
    }
    if ((m = iso.match(/^(\d{4})-(\d{2})$/))) return msg("date.month", { month: month(m[2]), year: year(m[1]) });
    if ((m = iso.match(/^(\d{4})\/(\d{4})$/))) return msg("date.years", { start: year(m[1]), end: year(m[2]) });
    return /^\d{4}$/.test(iso) ? year(iso) : iso;
  };

  const doc = async (n) => {
    const m = await manifest;
    return (await json(`d/${Math.floor(n / m.chunk)}.bin`))[n % m.chunk];
  };

  // `text` as nodes, the words of `asked` marked; a window around the first one.
  const marked = (text, asked, around = 0) => {
    const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
    const hits = tokens.filter((t) => asked.has(words(t[0])[0]));
    let start = 0, end = text.length;
    if (around && hits.length) {
      const at = tokens.indexOf(hits[0]);
      const from = tokens[Math.max(0, at - around)], to = tokens[Math.min(tokens.length - 1, at + around)];
      start = from.index;
      end = to.index + to[0].length;
    } else if (around) {
      end = Math.min(text.length, tokens[Math.min(tokens.length - 1, 2 * around)]?.index ?? text.length);
    }
    const out = document.createDocumentFragment();
    if (start > 0) out.append("… ");
    let pos = start;
    for (const t of hits) {
      if (t.index < start || t.index + t[0].length > end) continue;
      out.append(text.slice(pos, t.index));
      const mark = document.createElement("mark");
      mark.textContent = t[0];
      out.append(mark);
      pos = t.index + t[0].length;
    }
    out.append(text.slice(pos, end));
    if (end < text.length) out.append(" …");
    return out;
  };

  // The article's own page gives the snippet (the host serves it already): the first
  // place its body has a word asked for. Until then, and if it fails, the excerpt shows.
  const snippet = async (url, asked, p) => {
    try {
      const r = await fetch(new URL(url, root));
      if (!r.ok) return;
      const page = new DOMParser().parseFromString(await r.text(), "text/html");
      const body = page.querySelector("article .body");
      const text = (body ? body.textContent : "").replace(/\s+/g, " ").trim();
      if (text) p.replaceChildren(marked(text, asked, 18));
    } catch (e) { /* the excerpt stays */ }
  };

  const item = (entry, asked) => {
    const [url, title, date, authors, publisher, excerpt] = entry;
    const li = document.createElement("li");
    const h = document.createElement("h2");
    const a = document.createElement("a");
    a.href = new URL(url, root).href;
    a.append(marked(title, asked));
    h.append(a);
    const meta = document.createElement("p");
    meta.className = "meta";
    if (date) {
      const time = document.createElement("time");
      time.dateTime = date;
      time.textContent = humanDate(date);
      meta.append(time);
    }
    const by = [authors.join(", "), publisher].filter(Boolean).join(" · ");
    if (by) meta.append(date ? ` · ${by}` : by);
    const p = document.createElement("p");
    p.className = "snippet";
    p.append(marked(excerpt, asked));
    li.append(h, meta, p);
    snippet(url, asked, p);
    return li;
  };

  let shown = [], next = 0, asked = new Set(), run = 0;

  const showMore = async () => {
    const mine = run;
    const batch = shown.slice(next, next + PAGE);
    next += batch.length;
    const entries = await Promise.all(batch.map(doc));
    if (mine !== run) return;
    list.append(...entries.map((e) => item(e, asked)));
    more.hidden = next >= shown.length;
  };

  const say = (text) => { status.textContent = text; };

  // `typed`: the first search, run once the filters are loaded; words typed meanwhile into
  // a page asked for without any are kept (they were wiped when the filters came late).
  const query = async (typed = false) => {
    const mine = ++run;
    const params = new URLSearchParams(location.search);
    const q = params.get("q") || "";
    if (!(typed && !params.has("q") && input.value)) input.value = q;
    for (const f of FACETS) form.elements[f].value = params.get(f) || "";
    const wanted = [...new Set(words(q))];
    const filters = FACETS.map((f) => params.get(f)).filter(Boolean).map((url) => `@${url}`);
    list.replaceChildren();
    more.hidden = true;
    if (!wanted.length) {
      say(q ? msg("search.short") : "");
      return;
    }
    say(msg("search.searching"));
    asked = new Set(wanted);
    try {
      const found = await search([...wanted, ...filters], [...wanted.map(() => true), ...filters.map(() => false)]);
      if (mine !== run) return;
      shown = found;
      next = 0;
      const n = found.length;
      say(n ? msg("search.found", { count: n }) : msg("search.none"));
      await showMore();
    } catch (e) {
      if (mine !== run) return;
      say(location.protocol === "file:" ? msg("search.needs_server")
        : msg("search.failed", { error: e.message }));
    }
  };

  const fillFilters = async () => {
    await Promise.all(FACETS.map(async (f) => {
      const select = form.elements[f];
      const values = await json(`f/${f}.json`);
      select.append(...values.map(([url, name]) => new Option(name, url)));
      select.value = new URLSearchParams(location.search).get(f) || "";
    }));
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    for (const f of FACETS) if (form.elements[f].value) params.set(f, form.elements[f].value);
    history.pushState(null, "", `?${params}`);
    query();
  });
  for (const f of FACETS) form.elements[f].addEventListener("change", () => form.requestSubmit());
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", () => query());
  fillFilters().catch(() => {}).then(() => query(true));
})();
