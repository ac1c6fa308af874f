"""The rule files' ``invariant`` blocks, checked on the final text of a run.

Planning already keeps most invariants by construction (a ROI entry is clamped between
its neighbours' planned values). What it cannot see — two rules moving two attributes of
one class, each within its own bounds — an invariant states once:
``invariant trailing.order { match `class ...: trailing_stop_positive = $p ...
trailing_stop_positive_offset = $o ...` ensure $p < $o }``. Every planned edit is applied
to a view of the file (rewriting/undone.py's path copies); where an invariant matches a
node holding an edit and its ``ensure`` fails, the latest edit involved is dropped and
reported, and the check runs again. A violation the parent already had is no edit's fault
and stays; edits at a node that still violates it are dropped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..language.compiled import CompiledInvariant
from ..matching.contexts import Contexts
from ..matching.match import Captures
from ..results import Skip
from .conditions import first_failing
from .lines import LineIndex
from .undone import spot_of, with_planned
from .values import Draws, Env

if TYPE_CHECKING:
    from .plan import Planned

BROKEN = "left alone: with this run's other rewrites it would break {id} ({line})"


def keep_invariants(planned: list[Planned], module: ast.Module, lines: LineIndex,
                    skips: list[Skip]) -> list[Planned]:
    """``planned`` less the sites whose edits break an invariant of their rule files."""
    invariants = list({inv.id: inv for p in planned for inv in p.site.rule.invariants}.values())
    if not invariants:
        return planned
    kept = list(planned)
    contexts = Contexts(module)
    while kept:
        culprit = _latest_culprit(kept, invariants, module, contexts)
        if culprit is None:
            break
        item, invariant, failing = culprit
        kept.remove(item)
        skips.append(Skip(item.site.rule.id, *lines.position(item.site.node),
                          BROKEN.format(id=invariant.id, line=failing)))
    return kept


def _latest_culprit(kept: Sequence[Planned], invariants: list[CompiledInvariant],
                    module: ast.Module, contexts: Contexts
                    ) -> tuple[Planned, CompiledInvariant, str] | None:
    edits = [(index, e) for index, p in enumerate(kept) for e in p.edits]
    values = {id(e.target): e.intended for _, e in edits}
    owner = {id(e.intended): index for index, e in edits}
    spots = [spot_of(e.target) for _, e in edits]
    view = with_planned(module, values, spots)
    for node in _holding(view, spots):
        for invariant in invariants:
            for found in (m for c in invariant.matches for m in contexts.every_match(c, node)):
                failing = _failing(invariant, found)
                involved = [owner[id(sub)] for value in found.values()
                            if isinstance(value, ast.AST)
                            for sub in ast.walk(value) if id(sub) in owner]
                if failing is not None and involved:
                    return kept[max(involved)], invariant, failing
    return None


def _failing(invariant: CompiledInvariant, captures: Captures) -> str | None:
    env = Env(captures, invariant.domains, Draws(0, invariant.id, "", 0),
              is_defined=lambda name: True, holds_pattern=lambda node, pattern: False,
              patterns=invariant.condition_patterns)
    if first_failing(invariant.where, env) is not None:
        return None  # the invariant does not apply here
    return first_failing(invariant.ensure, env)


def _holding(node: ast.AST, spots: list[tuple[int, int]]) -> Iterator[ast.AST]:
    """The nodes of the view that hold an edit (the paths from the module down to them)."""
    for child in ast.iter_child_nodes(node):
        end = getattr(child, "end_lineno", None)
        if end is None:
            yield from _holding(child, spots)
            continue
        start = (child.lineno, child.col_offset)  # type: ignore[attr-defined]
        stop = (end, getattr(child, "end_col_offset", 0) or 0)
        if any(start <= spot <= stop for spot in spots):
            yield child
            yield from _holding(child, spots)
