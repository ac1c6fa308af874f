"""Sites whose context another site of the same run rewrites.

A site's contexts are matched on the parent. When one run rewrites several sites, one
may change what another's context reads: ``trailing_stop = True`` flipped to ``False``
while ``trailing_stop_positive`` (a rule ``inside `class ...: trailing_stop = True ...```)
is jittered. freqtrade would never read the new value, so that change is dropped and
reported; the change of the context itself stays.

Only an edit of a statement a context lists (``trailing_stop = ...``) can change it. The
file's model gives those statements by name; the run's edits are indexed by line; so a
site costs its listed statements, not the file or the other sites. When such edits exist,
the contexts are checked again on a view with them made (planning/views.py), one view per
enclosing nodes and set of edits, shared by every site that asks with the same ones.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..actions.edits import Edit
from ..language.compiled import CompiledContext
from ..language.patterns import capture_name
from ..matching.contexts import Contexts, reads_values
from ..matching.captures import Captures
from ..matching.sites import Site
from ..model.strategy import StrategyModel
from ..vocabulary.numbers import constant_number
from .views import Spots, spot_of, with_planned

if TYPE_CHECKING:
    from .plan import Planned

UNDONE = ("left alone: another rewrite of this run changes its context, so its new value "
          "would not run ({context})")

_Views = tuple[list[ast.AST], ast.AST]  # the ancestors' and the scope's views


class UndoneCheck:
    """The run's planned edits, indexed, to ask of each site whether the others switch its
    context off. Sites dropped meanwhile (:meth:`drop`) no longer count as others."""

    def __init__(self, model: StrategyModel, planned: Sequence[Planned]) -> None:
        self.model = model
        self.contexts = Contexts(model, remember=True)  # on views kept alive in self.views
        self.order = {id(p): i for i, p in enumerate(planned)}
        self.dropped: set[int] = set()
        self.by_line: dict[int, list[tuple[Planned, Edit]]] = {}
        for item in planned:
            for edit in item.edits:
                self.by_line.setdefault(spot_of(edit.target)[0], []).append((item, edit))
        self.views: dict[tuple[tuple[int, ...], tuple[int, ...]], _Views] = {}

    def drop(self, item: Planned) -> None:
        self.dropped.add(id(item))

    def reason(self, item: Planned) -> str | None:
        """Why ``item``'s site no longer holds once the others are made (None: it holds)."""
        site = item.site
        watched = [c for c in site.rule.contexts if reads_values(c)]
        names = frozenset().union(*(listed_names(c) for c in watched))
        if not names:
            return None
        nodes: list[ast.AST] = [site.scope, *site.ancestors]
        inside = self._edits_in_settings(item, nodes, names)
        if not any(numbers_matter(c) for c in watched):
            inside = [e for e in inside if not _swaps_a_number(e)]
        if not inside:
            return None
        key = (tuple(map(id, nodes)), tuple(id(e) for e in inside))
        views = self.views.get(key)
        if views is None:
            values = {id(e.target): e.intended for e in inside}
            spots = Spots(e.target for e in inside)
            views = self.views[key] = ([with_planned(a, values, spots) for a in site.ancestors],
                                       with_planned(site.scope, values, spots))
        _, failing = self.contexts.check(site.rule, _match_captures(site), *views)
        if failing is None:
            return None
        lines = [line.strip() for line in failing.pattern.text.splitlines()]
        said = " ".join(line for line in lines if line != "...")
        return UNDONE.format(context=f"{'unless ' if failing.negated else ''}{failing.kind} "
                                     f"{said}")

    def _edits_in_settings(self, item: Planned, nodes: list[ast.AST],
                           names: frozenset[str]) -> list[Edit]:
        """The other sites' edits inside a statement of ``nodes``' bodies that assigns one
        of ``names``, in planning order."""
        found: dict[int, tuple[int, int, Edit]] = {}
        for node in nodes:
            table = self.model.body_assignments(node)
            for name in names & table.keys():
                for setting in table[name]:
                    if not isinstance(setting, (ast.Assign, ast.AnnAssign)):
                        continue
                    for line in range(setting.lineno, (setting.end_lineno or setting.lineno) + 1):
                        for other, edit in self.by_line.get(line, ()):
                            if other is item or id(other) in self.dropped \
                                    or not Spots([edit.target]).within(setting):
                                continue
                            found[id(edit)] = (self.order[id(other)],
                                               other.edits.index(edit), edit)
        return [edit for _, _, edit in sorted(found.values(), key=lambda t: t[:2])]


@functools.lru_cache(maxsize=None)
def numbers_matter(context: CompiledContext) -> bool:
    """Can swapping one number for another change whether the context matches? Only if its
    pattern compares a number, a sign, arithmetic, or a named capture (which a number may bind and
    another binding compare); ``sell_params = {..., "$name": $_, ...}`` holds whatever the
    dict's values become."""
    for node in ast.walk(context.pattern.node):
        if isinstance(node, (ast.UnaryOp, ast.BinOp)) or (isinstance(node, ast.Constant) and isinstance(
                node.value, (int, float, complex)) and not isinstance(node.value, bool)):
            return True
        if isinstance(node, ast.Name) and capture_name(node.id) not in (None, "_"):
            return True
    return False


def _swaps_a_number(edit: Edit) -> bool:
    """A number (literal or arithmetic of literals) in place of a number."""
    return constant_number(edit.target) is not None \
        and constant_number(edit.intended) is not None


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
