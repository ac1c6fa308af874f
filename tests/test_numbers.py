"""Arithmetic a rule's `set` rewrites keeps the author's form (issue 26, item 4): one
literal takes the new value, never a divisor, the shortest written on a choice."""

from __future__ import annotations

import ast

import pytest

from exitdsl.vocabulary.numbers import steered_literal


@pytest.mark.parametrize("code, value, expected", [
    ("0.05 / 2", 0.026, "0.052 / 2"),             # the dividend carries it
    ("0.01 * 1.5", 0.017, "0.01 * 1.7"),          # 1.7, not 0.0113333333333
    ("0.1 - 0.02", 0.09, "0.11 - 0.02"),          # a tie: the first literal
    ("1 / 100", 0.012, "1.2 / 100"),              # an int literal may become a float
    ("(0.02 + 0.01) * 2", 0.08, "(0.03 + 0.01) * 2"),
    ("1 / 4", 0.5, "2 / 4"),                      # never the divisor (1 / 2 is shorter)
])
def test_one_literal_takes_the_new_value(code: str, value: float, expected: str) -> None:
    tree = ast.parse(code, mode="eval").body
    found = steered_literal(tree, value)
    assert found is not None
    literal, new = found
    assert isinstance(literal, ast.Constant)
    literal.value = new
    assert ast.unparse(tree) == ast.unparse(ast.parse(expected, mode="eval").body)
