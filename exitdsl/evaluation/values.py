"""Evaluation of rule expressions (values and conditions) at one match site.

Randomness is reproducible: every draw comes from its own generator seeded by
(run seed, rule id, input content hash, site index, draw index), so a result does
not depend on file order, process count or machine.
"""

from __future__ import annotations

import ast
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import SiteSkipped, Span
from ..language import ir
from ..language.domains import Domain
from ..language.patterns import Pattern
from ..language.regex import search
from ..matching.captures import Captured, Captures
from ..vocabulary.functions import FUNCTIONS, PREDICATES
from ..vocabulary.numbers import Number, constant_number
from ..vocabulary.operators import BY_TOKEN


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
    """One site as the value language sees it: an :class:`~exitdsl.vocabulary.functions.Evaluator`."""

    captures: Captures
    domains: dict[str, Domain]
    draws: Draws
    is_defined: Callable[[str], bool]
    holds_pattern: Callable[[Captured, Pattern], bool]
    patterns: dict[Span, Pattern]
    numbers: dict[str, Number | None] = field(default_factory=dict)  # capture -> its value
    is_local: Callable[[str], bool] = lambda name: False
    # `in_file(PATTERN)`: does a node of the file match, with the captures bound so far?
    file_has: Callable[[Pattern, Captures], bool] = lambda pattern, captures: False
    # `read_in($x, METHOD)`: is class attribute NAME read in METHOD (model.read_in)?
    reads_in: Callable[[str, str], bool] = lambda name, method: False
    # `guards($x, METHOD, CALL)` and `in_test_of(CALL)` (model/exits.py)
    guarded: Callable[[str, str, str], bool] = lambda name, method, call: False
    decides: Callable[[str], bool] = lambda call: False

    def number(self, expr: ir.Expr | ir.PatternText) -> Number:
        return _EVALUATORS[type(expr)](expr, self)  # evaluate(), one call fewer: a hot path

    def domain(self, arg: ir.Expr | ir.PatternText) -> Domain:
        assert isinstance(arg, ir.Ref)
        return self.domains[arg.name]

    def draw(self) -> random.Random:
        return self.draws.next()

    def captured(self, name: str) -> object:
        return self.captures[name]

    def defined(self, name: str) -> bool:
        return self.is_defined(name)

    def local(self, name: str) -> bool:
        return self.is_local(name)

    def contains(self, node: object, pattern: ir.PatternText) -> bool:
        if isinstance(node, str) or not isinstance(node, ast.AST):
            return False
        return self.holds_pattern(node, self.patterns[pattern.span])

    def in_file(self, pattern: ir.PatternText) -> bool:
        return self.file_has(self.patterns[pattern.span], self.captures)

    def read_in(self, name: str, method: str) -> bool:
        return self.reads_in(name, method)

    def guards(self, name: str, method: str, call: str) -> bool:
        return self.guarded(name, method, call)

    def in_test_of(self, call: str) -> bool:
        return self.decides(call)

    def capture_number(self, capture: ir.Capture) -> Number:
        name = capture.name
        if name not in self.numbers:
            self.numbers[name] = constant_number(self.captures[name])
        value = self.numbers[name]
        if value is None:
            raise SiteSkipped(f"${name} is not a number literal")
        return value


def evaluate(expr: ir.Expr | ir.PatternText, env: Env) -> Number:
    """Evaluate a number-valued expression (type-checked by the compiler)."""
    return _EVALUATORS[type(expr)](expr, env)


def _binary(expr: ir.Binary, env: Env) -> Number:
    left, right = evaluate(expr.left, env), evaluate(expr.right, env)
    if expr.op == "/" and right == 0:
        raise SiteSkipped("division by zero")
    compute = BY_TOKEN[expr.op].apply
    assert compute is not None
    result: Number = compute(left, right)
    return result


def _call(call: ir.Call, env: Env) -> Number:
    return FUNCTIONS[call.func].compute(call.args, env)


_EVALUATORS: dict[type, Callable[[Any, Env], Number]] = {
    ir.Num: lambda expr, env: expr.value,
    ir.Capture: lambda expr, env: env.capture_number(expr),
    ir.Unary: lambda expr, env: -evaluate(expr.operand, env),
    ir.Binary: _binary,
    ir.Call: _call,
}


def holds(expr: ir.Expr, env: Env) -> bool:
    """Evaluate a condition (type-checked by the compiler)."""
    if isinstance(expr, ir.Unary):
        return not holds(expr.operand, env)
    if isinstance(expr, ir.Binary):
        if expr.op == "and":
            return holds(expr.left, env) and holds(expr.right, env)
        if expr.op == "or":
            return holds(expr.left, env) or holds(expr.right, env)
        compare = BY_TOKEN[expr.op].apply
        assert compare is not None
        return bool(compare(evaluate(expr.left, env), evaluate(expr.right, env)))
    if isinstance(expr, ir.InDomain):
        domain = env.domains[expr.domain]
        if domain.is_map:
            assert isinstance(expr.value, ir.Capture)
            return domain.lookup(text_of(env.captures[expr.value.name])) is not None
        return evaluate(expr.value, env) in domain
    if isinstance(expr, ir.RegexMatch):
        return search(expr.regex, text_of(env.captures[expr.capture.name]))
    assert isinstance(expr, ir.Call), expr
    return PREDICATES[expr.func].test(expr.args, env)


def text_of(node: Captured) -> str:
    """What ``~ /re/`` is matched against: a name, an attribute's name, a string, or code."""
    if isinstance(node, str):
        return node
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    try:
        return ast.unparse(node)
    except RecursionError:  # a huge nested expression: this site is left alone, not the file
        raise SiteSkipped("the captured code is nested too deeply to match a /regex/ "
                          "against") from None
