"""What conditions ask of a whole file, each answer computed once per file.

``local(sim)`` and ``in_file(PATTERN)`` look at every node of a file; asked at every site
(a rule matching ``$name = $v`` has a site per class attribute of a 300 KB strategy), a
walk each time is quadratic. The file's own names and, per pattern, every way the pattern
matches anywhere in the file (captures unbound) are computed on first use; a site's
question is then a lookup, consistent with the captures it has bound.
"""

from __future__ import annotations

import ast
import re

from ..language.patterns import Pattern
from .match import Captures, same_code, solutions

MAX_FILE_SOLUTIONS = 10_000  # ways one in_file pattern may match a file before the rest are ignored


class FileFacts:
    """One parsed file's answers to file-wide conditions, computed when first asked."""

    def __init__(self, module: ast.Module, source: str = "") -> None:
        self.module = module
        self.source = source
        self._made: frozenset[str] | None = None
        self._by_type: dict[type[ast.AST], list[ast.AST]] | None = None
        self._matches: dict[Pattern, list[Captures]] = {}

    def made_here(self, name: str) -> bool:
        """Is ``name`` made by this file (a def, a class, an assignment), not only
        imported? A ``sim`` written in the file is not finlab's, whatever is imported."""
        if self.source and not _may_bind(name, self.source):
            return False  # a name never written where a binding could be: no walk needed
        if self._made is None:
            made: set[str] = set()
            for node in ast.walk(self.module):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    made.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    made.add(node.id)
            self._made = frozenset(made)
        return name in self._made

    def has(self, pattern: Pattern, captures: Captures) -> bool:
        """Does a node of the file, at any depth, match ``pattern`` with ``captures``?"""
        found = self._matches.get(pattern)
        if found is None:
            found = self._matches[pattern] = self._all_matches(pattern)
        return any(all(same_code(value, captures[name]) for name, value in solution.items()
                       if name in captures)
                   for solution in found)

    def _all_matches(self, pattern: Pattern) -> list[Captures]:
        if self._by_type is None:
            self._by_type = {}
            for node in ast.walk(self.module):
                self._by_type.setdefault(type(node), []).append(node)
        found: list[Captures] = []
        for node in self._by_type.get(type(pattern.node), ()):
            for solution in solutions(pattern.node, node, {}):
                found.append(solution)
                if len(found) >= MAX_FILE_SOLUTIONS:
                    return found
        return found


def _may_bind(name: str, source: str) -> bool:
    """Could ``source`` bind ``name``? A text test that answers yes for every binding
    (``def sim``, ``class sim``, ``sim =``, ``sim, x =``, ``for sim``, ``as sim``,
    ``sim :=``, ``(sim)``...) and no for a file that only calls ``sim(...)``."""
    word = re.escape(name)
    return re.search(rf"\b(def|class|for|as|global|nonlocal)\s+{word}\b|\b{word}\s*"
                     rf"(=(?!=)|,|:|\)|\])|\*\s*{word}\b", source) is not None
