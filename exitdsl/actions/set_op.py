"""``set op = `<=```: replace the operator of the pattern's first operation."""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, Span
from ..language import ir
from ..evaluation.templates import corresponding
from ..vocabulary.operators import BY_TOKEN, family_of_node
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit


@dataclass(frozen=True)
class SetOp:
    op: ir.PatternText
    span: Span


@dataclass(frozen=True)
class CompiledSetOp:
    op: type[ast.AST]  # an ast operator class, e.g. ast.LtE
    token: str


def operator_site(node: ast.AST) -> ast.AST | None:
    """The first comparison / boolean / binary operation of a pattern, outside captures."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Compare, ast.BoolOp, ast.BinOp)):
            return sub
    return None


class SetOpKind(ActionKind[SetOp, CompiledSetOp]):
    ir_type = SetOp
    grammar = ("set_op",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> SetOp:
        op = lowering.pattern(children[0])
        return SetOp(op, op.span)

    def compile(self, action: SetOp, context: CompileContext) -> CompiledSetOp:
        token = " ".join(action.op.text.split())
        operator = BY_TOKEN.get(token)
        if operator is None:
            raise RuleError(f"`{token}` is not a Python comparison, boolean or binary operator",
                            action.span)
        for pattern in context.matches:
            operator_node = operator_site(pattern.node)
            if operator_node is None:
                raise RuleError("`set op` needs a pattern with an operator "
                                "(a comparison, `and`/`or` or a binary operator)", pattern.span)
            if family_of_node(operator_node) != operator.family:
                raise RuleError(f"`{token}` cannot replace the operator of "
                                f"`{pattern.text.strip()}`", action.span)
        return CompiledSetOp(operator.ast_type, token)

    def plan(self, action: CompiledSetOp, context: PlanContext) -> Edit | None:
        node = corresponding(context.site, operator_site, "operator")
        intended = copy.copy(node)
        new_op: Any = action.op()
        if isinstance(intended, ast.Compare):
            if type(intended.ops[0]) is action.op:
                return None
            intended.ops = [new_op, *intended.ops[1:]]
        else:
            assert isinstance(intended, (ast.BinOp, ast.BoolOp))
            if type(intended.op) is action.op:
                return None
            intended.op = new_op
        return Edit(self, node, action.token, intended)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        import libcst as cst

        if isinstance(node, cst.Comparison):
            first = node.comparisons[0]
            target = first.with_changes(operator=_new_operator(first.operator, edit.text))
            return node.with_changes(comparisons=[target, *node.comparisons[1:]])
        if isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
            return node.with_changes(operator=_new_operator(node.operator, edit.text))
        raise LookupError(f"no operator to replace in {type(node).__name__}")


def _new_operator(old: Any, token: str) -> Any:
    import libcst as cst

    before, after = old.whitespace_before, old.whitespace_after
    if token[0].isalpha():  # `a<b` → `a is b`: a word operator needs spaces around it
        if isinstance(before, cst.SimpleWhitespace) and not before.value:
            before = cst.SimpleWhitespace(" ")
        if isinstance(after, cst.SimpleWhitespace) and not after.value:
            after = cst.SimpleWhitespace(" ")
    return BY_TOKEN[token].cst_class()(whitespace_before=before, whitespace_after=after)


KIND = SetOpKind()
