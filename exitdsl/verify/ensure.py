"""``ensure`` postconditions: the rewritten site must still match its rule, and the rule's
``ensure`` clauses must hold on what it now captures."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Mapping, Sequence

from ..language.compiled import CompiledRule
from ..matching.captures import Captures
from ..matching.match import solutions
from ..evaluation.conditions import ensure_env, first_failing
from ..planning.plan import Planned


NodeKey = tuple[int, int, type]


def nodes_by_position(tree: ast.AST) -> dict[NodeKey, list[ast.AST]]:
    """Every node of ``tree`` by (line, column, type), outermost first (``a.b.c`` and
    ``a.b`` start alike): one walk, however many sites the statement holds."""
    found: dict[NodeKey, list[ast.AST]] = {}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is not None:
            key = (line, getattr(node, "col_offset", 0), type(node))
            found.setdefault(key, []).append(node)
    return found


def column_shifts(moves: Sequence[tuple[int, int, int]]) -> Callable[[int, int], int]:
    """``moves`` (line, end column, bytes added) as a function: how far the edits before
    a column of a line move it."""
    by_line: dict[int, list[tuple[int, int]]] = {}
    for line, end, added in moves:
        by_line.setdefault(line, []).append((end, added))
    prefix: dict[int, tuple[list[int], list[int]]] = {}
    for line, edits in by_line.items():
        edits.sort()
        ends, totals, total = [], [], 0
        for end, added in edits:
            total += added
            ends.append(end)
            totals.append(total)
        prefix[line] = (ends, totals)

    def shift(line: int, col: int) -> int:
        ends, totals = prefix.get(line, ([], []))
        at = bisect.bisect_right(ends, col)
        return totals[at - 1] if at else 0
    return shift


def ensure_after(planned: Planned, nodes: Mapping[NodeKey, list[ast.AST]], shift: int,
                 edited: set[int], values: Mapping[int, ast.expr],
                 moved: Callable[[int, int], int] = lambda line, col: 0) -> str | None:
    """Re-match the rewritten site among ``nodes`` (the new statement's, by position) and
    evaluate the rule's ``ensure`` clauses.

    ``shift`` is the line offset from the file to the new statement; ``edited`` holds the
    ids of every node rewritten in the statement (by any rule); ``values``, what the run
    gives the nodes it edits elsewhere (a context capture is read as the run leaves it);
    ``moved``, how far the edits earlier on the site's line move it along the line
    (``m < -0.02 or y < 0.995 * s`` with -0.02 now -0.0207).
    """
    rule = planned.site.rule
    if not rule.ensure:
        return None
    root = planned.site.node
    line, col = getattr(root, "lineno", 0), getattr(root, "col_offset", 0)
    candidates = nodes.get((line - shift, col + moved(line, col), type(root)), [])
    # Captures no rewrite touched identify which solution is this site (a dict entry).
    fixed = {name: node for name, node in planned.site.captures.items()
             if isinstance(node, str) or not any(id(sub) in edited for sub in ast.walk(node))}
    # The alternative that found the site, not the first that matches the new code:
    # `f(a=$x, ...)` before `f(..., b=$x)` would check the ensure on the wrong value.
    own = planned.site.pattern
    for node in candidates:
        for pattern in (own,) if own is not None else rule.matches:
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
