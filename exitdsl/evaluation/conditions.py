"""A site's ``where`` and ``ensure`` conditions: the environment they are evaluated in,
and which one fails first (reported as the skip or rejection reason)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ..errors import SiteSkipped
from ..language import ir
from ..language.compiled import CompiledRule
from ..language.patterns import Pattern
from ..matching.match import Captured, Captures, match
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
               is_local=facts.made_here, file_has=facts.has)


def ensure_env(rule: CompiledRule, captures: Captures) -> Env:
    """After a rewrite, names count as defined: the rewrite checks its own introductions."""
    return Env(captures, rule.domains, Draws(0, rule.id, "", 0), is_defined=lambda name: True,
               holds_pattern=_contains, patterns=rule.condition_patterns)


def first_failing(conditions: Sequence[ir.Expr], env: Env) -> str | None:
    """The rule line of the first condition that does not hold, or None if all hold."""
    for condition in conditions:
        try:
            if not holds(condition, env):
                return condition.span.source_line.strip()
        except SiteSkipped as exc:
            return str(exc)
        except (ArithmeticError, ValueError) as exc:  # e.g. a 400-digit literal times 0.5
            return f"{condition.span.source_line.strip()} cannot be evaluated: {exc}"
    return None


def failing_where(site: Site, facts: FileFacts) -> str | None:
    """Which `where` of the site's rule does not hold (None: they all hold)."""
    return first_failing(site.rule.where, site_env(site, facts))
