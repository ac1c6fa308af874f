"""``ensure`` postconditions: the rewritten site must still match its rule, and the rule's
``ensure`` clauses must hold on what it now captures."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from ..language.compiled import CompiledRule
from ..matching.match import Captures, solutions
from ..evaluation.conditions import ensure_env, first_failing
from ..planning.plan import Planned


def ensure_after(planned: Planned, new_tree: ast.Module, shift: int,
                 edited: set[int], values: Mapping[int, ast.expr],
                 moves: Sequence[tuple[int, int, int]] = ()) -> str | None:
    """Re-match the rewritten site in ``new_tree`` and evaluate the rule's ``ensure`` clauses.

    ``shift`` is the line offset from the file to ``new_tree``; ``edited`` holds the ids of
    every node rewritten in the statement (by any rule); ``values``, what the run gives the
    nodes it edits elsewhere (a context capture is read as the run leaves it); ``moves``,
    each edit of the statement as (line, end column, bytes it adds): an edit earlier on the
    site's line moves the site along it (``m < -0.02 or y < 0.995 * s`` with -0.02 now
    -0.0207).
    """
    rule = planned.site.rule
    if not rule.ensure:
        return None
    root = planned.site.node
    line, col = getattr(root, "lineno", 0), getattr(root, "col_offset", 0)
    moved = sum(added for at, end, added in moves if at == line and end <= col)
    key = (line - shift, col + moved, type(root))
    # Captures no rewrite touched identify which solution is this site (a dict entry).
    fixed = {name: node for name, node in planned.site.captures.items()
             if isinstance(node, str) or not any(id(sub) in edited for sub in ast.walk(node))}
    for node in ast.walk(new_tree):
        if (getattr(node, "lineno", None), getattr(node, "col_offset", None), type(node)) != key:
            continue
        for pattern in rule.matches:
            # Bound in advance, the untouched captures prune the search to this site's
            # solution (a dict entry) instead of enumerating every entry's.
            bound = {name: value for name, value in fixed.items() if name in pattern.captures}
            for captures in solutions(pattern.node, node, bound):
                # Captures of `inside`/`within` contexts come from other statements.
                context = {name: values.get(id(value), value)
                           for name, value in planned.site.captures.items()
                           if name not in pattern.captures}
                return ensure_holds(rule, {**context, **captures})
    return "the rewritten site no longer matches the rule's pattern"


def ensure_holds(rule: CompiledRule, captures: Captures) -> str | None:
    """None if every ``ensure`` of ``rule`` holds on ``captures``, else which does not."""
    if not rule.ensure:
        return None
    failing = first_failing(rule.ensure, ensure_env(rule, captures), "ensure")
    return None if failing is None else f"ensure does not hold after the rewrite: {failing}"
