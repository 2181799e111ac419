# ruff: noqa: RUF001, RUF002  (look-alike letters of other scripts are the point)
"""search/terms.py (the words an article is found by, its term vector) and its parity with
the browser: the `words` and `fnv1a` functions of templates/static/search.js, taken from the
file's text and run in Node, must split, fold and hash every text as terms.py and
postings.py do, or a word the index holds is never asked for (or one asked for never found).

Known, documented differences (see the tests' reasons):
- code points one side's Unicode database does not know (Python 3.11's unicodedata is 14.0,
  Node's ICU newer): inherent, excluded from the code point sweep by rule, not by list;
- a lone number character that is no decimal digit (Tamil ௰, ideographic 〇, Oriya
  fractions...): terms.py at 2e9c449 dropped it and search.js kept it; since 9bd620a both
  keep a lone decimal digit (Nd) only;
- compatibility characters whose decomposition is upper case (𝐁𝐨𝐥𝐝 "fancy text", ™, ℍ, ㎒):
  both sides folded them to upper-case words until both lower-cased after NFKD too."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivegen.config import default_theme_dir
from archivegen.errors import Diagnostics
from archivegen.partial_date import PartialDate
from archivegen.render.messages import load_messages
from archivegen.render.templates import human_date
from archivegen.search import terms
from archivegen.search.postings import fnv1a
from archivegen.search.terms import (
    MAX_TERMS,
    MAX_TF,
    MAX_WORD,
    TITLE_WEIGHT,
    facet_term,
    html_text,
    read_vector,
    term_vector,
    words,
)

REPO = Path(__file__).resolve().parents[2]
SEARCH_JS = REPO / "templates" / "static" / "search.js"
REAL = REPO.parent / "shared" / "real"  # real third-party articles (several languages)

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# ---------------------------------------------------------------------------------------
# terms.words and term_vector


def test_words_are_lower_case_with_accents_folded() -> None:
    assert words("Café CRÈME Brûlée naïve Ångström") == [
        "cafe", "creme", "brulee", "naive", "angstrom"]
    assert words("cafe\u0301 e\u0301te\u0301") == ["cafe", "ete"]  # combining marks
    assert words("ASCII only, no NFKD") == ["ascii", "only", "no", "nfkd"]


def test_one_letter_words_are_dropped_but_a_lone_digit_is_kept() -> None:
    assert words("a I x 7 b2 0 42 é") == ["7", "b2", "0", "42"]
    assert words("٣ ७ ๓") == ["٣", "७", "๓"]  # digits of other scripts (Nd)
    assert words("x² ①") == ["x2", "1"]  # compatibility digits become ASCII digits


def test_words_longer_than_max_word_are_dropped() -> None:
    assert MAX_WORD == 40
    assert words("x" * 40 + " " + "y" * 41) == ["x" * 40]
    # Counted in code points after folding: accents dropped, astral letters one each.
    assert words("é" * 40) == ["e" * 40]
    assert words("\U00010400" * 40) == ["\U00010428" * 40]  # Deseret, lower-cased
    assert words("\U00010400" * 41) == []
    # A ligature folds into more letters: "ﬁ" * 20 is 40 letters.
    assert words("ﬁ" * 20) == ["fi" * 20]
    assert words("ﬁ" * 21) == []


def test_underscores_and_punctuation_split_words() -> None:
    assert words("snake_case __init__ a_b") == ["snake", "case", "init"]
    assert words("e-mail, U.S. don't (quay)") == ["mail", "don", "quay"]
    assert words("co\u00adoperate zero\u200bwidth") == ["co", "operate", "zero", "width"]


def test_words_of_other_scripts() -> None:
    assert words("Москва МОСКВА") == ["москва", "москва"]
    assert words("Ἀθῆναι ΑΘΗΝΑ") == ["αθηναι", "αθηνα"]
    assert words("القاهرة مُحَمَّد") == ["القاهرة", "محمد"]  # harakat are marks
    assert words("שָׁלוֹם") == ["שלום"]
    assert words("東京都 の") == ["東京都"]  # no segmentation: a run of letters is one word
    # Indic vowel signs and virama are marks too: dropped on both sides alike.
    assert words("हिन्दी") == ["हनद"]
    # Hangul syllables are kept as their jamo (NFKD), the query's too.
    assert words("한국") == ["\u1112\u1161\u11ab\u1100\u116e\u11a8"]


def test_special_cases_of_case_and_compatibility() -> None:
    assert words("İstanbul ISTANBUL ılık") == ["istanbul", "istanbul", "ılık"]
    assert words("Straße STRASSE ẞ") == ["straße", "strasse"]  # ß is not ss
    assert words("ΟΔΟΣ ΣΑΣ") == ["οδος", "σας"]  # final sigma
    assert words("ﬁnance ﬂow ﬀ") == ["finance", "flow", "ff"]
    assert words("ＴＯＫＹＯ２０２０") == ["tokyo2020"]  # full width
    assert words("Ⅻ ǅemal K") == ["xii", "dzemal"]  # Roman numeral, title case, Kelvin
    assert words("party 🎉 👍🏽 ❤️ ok") == ["party", "ok"]


def test_every_word_is_lower_case() -> None:
    assert words("𝐁𝐫𝐞𝐚𝐤𝐢𝐧𝐠 𝐍𝐞𝐰𝐬 ℍ𝕆𝕋𝔼𝕃 10㎒") == ["breaking", "news", "hotel", "10mhz"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_words_are_folded_and_bounded(text: str) -> None:
    for word in words(text):
        assert 1 <= len(word) <= MAX_WORD
        assert len(word) > 1 or unicodedata.category(word).startswith("N")
        assert "_" not in word and " " not in word
        assert not any(unicodedata.category(c).startswith("M") for c in word)
        assert "@" not in word and "/" not in word  # never meets a facet term


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127))
       | st.from_regex(r"[0-9a-z _.]{0,90}", fullmatch=True))
def test_ascii_words_are_the_runs_the_pattern_finds(text: str) -> None:
    # words() splits ASCII text without the regex; both must give the same words in order.
    assert words(text) == terms._SEARCHED.findall(text.lower())
    assert words("1" * 41 + " 7 " + "2" * 40) == ["7", "2" * 40]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127))
       | st.from_regex(r"[0-9a-z _.]{0,90}", fullmatch=True)
       | st.text(alphabet="aé1 _\u2122x", max_size=30))
def test_counted_words_are_the_words_counted_in_first_order(text: str) -> None:
    # counted_words() counts ASCII runs before filtering them: same counts, same order.
    counted = terms.counted_words(text)
    expected = Counter(words(text))
    assert counted == expected and list(counted) == list(expected)


def test_html_tags_and_entities_are_stripped() -> None:
    assert html_text("<p>Caf&eacute;&nbsp;&amp;<br/>bar</p>").split() == ["Café", "&", "bar"]
    vector = read_vector(term_vector("", [], '<p class="lead">Caf&eacute; '
                                             "<b>cr&egrave;me</b>&hellip; &lt;tag&gt;</p>"))
    assert vector == {"cafe": 1, "creme": 1, "tag": 1}  # no "p", "class", "lead", "b"


def test_title_weight_authors_and_format() -> None:
    assert TITLE_WEIGHT == 3
    vector = term_vector("Harbour news", ["Ann Lee"], "<p>The harbour, harbour.</p>")
    # "word count" lines, one a word (in no promised order).
    assert sorted(vector.split("\n")) == ["ann 1", "harbour 5", "lee 1", "news 3", "the 1"]
    assert read_vector(vector) == {"ann": 1, "harbour": 5, "lee": 1, "news": 3, "the": 1}
    assert term_vector("", [], "") == ""
    assert read_vector("") == {}


def test_counts_are_capped_at_max_tf() -> None:
    assert MAX_TF == 255
    assert read_vector(term_vector("", [], "quay " * 300)) == {"quay": 255}
    assert read_vector(term_vector("quay", [], "quay " * 253)) == {"quay": 255}  # 256
    assert read_vector(term_vector("quay", [], "quay " * 251)) == {"quay": 254}


def test_max_terms_keeps_the_most_frequent_words() -> None:
    once = [f"w{i}" for i in range(MAX_TERMS + 50)]
    twice = [f"zz{i}" for i in range(60)]
    vector = read_vector(term_vector("title", [], " ".join(once + twice + twice)))
    assert len(vector) == MAX_TERMS
    assert vector["title"] == 3 and all(vector[w] == 2 for w in twice)
    # Ties are broken by word order: the first words of the alphabet stay.
    assert set(vector) == {"title", *twice, *sorted(once)[:MAX_TERMS - 61]}


def test_facet_terms_are_never_words() -> None:
    assert facet_term("/regions/syria/") == "@/regions/syria/"
    assert words(facet_term("/regions/syria/")) == ["regions", "syria"]


# ---------------------------------------------------------------------------------------
# Parity with templates/static/search.js, run in Node

# Takes the functions from the file's text (search.js is an IIFE for the browser: the
# constants and arrow functions it needs are evaluated on their own).
_HARNESS = r"""
const fs = require("fs");
const src = fs.readFileSync(process.env.SEARCH_JS, "utf8");
const grab = (re) => {
  const m = src.match(re);
  if (!m) throw new Error(`search.js has no ${re}`);
  return m[0];
};
const ask = JSON.parse(fs.readFileSync(0, "utf8"));
// What the search page's data-messages would hold (Messages.script_data), as `form`.
const form = { dataset: { messages: JSON.stringify(ask.l10n || {}) } };
const { MAX_WORD, words, fnv1a, humanDate } = new Function("form", [
  grab(/const MAX_WORD = \d+;/),
  grab(/const utf8 = new TextEncoder\(\);/),
  grab(/const L10N = .*;/),
  grab(/const ONE = .*;/),
  grab(/const msg = \(key, values = \{\}\) => \{[\s\S]*?\n  \};/),
  grab(/const words = \(text\) => \{[\s\S]*?\n  \};/),
  grab(/const fnv1a = \(term\) => \{[\s\S]*?\n  \};/),
  grab(/const humanDate = \(iso\) => \{[\s\S]*?\n  \};/),
  "return { MAX_WORD, words, fnv1a, humanDate };"].join("\n"))(form);
const out = { MAX_WORD };
if (ask.words) out.words = ask.words.map((t) => words(t));
if (ask.hashed) {
  out.hashed = ask.hashed.map((t) => { const w = words(t); return [w, w.map(fnv1a)]; });
}
if (ask.hash) out.hash = ask.hash.map((t) => fnv1a(t));
if (ask.dates) out.dates = ask.dates.map((d) => humanDate(d));
if (ask.unassigned) {
  out.unassigned = [];
  for (let c = 0; c < 0x110000; c++) {
    if (/^\p{Cn}$/u.test(String.fromCodePoint(c))) out.unassigned.push(c);
  }
}
process.stdout.write(JSON.stringify(out));
"""


def node(**ask: object) -> dict[str, object]:
    """search.js's answers: `words` (texts: word lists), `hashed` (texts: [words, hashes]),
    `hash` (strings: hashes), `unassigned` (code points its Unicode does not know)."""
    done = subprocess.run(["node", "-e", _HARNESS], input=json.dumps(ask), text=True,
                          capture_output=True, env={**os.environ, "SEARCH_JS": str(SEARCH_JS)},
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def real_texts() -> dict[str, str]:
    """Every file of the real material, as text (the horne2017_ files are Windows-1252)."""
    texts = {}
    for path in sorted(REAL.iterdir()):
        data = path.read_bytes()
        try:
            texts[path.name] = data.decode("utf-8")
        except UnicodeDecodeError:
            texts[path.name] = data.decode("cp1252")
    return texts


TRICKY = [
    "ﬁnance ﬂow ﬀ ﬃ ﬄ Ĳssel œuvre Æsir",  # ligatures
    "İstanbul ISTANBUL ılık I\u0307 i\u0307",  # Turkish dotted and dotless I
    "Straße STRASSE ẞ ß ßß",  # German sharp s
    "ΟΔΟΣ ΣΑΣ Σ ὈΔΥΣΣΕΎΣ σς ΑΣ. ΑΣ1",  # Greek final sigma
    "東京都の人口は増えた 北京 中华人民共和国 한국어 ｶﾀｶﾅ カタカナ",  # CJK, half width
    "party 🎉 👍🏽 ❤️ 👨‍👩‍👧 🇫🇷 ok",  # emoji, modifiers, ZWJ sequences, flags
    "cafe\u0301 e\u0301te\u0301 a\u0308\u0304 \u0301alone ẹ̀ Z̤͈̿a̞l̓g͎o",  # combining marks
    "٢٠٢٣ ١ ۴ ०१२ ७ ๓ ၁ ᠑ ፩ ௰ 〇 ½ ² ₃ ① Ⅻ ⅻ",  # digits and numbers of other scripts
    "ＡＢＣ１２３ Ｔｏｋｙｏ ａ ｚｚ",  # full width
    "Москва МОСКВА Ἀθῆναι القاهرة مُحَمَّد שָׁלוֹם हिन्दी ภาษาไทย ქართული Հայաստան",
    "snake_case __init__ e-mail U.S. don't co\u00adoperate zero\u200bwidth a\u200db",
    "ǅemal ǈ K Å Ω ϴ ſt ΐ ᾮ ﬅ",  # title case, Kelvin, Angstrom, Ohm, long s
    "\U00010400\U00010401 \U0001E900\U0001E901 \U0001D41B \U00020000\U00020001",  # astral
    "x" * 40 + " " + "y" * 41 + " " + "é" * 40 + " " + "ﬁ" * 21,
    "<p>Caf&eacute; &amp; bar</p> @/regions/syria/ a/b 10% $5 #tag",
    "",
]


@needs_node
def test_the_harness_reads_search_js_constants() -> None:
    assert node(words=["Harbour ok"])["MAX_WORD"] == MAX_WORD
    assert node(words=["Harbour ok"])["words"] == [["harbour", "ok"]]


@needs_node
def test_real_articles_split_and_hash_alike() -> None:
    texts = real_texts()
    assert len([name for name in texts if name.endswith(".txt")]) == 54
    got = node(hashed=list(texts.values()))["hashed"]
    for (name, text), (js_words, js_hashes) in zip(texts.items(), got, strict=True):
        ours = words(text)
        assert js_words == ours, name
        assert js_hashes == [fnv1a(w) for w in ours], name


@needs_node
def test_tricky_strings_split_and_hash_alike() -> None:
    got = node(hashed=TRICKY)["hashed"]
    for text, (js_words, js_hashes) in zip(TRICKY, got, strict=True):
        ours = words(text)
        assert js_words == ours, text
        assert js_hashes == [fnv1a(w) for w in ours], text


@needs_node
def test_any_term_hashes_alike() -> None:
    terms = ["", "a", "foobar", "@/regions/syria/", "@/2020/", "straße", "東京",
             "\U0001F389", "\U00020000", "x" * 1000, "\x00", "\u07ff\u0800\uffff"]
    assert node(hash=terms)["hash"] == [fnv1a(t) for t in terms]
    # The published FNV-1a 32-bit test vectors.
    assert [fnv1a(t) for t in ("", "a", "foobar")] == [0x811C9DC5, 0xE40C292C, 0xBF9CF968]


def _random_texts(count: int, seed: int) -> list[str]:
    """Texts of letters, marks, digits, punctuation and symbols of many scripts mixed (all
    in one Node run: a Node per hypothesis example would cost seconds)."""
    rng = random.Random(seed)
    pools = [" ", " ", "abcXYZ_-'.09", "éÉßẞİıſﬁ\u0301\u0308\u0345\u200b\u00ad",
             "ΑΣσςΟΔ", "Ꮳᏸ", "ДжЁё", "東京한국ｶｱＡ１", "٣७௰〇½²①Ⅻ", "🎉👍🏽\u200d❤️", "𝐁ℍ™",
             "\U00010400\U0001E900"]
    texts = []
    for _ in range(count):
        chars = [rng.choice(rng.choice(pools)) if rng.random() < 0.8
                 else chr(rng.randrange(0x30000)) for _ in range(rng.randrange(1, 40))]
        texts.append("".join(c for c in chars if unicodedata.category(c) != "Cn"))
    return texts


@needs_node
def test_random_texts_split_and_hash_alike() -> None:
    # Code points either side does not know are left out (see the sweep below).
    texts = _random_texts(3000, seed=16)
    got = node(hashed=texts)["hashed"]
    for text, js in zip(texts, got, strict=True):
        assert js == [words(text), [fnv1a(w) for w in words(text)]], text


@pytest.fixture(scope="module")
def unknown_code_points() -> frozenset[int]:
    """Code points unassigned in Python's Unicode database or in Node's: inherent
    differences, since the build's Python and the reader's browser each use their own
    Unicode version (here Python 3.11: unicodedata 14.0; Node: ICU's, newer). search.js
    splits letters added since 14.0 as words that terms.py never indexes."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    js = set(node(unassigned=True)["unassigned"])  # type: ignore[arg-type]
    py = {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cn"}
    return frozenset(js | py)


BLOCK = 512


def _sweep(unknown: frozenset[int], fragment: str) -> list[str]:
    """Every code point known to both sides, put into `fragment` ("{c}" marks it), BLOCK at
    a time; the code points whose words differ, described."""
    blocks = [[chr(c) for c in range(start, min(start + BLOCK, 0x110000)) if c not in unknown]
              for start in range(0, 0x110000, BLOCK)]
    texts = [" ".join(fragment.replace("{c}", c) for c in block) for block in blocks]
    got = node(words=texts)["words"]
    suspects = [c for block, text, js in zip(blocks, texts, got, strict=True)
                if js != words(text) for c in block]
    if not suspects:
        return []
    alone = [fragment.replace("{c}", c) for c in suspects]
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')} ({unicodedata.category(c)}): "
            f"python {words(text)} js {js}"
            for c, text, js in zip(suspects, alone, node(words=alone)["words"], strict=True)
            if js != words(text)]


@needs_node
def test_every_known_code_point_splits_alike_inside_words(
        unknown_code_points: frozenset[int]) -> None:
    # Unassigned here (14.0) but known to Node: at least the scripts of Unicode 15 and 16.
    assert 0x11F00 in unknown_code_points  # KAWI SIGN CANDRABINDU (Unicode 15)
    assert 0x31350 in unknown_code_points  # CJK extension H (Unicode 15)
    assert _sweep(unknown_code_points, "a{c}b {c}{c}1") == []


@needs_node
def test_every_known_code_point_alone_splits_alike(
        unknown_code_points: frozenset[int]) -> None:
    """A word of one character: a decimal digit (Nd) on both sides. At 2e9c449 terms.py
    kept str.isdigit() and search.js /^\\p{N}$/u: 861 number characters that are no
    digit (௰ 〇 ৴ ୲ ...) were asked for by the browser and never indexed (9bd620a)."""
    assert _sweep(unknown_code_points, "{c}") == []


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_results_show_dates_as_the_pages_do(language: str) -> None:
    """search.js writes a result's date (its ISO form in the index) as the pages do, in the
    site's language, from the messages the search page hands it."""
    dates = [PartialDate(year=2017, month=5, day=30), PartialDate(year=2013, month=6),
             PartialDate(year=2010, month=6, end_month=7), PartialDate(year=2013, end_year=2014),
             PartialDate(year=2010), PartialDate(year=999, month=12, day=1)]
    messages = load_messages([default_theme_dir()], language, Diagnostics())
    shown = node(dates=[d.isoformat() for d in dates], l10n=messages.script_data())["dates"]
    assert shown == [messages.date(d) for d in dates]
    if language == "en":
        assert shown == [human_date(d) for d in dates]
    if language == "fr":
        assert shown[0] == "30 mai 2017" and shown[-1] == "1er décembre 999"
