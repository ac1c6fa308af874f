"""``remove NAME``: drop a keyword argument from the pattern's call."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Span
from ._calls import require_calls, site_call
from .base import ActionKind, CompileContext, CstEdit, Edit, Lowering, PlanContext, RangeOf


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
        if not any(k.arg == action.name for k in call.keywords):
            return None
        intended = copy.copy(call)
        intended.keywords = [k for k in call.keywords if k.arg != action.name]
        return Edit(self, call, "", intended, name=action.name)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        import libcst as cst

        assert isinstance(node, cst.Call), type(node)
        args = list(node.args)
        index = next(i for i, a in enumerate(args)
                     if a.keyword is not None and a.keyword.value == edit.name)
        removed = args.pop(index)
        if index == len(args) and args:  # it was last: the new last argument ends the call
            args[-1] = args[-1].with_changes(comma=removed.comma,
                                             whitespace_after_arg=removed.whitespace_after_arg)
        return node.with_changes(args=args)


KIND = RemoveKeywordKind()
