"""A site's ``where`` and ``ensure`` conditions: the environment they are evaluated in,
and which one fails first (reported as the skip or rejection reason)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ..errors import SiteSkipped
from ..language import ir
from ..language.compiled import CompiledRule
from ..language.patterns import Pattern
from ..language.unparse import unparse
from ..matching.captures import Captured, Captures
from ..matching.match import match
from ..matching.facts import FileFacts
from ..matching.sites import Site
from .values import Draws, Env, holds

def _contains(node: Captured, pattern: Pattern) -> bool:
    if isinstance(node, str):
        return False
    return any(match(pattern.node, sub, {}) for sub in ast.walk(node))


def site_env(site: Site, facts: FileFacts, draws: Draws | None = None,
             planned: dict[int, ast.expr] | None = None) -> Env:
    """The site's captures as values: a capture whose node an earlier site of the same run
    rewrites is seen as its planned value (``planned``: id(node) -> intended node)."""
    rule = site.rule
    captures = site.captures
    if planned:
        captures = {name: planned.get(id(node), node) if isinstance(node, ast.AST) else node
                    for name, node in captures.items()}
    return Env(captures, rule.domains, draws or Draws(0, rule.id, "", 0),
               is_defined=lambda name: facts.model.defined_before(
                   name, site.scope, site.statement.lineno),
               holds_pattern=_contains, patterns=rule.condition_patterns,
               is_local=facts.made_here, file_has=facts.has,
               reads_in=lambda name, method: facts.model.read_in(site.scope, name, method),
               guarded=lambda name, method, call: facts.model.guards(site.scope, name,
                                                                      method, call),
               decides=lambda call: facts.model.in_test_of(site.statement, site.node,
                                                               call))


def ensure_env(rule: CompiledRule, captures: Captures) -> Env:
    """After a rewrite, names count as defined: the rewrite checks its own introductions."""
    return Env(captures, rule.domains, Draws(0, rule.id, "", 0), is_defined=lambda name: True,
               holds_pattern=_contains, patterns=rule.condition_patterns)


def first_failing(conditions: Sequence[ir.Expr], env: Env, clause: str = "where") -> str | None:
    """Why the first condition that does not hold fails, or None if all hold: the part of
    it that is false (of ``a and b``, the conjunct), with the values its captures have;
    ``clause`` is the rule item the conditions come from."""
    for condition in conditions:
        try:
            if not holds(condition, env):
                part = _failing_part(condition, env)
                return f"{clause} {unparse(part)} is false{_values(part, env)}"
        except SiteSkipped as exc:
            return str(exc)
        except (ArithmeticError, ValueError) as exc:  # e.g. a 400-digit literal times 0.5
            return f"{clause} {unparse(condition)} cannot be evaluated: {exc}"
    return None


def failing_where(site: Site, facts: FileFacts) -> str | None:
    """Which `where` of the site's rule does not hold (None: they all hold)."""
    return first_failing(site.rule.where, site_env(site, facts))


def _failing_part(condition: ir.Expr, env: Env) -> ir.Expr:
    """The smallest part that makes ``condition`` false: a conjunct of an ``and`` (the left
    one when it fails, else the right); anything else as a whole."""
    while isinstance(condition, ir.Binary) and condition.op == "and":
        condition = condition.right if holds(condition.left, env) else condition.left
    return condition


_SHOWN = 60  # characters of a captured value quoted in a reason


def _values(part: ir.Expr, env: Env) -> str:
    """`` ($v = 0.08, $n = stop)``: each capture ``part`` reads, as the strategy has it."""
    names: list[str] = []
    stack: list[object] = [part]
    while stack:
        node = stack.pop()
        if isinstance(node, ir.Capture) and node.name not in names:
            names.append(node.name)
        elif isinstance(node, (ir.Unary, ir.Binary, ir.InDomain, ir.RegexMatch, ir.Call)):
            stack.extend(reversed([getattr(node, f) for f in ("operand", "left", "right",
                                                               "value", "capture")
                                   if hasattr(node, f)] + list(getattr(node, "args", ()))))
    shown = []
    for name in names:
        captured = env.captures.get(name)
        if captured is None:
            continue
        text = captured if isinstance(captured, str) else ast.unparse(captured)
        shown.append(f"${name} = {text if len(text) <= _SHOWN else text[:_SHOWN] + '...'}")
    return f" ({', '.join(shown)})" if shown else ""
