"""What the tests of ``if`` statements decide: which calls run under a test (backtesting.py's
``self.position.close()``, backtrader's ``self.close()``, jesse's ``self.liquidate()``,
or an entry's ``self.buy()``), and what those tests read.

``if crossover(self.rsi, self.upper_bound): self.position.close()`` makes ``upper_bound``
an exit value, and the ``70`` of ``if self.rsi[-1] > 70: self.position.close()`` one too.
A test decides everything under it: its branch and its plain ``else`` at any depth, loops,
``with`` and ``try`` blocks and nested ``if`` statements included (an ``elif`` is a link
of a chain: its own test decides its branches). So the test of a branch that closes and re-enters
(``self.position.close(); self.buy()``) decides an entry as well, and a rule that wants
exit values only asks both questions. A call in a function or lambda defined under the
test is not made by it."""

from __future__ import annotations

import ast
from collections.abc import Iterable

_NOT_RUN_HERE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def decided(node: ast.If) -> list[ast.stmt]:
    """What the test of ``node`` decides: its branch, and its ``else`` unless that is an
    ``elif`` (a link of a chain: its own test decides its branches, as in
    ``if crossover(rsi, upper): close()`` / ``elif crossover(lower, rsi): buy()``)."""
    orelse = node.orelse
    if len(orelse) == 1 and isinstance(orelse[0], ast.If):
        return list(node.body)
    return [*node.body, *orelse]


def calls_under(statements: Iterable[ast.AST], call: str,
                helpers: frozenset[str] = frozenset()) -> bool:
    """Is ``X.CALL(...)`` or ``CALL(...)`` made anywhere in ``statements``, or
    ``self.HELPER(...)`` with HELPER one of ``helpers`` (methods that make it)?"""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _NOT_RUN_HERE):
            continue
        if isinstance(node, ast.Call) and (_called(node.func) == call
                                           or _self_call(node.func) in helpers):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def helpers_making(functions: Iterable[ast.AST], call: str) -> frozenset[str]:
    """The names of the file's functions that make a call of ``call``, themselves or
    through ``self.other(...)`` (``self.go_long()`` that buys)."""
    defs = [f for f in functions if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    callers: dict[str, set[str]] = {}  # helper -> the functions calling it through self
    found = set()
    for function in defs:
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                if _called(node.func) == call:
                    found.add(function.name)
                helper = _self_call(node.func)
                if helper is not None:
                    callers.setdefault(helper, set()).add(function.name)
    work = list(found)
    while work:
        for caller in callers.get(work.pop(), ()):
            if caller not in found:
                found.add(caller)
                work.append(caller)
    return frozenset(found)


def tests_deciding(ifs: Iterable[ast.AST], call: str,
                   helpers: frozenset[str] = frozenset()) -> dict[int, frozenset[int]]:
    """For each ``if`` (an ``elif`` is one) whose test decides a call of ``call``: the ids
    of the nodes of its test, by the id of the ``if``."""
    return {id(node): frozenset(id(sub) for sub in ast.walk(node.test)) for node in ifs
            if isinstance(node, ast.If) and calls_under(decided(node), call, helpers)}


def test_reads(method: ast.AST, call: str, helpers: frozenset[str] = frozenset()
               ) -> frozenset[str]:
    """The attributes the tests deciding ``call`` in ``method`` load from ``self``/``cls``
    (``self.upper_bound``; ``self.exit_rsi.value`` reads ``exit_rsi``)."""
    found: set[str] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.If) and calls_under(decided(node), call, helpers):
            found.update(sub.attr for sub in ast.walk(node.test)
                         if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load)
                         and isinstance(sub.value, ast.Name)
                         and sub.value.id in ("self", "cls"))
    return frozenset(found)


def self_calls(method: ast.AST) -> frozenset[str]:
    """The methods ``method`` calls through ``self``."""
    return frozenset(name for node in ast.walk(method) if isinstance(node, ast.Call)
                     and (name := _self_call(node.func)) is not None)


def _self_call(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "self":
        return func.attr
    return None


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None
