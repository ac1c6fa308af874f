"""Exit branches: the ``if`` / ``elif`` tests whose own branch calls a closing method
(backtesting.py's ``self.position.close()``, backtrader's ``self.close()``, jesse's
``self.liquidate()``), and what those tests read.

``if crossover(self.rsi, self.upper_bound): self.position.close()`` makes ``upper_bound``
an exit value, and the ``70`` of ``if self.rsi[-1] > 70: self.position.close()`` one too;
the same number in the test of a branch that only buys is an entry value. Only the
branch's own statements count: a close in an ``if`` nested in the branch belongs to that
inner ``if``, whose test decides it."""

from __future__ import annotations

import ast
from collections.abc import Iterable


def closes(branch: list[ast.stmt], call: str) -> bool:
    """Does the branch call ``X.CALL(...)`` or ``CALL(...)``, in its own statements or in
    loops and ``with`` blocks of them (``for trade in self.trades: trade.close()``), but
    not in an ``if`` nested in it, nor in a function defined there?"""
    stack: list[ast.AST] = list(branch)
    while stack:
        node = stack.pop()
        if isinstance(node, _OWN_DECISIONS):
            continue
        if isinstance(node, ast.Call) and _called(node.func) == call:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


_OWN_DECISIONS = (ast.If, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def exit_tests(ifs: Iterable[ast.AST], call: str) -> frozenset[int]:
    """The ids of the ``if`` statements (an ``elif`` is one) whose branch calls ``call``."""
    return frozenset(id(node) for node in ifs
                     if isinstance(node, ast.If) and closes(node.body, call))


def test_reads(method: ast.AST, call: str) -> frozenset[str]:
    """The attributes the exit tests of ``method`` load from ``self``/``cls``
    (``self.upper_bound``; ``self.exit_rsi.value`` reads ``exit_rsi``)."""
    found: set[str] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.If) and closes(node.body, call):
            found.update(sub.attr for sub in ast.walk(node.test)
                         if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load)
                         and isinstance(sub.value, ast.Name)
                         and sub.value.id in ("self", "cls"))
    return frozenset(found)


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None
