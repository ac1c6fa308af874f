"""Whether a site's contexts hold: ``inside`` (the nearest enclosing scope), ``within``
(an enclosing statement at any depth), their ``unless`` forms, and the base families a
class pattern stands for (``base IStrategy includes subclasses, ...``)."""

from __future__ import annotations

import ast
import copy
import itertools
from collections.abc import Iterator, Sequence

from ..language.compiled import CompiledContext, CompiledRule
from ..language.patterns import Signature, capture_name, signature_of
from ..model.families import class_key
from ..model.strategy import StrategyModel
from .captures import Captures, is_any_body, is_rest
from .match import match, solutions
from .solution_index import SolutionIndex


MAX_CONTEXT_SOLUTIONS = 50_000  # ways one context may match one node before matching per site


class Contexts:
    """Context checks for the sites of one module (family membership is the model's).

    With ``remember``, every way a context matches a node (captures unbound) is computed
    once and each site picks the first consistent with its own captures: a class of 80
    parameters asks ``... sell_params = {..., "$name": $_, ...} ...`` 80 times, and would
    otherwise scan its body each time. Only for nodes that outlive the checks (the parsed
    module; not the views planning/views.py builds, whose ids may be reused)."""

    def __init__(self, model: StrategyModel, remember: bool = False) -> None:
        self.model = model
        self.remember = remember
        self.solutions: dict[tuple[int, int], SolutionIndex | None] = {}
        self.listed: dict[int, list[Signature] | None] = {}  # id(pattern) -> its listed
        self.order: dict[int, tuple[CompiledContext, ...]] = {}  # id(rule) -> its contexts
        self.bare: dict[tuple[int, int], bool] = {}  # capture-free context at a node: holds?

    def holds(self, rule: CompiledRule, captures: Captures, ancestors: Sequence[ast.AST],
              scope: ast.AST, known: frozenset[int] = frozenset()) -> Captures | None:
        """The captures with the contexts' own, or None when a context does not hold (or
        an `unless` one does). ``known``: ids of capture-free contexts known to hold here
        (matching/gates.py), not asked again."""
        captures, failing = self.check(rule, captures, ancestors, scope, known)
        return None if failing is not None else captures

    def check(self, rule: CompiledRule, captures: Captures, ancestors: Sequence[ast.AST],
              scope: ast.AST, known: frozenset[int] = frozenset()
              ) -> tuple[Captures, CompiledContext | None]:
        """The captures so far and the first context that fails (None: all hold). Negated
        contexts go last: they may use any capture."""
        for context in self._ordered(rule):
            if id(context) in known and not context.pattern.captures:
                continue
            candidates: Sequence[ast.AST] = (scope,) if context.kind == "inside" else ancestors
            found = next((trial for candidate in candidates
                          if (trial := self._match(context, candidate, captures)) is not None),
                         None)
            if (found is not None) == context.negated:
                return captures, context
            captures = found or captures
        return captures, None

    def _ordered(self, rule: CompiledRule) -> tuple[CompiledContext, ...]:
        found = self.order.get(id(rule))
        if found is None:
            found = self.order[id(rule)] = tuple(sorted(rule.contexts, key=lambda c: c.negated))
        return found

    def holds_at(self, context: CompiledContext, candidate: ast.AST) -> bool:
        """Does the context's pattern match ``candidate`` at all (no captures bound)?"""
        return self._match(context, candidate, {}) is not None

    def every_match(self, context: CompiledContext, candidate: ast.AST) -> Iterator[Captures]:
        """Every way the context's pattern matches ``candidate`` (a family's class pattern
        only at members), from no captures, at most MAX_CONTEXT_SOLUTIONS."""
        pattern = context.pattern.node
        if context.any_bases is not None and isinstance(candidate, ast.ClassDef):
            if not any(class_key(candidate) in self.model.family(f) for f in context.families):
                return
            pattern = context.any_bases
        seen: set[tuple[tuple[str, int], ...]] = set()
        for found in itertools.islice(solutions(pattern, candidate, {}), MAX_CONTEXT_SOLUTIONS):
            # `f(..., k=$v, ...)` reaches one binding through several splits of the `...`s
            key = tuple(sorted((name, id(getattr(v, "holder", v))) for name, v in found.items()))
            if key not in seen:
                seen.add(key)
                yield found

    def _match(self, context: CompiledContext, candidate: ast.AST,
               captures: Captures) -> Captures | None:
        """A class pattern naming a declared base matches the family's members (whatever
        their bases say); any other pattern matches as written. A context without captures
        holds or not whatever the site: asked once per node (of the parsed module)."""
        if self.remember and not context.pattern.captures:
            key = (id(context), id(candidate))
            holds = self.bare.get(key)
            if holds is None:
                holds = self.bare[key] = self._match_pattern(context, candidate, {}) is not None
            return dict(captures) if holds else None
        return self._match_pattern(context, candidate, captures)

    def _match_pattern(self, context: CompiledContext, candidate: ast.AST,
                       captures: Captures) -> Captures | None:
        pattern = context.pattern.node
        if context.any_bases is not None and isinstance(candidate, ast.ClassDef):
            if not any(class_key(candidate) in self.model.family(f) for f in context.families):
                return None
            pattern = context.any_bases
        if type(pattern) is not type(candidate):  # contexts are statements: nothing to try
            return None
        if self.remember:
            known = self._all_solutions(pattern, candidate)
            if known is not None:
                found = known.first_consistent(captures)
                return None if found is None else {**captures, **found}
        trial = dict(captures)
        return trial if match(pattern, candidate, trial) else None

    def _all_solutions(self, pattern: ast.AST, candidate: ast.AST) -> SolutionIndex | None:
        """Every way ``pattern`` matches ``candidate`` from no captures (None: too many)."""
        key = (id(pattern), id(candidate))
        if key not in self.solutions:
            found = list(itertools.islice(solutions(pattern, self._narrowed(pattern, candidate),
                                                    {}), MAX_CONTEXT_SOLUTIONS + 1))
            self.solutions[key] = SolutionIndex(found) if len(found) <= MAX_CONTEXT_SOLUTIONS \
                else None
        return self.solutions[key]


    def _narrowed(self, pattern: ast.AST, candidate: ast.AST) -> ast.AST:
        """``candidate`` with only the body statements the pattern's listed statements could
        match, when the pattern's body is `...`, S1, `...`, S2, ..., `...` (each S between
        rests, so the statements between them never matter): `... trailing_stop = True ...`
        then looks at the class's `trailing_stop` assignments (from the model's attribute
        table when every S assigns a literal name), not at its 300 statements."""
        signatures = self._listed(pattern)
        if signatures is None or not isinstance(candidate, type(pattern)):
            return candidate
        table = self.model.class_info(candidate) if isinstance(candidate, ast.ClassDef) \
            else None
        if table is not None and all(sig.targets for sig in signatures):
            names = {name for sig in signatures for name in sig.targets}
            pool: list[ast.stmt] = sorted(
                {id(s): s for name in names for s in table.attributes.get(name, ())}.values(),
                key=lambda s: (s.lineno, s.col_offset))
        else:
            pool = list(getattr(candidate, "body", ()))
        narrowed = copy.copy(candidate)
        narrowed.body = [s for s in pool  # type: ignore[attr-defined]
                         if any(sig.admits(s) for sig in signatures)]
        return narrowed

    def _listed(self, pattern: ast.AST) -> list[Signature] | None:
        """The signatures of the statements a `... S1 ... S2 ...` body lists (None: the
        pattern's body is not of that form)."""
        key = id(pattern)
        if key not in self.listed:
            self.listed[key] = _listed_signatures(pattern)
        return self.listed[key]


def _listed_signatures(pattern: ast.AST) -> list[Signature] | None:
    body = getattr(pattern, "body", None)
    name = capture_name(getattr(pattern, "name", "") or "")
    if name not in (None, "_"):  # `class $c(...)`: $c must name the real class, not a copy
        return None
    if not isinstance(body, list) or len(body) < 3 \
            or not all(is_rest(s) == (i % 2 == 0) for i, s in enumerate(body)):
        return None
    return [signature_of(s) for s in body[1::2]]


def reads_values(context: CompiledContext) -> bool:
    """Can rewriting a value inside the context's node change whether it holds? Not for
    ``class $_(IStrategy): ...`` (bases and names only); yes for a listed body."""
    node = context.pattern.node
    return not (isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and is_any_body(node.body))
