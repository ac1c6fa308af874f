"""Line and column arithmetic for one source text, shared by site finding and rewriting.

``ast`` columns are UTF-8 byte offsets; text is sliced in characters. Line breaks are
``\\r\\n``, ``\\n`` or a lone ``\\r``, as Python's tokenizer accepts.
"""

from __future__ import annotations

import ast
import bisect
import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(source: str) -> list[int]:
    """The character offset at which each line starts (line 1 at index 0)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(source)]


class LineIndex:
    """Where each line starts, and conversions between ``ast`` positions and offsets."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = line_starts(source)
        self._columns: dict[tuple[int, int], int] = {}  # (line, byte col) -> char col

    def line_text(self, line: int) -> str:
        end = self.starts[line] if line < len(self.starts) else len(self.source)
        return self.source[self.starts[line - 1]:end]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding character ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def char_col(self, line: int, byte_col: int) -> int:
        key = (line, byte_col)
        column = self._columns.get(key)
        if column is None:
            text = self.line_text(line)
            column = byte_col if text.isascii() else len(
                text.encode("utf-8")[:byte_col].decode("utf-8"))
            self._columns[key] = column
        return column

    def offset(self, line: int, byte_col: int) -> int:
        return self.starts[line - 1] + self.char_col(line, byte_col)

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The ``[start, end)`` character offsets of ``node``."""
        return (self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self.offset(node.end_lineno or 0, node.end_col_offset or 0))  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source[start:end]

    def position(self, node: ast.AST) -> tuple[int, int]:
        """1-based line and column (in characters) of ``node``, as reports show them."""
        line = getattr(node, "lineno", 1)
        return line, self.char_col(line, getattr(node, "col_offset", 0)) + 1

    def whole_lines(self, node: ast.stmt) -> bool:
        """Does ``node`` alone own its first and last lines (no ``;`` or ``if x: y`` sharing)?"""
        first = node.lineno
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            first = min(d.lineno for d in decorators)
            head = self.line_text(first)[: self.char_col(first, decorators[0].col_offset) - 1]
        else:
            head = self.line_text(first)[: self.char_col(first, node.col_offset)]
        last = node.end_lineno or node.lineno
        tail = self.line_text(last)[self.char_col(last, node.end_col_offset or 0):]
        return not head.strip() and (not tail.strip() or tail.lstrip().startswith("#"))

    def first_line(self, node: ast.stmt) -> int:
        decorators = getattr(node, "decorator_list", None)
        return min([node.lineno] + [int(d.lineno) for d in decorators or ()])
