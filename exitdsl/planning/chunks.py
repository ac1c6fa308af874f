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


def chunks(planned: list[Planned], lines: LineIndex,
           cache: PreparedCache) -> list[tuple[int, int, list[Planned]]]:
    """Group planned sites into disjoint runs of whole lines, each a parseable statement list."""
    spans: list[tuple[int, int, Planned]] = []
    for item in planned:
        bounds = cache.lines_of.get(id(item.site))
        if bounds is None:
            bounds = cache.lines_of[id(item.site)] = statement_lines(item.site, lines)
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
