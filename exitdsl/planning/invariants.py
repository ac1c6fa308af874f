"""The rule files' ``invariant`` blocks, checked on the final text of a run.

Planning already keeps most invariants by construction (a ROI entry is clamped between
its neighbours' planned values). What it cannot see — two rules moving two attributes of
one class, each within its own bounds — an invariant states once:
``invariant trailing.order { match `class ...: trailing_stop_positive = $p ...
trailing_stop_positive_offset = $o ...` ensure $p < $o }``. Every planned edit is applied
to a view of the file (planning/views.py's path copies); where an invariant matches a
node holding an edit and its ``ensure`` fails, the latest edit involved is dropped and
reported, and the check runs again. A violation the parent already had is no edit's fault
and stays; edits at a node that still violates it are dropped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..language.compiled import CompiledInvariant
from ..matching.contexts import Contexts
from ..matching.captures import Captures
from ..results import Skip
from ..vocabulary.numbers import constant_number
from ..evaluation.conditions import first_failing
from ..text.lines import LineIndex
from .views import Spots, with_planned
from ..evaluation.values import Draws, Env

if TYPE_CHECKING:
    from .plan import Planned

BROKEN = "left alone: with this run's other rewrites it would break {id} ({line})"


@dataclass
class InvariantMemo:
    """A parent's answers, reused while it is mutated (ids of its own, living nodes)."""

    matches: dict[tuple[str, int], list[Captures]] = field(default_factory=dict)
    nodes: dict[tuple[int, ...], list[ast.AST]] = field(default_factory=dict)


def keep_invariants(planned: list[Planned], contexts: Contexts, lines: LineIndex,
                    skips: list[Skip], memo: InvariantMemo) -> list[Planned]:
    """``planned`` less the sites whose edits break an invariant of their rule files.
    ``memo``: what the parent's own nodes answer, kept with it (warm mutation asks again
    and again).

    Only the statements holding an edit, and those enclosing them, are looked at: a warm
    mutation of a 5,000-statement file must not copy or scan the module. When every edit
    swaps a number (the shape of the code stays), the invariants' matches in the parent are
    reused with the planned values read in; otherwise a view with the edits made is matched.
    """
    invariants = list({inv.id: inv for p in planned for inv in p.site.rule.invariants}.values())
    if not invariants:
        return planned
    kept = list(planned)
    while kept:
        culprit = _latest_culprit(kept, invariants, contexts, memo)
        if culprit is None:
            break
        item, invariant, failing = culprit
        kept.remove(item)
        skips.append(Skip(item.site.rule.id, *lines.position(item.site.node),
                          BROKEN.format(id=invariant.id, line=failing)))
    return kept


def _latest_culprit(kept: Sequence[Planned], invariants: list[CompiledInvariant],
                    contexts: Contexts, memo: InvariantMemo
                    ) -> tuple[Planned, CompiledInvariant, str] | None:
    known, near = memo.matches, memo.nodes
    edits = [(index, e) for index, p in enumerate(kept) for e in p.edits]
    values = {id(e.target): e.intended for _, e in edits}
    owner = {id(e.intended): index for index, e in edits}
    spots = Spots(e.target for _, e in edits)
    enclosing = {id(n): n for p in kept for n in (*p.site.ancestors, p.site.statement)}
    swaps = all(_is_number(e.target) and _is_number(e.intended) for _, e in edits) \
        and not any(inv.literal_numbers for inv in invariants)
    roots = {type(c.any_bases or c.pattern.node) for inv in invariants for c in inv.matches}
    if swaps:  # the parent's nodes, their matches remembered, the planned values read in
        targets = tuple(sorted(values))  # the same targets: the same nodes to look at
        if targets not in near:
            near[targets] = [n for top in enclosing.values()
                             for n in (top, *_holding(top, spots)) if type(n) in roots]
        nodes = near[targets]
    else:
        views = [with_planned(n, values, spots) for n in enclosing.values()]
        nodes = [n for view in views for n in (view, *_holding(view, spots))
                 if type(n) in roots]
    for node in nodes:
        for invariant in invariants:
            matches: Iterable[Captures]
            if swaps:
                key = (invariant.id, id(node))
                if key not in known:
                    known[key] = [m for c in invariant.matches
                                  for m in contexts.every_match(c, node)]
                if any(i in values for m in known[key] for v in m.values()
                       if isinstance(v, ast.AST) for i in _ids(v) if i != id(v)):
                    # an edit inside a captured expression: match a view of this node
                    view = with_planned(node, values, spots)
                    matches = (m for c in invariant.matches
                               for m in contexts.every_match(c, view))
                else:
                    matches = ({name: values.get(id(v), v) if isinstance(v, ast.AST) else v
                                for name, v in m.items()} for m in known[key])
            else:
                matches = (m for c in invariant.matches for m in contexts.every_match(c, node))
            for found in matches:
                involved = [owner[i] for value in found.values() if isinstance(value, ast.AST)
                            for i in _ids(value) if i in owner]
                if involved and (failing := _failing(invariant, found)) is not None:
                    return kept[max(involved)], invariant, failing
    return None


def _ids(node: ast.AST) -> Iterator[int]:
    """The ids of ``node`` and, unless it is a leaf, of every node inside it."""
    yield id(node)
    if not isinstance(node, (ast.Constant, ast.Name, ast.UnaryOp)):
        yield from (id(sub) for sub in ast.walk(node))


def _is_number(node: ast.AST) -> bool:
    return constant_number(node) is not None


def _failing(invariant: CompiledInvariant, captures: Captures) -> str | None:
    env = Env(captures, invariant.domains, Draws(0, invariant.id, "", 0),
              is_defined=lambda name: True, holds_pattern=lambda node, pattern: False,
              patterns=invariant.condition_patterns)
    if first_failing(invariant.where, env) is not None:
        return None  # the invariant does not apply here
    return first_failing(invariant.ensure, env, "ensure")


def _holding(node: ast.AST, spots: Spots) -> Iterator[ast.AST]:
    """The nodes of the view that hold an edit (the paths from the module down to them)."""
    for child in ast.iter_child_nodes(node):
        if getattr(child, "end_lineno", None) is None:  # no position: look inside
            yield from _holding(child, spots)
        elif spots.within(child):
            yield child
            yield from _holding(child, spots)
