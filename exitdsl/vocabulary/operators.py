"""Python's operators, once: token ↔ ``ast`` class ↔ libcst class ↔ family ↔ meaning.

``set op`` checks a token against the pattern's operator family and plans with the ``ast``
class; the rewriter builds the libcst node; chains (``a | b``) name their operator by
token; rule expressions (``$sl * 2``, ``$a < $b``) evaluate with ``apply``.
"""

from __future__ import annotations

import ast
import operator as py
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Family = Literal["compare", "bool", "binary"]


@dataclass(frozen=True)
class Operator:
    token: str
    ast_type: type[ast.AST]
    cst_name: str  # the libcst class, by name: libcst is imported only to rewrite
    family: Family
    apply: Callable[[Any, Any], Any] | None = None  # None: not evaluated by rule expressions

    def cst_class(self) -> type[Any]:
        import libcst

        cls: type[Any] = getattr(libcst, self.cst_name)
        return cls


OPERATORS: tuple[Operator, ...] = (
    Operator("<", ast.Lt, "LessThan", "compare", py.lt),
    Operator("<=", ast.LtE, "LessThanEqual", "compare", py.le),
    Operator(">", ast.Gt, "GreaterThan", "compare", py.gt),
    Operator(">=", ast.GtE, "GreaterThanEqual", "compare", py.ge),
    Operator("==", ast.Eq, "Equal", "compare", py.eq),
    Operator("!=", ast.NotEq, "NotEqual", "compare", py.ne),
    Operator("is", ast.Is, "Is", "compare"),
    Operator("is not", ast.IsNot, "IsNot", "compare"),
    Operator("in", ast.In, "In", "compare"),
    Operator("not in", ast.NotIn, "NotIn", "compare"),
    Operator("and", ast.And, "And", "bool"),
    Operator("or", ast.Or, "Or", "bool"),
    Operator("|", ast.BitOr, "BitOr", "binary"),
    Operator("&", ast.BitAnd, "BitAnd", "binary"),
    Operator("^", ast.BitXor, "BitXor", "binary"),
    Operator("+", ast.Add, "Add", "binary", py.add),
    Operator("-", ast.Sub, "Subtract", "binary", py.sub),
    Operator("*", ast.Mult, "Multiply", "binary", py.mul),
    Operator("/", ast.Div, "Divide", "binary", py.truediv),
    Operator("//", ast.FloorDiv, "FloorDivide", "binary"),
    Operator("%", ast.Mod, "Modulo", "binary"),
    Operator("**", ast.Pow, "Power", "binary"),
    Operator("@", ast.MatMult, "MatrixMultiply", "binary"),
    Operator("<<", ast.LShift, "LeftShift", "binary"),
    Operator(">>", ast.RShift, "RightShift", "binary"),
)

BY_TOKEN: dict[str, Operator] = {op.token: op for op in OPERATORS}
BY_AST: dict[type[ast.AST], Operator] = {op.ast_type: op for op in OPERATORS}
# The operators whose chains `append` and `drop` work on.
CHAIN_OPERATORS = frozenset({ast.BitOr, ast.BitAnd, ast.Or, ast.And})


def family_of_node(node: ast.AST) -> Family:
    """The family of an operation node: a comparison, a boolean or a binary operation."""
    if isinstance(node, ast.Compare):
        return "compare"
    return "bool" if isinstance(node, ast.BoolOp) else "binary"

