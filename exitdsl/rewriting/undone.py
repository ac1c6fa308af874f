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
import functools
from collections.abc import Sequence

from ..actions.base import Edit
from ..language.compiled import CompiledContext
from ..language.patterns import capture_name
from ..matching.contexts import Contexts, reads_values
from ..matching.match import Captures
from ..matching.sites import Site

UNDONE = ("left alone: another rewrite of this run changes its context, so its new value "
          "would not run ({context})")


def context_undone(site: Site, others: Sequence[Edit], contexts: Contexts) -> str | None:
    """Why ``site`` no longer holds once ``others`` are applied, or None if it still does."""
    rule = site.rule
    watched = [c for c in rule.contexts if reads_values(c)]
    names = frozenset().union(*(listed_names(c) for c in watched))
    if not names:
        return None
    nodes: list[ast.AST] = [site.scope, *site.ancestors]
    # Only an edit of a statement the contexts list (`trailing_stop = ...`) can change them.
    settings = [s for node in nodes for s in getattr(node, "body", ())
                if isinstance(s, (ast.Assign, ast.AnnAssign)) and _assigned(s) & names]
    inside = [e for e in others
              if any(may_hold(s, [spot_of(e.target)]) for s in settings)]
    if not inside:
        return None
    values = {id(e.target): e.intended for e in inside}
    spots = [spot_of(e.target) for e in inside]
    scope = with_planned(site.scope, values, spots)
    ancestors = [with_planned(a, values, spots) for a in site.ancestors]
    _, failing = contexts.check(rule, _match_captures(site), ancestors, scope)
    if failing is None:
        return None
    lines = [line.strip() for line in failing.pattern.text.splitlines()]
    said = " ".join(line for line in lines if line != "...")
    return UNDONE.format(context=f"{'unless ' if failing.negated else ''}{failing.kind} {said}")


def with_planned(node: ast.AST, values: dict[int, ast.expr],
                 spots: list[tuple[int, int]]) -> ast.AST:
    """``node`` as it reads once every edit is made (``values``: id(target) -> intended;
    ``spots``: where the targets start). Only the nodes on the way to a target are copied;
    the rest are shared, so a view of a 500-attribute class costs a path, not a class."""
    if id(node) in values:
        return values[id(node)]
    if not may_hold(node, spots):
        return node
    made = copy.copy(node)
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            setattr(made, name, with_planned(value, values, spots))
        elif isinstance(value, list):
            setattr(made, name, [with_planned(v, values, spots) if isinstance(v, ast.AST)
                                 else v for v in value])
    return made


def spot_of(node: ast.AST) -> tuple[int, int]:
    """Where ``node`` starts: (line, column)."""
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def may_hold(node: ast.AST, spots: list[tuple[int, int]]) -> bool:
    """Could a target start inside ``node``? (Nodes without a position may hold anything.)"""
    end_line = getattr(node, "end_lineno", None)
    if end_line is None:
        return True
    start = spot_of(node)
    end = (end_line, getattr(node, "end_col_offset", 0) or 0)
    return any(start <= spot <= end for spot in spots)


@functools.lru_cache(maxsize=None)
def listed_names(context: CompiledContext) -> frozenset[str]:
    """The names a context's body assigns literally (``trailing_stop`` in
    ``class $_(IStrategy): ... trailing_stop = True ...``); captured targets do not count."""
    body = getattr(context.pattern.node, "body", ())
    return frozenset().union(*(_assigned(s) for s in body
                               if isinstance(s, (ast.Assign, ast.AnnAssign))))


def _assigned(stmt: ast.Assign | ast.AnnAssign) -> frozenset[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return frozenset(t.id for t in targets
                     if isinstance(t, ast.Name) and capture_name(t.id) is None)


def _match_captures(site: Site) -> Captures:
    """The site's captures without those its contexts bound (they are bound again)."""
    rule = site.rule
    own = frozenset().union(*(p.captures for p in rule.matches))
    from_contexts = frozenset().union(*(c.pattern.captures for c in rule.contexts)) - own
    return {k: v for k, v in site.captures.items() if k not in from_contexts}
