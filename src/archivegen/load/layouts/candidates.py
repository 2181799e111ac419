"""Field candidates: values a loader found for a field, each with its line, rule and weight.

A scraped page may state a field more than once, in different ways: a byline date and a post
timestamp, an outlet in the byline and another in a footer. Readers add every candidate they
find; `best` picks, per field, the highest weight, then the earliest line. Weights are the
rule's trust in its own reading (a byline beats a footer), never a guess at missing text:
a field no rule read stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archivegen.model import Contributor, FieldOrigin
from archivegen.partial_date import PartialDate

# How much each kind of statement is trusted; the higher wins.
STRONG = 30  # the article's own byline or dateline
PLAIN = 20  # a statement in the page head: a date line, a credit line, a site header
WEAK = 10  # a statement elsewhere: the tail, a boilerplate sentence, a lead tag


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    name: str  # Article attribute
    value: object
    line: int  # 1-based
    rule: str
    weight: int


@dataclass(slots=True)
class Candidates:
    items: list[Candidate] = field(default_factory=list)

    def add(self, name: str, value: object, line: int, rule: str, weight: int) -> None:
        if value:
            self.items.append(Candidate(name=name, value=value, line=line, rule=rule,
                                        weight=weight))

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.items)

    def best(self) -> dict[str, Candidate]:
        chosen: dict[str, Candidate] = {}
        for c in self.items:
            held = chosen.get(c.name)
            if held is None or (c.weight, -c.line) > (held.weight, -held.line):
                chosen[c.name] = c
        return chosen

    def origins(self, chosen: dict[str, Candidate]) -> list[FieldOrigin]:
        return [FieldOrigin(name=c.name, line=c.line, rule=c.rule)
                for c in sorted(chosen.values(), key=lambda c: (c.line, c.name))]


def chosen_text(chosen: dict[str, Candidate], name: str) -> str:
    value = chosen[name].value if name in chosen else ""
    return value if isinstance(value, str) else ""


def chosen_names(chosen: dict[str, Candidate], name: str) -> tuple[str, ...]:
    value = chosen[name].value if name in chosen else ()
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, tuple) else ()


def chosen_contributors(chosen: dict[str, Candidate]) -> tuple[Contributor, ...]:
    value = chosen["contributors"].value if "contributors" in chosen else ()
    if not isinstance(value, tuple):
        return ()
    return tuple(v for v in value if isinstance(v, Contributor))


def chosen_date(chosen: dict[str, Candidate]) -> PartialDate | None:
    value = chosen["date"].value if "date" in chosen else None
    return value if isinstance(value, PartialDate) else None
