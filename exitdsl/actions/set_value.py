"""``set $x = VALUE`` (a number expression) and ``set $x = `CODE``` (a template)."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Span
from ..language import ir
from ..language.patterns import Pattern
from ..matching.captures import same_code
from ..text.strings import in_style_of
from ..evaluation.values import evaluate
from ..vocabulary.numbers import format_number, literal_number, number_node, steered_literal
from ._replace import replace_expression
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, Replacement


@dataclass(frozen=True)
class SetCapture:
    capture: ir.Capture
    value: ir.Expr | ir.PatternText
    span: Span


@dataclass(frozen=True)
class SetNumber:
    capture: str
    value: ir.Expr
    span: Span
    # `round(..., 2)` in the value asks for decimals: an int literal (an ATR multiple written
    # `2`) may then become a float. Otherwise ints stay ints (periods, bars, IntParameter).
    decimals: bool = False


@dataclass(frozen=True)
class SetTemplate:
    capture: str
    template: Pattern
    span: Span


class SetKind(ActionKind[SetCapture, "SetNumber | SetTemplate"]):
    ir_type = SetCapture
    grammar = ("set_capture",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> SetCapture:
        capture = lowering.capture_at(children[0])
        return SetCapture(capture, children[1], capture.span)

    def compile(self, action: SetCapture, context: CompileContext) -> SetNumber | SetTemplate:
        context.checker.check_capture(action.capture)
        if isinstance(action.value, ir.PatternText):
            return SetTemplate(action.capture.name, context.template(action.value), action.span)
        context.checker.check(action.value, "num")
        return SetNumber(action.capture.name, action.value, action.span,
                         _asks_decimals(action.value))

    def plan(self, action: SetNumber | SetTemplate, context: PlanContext) -> Edit | None:
        target = context.expression(action.capture)
        if isinstance(action, SetTemplate):
            intended = context.substitute(action.template)
            if same_code(intended, target):
                return None
            text = context.template_text(action.template)
            if isinstance(target, ast.Constant) and isinstance(target.value, (str, bytes)):
                text = in_style_of(context.lines.segment(target), text)
            return Replacement(self, target, text, intended)
        old = literal_number(target)
        value = evaluate(action.value, context.env)
        if isinstance(old, int) and isinstance(value, float) \
                and (not action.decimals or value.is_integer()):
            value = round(value)  # ints stay ints (a whole number stays one even with decimals)
        elif isinstance(old, float):
            value = float(value)
        if old is not None and type(old) is type(value) and old == value:
            return None
        if old is None and isinstance(target, ast.BinOp):  # arithmetic: keep the author's form
            steered = steered_literal(target, value)
            if steered is not None:
                literal, new = steered
                if literal_number(literal) == new:
                    return None
                return Replacement(self, literal, format_number(new), number_node(new))
        return Replacement(self, target, format_number(value), number_node(value))

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        return replace_expression(edit, node)


def _asks_decimals(expr: ir.Expr) -> bool:
    """Does ``expr`` round to a positive number of decimals somewhere (``round($m, 2)``)?"""
    if isinstance(expr, ir.Call):
        if expr.func == "round" and len(expr.args) == 2 \
                and isinstance(expr.args[1], ir.Num) and expr.args[1].value >= 1:
            return True
        return any(_asks_decimals(a) for a in expr.args if not isinstance(a, ir.PatternText))
    if isinstance(expr, ir.Binary):
        return _asks_decimals(expr.left) or _asks_decimals(expr.right)
    if isinstance(expr, ir.Unary):
        return _asks_decimals(expr.operand)
    return False


KIND = SetKind()
