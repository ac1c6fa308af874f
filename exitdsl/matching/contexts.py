"""Whether a site's contexts hold: ``inside`` (the nearest enclosing scope), ``within``
(an enclosing statement at any depth), their ``unless`` forms, and the base families a
class pattern stands for (``base IStrategy includes subclasses, ...``)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ..language.compiled import CompiledContext, CompiledRule
from ..language.ir import BaseFamily
from .hierarchy import ClassKey, class_key, family_members
from .match import Captures, is_any_body, match


class Contexts:
    """Context checks for the sites of one module (family membership is computed once)."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self.families: dict[BaseFamily, frozenset[ClassKey]] = {}

    def holds(self, rule: CompiledRule, captures: Captures, ancestors: Sequence[ast.AST],
              scope: ast.AST) -> Captures | None:
        """The captures with the contexts' own, or None when a context does not hold (or
        an `unless` one does)."""
        captures, failing = self.check(rule, captures, ancestors, scope)
        return None if failing is not None else captures

    def check(self, rule: CompiledRule, captures: Captures, ancestors: Sequence[ast.AST],
              scope: ast.AST) -> tuple[Captures, CompiledContext | None]:
        """The captures so far and the first context that fails (None: all hold). Negated
        contexts go last: they may use any capture."""
        for context in sorted(rule.contexts, key=lambda c: c.negated):
            candidates: Sequence[ast.AST] = (scope,) if context.kind == "inside" else ancestors
            found = next((trial for candidate in candidates
                          if (trial := self._match(context, candidate, captures)) is not None),
                         None)
            if (found is not None) == context.negated:
                return captures, context
            captures = found or captures
        return captures, None

    def _match(self, context: CompiledContext, candidate: ast.AST,
               captures: Captures) -> Captures | None:
        """A class pattern naming a declared base matches the family's members (whatever
        their bases say); any other pattern matches as written."""
        trial = dict(captures)
        if context.any_bases is not None and isinstance(candidate, ast.ClassDef):
            if not any(class_key(candidate) in self._members(f) for f in context.families):
                return None
            return trial if match(context.any_bases, candidate, trial) else None
        return trial if match(context.pattern.node, candidate, trial) else None

    def _members(self, family: BaseFamily) -> frozenset[ClassKey]:
        if family not in self.families:
            self.families[family] = family_members(self.module, family)
        return self.families[family]


def reads_values(context: CompiledContext) -> bool:
    """Can rewriting a value inside the context's node change whether it holds? Not for
    ``class $_(IStrategy): ...`` (bases and names only); yes for a listed body."""
    node = context.pattern.node
    return not (isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and is_any_body(node.body))
