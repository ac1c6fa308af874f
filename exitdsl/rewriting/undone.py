"""Sites whose context another site of the same run rewrites.

A site's contexts are matched on the parent. When one run rewrites several sites, one
may change what another's context reads: ``trailing_stop = True`` flipped to ``False``
while ``trailing_stop_positive`` (a rule ``inside `class ...: trailing_stop = True ...```)
is jittered. freqtrade would never read the new value, so that change is dropped and
reported; the change of the context itself stays. Contexts are checked again on a view of
the code with every other planned edit applied (only for contexts that read a listed body,
and only when an edit lies inside the context's node).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence

from ..actions.base import Edit
from ..matching.contexts import Contexts, reads_values
from ..matching.match import Captures
from ..matching.sites import Site

UNDONE = ("left alone: another rewrite of this run changes its context, so its new value "
          "would not run ({context})")


def context_undone(site: Site, others: Sequence[Edit], contexts: Contexts) -> str | None:
    """Why ``site`` no longer holds once ``others`` are applied, or None if it still does."""
    rule = site.rule
    watched = [c for c in rule.contexts if reads_values(c)]
    if not watched:
        return None
    nodes: list[ast.AST] = [site.scope, *site.ancestors]
    inside = [e for e in others if any(_contains(node, e.target) for node in nodes)]
    if not inside:
        return None
    values = {id(e.target): e.intended for e in inside}
    scope = with_planned(site.scope, values)
    ancestors = [with_planned(a, values) for a in site.ancestors]
    _, failing = contexts.check(rule, _match_captures(site), ancestors, scope)
    if failing is None:
        return None
    lines = [line.strip() for line in failing.pattern.text.splitlines()]
    said = " ".join(line for line in lines if line != "...")
    return UNDONE.format(context=f"{'unless ' if failing.negated else ''}{failing.kind} {said}")


def with_planned(node: ast.AST, values: dict[int, ast.expr]) -> ast.AST:
    """A copy of ``node`` in which every node an edit targets reads as its intended value."""
    if id(node) in values:
        return values[id(node)]
    made = copy.copy(node)
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            setattr(made, name, with_planned(value, values))
        elif isinstance(value, list):
            setattr(made, name, [with_planned(v, values) if isinstance(v, ast.AST) else v
                                 for v in value])
    return made


def _match_captures(site: Site) -> Captures:
    """The site's captures without those its contexts bound (they are bound again)."""
    rule = site.rule
    own = frozenset().union(*(p.captures for p in rule.matches))
    from_contexts = frozenset().union(*(c.pattern.captures for c in rule.contexts)) - own
    return {k: v for k, v in site.captures.items() if k not in from_contexts}


def _contains(node: ast.AST, target: ast.AST) -> bool:
    start, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", None)
    line = getattr(target, "lineno", None)
    if isinstance(node, ast.Module):
        return True
    return line is not None and end is not None and start <= line <= end
