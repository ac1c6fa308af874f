"""Planning: what each chosen site's actions would change, as edits, before any text is
touched. Sites whose edits overlap an earlier site's are skipped, not merged."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from ..actions.base import PlanContext
from ..actions.edits import Edit
from ..errors import SiteSkipped
from ..matching.sites import Site
from ..results import Change, Skip
from ..evaluation.conditions import site_env
from ..text.lines import LineIndex
from .prepare import IndexedSite, Prepared, where_fails
from .spans import TakenSpans
from .invariants import keep_invariants
from .undone import UndoneCheck
from ..evaluation.values import Draws

# Draws per site before a value that will not change (e.g. rounded back) is left as it is.
DRAWS_PER_SITE = 3
# libcst's cost grows fast with a statement's size (a 1 MB statement took minutes and GBs):
# larger statements are left alone, with this reason.
MAX_STATEMENT_CHARS = 200_000
NOTHING_TO_CHANGE = ("its actions change nothing here (a value already at its bound or "
                     f"rounded back to itself in {DRAWS_PER_SITE} draws, or nothing to remove)")


@dataclass(slots=True)
class Planned:
    site: Site
    site_id: str
    edits: list[Edit]
    spans: list[tuple[int, int]]  # each edit's target, as character offsets in the file


def plan_sites(prepared: Prepared, chosen: Sequence[IndexedSite], seed: int
               ) -> tuple[list[Planned], list[Skip]]:
    """The edits of each chosen site (in order), and the sites left alone with why."""
    lines, module = prepared.lines, prepared.module
    assert lines is not None and module is not None
    skips: list[Skip] = []
    planned: list[Planned] = []
    taken = TakenSpans()  # character spans already being rewritten
    # What earlier sites planned for the nodes they edit: later sites compute their values
    # against these (a ROI entry is clamped between its neighbours' new values), so
    # invariants between sites hold by construction instead of failing their `ensure`.
    values: dict[int, ast.expr] = {}
    for item in chosen:
        site = item.site
        draws = Draws(seed, site.rule.id, prepared.content_hash, item.index)
        try:
            # A draw that lands back on the old value (after rounding) is drawn again:
            # the next draws of the same site's sequence, so still reproducible.
            for _ in range(DRAWS_PER_SITE):
                edits = plan_site(site, lines, draws, module, prepared, values)
                if edits or draws.count == 0:
                    break
        except SiteSkipped as exc:
            skips.append(Skip(site.rule.id, *lines.position(site.node), str(exc)))
            continue
        if not edits:  # every site is accounted for, even one that stays as it is
            skips.append(Skip(site.rule.id, *lines.position(site.node), NOTHING_TO_CHANGE))
            continue
        size = _statement_size(site, lines)
        if size > MAX_STATEMENT_CHARS:
            skips.append(Skip(site.rule.id, *lines.position(site.node),
                              f"its statement spans {size:,} characters; statements over "
                              f"{MAX_STATEMENT_CHARS:,} are left alone"))
            continue
        spans = [lines.span(e.target) for e in edits]
        if any(taken.overlaps(start, end) for start, end in spans):
            skips.append(Skip(site.rule.id, *lines.position(site.node),
                              "overlaps an earlier rewrite"))
            continue
        for start, end in spans:
            taken.add(start, end)
        planned.append(Planned(site, item.site_id, edits, spans))
        values.update((id(e.target), e.intended) for e in edits)
    contexts = prepared.cache.facts_for(module, prepared.source).contexts
    kept = keep_invariants(_drop_undone(planned, prepared, lines, skips), contexts, lines, skips,
                           prepared.cache.invariants)
    return kept, skips


def _drop_undone(planned: list[Planned], prepared: Prepared, lines: LineIndex,
                 skips: list[Skip]) -> list[Planned]:
    """Drop each site whose context the run's other sites rewrite (planning/undone.py)."""
    if len(planned) < 2:
        return planned
    assert prepared.module is not None
    check = UndoneCheck(prepared.cache.facts_for(prepared.module, prepared.source).model,
                        planned)
    for item in planned:
        reason = check.reason(item)
        if reason is not None:
            check.drop(item)
            skips.append(Skip(item.site.rule.id, *lines.position(item.site.node), reason))
    return [item for item in planned if id(item) not in check.dropped]


def _statement_size(site: Site, lines: LineIndex) -> int:
    """The characters of the lines the site's statement spans (cheaper than its span)."""
    statement = site.statement
    last = statement.end_lineno or statement.lineno
    end = lines.starts[last] if last < len(lines.starts) else len(lines.source)
    return end - lines.starts[statement.lineno - 1]


def plan_site(site: Site, lines: LineIndex, draws: Draws, module: ast.Module,
              prepared: Prepared, values: dict[int, ast.expr] | None = None) -> list[Edit]:
    """The edits of every action of the site's rule, each seeing what the earlier ones did
    (and, through ``values``, what earlier sites planned for the nodes they edit)."""
    facts = prepared.cache.facts_for(module, prepared.source)
    why = where_fails(site, module, prepared.cache)
    if why is not None:
        raise SiteSkipped(f"left alone: {why}")
    context = PlanContext(site, site_env(site, facts, draws, values), lines, {}, facts.model)
    edits: list[Edit] = []
    for action in site.rule.actions:
        try:
            edit = action.kind.plan(action.spec, context)
        except (ArithmeticError, ValueError) as exc:  # overflow, huge ints: total, not a crash
            raise SiteSkipped(f"the new value cannot be computed: {exc}") from None
        for one in edit if isinstance(edit, list) else [] if edit is None else [edit]:
            edits.append(one)
            context.current[id(one.target)] = one.intended
    return edits


def changes_of(chunk: str, spans: Sequence[tuple[int, int]], new_texts: Sequence[str],
               members: Sequence[Planned], lines: LineIndex, seed: int) -> list[Change]:
    """One :class:`Change` per edit of ``members`` (in order), with its old and new text."""
    changes = []
    texts = iter(zip(spans, new_texts))
    for planned in members:
        for edit in planned.edits:
            (start, end), new_text = next(texts)
            line, col = lines.position(edit.target)
            changes.append(Change(planned.site.rule.id, planned.site_id, line, col,
                                  chunk[start:end], new_text, seed))
    return changes
