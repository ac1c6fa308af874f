"""The libcst side shared by actions that replace a whole expression (set, rename, flip)."""

from __future__ import annotations

from typing import Any

from .edits import CstEdit


def parenthesized(node: Any) -> Any:
    import libcst as cst

    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def replace_expression(edit: CstEdit, node: Any) -> Any:
    """``edit.text`` in place of ``node``, inside the code's own parentheses if it had any."""
    import libcst as cst

    new = cst.parse_expression(edit.text)
    if node.lpar:
        return new.with_changes(lpar=node.lpar, rpar=node.rpar)
    return parenthesized(new) if edit.parenthesize else new
