"""Safe YAML mappings that remember the line of every key, for diagnostics with file:line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Diagnostics, SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class YamlEntry:
    key: str
    value: Any
    line: int  # 1-based line of the key in the file
    col: int
    value_line: int


def load_mapping(text: str, path: str, first_line: int,
                 diags: Diagnostics) -> list[YamlEntry] | None:
    """Parse a YAML mapping with the safe loader; None (and a diagnostic) if it is not one.

    `first_line` is the file line where `text` starts, so front matter inside a larger file
    reports the file's own line numbers.
    """
    import yaml  # here: an archive of plain-text files never pays for importing it

    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # control characters are refused before parsing starts
        diags.error("AG010", f"YAML cannot be read: {exc}", SourceLocation(path=path,
                                                                        line=first_line))
        return None
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode)
                            and node.tag == "tag:yaml.org,2002:null"):
            return []  # an empty document ("---" alone) is an empty mapping
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            diags.error("AG012", "expected a mapping of keys to values",
                        SourceLocation(path=path, line=first_line + mark.line,
                                       col=mark.column + 1))
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
            except yaml.YAMLError:
                raise  # an unknown tag: reported below as a YAML error with its position
            except Exception as exc:  # "2017-02-30", "!!bool maybe", '!!int ""': a diagnostic
                diags.error("AG012", f"'{key}' cannot be read: {type(exc).__name__}: {exc}",
                            SourceLocation(path=path, line=kline, col=kcol))
                continue
            entries.append(YamlEntry(key=key, value=value, line=kline, col=kcol,
                                     value_line=first_line + value_node.start_mark.line))
        return entries
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
