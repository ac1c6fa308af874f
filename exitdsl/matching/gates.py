"""Contexts that rule a whole body in or out, decided before any pattern is tried there.

``within `class $_(Strategy): ...``` shares no capture with its rule's patterns: whether it
holds depends on where a statement is, not on what a site captures. Such a context (a
gate) is answered once per enclosing statement, as the traversal goes down, and a rule one
of whose gates fails is not tried in that body at all (a jesse rule in a freqtrade file
costs a lookup per body instead of a match per assignment).
"""

from __future__ import annotations

import ast

from ..language.compiled import CompiledContext, CompiledRule
from .contexts import Contexts


def gates_of(rule: CompiledRule) -> list[CompiledContext]:
    """The rule's contexts whose answer depends on the place alone (they share no capture
    with its patterns or its other contexts, and are not negated)."""
    gates = []
    for context in rule.contexts:
        others = frozenset().union(*(p.captures for p in rule.matches),
                                   *(c.pattern.captures for c in rule.contexts
                                     if c is not context))
        if not context.negated and not context.pattern.captures & others:
            gates.append(context)
    return gates


class Gates:
    """The gates of a set of rules; what holds is tracked as gate ids, what is blocked as
    rule ids."""

    def __init__(self, contexts: Contexts, rules: list[CompiledRule]) -> None:
        self.contexts = contexts
        self.of_rule = {id(r): [id(g) for g in gates] for r in rules if (gates := gates_of(r))}
        self.by_type: dict[tuple[str, type], list[CompiledContext]] = {}
        for rule in rules:
            for gate in gates_of(rule):
                root = gate.any_bases if gate.any_bases is not None else gate.pattern.node
                self.by_type.setdefault((gate.kind, type(root)), []).append(gate)
        self.inside_memo: dict[int, frozenset[int]] = {}
        self.blocked_memo: dict[frozenset[int], frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.of_rule)

    def within(self, holding: frozenset[int], ancestor: ast.AST) -> frozenset[int]:
        """``holding`` (the `within` gates some outer statement satisfies) with those
        ``ancestor`` satisfies."""
        new = {id(g) for g in self.by_type.get(("within", type(ancestor)), ())
               if id(g) not in holding and self.contexts.holds_at(g, ancestor)}
        return holding | new if new else holding

    def inside(self, scope: ast.AST) -> frozenset[int]:
        """The `inside` gates ``scope`` satisfies."""
        found = self.inside_memo.get(id(scope))
        if found is None:
            found = self.inside_memo[id(scope)] = frozenset(
                id(g) for g in self.by_type.get(("inside", type(scope)), ())
                if self.contexts.holds_at(g, scope))
        return found

    def blocked(self, holding: frozenset[int]) -> frozenset[int]:
        """The rules with a gate not in ``holding``."""
        found = self.blocked_memo.get(holding)
        if found is None:
            found = self.blocked_memo[holding] = frozenset(
                rule for rule, gates in self.of_rule.items()
                if any(g not in holding for g in gates))
        return found
