"""Positions: the compiler's 1-based line/column spans (in characters) and the protocol's
0-based positions (in UTF-16 code units, as LSP counts by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Span

WORD = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True)
class Place:
    """A range of one line: 0-based line, start and end columns in characters."""

    line: int
    start: int
    end: int


def utf16(line: str, col: int) -> int:
    """Column ``col`` (characters) of ``line`` in UTF-16 code units."""
    return len(line[:col].encode("utf-16-le")) // 2


def from_utf16(line: str, units: int) -> int:
    """The character column at ``units`` UTF-16 code units into ``line``."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def word_at(line: str, col: int) -> tuple[int, int, str] | None:
    """The word (a name, a ``$capture`` or a dotted rule id) that holds column ``col``."""
    for found in WORD.finditer(line):
        if found.start() <= col <= found.end():
            return found.start(), found.end(), found[0]
    return None


def place_of(span: Span, lines: list[str]) -> Place:
    """Where ``span`` is. A span with no end (the CLI's caret is then one character wide)
    covers the word at its column, so that the squiggle marks what a quick fix replaces."""
    line = span.line - 1
    text = lines[line] if 0 <= line < len(lines) else ""
    start = max(0, span.col - 1)
    if span.end_col is not None:
        return Place(line, start, span.end_col - 1)
    found = WORD.match(text, start)
    return Place(line, start, found.end() if found else min(len(text), start + 1))


def place_at(offset: int, length: int, text: str) -> Place:
    """The place of ``length`` characters at ``offset`` of ``text`` (on one line)."""
    line = text.count("\n", 0, offset)
    start = offset - (text.rfind("\n", 0, offset) + 1)
    return Place(line, start, start + length)


def offset_of(text: str, line: int, col: int) -> int:
    """The offset in ``text`` of 0-based ``line`` and character column ``col``."""
    position = 0
    for _ in range(line):
        position = text.index("\n", position) + 1 if "\n" in text[position:] else len(text)
    return position + col
