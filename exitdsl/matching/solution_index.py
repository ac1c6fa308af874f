"""Every way a pattern matched a node, indexed so that a site finds the one consistent with
its own captures without scanning them all.

A context like ``sell_params = {..., "$name": $_, ...}`` matches a 1,000-entry dict 1,000
ways, and each of 1,000 sites asks for the way whose ``$name`` is its own: a scan per site
is quadratic. Two captured values can only be the same code if they have the same word (the
name, or the string's text; none for other code), so the solutions are bucketed by the
word of one capture the site has bound, and only that bucket is compared in full.
"""

from __future__ import annotations

from .captures import Captures, same_code, word_of

_SMALL = 8  # below this many solutions a scan is cheaper than an index


class SolutionIndex:
    """Solutions in the order the matcher found them; the first consistent one wins."""

    __slots__ = ("solutions", "_buckets")

    def __init__(self, solutions: list[Captures]) -> None:
        self.solutions = solutions
        # capture name -> word -> positions; positions of solutions lacking the name
        self._buckets: dict[str, tuple[dict[str | None, list[int]], list[int]]] = {}

    def first_consistent(self, captures: Captures) -> Captures | None:
        """The first solution whose captures agree with ``captures`` where both bind."""
        for i in self._candidates(captures):
            found = self.solutions[i]
            if all(same_code(value, captures[name]) for name, value in found.items()
                   if name in captures):
                return found
        return None

    def _candidates(self, captures: Captures) -> list[int] | range:
        solutions = self.solutions
        if len(solutions) < _SMALL or not captures:
            return range(len(solutions))
        name = next((n for n in captures if n in solutions[0]), None)
        if name is None:
            return range(len(solutions))
        buckets = self._buckets.get(name)
        if buckets is None:
            by_word: dict[str | None, list[int]] = {}
            lacking: list[int] = []
            for i, found in enumerate(solutions):
                if name in found:
                    by_word.setdefault(word_of(found[name]), []).append(i)
                else:
                    lacking.append(i)
            buckets = self._buckets[name] = (by_word, lacking)
        by_word, lacking = buckets
        hits = by_word.get(word_of(captures[name]), [])
        return sorted(hits + lacking) if lacking else hits
