"""Evaluation of rule expressions (values and conditions) at one match site.

Randomness is reproducible: every draw comes from its own generator seeded by
(run seed, rule id, input content hash, site index, draw index), so a result does
not depend on file order, process count or machine.
"""

from __future__ import annotations

import ast
import hashlib
import math
import random
import re
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field

from . import ir
from .compile import Domain
from .errors import Span
from .match import Captured, Captures
from .patterns import Pattern

Number = int | float


class SiteSkipped(Exception):
    """The site cannot be rewritten safely (e.g. the captured value is not a literal)."""


def literal_number(node: Captured) -> Number | None:
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
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SiteSkipped(f"computed value is {value}")
        return repr(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    return str(value)


@dataclass
class Draws:
    """The generators of one site, each seeded by everything that identifies its draw."""

    seed: int
    rule_id: str
    content_hash: str
    site_index: int
    count: int = 0

    def next(self) -> random.Random:
        index = self.count
        self.count += 1
        key = f"{self.seed}\0{self.rule_id}\0{self.content_hash}\0{self.site_index}\0{index}"
        # random.Random(int) seeds from the int's 32-bit words, the same on every platform.
        return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:16], "big"))


@dataclass(frozen=True)
class Env:
    captures: Captures
    domains: dict[str, Domain]
    draws: Draws
    defined: Callable[[str], bool]
    contains: Callable[[Captured, Pattern], bool]
    patterns: dict[Span, Pattern]
    numbers: dict[str, Number | None] = field(default_factory=dict)  # capture -> its value


def number_of(env: Env, capture: ir.Capture) -> Number:
    name = capture.name
    if name not in env.numbers:
        env.numbers[name] = literal_number(env.captures[name])
    value = env.numbers[name]
    if value is None:
        raise SiteSkipped(f"${name} is not a number literal")
    return value


def evaluate(expr: ir.Expr | ir.PatternText, env: Env) -> Number:
    """Evaluate a number-valued expression (type-checked by compile.py)."""
    return _EVALUATORS[type(expr)](expr, env)


def _binary(expr: ir.Binary, env: Env) -> Number:
    left, right = evaluate(expr.left, env), evaluate(expr.right, env)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    if right == 0:
        raise SiteSkipped("division by zero")
    return left / right


def _call(call: ir.Call, env: Env) -> Number:
    return _FUNCTIONS[call.func](call.args, env)


Args = tuple[ir.Expr | ir.PatternText, ...]


def _domain(arg: ir.Expr | ir.PatternText, env: Env) -> Domain:
    assert isinstance(arg, ir.Ref)
    return env.domains[arg.name]


def _interval(args: Args, env: Env) -> tuple[float, float]:
    """``(lo, hi)`` from ``BOUND`` or from two values."""
    if len(args) == 1:
        domain = _domain(args[0], env)
        return domain.low, domain.high
    return evaluate(args[0], env), evaluate(args[1], env)


def _choice(args: Args, env: Env) -> Number:
    if isinstance(args[0], ir.Ref):
        options: tuple[Number, ...] = _domain(args[0], env).values
    else:
        options = tuple(evaluate(a, env) for a in args)
    return env.draws.next().choice(options)


def _clamp(args: Args, env: Env) -> Number:
    low, high = _interval(args[1:], env)
    value = evaluate(args[0], env)
    return low if value < low else high if value > high else value


def _round(args: Args, env: Env) -> Number:
    if len(args) == 1:
        return round(evaluate(args[0], env))
    return round(evaluate(args[0], env), int(evaluate(args[1], env)))


_FUNCTIONS: dict[str, Callable[[Args, Env], Number]] = {
    "gauss": lambda a, env: env.draws.next().gauss(evaluate(a[0], env), evaluate(a[1], env)),
    "uniform": lambda a, env: env.draws.next().uniform(*_interval(a, env)),
    "choice": _choice,
    "step": lambda a, env: _step(evaluate(a[0], env), _domain(a[1], env).values,
                                 evaluate(a[2], env)),
    "clamp": _clamp,
    "round": _round,
    "int": lambda a, env: int(evaluate(a[0], env)),
    "abs": lambda a, env: abs(evaluate(a[0], env)),
    "min": lambda a, env: min(evaluate(x, env) for x in a),
    "max": lambda a, env: max(evaluate(x, env) for x in a),
}

_EVALUATORS: dict[type, Callable[[Any, Env], Number]] = {
    ir.Num: lambda expr, env: expr.value,
    ir.Capture: lambda expr, env: number_of(env, expr),
    ir.Unary: lambda expr, env: -evaluate(expr.operand, env),
    ir.Binary: _binary,
    ir.Call: _call,
}


def _step(value: Number, options: tuple[Number, ...], steps: Number) -> Number:
    """Move ``steps`` places from ``value``'s nearest option, stopping at the ends."""
    nearest = min(range(len(options)), key=lambda i: (abs(options[i] - value), i))
    target = nearest + int(steps)
    return options[max(0, min(len(options) - 1, target))]


def holds(expr: ir.Expr, env: Env) -> bool:
    """Evaluate a condition (type-checked by compile.py)."""
    if isinstance(expr, ir.Unary):
        return not holds(expr.operand, env)
    if isinstance(expr, ir.Binary):
        if expr.op == "and":
            return holds(expr.left, env) and holds(expr.right, env)
        if expr.op == "or":
            return holds(expr.left, env) or holds(expr.right, env)
        return _compare(expr.op, evaluate(expr.left, env), evaluate(expr.right, env))
    if isinstance(expr, ir.InDomain):
        return evaluate(expr.value, env) in env.domains[expr.domain]
    if isinstance(expr, ir.RegexMatch):
        return re.search(expr.regex, _text_of(env.captures[expr.capture.name])) is not None
    assert isinstance(expr, ir.Call), expr
    return _predicate(expr, env)


def _compare(op: str, left: Number, right: Number) -> bool:
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]


def _text_of(node: Captured) -> str:
    """What ``~ /re/`` is matched against: a name, an attribute's name, a string, or code."""
    if isinstance(node, str):
        return node
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _predicate(call: ir.Call, env: Env) -> bool:
    first = call.args[0]
    if call.func == "defined":
        assert isinstance(first, ir.Ref)
        return env.defined(first.name)
    assert isinstance(first, ir.Capture)
    node = env.captures[first.name]
    if call.func == "number":
        return literal_number(node) is not None
    if call.func == "int":
        return isinstance(literal_number(node), int)
    if call.func == "name":
        return isinstance(node, (ast.Name, str))
    if call.func == "string":
        return isinstance(node, ast.Constant) and isinstance(node.value, str)
    pattern_arg = call.args[1]
    assert isinstance(pattern_arg, ir.PatternText)
    return env.contains(node, env.patterns[pattern_arg.span])
