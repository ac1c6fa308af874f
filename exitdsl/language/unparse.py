"""Rule expressions back to rule-language text, for messages that quote a part of a
condition (``where $v < 0.5 is false``): the part a span cannot delimit, since spans
carry where an expression starts, not where it ends."""

from __future__ import annotations

from . import ir

# Binding strength, loosest first: what needs parentheses inside what.
_STRENGTH = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
             "+": 5, "-": 5, "*": 6, "/": 6}


def unparse(expr: ir.Expr | ir.PatternText) -> str:
    """``expr`` as a rule file would write it (parentheses only where needed)."""
    if isinstance(expr, ir.Num):
        return repr(expr.value)
    if isinstance(expr, ir.Capture):
        return f"${expr.name}"
    if isinstance(expr, ir.Ref):
        return expr.name
    if isinstance(expr, ir.PatternText):
        return f"`{expr.text}`"
    if isinstance(expr, ir.Unary):
        operand = _inside(expr.operand, _STRENGTH["not"] if expr.op == "not" else 7)
        return f"not {operand}" if expr.op == "not" else f"-{operand}"
    if isinstance(expr, ir.Binary):
        strength = _STRENGTH[expr.op]
        # Left-associative: an equally strong right operand keeps its parentheses.
        return f"{_inside(expr.left, strength)} {expr.op} {_inside(expr.right, strength + 1)}"
    if isinstance(expr, ir.InDomain):
        return f"{_inside(expr.value, 5)} in {expr.domain}"
    if isinstance(expr, ir.RegexMatch):
        return f"${expr.capture.name} ~ /{expr.regex}/"
    return f"{expr.func}({', '.join(unparse(a) for a in expr.args)})"


def _inside(expr: ir.Expr, strength: int) -> str:
    text = unparse(expr)
    own = _STRENGTH.get(expr.op, 9) if isinstance(expr, (ir.Binary, ir.Unary)) else 9
    if isinstance(expr, ir.Unary) and expr.op == "-":
        own = 7
    if isinstance(expr, ir.InDomain):
        own = 4
    return f"({text})" if own < strength else text
