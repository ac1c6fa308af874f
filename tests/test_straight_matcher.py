"""The compiled one-way matcher (matching/straight.py) against the general matcher it
short-cuts: the same solutions, for every pattern the shipped rules hold, on the bundled
strategies; and which patterns it takes on."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from exitdsl import load_rules
from exitdsl.errors import Span
from exitdsl.language.patterns import compile_pattern
from exitdsl.matching import match as matcher
from exitdsl.matching.captures import Captures
from exitdsl.matching.straight import straight

ROOT = Path(__file__).resolve().parent.parent


def pattern(text: str) -> ast.AST:
    return compile_pattern(text, Span("<test>", 1, 1), text).node


def general(monkeypatch: pytest.MonkeyPatch, wanted: ast.AST, node: ast.AST,
            captures: Captures) -> list[Captures]:
    """The general matcher's solutions, the compiled one switched off at every level."""
    with monkeypatch.context() as patch:
        patch.setattr(matcher, "straight", lambda _: None)
        return list(matcher.solutions(wanted, node, captures))


def described(solutions: list[Captures]) -> list[list[tuple[str, str, int]]]:
    """Solutions as comparable values, each distinct one once (two `...` side by side
    split a list many ways, all giving the same solution)."""
    found: list[list[tuple[str, str, int]]] = []
    for solution in solutions:
        key = sorted((name, str(value) if isinstance(value, str) else type(value).__name__,
                      id(getattr(value, "holder", value))) for name, value in solution.items())
        if key not in found:
            found.append(key)
    return found


def shipped_patterns() -> Iterator[ast.AST]:
    for rule in load_rules(ROOT / "rules").rules:
        yield from (p.node for p in (*rule.matches, *rule.unless))
        for context in rule.contexts:
            yield context.pattern.node
            if context.any_bases is not None:
                yield context.any_bases


def test_every_shipped_pattern_finds_what_the_general_matcher_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = list(shipped_patterns())
    compiled = [p for p in patterns if straight(p) is not None]
    assert len(compiled) > len(patterns) // 2  # most patterns have one way to match
    trees = [ast.parse(path.read_bytes()) for path in sorted((ROOT / "examples").rglob("*.py"))]
    by_type: dict[type, list[ast.AST]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            by_type.setdefault(type(node), []).append(node)
    compared = matched = 0
    for wanted in compiled:
        for node in by_type.get(type(wanted), []):
            fast = list(matcher.solutions(wanted, node, {}))
            assert described(fast) == described(general(monkeypatch, wanted, node, {})), \
                (ast.unparse(wanted), ast.unparse(node))
            compared += 1
            matched += bool(fast)
    assert compared > 1000 and matched > 100


@pytest.mark.parametrize("text", [
    "{..., $k: $v, ...}",  # one solution per entry
    "f($k=$v)",  # a captured keyword name may be any of the call's keywords
    "f(..., $x, ...)",  # any one argument
    "f(**$kw)",
    "def $f(self, ...): ...",  # `...` among parameters
])
def test_patterns_with_several_ways_to_match_are_left_to_the_general_matcher(
        text: str) -> None:
    assert straight(pattern(text)) is None


@pytest.mark.parametrize("text, code, expected", [
    ("sim(..., stop_loss=$v)", "sim(close > 1, resample='M', stop_loss=0.08)", {"v": "0.08"}),
    ("sim(..., stop_loss=$v)", "sim(close > 1, resample='M')", None),
    ("$a < $a", "close < close", {"a": "close"}),
    ("$a < $a", "close < open", None),
    ("minimal_roi = {$k: $v, ...}", "minimal_roi = {'0': 0.1, '30': 0.05}", {"k": "'0'", "v": "0.1"}),
    ("[..., $last]", "[1, 2, 3]", {"last": "3"}),
    ("[$first, ..., $last]", "[1]", None),
    ('self.$attr > "$name"', 'self.rsi > "rsi_exit"', {"attr": "rsi", "name": "rsi_exit"}),
])
def test_the_compiled_matcher_gives_the_one_solution(
        monkeypatch: pytest.MonkeyPatch, text: str, code: str,
        expected: dict[str, str] | None) -> None:
    wanted, node = pattern(text), ast.parse(code).body[0]
    if not isinstance(wanted, ast.stmt):
        node = node.value  # type: ignore[attr-defined]
    compiled = straight(wanted)
    assert compiled is not None
    found = compiled(node, {})
    shown = None if found is None else {
        name: value if isinstance(value, str) else ast.unparse(value)
        for name, value in found.items()}
    assert shown == expected
    assert described([] if found is None else [found]) == \
        described(general(monkeypatch, wanted, node, {}))
