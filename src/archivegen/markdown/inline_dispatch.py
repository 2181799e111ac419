"""markdown-it-py's inline tokenizer, trying at each character only the rules that can
start there.

markdown-it-py tries every inline rule in order at each character that is not plain text;
each rule looks at the character and declines. At a "[" that starts no link, fourteen rules
run and fail: paragraphs made of "[", "!", "*" or "|" cost up to 80 times what prose does
per byte. Every rule we use starts only at one or two known characters (a link at "[", an
entity at "&"), so for each character the rules that can start there are listed once, in
the ruler's order, and only those run. The result is the same token stream: a rule skipped
is one that would have declined. A rule we do not know is tried everywhere, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# The characters each known rule can start at (it returns False at any other: it tests the
# character before anything else). "text" is the rule that reads runs of plain text.
RULE_STARTS: dict[str, str] = {
    "linkify": ":",  # at the "://" of a URL
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}

# The rules run after tokenizing that only pair up delimiters ("*", "~") and join text.
PAIR_RULES = frozenset({"balance_pairs", "strikethrough", "emphasis", "fragments_join"})

Rule = Callable[[StateInline, bool], bool]


class DispatchingInline(ParserInline):
    """A ParserInline whose tokenize and skipToken try only the rules that can start at the
    character at hand (in the ruler's order)."""

    def __init__(self) -> None:
        super().__init__()
        self._built_from: list[Rule] | None = None
        self._by_char: dict[str, list[Rule]] = {}
        self._text_rule: Rule | None = None
        self._everywhere: list[Rule] = []
        self._plain_is_one_token = False

    @classmethod
    def replacing(cls, parser: ParserInline) -> DispatchingInline:
        """A DispatchingInline with `parser`'s rules and text terminators."""
        new = cls()
        new.ruler, new.ruler2 = parser.ruler, parser.ruler2
        new.terminator_re = parser.terminator_re
        new._extra_terminator_chars = parser._extra_terminator_chars
        return new

    def add_terminator_char(self, ch: str) -> None:
        super().add_terminator_char(ch)
        self._built_from = None  # plain text changed: list the rules again

    def _rules_at(self, char: str) -> list[Rule]:
        rules: list[Rule] = self.ruler.getRules("")
        if rules is not self._built_from:  # (the ruler rebuilds its list when rules change)
            self._index(rules)
        found = self._by_char.get(char)
        if found is None:
            if self._text_rule is not None and not self.terminator_re.match(char):
                found = [self._text_rule]  # plain text: the text rule reads it
            else:
                found = self._everywhere
            self._by_char[char] = found
        return found

    def _index(self, rules: list[Rule]) -> None:
        names = {id(entry.fn): entry.name for entry in self.ruler.__rules__}
        self._built_from = rules
        self._by_char = {}
        self._text_rule = None
        self._everywhere = list(rules)
        if not rules or names.get(id(rules[0])) != "text":
            return  # text is not tried first: every rule at every character, as before
        self._text_rule = rules[0]
        starts = [(rule, RULE_STARTS.get(names.get(id(rule), ""))) for rule in rules[1:]]
        # Rules we know run only at their characters; the others (None) at every terminator.
        self._everywhere = [rule for rule, chars in starts if chars is None]
        for char in {c for _, chars in starts if chars for c in chars}:
            found = [rule for rule, chars in starts if chars is None or char in chars]
            if not self.terminator_re.match(char):
                found.insert(0, self._text_rule)  # plain text here: the text rule reads it
            self._by_char[char] = found
        # Plain text is one text token when only the pair rules below run after tokenizing:
        # they change nothing in a text without delimiters.
        self._plain_is_one_token = {entry.name for entry in self.ruler2.__rules__
                                    if entry.enabled} <= PAIR_RULES

    def parse(self, src: str, md: MarkdownIt, env: EnvType,
              tokens: list[Token]) -> list[Token]:
        """markdown-it-py's parse; a text with no character that ends plain text (a table
        cell, a short line) becomes its one text token without a tokenizer's state."""
        self._rules_at("a")  # (the index is current)
        if (src and not tokens and self._text_rule is not None and self._plain_is_one_token
                and not self.terminator_re.search(src)):
            token = Token("text", "", 0)
            token.content = src
            tokens.append(token)
            return tokens
        return super().parse(src, md, env, tokens)

    def tokenize(self, state: StateInline) -> None:
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        src = state.src
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                for rule in self._rules_at(src[pos]):
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[pos])
            state.pos += 1
        if state.pending:
            state.pushPending()

    def skipToken(self, state: StateInline) -> None:
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return
        ok = False
        if state.level < state.md.options["maxNesting"]:
            for rule in self._rules_at(state.src[pos]):
                # (the level counts nesting in validation mode, as markdown-it-py does)
                state.level += 1
                ok = rule(state, True)
                state.level -= 1
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        else:
            state.pos = state.posMax  # too deep: the rest of the paragraph is skipped
        if not ok:
            state.pos += 1
        cache[pos] = state.pos
