"""``flip $x``: a captured ``True`` becomes ``False``, and ``False`` becomes ``True``."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SiteSkipped, Span
from ..language import ir
from ._replace import replace_expression
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, Replacement


@dataclass(frozen=True)
class Flip:
    capture: ir.Capture
    span: Span


class FlipKind(ActionKind[Flip, str]):
    ir_type = Flip
    grammar = ("flip",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> Flip:
        capture = lowering.capture_at(children[0])
        return Flip(capture, capture.span)

    def compile(self, action: Flip, context: CompileContext) -> str:
        context.checker.check_capture(action.capture)
        return action.capture.name

    def plan(self, action: str, context: PlanContext) -> Edit | None:
        target = context.expression(action)
        if not (isinstance(target, ast.Constant) and isinstance(target.value, bool)):
            raise SiteSkipped(f"${action} is not True or False")
        flipped = not target.value
        return Replacement(self, target, str(flipped), ast.Constant(flipped))

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        return replace_expression(edit, node)


KIND = FlipKind()
