"""``drop `CODE` from $chain`` and ``drop random from $chain``: one operand out of an
``|``/``&``/``and``/``or`` chain, with the operator that led to it."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SiteSkipped, Span
from ..language import ir
from ..language.patterns import Pattern
from ..matching.captures import same_code
from ._chains import chain_operands, chain_operator, spine
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, PartRemoval


@dataclass(frozen=True)
class Drop:
    operand: ir.PatternText | None  # None: drop a random operand
    chain: ir.Capture
    span: Span


@dataclass(frozen=True)
class CompiledDrop:
    operand: Pattern | None  # None: a random operand
    chain: str


class DropKind(ActionKind[Drop, CompiledDrop]):
    ir_type = Drop
    grammar = ("drop", "drop_random")

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> Drop:
        if alias == "drop_random":
            chain = lowering.capture_at(children[0])
            return Drop(None, chain, chain.span)
        operand = lowering.pattern(children[0])
        return Drop(operand, lowering.capture_at(children[1]), operand.span)

    def compile(self, action: Drop, context: CompileContext) -> CompiledDrop:
        context.checker.check_capture(action.chain)
        operand = None if action.operand is None else context.template(action.operand)
        return CompiledDrop(operand, action.chain.name)

    def plan(self, action: CompiledDrop, context: PlanContext) -> Edit | None:
        chain = context.expression(action.chain)
        operator = chain_operator(chain, action.chain)
        base = context.current.get(id(chain), chain)
        operands = (chain_operands(base) if type(getattr(base, "op", None)) is type(operator)
                    else [base])
        if len(operands) < 2:
            raise SiteSkipped("dropping an operand would leave none")
        index = self._index(action, operands, context)
        rest = operands[:index] + operands[index + 1:]
        intended: ast.expr
        if isinstance(operator, ast.boolop):
            intended = ast.BoolOp(operator, rest) if len(rest) > 1 else rest[0]
        else:
            intended = rest[0]
            for operand in rest[1:]:
                intended = ast.BinOp(intended, operator, operand)
        return PartRemoval(self, chain, "", intended, operands[index])

    @staticmethod
    def _index(action: CompiledDrop, operands: list[ast.expr], context: PlanContext) -> int:
        if action.operand is None:
            return context.env.draw().randrange(len(operands))
        wanted = context.substitute(action.operand)
        index = next((i for i, o in enumerate(operands) if same_code(o, wanted)), -1)
        if index < 0:
            raise SiteSkipped(f"`{action.operand.text}` is not an operand of ${action.chain}")
        return index

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        import libcst as cst

        old_operands, _ = spine(original)
        operands, operators = spine(node)
        index = next((i for i, o in enumerate(old_operands) if range_of(o) == edit.part), None)
        if index is None or len(operands) < 2:
            raise LookupError("the operand to drop is not on the chain's spine")
        del operands[index]
        del operators[max(index - 1, 0)]
        join = cst.BooleanOperation if isinstance(node, cst.BooleanOperation) \
            else cst.BinaryOperation
        result = operands[0]
        for operator, operand in zip(operators, operands[1:]):
            result = join(left=result, operator=operator, right=operand)
        # The chain's own parentheses stay, even around a single operand: they are outside
        # the edited span, and a chain written across lines keeps its layout.
        return result.with_changes(lpar=node.lpar, rpar=node.rpar) if node.lpar else result


KIND = DropKind()
