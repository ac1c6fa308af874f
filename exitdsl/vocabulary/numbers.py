"""Number literals in strategy code: reading them, writing them, and their ``ast`` form."""

from __future__ import annotations

import ast
import math
import re

from ..errors import SiteSkipped

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
