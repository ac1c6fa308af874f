"""Where a captured identifier's token is: ``def NAME``, ``class NAME``, a parameter, a
keyword argument's name, an attribute's name, an import name. ``ast`` keeps these as plain
strings, so the token is found from the position of the node that holds it; the result is
a stand-in ``ast.Name`` at exactly that token, which the rest of the pipeline edits and
verifies like any other name (the intent check puts the new name back into the holder)."""

from __future__ import annotations

import ast
import re

from ..matching.captures import Identifier
from ..text.lines import LineIndex

_DEF = re.compile(r"(?:async\s+)?(?:def|class)\s+")


def token_of(identifier: Identifier, lines: LineIndex) -> ast.Name | None:
    """A stand-in name at ``identifier``'s token, with ``ast``'s byte positions, or None
    when the token cannot be found where it must be (then the site is left alone)."""
    holder, text = identifier.holder, str(identifier)
    line = getattr(holder, "lineno", None)
    if line is None:
        return None
    start: tuple[int, int] | None
    if isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        start = _after_keyword(holder, text, lines)
    elif isinstance(holder, (ast.keyword, ast.arg)) or (
            isinstance(holder, ast.alias) and identifier.field == "name"):
        start = (line, holder.col_offset)
    elif isinstance(holder, ast.Attribute) or (
            isinstance(holder, ast.alias) and identifier.field == "asname"):
        end_line = holder.end_lineno or line
        start = (end_line, (holder.end_col_offset or 0) - len(text.encode("utf-8")))
    else:
        return None
    if start is None:
        return None
    token = ast.Name(text, ast.Load())
    token.lineno, token.col_offset = start
    token.end_lineno, token.end_col_offset = start[0], start[1] + len(text.encode("utf-8"))
    return token if lines.segment(token) == text else None


def _after_keyword(holder: ast.stmt, text: str, lines: LineIndex) -> tuple[int, int] | None:
    line = holder.lineno
    row = lines.line_text(line)
    column = lines.char_col(line, holder.col_offset)
    found = _DEF.match(row, column)
    if found is None or not row.startswith(text, found.end()):
        return None
    return line, len(row[: found.end()].encode("utf-8"))
