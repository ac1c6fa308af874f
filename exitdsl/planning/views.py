"""The code as it will read once planned edits are made, without copying the file.

A view shares every node it does not change and copies only the paths from a root down to
the edited targets, so a view of a 500-attribute class costs a path, not a class. Where
the targets start is kept sorted (:class:`Spots`): "could a target lie inside this node?"
is a binary search, not a scan of every edit of the run.
"""

from __future__ import annotations

import ast
import bisect
import copy
from collections.abc import Iterable

Spot = tuple[int, int]  # (line, column) where a node starts


def spot_of(node: ast.AST) -> Spot:
    """Where ``node`` starts: (line, column)."""
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


class Spots:
    """Where a set of targets starts, sorted."""

    __slots__ = ("sorted",)

    def __init__(self, targets: Iterable[ast.AST]) -> None:
        self.sorted = sorted(spot_of(t) for t in targets)

    def __bool__(self) -> bool:
        return bool(self.sorted)

    def within(self, node: ast.AST) -> bool:
        """Could a target start inside ``node``? (Nodes without a position may hold anything.)"""
        end_line = getattr(node, "end_lineno", None)
        if end_line is None:
            return True
        spots = self.sorted
        i = bisect.bisect_left(spots, spot_of(node))
        return i < len(spots) and spots[i] <= (end_line, getattr(node, "end_col_offset", 0) or 0)


def with_planned(node: ast.AST, values: dict[int, ast.expr], spots: Spots) -> ast.AST:
    """``node`` as it reads once every edit is made (``values``: id(target) -> intended;
    ``spots``: where the targets start)."""
    if id(node) in values:
        return values[id(node)]
    if not spots.within(node):
        return node
    made = copy.copy(node)
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            setattr(made, name, with_planned(value, values, spots))
        elif isinstance(value, list):
            setattr(made, name, [with_planned(v, values, spots) if isinstance(v, ast.AST)
                                 else v for v in value])
    return made
