"""``remove NAME``: drop a keyword argument from the pattern's call."""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SiteSkipped, Span
from ._calls import require_calls, site_call
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, NamedEdit


@dataclass(frozen=True)
class RemoveKeyword:
    name: str
    span: Span


class RemoveKeywordKind(ActionKind[RemoveKeyword, RemoveKeyword]):
    ir_type = RemoveKeyword
    grammar = ("remove_keyword",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> RemoveKeyword:
        return RemoveKeyword(str(children[0]), lowering.span(children[0]))

    def compile(self, action: RemoveKeyword, context: CompileContext) -> RemoveKeyword:
        require_calls(context.matches, "remove", action.name)
        return action

    def plan(self, action: RemoveKeyword, context: PlanContext) -> Edit | None:
        call = site_call(context.site)
        keyword = next((k for k in call.keywords if k.arg == action.name), None)
        if keyword is None:
            return None
        if "#" in _text_after(keyword, call, context):
            raise SiteSkipped(f"a comment follows {action.name}=; removing the argument "
                              "would lose it")
        intended = copy.copy(call)
        intended.keywords = [k for k in call.keywords if k.arg != action.name]
        return NamedEdit(self, call, "", intended, action.name)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        import libcst as cst

        assert isinstance(node, cst.Call), type(node)
        args = list(node.args)
        index = next(i for i, a in enumerate(args)
                     if a.keyword is not None and a.keyword.value == edit.name)
        removed = args.pop(index)
        if index == len(args) and args:  # it was last: the new last argument ends the call
            previous = args[-1]
            after = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) \
                else None
            if isinstance(after, cst.ParenthesizedWhitespace) and (
                    after.first_line.comment is not None or after.empty_lines):
                # Its comment stays after it (with its comma, which Python allows last).
                args[-1] = previous.with_changes(
                    whitespace_after_arg=removed.whitespace_after_arg)
            else:
                args[-1] = previous.with_changes(
                    comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg)
        return node.with_changes(args=args)


def _text_after(keyword: ast.keyword, call: ast.Call, context: PlanContext) -> str:
    """The code between ``keyword`` and the next argument (or the end of the call)."""
    lines = context.lines
    nodes: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    after = [n for n in nodes if (n.lineno, n.col_offset) > (keyword.lineno, keyword.col_offset)]
    end = min((lines.offset(n.lineno, n.col_offset) for n in after),
              default=lines.span(call)[1])
    return lines.source[lines.span(keyword)[1]:end]


KIND = RemoveKeywordKind()
