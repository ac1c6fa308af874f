"""``append `CODE` to $chain``: one more operand at the end of an ``|``/``&``/``and``/``or``
chain, with the chain's own operator spacing."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Span
from ..language import ir
from ..language.patterns import Pattern
from ..vocabulary.operators import BY_AST, BY_TOKEN
from ._chains import chain_operator
from ._replace import parenthesized
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, NamedEdit


@dataclass(frozen=True)
class Append:
    operand: ir.PatternText
    chain: ir.Capture
    span: Span


@dataclass(frozen=True)
class CompiledAppend:
    operand: Pattern
    chain: str


class AppendKind(ActionKind[Append, CompiledAppend]):
    ir_type = Append
    grammar = ("append",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> Append:
        operand = lowering.pattern(children[0])
        return Append(operand, lowering.capture_at(children[1]), operand.span)

    def compile(self, action: Append, context: CompileContext) -> CompiledAppend:
        context.checker.check_capture(action.chain)
        return CompiledAppend(context.template(action.operand), action.chain.name)

    def plan(self, action: CompiledAppend, context: PlanContext) -> Edit | None:
        chain = context.expression(action.chain)
        operator = chain_operator(chain, action.chain)
        base = context.current.get(id(chain), chain)  # an earlier action may have changed it
        operand = context.substitute(action.operand)
        appended: ast.expr
        if isinstance(operator, ast.boolop):
            values = base.values if isinstance(base, ast.BoolOp) else [base]
            appended = ast.BoolOp(operator, [*values, operand])
        else:
            appended = ast.BinOp(base, operator, operand)
        return NamedEdit(self, chain, context.template_text(action.operand), appended,
                         BY_AST[type(operator)].token)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        """``a | b`` + ``c`` → ``a | b | c``, the new operator spaced like the chain's last
        one (a chain that an earlier action cut down to one operand gets ``a | c``)."""
        import libcst as cst

        operand = cst.parse_expression(edit.text)
        if edit.parenthesize:
            operand = parenthesized(operand)
        inner = node.with_changes(lpar=[], rpar=[])
        operator: Any
        if isinstance(node, (cst.BooleanOperation, cst.BinaryOperation)):
            operator = node.operator
        else:
            space = cst.SimpleWhitespace(" ")
            operator = BY_TOKEN[edit.name].cst_class()(whitespace_before=space,
                                                       whitespace_after=space)
        join = cst.BooleanOperation if edit.name in ("and", "or") else cst.BinaryOperation
        return join(left=inner, operator=operator, right=operand, lpar=node.lpar, rpar=node.rpar)


KIND = AppendKind()
