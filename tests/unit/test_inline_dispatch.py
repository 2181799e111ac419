"""The inline tokenizer that tries at each character only the rules that can start there
(inline_dispatch.py). That it gives markdown-it-py's tokens for our rules is tested against
markdown-it-py's own tokenizer in test_markdown_linkify.py; here: a rule it does not know
still runs, and a change to the rules or to what ends plain text is seen."""

from __future__ import annotations

from collections.abc import Callable

from markdown_it.rules_inline import StateInline

from archivegen.markdown.engine import make_markdown, render_markdown
from archivegen.markdown.inline_dispatch import RULE_STARTS, DispatchingInline


def _marking(marker: str) -> Callable[[StateInline, bool], bool]:
    """A rule RULE_STARTS does not know: "<marker>x<marker>" becomes <mark>x</mark>."""

    def mark(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if not src.startswith(marker, pos):
            return False
        end = src.find(marker, pos + len(marker))
        if end < 0:
            return False
        if not silent:
            state.push("mark_open", "mark", 1)
            state.push("text", "", 0).content = src[pos + len(marker):end]
            state.push("mark_close", "mark", -1)
        state.pos = end + len(marker)
        return True

    return mark


def test_every_rule_of_ours_is_known_by_its_characters() -> None:
    md = make_markdown()
    assert isinstance(md.inline, DispatchingInline)
    names = [rule.name for rule in md.inline.ruler.__rules__ if rule.enabled]
    assert names[0] == "text" and set(names[1:]) <= set(RULE_STARTS)


def test_a_rule_it_does_not_know_is_tried_at_every_character_that_ends_text() -> None:
    md = make_markdown()
    assert render_markdown(md, "a ==b== c")[0] == "<p>a ==b== c</p>\n"
    md.plain.inline.ruler.push("mark", _marking("=="))  # (no "://" or "@": md.plain)
    assert render_markdown(md, "a ==b== c")[0] == "<p>a <mark>b</mark> c</p>\n"


def test_a_new_character_that_ends_text_is_seen() -> None:
    md = make_markdown()
    md.plain.inline.ruler.push("mark", _marking("QQ"))
    # "Q" is plain text: the text rule reads "aQQbQQ" whole, as markdown-it-py's does.
    assert render_markdown(md, "aQQbQQ")[0] == "<p>aQQbQQ</p>\n"
    md.plain.inline.add_terminator_char("Q")
    assert render_markdown(md, "aQQbQQ")[0] == "<p>a<mark>b</mark></p>\n"
