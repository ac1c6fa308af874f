"""``[tool.exitdsl]`` of a pyproject.toml, read into the YAML node tree the config reader
checks, each node marked with the TOML line it came from (so errors point into the TOML
file, as they do into a YAML one)."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from ..errors import RuleError, span_in

if TYPE_CHECKING:
    import yaml

TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*exitdsl\s*[\].]", re.M)
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_table(path: str, text: str) -> yaml.Node:
    """The ``[tool.exitdsl]`` table as YAML nodes (an empty mapping when absent)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]
    import yaml

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _POSITION.search(str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (1, 1)
        message = _POSITION.sub("", str(exc)).strip()
        raise RuleError(f"config is not valid TOML: {message}",
                        span_in(path, text, line, col)) from None
    tool = data.get("tool", {})
    table = tool.get("exitdsl", {}) if isinstance(tool, dict) else {}
    node = yaml.representer.SafeRepresenter().represent_data(table)
    start = TOOL_TABLE.search(text)
    _mark(node, text.splitlines(), text[: start.start()].count("\n") if start else 0, path)
    return node


def _mark(node: Any, lines: list[str], from_line: int, path: str, col: int = 0) -> None:
    """Give ``node`` and its children the position of their key (a value: of the text
    after its ``=``) in the TOML text."""
    import yaml

    node.start_mark = yaml.Mark(path, 0, from_line, col, None, 0)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            line, key_col = _find_key(lines, str(key.value), from_line)
            key.start_mark = yaml.Mark(path, 0, line, key_col, None, 0)
            text = lines[line] if line < len(lines) else ""
            equals = text.find("=", key_col)
            value_col = equals + 1 + len(text[equals + 1:]) - len(text[equals + 1:].lstrip()) \
                if equals >= 0 else key_col
            _mark(value, lines, line, path, value_col)
    elif isinstance(node, yaml.SequenceNode):
        line, at = from_line, col
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                line, at = _find_item(lines, str(item.value), line, at)
            _mark(item, lines, line, path, at)


def _find_item(lines: list[str], value: str, from_line: int, col: int) -> tuple[int, int]:
    """Where the string ``value`` is written in a list that starts at ``from_line``:``col``
    (lists may span lines); the list's start when it cannot be found."""
    quoted = re.compile(rf"""["']{re.escape(value)}["']""")
    for number in range(from_line, min(len(lines), from_line + 200)):
        found = quoted.search(lines[number], col if number == from_line else 0)
        if found:
            return number, found.start()
    return from_line, col


def _find_key(lines: list[str], key: str, from_line: int) -> tuple[int, int]:
    pattern = re.compile(rf"""(^|[\s.{{,\[])["']?{re.escape(key)}["']?\s*[=\]]""")
    for number in range(from_line, len(lines)):
        found = pattern.search(lines[number])
        if found:
            return number, found.start() + len(found[1])
    return from_line, 0
