"""Chunks: the smallest runs of whole lines that hold the statements a rewrite touches.
Only chunks are handed to libcst; every byte outside them is copied from the input."""

from __future__ import annotations

import ast

from ..matching.sites import Site
from ..text.lines import LineIndex
from .plan import Planned
from .prepare import PreparedCache


def statement_lines(site: Site, lines: LineIndex) -> tuple[int, int]:
    """The smallest run of whole lines holding the site's statement (widened to an enclosing
    statement when a line is shared, as in ``a = 1; b = 2``; at worst the whole module)."""
    holder: ast.stmt = site.statement
    for ancestor in reversed(site.ancestors):
        if lines.whole_lines(holder):
            break
        holder = ancestor
    if not lines.whole_lines(holder):
        return 1, len(lines.starts)
    return lines.first_line(holder), holder.end_lineno or holder.lineno


def item_lines(item: Planned, lines: LineIndex, module: ast.Module | None = None
               ) -> tuple[int, int]:
    """The lines of the site's statement, widened to hold every edit of the site: a rename
    ``throughout`` edits uses in other statements of its scope (the whole function) and
    keyword callers elsewhere (the run of module statements from the first to the last)."""
    first, last = statement_lines(item.site, lines)
    targets = [e.target for e in item.edits]
    low = min([first, *(getattr(t, "lineno", first) for t in targets)])
    high = max([last, *(getattr(t, "end_lineno", None) or last for t in targets)])
    if (low, high) == (first, last):
        return first, last
    scope = item.site.scope
    if isinstance(scope, ast.stmt) and lines.whole_lines(scope) \
            and lines.first_line(scope) <= low and high <= (scope.end_lineno or 0):
        return lines.first_line(scope), scope.end_lineno or scope.lineno
    top = scope if isinstance(scope, ast.Module) else module
    if top is not None:
        run = [s for s in top.body if (s.end_lineno or s.lineno) >= low
               and lines.first_line(s) <= high]
        if run and lines.whole_lines(run[0]) and lines.whole_lines(run[-1]):
            return lines.first_line(run[0]), run[-1].end_lineno or run[-1].lineno
    return 1, len(lines.starts)


def chunks(planned: list[Planned], lines: LineIndex, cache: PreparedCache,
           module: ast.Module | None = None) -> list[tuple[int, int, list[Planned]]]:
    """Group planned sites into disjoint runs of whole lines, each a parseable statement list."""
    spans: list[tuple[int, int, Planned]] = []
    for item in planned:
        bounds = cache.lines_of.get(id(item.site))
        if bounds is None:
            bounds = cache.lines_of[id(item.site)] = item_lines(item, lines, module)
        spans.append((*bounds, item))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, list[Planned]]] = []
    for first, last, item in spans:
        if merged and first <= merged[-1][1]:
            m_first, m_last, members = merged[-1]
            merged[-1] = (m_first, max(m_last, last), [*members, item])
        else:
            merged.append((first, last, [item]))
    return merged
