"""Number literals in strategy code: reading them, writing them, and their ``ast`` form."""

from __future__ import annotations

import ast
import math
import re

from ..errors import SiteSkipped
from .operators import BY_AST

Number = int | float
# Numbers a rule may compute or write: past this, a value is a mistake (or an attack),
# and writing it would mean thousands of digits in a strategy.
MAX_MAGNITUDE = 1e100


def in_range(value: Number) -> bool:
    """Is ``value`` finite and at most :data:`MAX_MAGNITUDE` in size?"""
    try:
        return math.isfinite(value) and abs(value) <= MAX_MAGNITUDE
    except OverflowError:  # an int too large to compare as a float
        return False


def literal_number(node: object) -> Number | None:
    """The value of a numeric literal (``0.08``, ``-0.345``, ``1_000``), else None."""
    sign = 1
    if type(node) is ast.UnaryOp and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if type(node) is ast.Constant:
        value = node.value
        if type(value) is int or type(value) is float:  # bool is not a number here
            return sign * value
    return None


_ARITHMETIC = frozenset(("+", "-", "*", "/"))  # what a constant may be written with
MAX_CONSTANT_DEPTH = 8  # `0.0025 / 2` is a constant; a 1000-term sum is not worth a value


def constant_number(node: object, depth: int = 0) -> Number | None:
    """The value of a number literal or of arithmetic (+ - * /) on number literals, as
    real code writes ROI values (``0.0025 / 2``); None for anything else, a division by
    zero or a value out of range."""
    value = literal_number(node)
    if value is not None or depth >= MAX_CONSTANT_DEPTH:
        return value
    if type(node) is ast.BinOp:
        op = BY_AST.get(type(node.op))
        if op is None or op.token not in _ARITHMETIC or op.apply is None:
            return None
        left = constant_number(node.left, depth + 1)
        right = constant_number(node.right, depth + 1)
        if left is None or right is None or (op.token == "/" and right == 0):
            return None
        result: Number = op.apply(left, right)
        return result if in_range(result) else None
    return None


def steered_literal(node: ast.expr, value: Number) -> tuple[ast.expr, Number] | None:
    """For arithmetic on literals (``0.02 / 2``): the literal to change, and its new value,
    so that ``node`` computes ``value`` while keeping the author's form (``0.024 / 2``).
    Of the literals the result moves with (through ``+ - *`` and a dividend, never a
    divisor), the one whose new value is written shortest (``0.01 * 1.7``, not
    ``0.0113333333333 * 1.5``), the first on a tie; None when none can carry the value."""
    found: list[tuple[ast.expr, Number]] = []
    for literal in _steerable(node):
        old = literal_number(literal)
        assert old is not None
        at_old, at_next = _with(node, literal, old), _with(node, literal, old + 1)
        if at_old is None or at_next is None or at_next == at_old:
            continue
        new: Number = float(f"{old + (value - at_old) / (at_next - at_old):.12g}")
        if isinstance(old, int) and float(new).is_integer():
            new = int(new)
        reached = _with(node, literal, new)
        if reached is not None and math.isclose(reached, value, rel_tol=1e-9, abs_tol=1e-12):
            found.append((literal, new))
    return min(found, key=lambda pair: len(repr(pair[1]))) if found else None


def _steerable(node: ast.expr) -> list[ast.expr]:
    if literal_number(node) is not None:
        return [node]
    if type(node) is ast.BinOp:
        op = BY_AST.get(type(node.op))
        token = op.token if op is not None else ""
        if token in ("+", "-", "*"):
            return _steerable(node.left) + _steerable(node.right)
        if token == "/":
            return _steerable(node.left)
    return []


def _with(node: ast.expr, literal: ast.expr, value: Number) -> float | None:
    """``node``'s value with ``literal`` standing for ``value``."""
    if node is literal:
        return float(value)
    own = literal_number(node)
    if own is not None:
        return float(own)
    if type(node) is ast.BinOp:
        op = BY_AST.get(type(node.op))
        left, right = _with(node.left, literal, value), _with(node.right, literal, value)
        if op is None or op.apply is None or left is None or right is None \
                or (op.token == "/" and right == 0):
            return None
        return float(op.apply(left, right))
    return None


def format_number(value: Number) -> str:
    """Shortest text for ``value``: ints as ints, floats by ``repr`` (round-trip exact)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise SiteSkipped(f"computed value is {value}")
    if not in_range(value):
        raise SiteSkipped(f"computed value is out of range (more than {MAX_MAGNITUDE:g})")
    if isinstance(value, float):
        return repr(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    return str(value)


def number_node(value: Number) -> ast.expr:
    """The ``ast`` of a number literal as :func:`format_number` writes it."""
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value + 0.0 if isinstance(value, float) else value)  # no -0.0


_NUMBER_TOKEN = re.compile(
    r"\(?(-?)(\d[\d_]*(\.[\d_]*)?([eE][+-]?\d+)?|\.\d[\d_]*([eE][+-]?\d+)?)\)?")


def number_token(text: str) -> Number | None:
    """The value of a decimal number literal as format_number writes it (optionally
    negative and parenthesised), else None: a check far cheaper than a parse."""
    m = _NUMBER_TOKEN.fullmatch(text)
    if m is None or (text.startswith("(") != text.endswith(")")):
        return None
    digits = m.group(2).replace("_", "")
    value: Number = float(digits) if any(c in digits for c in ".eE") else int(digits)
    return -value if m.group(1) else value
