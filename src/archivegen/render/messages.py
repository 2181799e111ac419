"""The theme's words in the site's language: `messages.yaml` beside the templates, one section
per language, read once per build, checked against its English section, laid over by the
archive's own theme folder, and handed to the templates as `t`.

A data file in the theme rather than a Python table: a theme's templates and its words go
together (a theme that adds a label adds its translations), and a user's theme folder can
add a language or reword a message without touching the package. Reading it is the theme's
only file read outside Jinja's loader: it goes through yamlmap (the safe loader, bounded),
and every problem is a diagnostic that leaves the English text in place, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from archivegen.config import default_theme_dir
from archivegen.errors import Diagnostics, SourceLocation
from archivegen.partial_date import PartialDate
from archivegen.yamlmap import YamlEntry, load_mapping

MESSAGES_FILE = "messages.yaml"
REFERENCE = "en"  # the section every other one is checked against and falls back to

# The counts whose plural form is "one" (CLDR's rule for the cardinal "one"), per language;
# a language not listed takes English's.
_ONE: dict[str, frozenset[int]] = {"fr": frozenset({0, 1}), "pt": frozenset({0, 1})}
_ONE_DEFAULT = frozenset({1})
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_FORMS = ("one", "other")
_LANGUAGE_KEY = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# The messages static/search.js shows (the search page carries them): its notes, and dates.
SCRIPT_MESSAGES = ("search.short", "search.searching", "search.found", "search.none",
                   "search.needs_server", "search.failed", "date.day", "date.first_day",
                   "date.month", "date.months", "date.years",
                   *(f"month.{n}" for n in range(1, 13)))

Text = str | tuple[str, str]  # a message, or its plural forms (one, other)
_DATES_KEPT = 512  # dates worded and kept (more held objects from every job alive: at 10^5
# articles 65,536 of them grew each render worker by megabytes)
# A message's text before its first placeholder, then each placeholder's name with the text
# after it; the texts escaped already.
_Pieces = tuple[Markup, tuple[tuple[str, Markup], ...]]


def _split(text: str) -> _Pieces:
    parts = _PLACEHOLDER.split(text)  # text and placeholder names alternate, text first
    return escape(parts[0]), tuple((parts[n], escape(parts[n + 1]))
                                   for n in range(1, len(parts), 2))


@dataclass(frozen=True, slots=True, kw_only=True)
class Messages:
    """One language's messages (English where it has none); callable from templates:
    `t("key", name=...)`, `t("key", count=n)` for a plural one. What it returns is markup:
    the message escaped, each value escaped unless it is markup already (a link)."""

    language: str  # the section used: "fr" for a site in fr-CA
    texts: Mapping[str, Text]
    one: frozenset[int] = _ONE_DEFAULT
    digest: str = field(default="", compare=False)
    # Each message text split once into its escaped pieces and placeholder names: a page
    # asks for about thirty messages, and splitting and escaping them on every call was a
    # sixth of rendering an article page.
    _pieces: dict[str, _Pieces] = field(default_factory=dict, compare=False, repr=False)
    # Each date worded once: a listing page shows twenty, an article page up to seven.
    _dates: dict[PartialDate, str] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, key: str, /, **values: object) -> Markup:
        text = self._form(key, values.get("count"))
        pieces = self._pieces.get(text)
        if pieces is None:
            pieces = self._pieces[text] = _split(text)
        head, rest = pieces
        if not rest:
            return head
        out = [head]
        for name, literal in rest:
            out.append(escape(values[name]))
            out.append(literal)
        return Markup("".join(out))

    def text(self, key: str, /, **values: object) -> str:
        """The message as plain text (for a value the template escapes: a page's title)."""
        text = self._form(key, values.get("count"))
        if "{" not in text:  # most: taxonomy and month names (~20 a page)
            return text
        return _PLACEHOLDER.sub(lambda m: str(values[m[1]]), text)

    def _form(self, key: str, count: object) -> str:
        text = self.texts[key]
        if isinstance(text, tuple):
            if not isinstance(count, int):
                raise TypeError(f"message {key!r} is plural: give it count=")
            return text[0] if count in self.one else text[1]
        return text

    def taxonomy(self, key: str, count: int = 2) -> str:
        """A taxonomy's name ("Regions"; "Region" for one)."""
        return self.text(f"taxonomy.{key}", count=count)

    def month(self, month: int, *, start: bool = False) -> str:
        """A month's name as written in a sentence ("mai"), or at the start of a heading or
        a label (`start`: "Mai")."""
        return _capital(self.text(f"month.{int(month)}"), start)

    def month_year(self, year: int, month: int, *, start: bool = False) -> str:
        """"May 2017", "mayo de 2017", "mai 2017"."""
        return _capital(self.text("date.month", month=self.month(month), year=year), start)

    def date(self, value: PartialDate | None) -> str:
        """A date as the text states it, never more precise: "30 mai 2017", "junio de 2013",
        "June-July 2010", "2010", "2013-2014" (with an en dash)."""
        if value is None:
            return ""
        worded = self._dates.get(value)
        if worded is None:
            if len(self._dates) >= _DATES_KEPT:
                self._dates.clear()
            worded = self._dates[value] = self._date(value)
        return worded

    def _date(self, value: PartialDate) -> str:
        if value.month is None:
            if value.end_year is None:
                return str(value.year)
            return self.text("date.years", start=value.year, end=value.end_year)
        if value.day is not None:
            day = self.text("date.first_day") if value.day == 1 else str(value.day)
            return self.text("date.day", day=day, month=self.month(value.month),
                             year=value.year)
        if value.end_month is not None:
            return self.text("date.months", start=self.month(value.month),
                             end=self.month(value.end_month), year=value.year)
        return self.month_year(value.year, value.month)

    def decimal(self, value: float, places: int = 2) -> str:
        """A number with the language's decimal point: "0.93", "0,93"."""
        return f"{value:.{places}f}".replace(".", self.text("number.decimal_point"))

    def script_data(self) -> dict[str, object]:
        """What static/search.js needs, for the search page's `data-messages`: its messages
        (plural ones as [one, other]), the counts that take the "one" form, the date
        formats and month names, and the language for its number formatting."""
        return {"language": self.language, "one": sorted(self.one),
                "messages": {k: list(v) if isinstance(v, tuple) else v
                             for k, v in ((k, self.texts[k]) for k in SCRIPT_MESSAGES)}}


def _capital(text: str, start: bool) -> str:
    return text[:1].upper() + text[1:] if start else text


def language_section(tag: str, available: Sequence[str]) -> str | None:
    """The section of the table for a language tag: the tag's own ("pt-BR"), else its base
    language's ("pt"), compared without case; None if neither is there."""
    by_lower = {name.lower(): name for name in available}
    tag = tag.lower()
    return by_lower.get(tag) or by_lower.get(tag.split("-")[0])


# One file's sections: per language, each message with where it is written.
_Sections = dict[str, dict[str, tuple[Text, SourceLocation]]]


def load_messages(theme_dirs: Sequence[Path], language: str, diags: Diagnostics) -> Messages:
    """The messages of `language` from the theme folders' messages.yaml (the default theme's
    first, the archive's own over it: the first folder's words win), each checked against
    the English section. Problems are warnings; a message that cannot be used leaves the one
    under it (the default theme's, else English). The default theme's messages are read even
    when it is not one of `theme_dirs`: a theme need not repeat every word."""
    default = default_theme_dir().resolve()
    folders = [default, *(d for d in reversed(theme_dirs) if d.resolve() != default)]
    read = [(str(path), found) for path in (f / MESSAGES_FILE for f in folders)
            if (found := _read_file(path, diags)) is not None]
    # English first, from every file: the keys and placeholders the others are checked on.
    # The default theme's is the reference of the rest: a theme may add messages of its
    # own, but one it rewords keeps its kind and placeholders (templates give those).
    reference: dict[str, Text] = {}
    for path, sections in read:
        english = sections.get(REFERENCE, {})
        if path == str(default / MESSAGES_FILE):
            reference.update((key, text) for key, (text, _) in english.items())
        else:
            reference.update(_usable(REFERENCE, english, reference, diags, new_keys=True))
    table: dict[str, dict[str, Text]] = {REFERENCE: reference}
    for _, sections in read:
        for lang, section in sections.items():
            if lang != REFERENCE:
                table.setdefault(lang, {}).update(_usable(lang, section, reference, diags))
    where = read[-1][0] if read else MESSAGES_FILE
    chosen = language_section(language, list(table))
    if chosen is None:
        known = ", ".join(sorted(table))
        diags.warning("AG053", f"the theme has no messages in '{language}' (the language "
                      f"setting; it has {known}): pages show English. Add a section "
                      f"'{language.split('-')[0]}:' to a messages.yaml in the theme folder "
                      "to translate them", SourceLocation(path=where))
        chosen = REFERENCE
    words = table[chosen]
    missing = [key for key in reference if key not in words]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        diags.warning("AG052", f"messages '{chosen}' lack {len(missing)} key(s) of the English "
                      f"section, shown in English: {shown}", SourceLocation(path=where))
    return _messages(chosen, {**reference, **words})


def english_messages(theme_dirs: Sequence[Path]) -> Messages:
    """The English messages, problems unreported (for an environment made outside a build)."""
    return load_messages(theme_dirs, REFERENCE, Diagnostics())


def _messages(language: str, texts: Mapping[str, Text]) -> Messages:
    one = _ONE.get(language.lower().split("-")[0], _ONE_DEFAULT)
    ordered = dict(sorted(texts.items()))
    digest = hashlib.sha256(json.dumps([language, sorted(one), ordered], ensure_ascii=False)
                            .encode("utf-8", "surrogatepass")).hexdigest()
    return Messages(language=language, texts=ordered, one=one, digest=digest)


def _read_file(path: Path, diags: Diagnostics) -> _Sections | None:
    """The sections of one messages.yaml; None if there is none or it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        diags.warning("AG052", f"messages cannot be read: {exc}", SourceLocation(path=str(path)))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.warning("AG052", f"messages are not UTF-8 ({exc.reason} at byte {exc.start}); "
                      "not read", SourceLocation(path=str(path)))
        return None
    entries = load_mapping(text, str(path), 1, diags)
    if entries is None:
        return None
    sections: _Sections = {}
    for entry in entries:
        _read_section(str(path), entry, sections, diags)
    return sections


def _read_section(path: str, entry: YamlEntry, sections: _Sections, diags: Diagnostics) -> None:
    here = SourceLocation(path=path, line=entry.line, col=entry.col)
    if not _LANGUAGE_KEY.fullmatch(entry.key):
        diags.warning("AG052", f"'{entry.key}' is not a language tag (en, fr, pt-BR); "
                      "section ignored", here)
        return
    if not isinstance(entry.value, dict):
        diags.warning("AG052", f"section '{entry.key}' must be a mapping of message keys "
                      "to texts; ignored", here)
        return
    lines = {name: (line, col) for name, line, col in entry.keys}
    section = sections.setdefault(entry.key, {})
    for key, value in entry.value.items():
        line, col = lines.get(str(key), (entry.line, entry.col))
        loc = SourceLocation(path=path, line=line, col=col)
        text = _text(value)
        if text is None:
            diags.warning("AG052", f"message '{entry.key}.{key}' must be a quoted text, or "
                          "a mapping of `one` and `other` texts; ignored", loc)
            continue
        section[str(key)] = (text, loc)


def _text(value: object) -> Text | None:
    if isinstance(value, str):
        return value
    if (isinstance(value, dict) and set(value) == set(_FORMS)
            and all(isinstance(value[f], str) for f in _FORMS)):
        return (value["one"], value["other"])
    return None


def _placeholders(text: Text) -> set[str]:
    if not isinstance(text, tuple):
        return set(_PLACEHOLDER.findall(text))
    found = {name for form in text for name in _PLACEHOLDER.findall(form)}
    return found - {"count"}  # a plural form may leave the number out ("one article")


def _usable(lang: str, section: dict[str, tuple[Text, SourceLocation]],
            reference: Mapping[str, Text], diags: Diagnostics, *,
            new_keys: bool = False) -> dict[str, Text]:
    """The messages of `section` that English has too (or, with `new_keys`, that it lacks),
    of the same kind (plural or not) and with the same placeholders; each other one is
    ignored with a warning."""
    usable: dict[str, Text] = {}
    for key, (text, loc) in section.items():
        known = reference.get(key)
        problem = ""
        if known is None and new_keys:
            pass
        elif known is None:
            problem = "is not a message of the theme (the English section has no such key)"
        elif isinstance(known, tuple) != isinstance(text, tuple):
            problem = ("must give `one` and `other` forms, as English does"
                       if isinstance(known, tuple) else "must be one text, as in English")
        elif _placeholders(text) != _placeholders(known):
            want = ", ".join(f"{{{p}}}" for p in sorted(_placeholders(known))) or "none"
            problem = f"must have the placeholders of the English text ({want})"
        if problem:
            diags.warning("AG052", f"message '{lang}.{key}' {problem}; ignored", loc)
        else:
            usable[key] = text
    return usable
