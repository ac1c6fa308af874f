"""What conditions ask of a whole file, each answer computed once per file.

``local(sim)`` and ``in_file(PATTERN)`` look at every node of a file; asked at every site
(a rule matching ``$name = $v`` has a site per class attribute of a 300 KB strategy), a
walk each time is quadratic. Names come from the file's semantic model (model/); per
pattern, every way the pattern matches anywhere in the file (captures unbound) is computed
on first use; a site's question is then a lookup, consistent with the captures it has bound.
"""

from __future__ import annotations

import re

from ..language.patterns import Pattern
from ..model.strategy import StrategyModel
from .contexts import Contexts
from .captures import Captures
from .match import solutions
from .solution_index import SolutionIndex

MAX_FILE_SOLUTIONS = 10_000  # ways one in_file pattern may match a file before the rest are ignored


class FileFacts:
    """One parsed file's answers to file-wide conditions, computed when first asked."""

    def __init__(self, model: StrategyModel, source: str = "") -> None:
        self.model = model
        self.module = model.module
        self.source = source
        self._may_bind: dict[str, bool] = {}
        self._matches: dict[Pattern, SolutionIndex] = {}
        # Contexts matched on this file's own nodes, every way once (they outlive the run)
        self.contexts = Contexts(model, remember=True)

    def made_here(self, name: str) -> bool:
        """Is ``name`` made by this file (a def, a class, an assignment), not only
        imported? A ``sim`` written in the file is not finlab's, whatever is imported."""
        if self.source:  # a name never written where a binding could be: no model needed
            may = self._may_bind.get(name)
            if may is None:
                may = self._may_bind[name] = _may_bind(name, self.source)
            if not may:
                return False
        return self.model.made_here(name)

    def has(self, pattern: Pattern, captures: Captures) -> bool:
        """Does a node of the file, at any depth, match ``pattern`` with ``captures``?"""
        found = self._matches.get(pattern)
        if found is None:
            found = self._matches[pattern] = SolutionIndex(self._all_matches(pattern))
        return found.first_consistent(captures) is not None

    def _all_matches(self, pattern: Pattern) -> list[Captures]:
        found: list[Captures] = []
        for node in self.model.nodes_of_type(type(pattern.node)):
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
