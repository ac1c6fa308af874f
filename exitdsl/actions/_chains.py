"""What ``append`` and ``drop`` share: ``a | b | c`` and ``a or b or c`` chains, in ``ast``
(operands and operator) and in libcst (the spine of a left-associated chain)."""

from __future__ import annotations

import ast
from typing import Any

from ..errors import SiteSkipped
from ..vocabulary.operators import CHAIN_OPERATORS


def chain_operands(chain: ast.expr) -> list[ast.expr]:
    """The operands of an ``a | b | c`` or ``a or b or c`` chain, left to right."""
    if isinstance(chain, ast.BoolOp):
        return list(chain.values)
    if not isinstance(chain, ast.BinOp):
        return [chain]
    operands: list[ast.expr] = []
    node: ast.expr = chain
    while isinstance(node, ast.BinOp) and type(node.op) is type(chain.op):
        operands.append(node.right)
        node = node.left
    operands.append(node)
    return operands[::-1]


def chain_operator(chain: ast.expr, name: str) -> ast.operator | ast.boolop:
    """The operator of the chain ``$name`` captured, or a skip if it is no such chain."""
    if isinstance(chain, ast.BoolOp) or (isinstance(chain, ast.BinOp)
                                         and type(chain.op) in CHAIN_OPERATORS):
        return chain.op
    raise SiteSkipped(f"${name} is not an `|`, `&`, `and` or `or` chain")


def spine(node: Any) -> tuple[list[Any], list[Any]]:
    """Operands and operators of a left-associated libcst chain, without entering
    parentheses."""
    import libcst as cst

    kind = type(node)
    assert isinstance(node, (cst.BinaryOperation, cst.BooleanOperation))
    operator_type = type(node.operator)
    operands: list[Any] = []
    operators: list[Any] = []
    current: Any = node
    while (isinstance(current, kind) and type(current.operator) is operator_type
           and (current is node or not current.lpar)):
        operands.append(current.right)
        operators.append(current.operator)
        current = current.left
    operands.append(current)
    return operands[::-1], operators[::-1]
