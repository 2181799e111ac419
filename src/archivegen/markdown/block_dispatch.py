"""markdown-it-py's block rule chains, trying at each line only the rules that can start
with its first character.

A paragraph (and the setext-heading rule before it) checks every following line against
the rules that may end it: table, fence, blockquote, hr, list, footnote, HTML block,
heading, each a call that looks at the line's first character and declines. A body of
one-letter lines cost 65 times what prose does per byte, nearly all of it in those calls.
Each rule of these chains starts only at known characters (a fence at "`" or "~", a
heading at "#"), and a table only on a line holding a "|": a chain is replaced by one
function that tries, in the chain's order, only the rules that can start the line at hand.
A rule we do not know is tried at every line, as before. The main rule list (block starts)
is left as it is: it runs once per block, not once per line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it.ruler import Ruler
from markdown_it.rules_block import StateBlock

# The first characters (after indentation) at which each rule can succeed; it declines at
# any other, before looking further. "table" needs a "|" on the line instead.
BLOCK_STARTS: dict[str, str] = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "footnote_def": "[",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
TABLE = "table"

BlockRule = Callable[[StateBlock, int, int, bool], bool]


class DispatchingBlockRuler(Ruler[Any]):
    """A block Ruler whose named chains (the rules that may end a paragraph, a blockquote,
    a list item, a reference) are each one dispatching function."""

    def __init__(self) -> None:
        super().__init__()
        self._chains: dict[str, tuple[list[Any], list[Any]]] = {}

    @classmethod
    def replacing(cls, ruler: Ruler[Any]) -> DispatchingBlockRuler:
        new = cls()
        new.__rules__ = ruler.__rules__
        new.__cache__ = None
        return new

    def getRules(self, chainName: str = "") -> list[Any]:
        rules = super().getRules(chainName)
        if not chainName or not rules:
            return rules
        built = self._chains.get(chainName)
        if built is None or built[0] is not rules:  # (rebuilt when rules change)
            names = {id(entry.fn): entry.name for entry in self.__rules__}
            built = (rules, [_dispatcher([(rule, names.get(id(rule), "")) for rule in rules])])
            self._chains[chainName] = built
        return built[1]


def _dispatcher(rules: list[tuple[BlockRule, str]]) -> BlockRule:
    """One function trying `rules` in order, each only where it can start."""
    chars = {c for _, name in rules for c in BLOCK_STARTS.get(name, "")}

    def wanted(char: str | None, pipe: bool) -> list[BlockRule]:
        """The rules to try at a line starting with `char` (None: with no rule's character)
        that holds a "|" or not; a rule we do not know is tried at every line."""
        return [rule for rule, name in rules
                if (pipe if name == TABLE else
                    char in BLOCK_STARTS[name] if name in BLOCK_STARTS and char else
                    name not in BLOCK_STARTS)]

    by_char = {(char, pipe): wanted(char, pipe) for char in chars for pipe in (False, True)}
    elsewhere = {pipe: wanted(None, pipe) for pipe in (False, True)}

    def any_rule_starts(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        begin, stop = state.bMarks[line], state.eMarks[line]
        pos = begin + state.tShift[line]
        src = state.src
        pipe = src.find("|", begin, stop) >= 0
        char = src[pos] if pos < stop else ""
        tried = by_char.get((char, pipe))
        for rule in elsewhere[pipe] if tried is None else tried:
            if rule(state, line, end, silent):
                return True
        return False

    return any_rule_starts
