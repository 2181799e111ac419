"""Safe YAML mappings that remember the line of every key, for diagnostics with file:line.

YAML comes from untrusted files (front matter, sidecars), so each document is bounded before
any Python value is built from it (Limits: size, depth, alias expansion; AG015). PyYAML's
composer shares the node an alias names, so a "billion laughs" document composes small; the
cost comes later, from whoever walks the values as a tree (a repr in a diagnostic took 39 s and
3.9 GiB). The composer below therefore counts, for each alias, the nodes it stands for once
expanded and the depth it reaches, and stops at the first one over a limit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlEntry:
    key: str
    value: Any
    line: int  # 1-based line of the key in the file
    col: int
    value_line: int
    # When the value is a mapping: each of its plain keys with its line and column, so that
    # a nested setting (`limits: {yaml_depth: ...}`) is reported where it is written.
    keys: tuple[tuple[str, int, int], ...] = ()


class YamlLimitError(Exception):
    """A document broke a limit at a node; `line` and `col` are 0-based within the text."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def load_mapping(text: str, path: str, first_line: int, diags: Diagnostics,
                 limits: Limits = DEFAULT_LIMITS) -> list[YamlEntry] | None:
    """Parse a YAML mapping with the safe loader; None (and a diagnostic) if it is not one.

    `first_line` is the file line where `text` starts, so front matter inside a larger file
    reports the file's own line numbers. A document over `limits` is not read (AG015).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.yaml_bytes:
        diags.error("AG015", f"YAML document of {size:,} bytes is over the limit of "
                    f"{limits.yaml_bytes:,}; not read", SourceLocation(path=path,
                                                                      line=first_line, col=1))
        return None
    import yaml  # here: an archive of plain-text files never pays for importing it

    try:
        loader = _bounded_loader()(text, limits)
    except yaml.YAMLError as exc:  # control characters are refused before parsing starts
        diags.error("AG010", f"YAML cannot be read: {exc}", SourceLocation(path=path,
                                                                        line=first_line))
        return None
    try:
        return _entries(loader, path, first_line, diags)
    except YamlLimitError as exc:
        diags.error("AG015", f"YAML {exc.message}; not read",
                    SourceLocation(path=path, line=first_line + exc.line, col=exc.col + 1))
        return None
    except RecursionError:  # only if the limits were raised past what the stack can hold
        diags.error("AG015", "YAML nested too deeply to read; not read",
                    SourceLocation(path=path, line=first_line, col=1))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        col = mark.column + 1 if mark else 1
        problem = exc.problem or str(exc)
        diags.error("AG010", f"YAML syntax error: {problem}",
                    SourceLocation(path=path, line=line, col=col))
        return None
    except yaml.YAMLError as exc:
        diags.error("AG010", f"YAML error: {exc}", SourceLocation(path=path, line=first_line))
        return None
    finally:
        loader.dispose()


def _entries(loader: yaml.SafeLoader, path: str, first_line: int,
             diags: Diagnostics) -> list[YamlEntry] | None:
    import yaml

    node = loader.get_single_node()
    if node is None or (isinstance(node, yaml.ScalarNode)
                        and node.tag == "tag:yaml.org,2002:null"):
        return []  # an empty document ("---" alone) is an empty mapping
    if not isinstance(node, yaml.MappingNode):
        mark = node.start_mark
        diags.error("AG012", "expected a mapping of keys to values",
                    SourceLocation(path=path, line=first_line + mark.line, col=mark.column + 1))
        return None
    entries: list[YamlEntry] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        kline = first_line + key_node.start_mark.line
        kcol = key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            diags.error("AG012", "a key must be a plain name",
                        SourceLocation(path=path, line=kline, col=kcol))
            continue
        key = str(key_node.value)
        if key in seen:
            diags.error("AG011", f"key '{key}' repeats the one on line {seen[key]}",
                        SourceLocation(path=path, line=kline, col=kcol))
            continue
        seen[key] = kline
        try:
            value = loader.construct_object(value_node, deep=True)
        except (yaml.YAMLError, RecursionError):
            raise  # an unknown tag: reported by the caller as a YAML error with its position
        except Exception as exc:  # "2017-02-30", "!!bool maybe", '!!int ""': a diagnostic
            diags.error("AG012", f"'{key}' cannot be read: {type(exc).__name__}: {exc}",
                        SourceLocation(path=path, line=kline, col=kcol))
            continue
        entries.append(YamlEntry(key=key, value=value, line=kline, col=kcol,
                                 value_line=first_line + value_node.start_mark.line,
                                 keys=_key_positions(value_node, first_line)))
    return entries


def _key_positions(node: yaml.Node, first_line: int) -> tuple[tuple[str, int, int], ...]:
    """The plain keys of a mapping node with their 1-based line and column; () otherwise.
    (Read after construction: a `<<` merge has then put the merged keys in place.)"""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return ()
    return tuple((str(k.value), first_line + k.start_mark.line, k.start_mark.column + 1)
                 for k, _ in node.value if isinstance(k, yaml.ScalarNode))


@functools.cache
def _bounded_loader() -> Callable[[str, Limits], yaml.SafeLoader]:
    """The safe loader with a composer that enforces the depth and alias limits (made on
    first use, so that importing this module does not import yaml)."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        def __init__(self, stream: str, limits: Limits) -> None:
            super().__init__(stream)
            self.limits = limits
            self.depth = 0  # collections enclosing the node being composed
            self.alias_nodes = 0  # nodes the aliases so far stand for, once expanded
            # Per finished collection: nodes it holds once expanded, and its height in
            # collections. A collection not in here yet is still being composed.
            self.shape: dict[yaml.Node, tuple[int, int]] = {}

        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            at = (mark.line, mark.column) if mark is not None else (0, 0)
            if isinstance(event, yaml.AliasEvent):
                target = self.anchors.get(event.anchor)
                if isinstance(target, yaml.CollectionNode):
                    self._count_alias(target, at)
                elif target is not None:
                    self._add_alias_nodes(1, at)
                return super().compose_node(parent, index)  # (undefined: PyYAML's error)
            if not isinstance(event, yaml.CollectionStartEvent):
                return super().compose_node(parent, index)
            if self.depth >= self.limits.yaml_depth:
                raise YamlLimitError(f"nested deeper than {self.limits.yaml_depth} levels", *at)
            self.depth += 1
            try:
                node = super().compose_node(parent, index)
            finally:
                self.depth -= 1
            if isinstance(node, yaml.CollectionNode):
                self.shape[node] = self._measure(node)
            return node

        def _measure(self, node: yaml.CollectionNode) -> tuple[int, int]:
            children: list[yaml.Node] = (
                [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                else list(node.value))
            size, height = 1, 1
            for child in children:
                child_size, child_height = self.shape.get(child, (1, 0))  # scalar: (1, 0)
                size += child_size
                height = max(height, child_height + 1)
            return size, height

        def _count_alias(self, target: yaml.CollectionNode, at: tuple[int, int]) -> None:
            shape = self.shape.get(target)
            if shape is None:  # `&a [*a]`: an endless structure
                raise YamlLimitError("alias refers to a collection that contains it", *at)
            size, height = shape
            if self.depth + height > self.limits.yaml_depth:
                raise YamlLimitError(f"alias nests deeper than {self.limits.yaml_depth} "
                                     "levels once expanded", *at)
            self._add_alias_nodes(size, at)

        def _add_alias_nodes(self, size: int, at: tuple[int, int]) -> None:
            self.alias_nodes += size
            if self.alias_nodes > self.limits.yaml_alias_nodes:
                raise YamlLimitError(f"aliases stand for more than "
                                     f"{self.limits.yaml_alias_nodes:,} nodes once expanded",
                                     *at)

    return BoundedLoader
