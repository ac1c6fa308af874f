"""The words a rule set's sites must contain, gathered once per rule set.

A file lacking every word of a rule holds no site of it, and a statement whose lines lack a
pattern's words holds no site of that pattern: both are answered by substring tests, the
cheapest thing that can be asked of a file. Gathering the words is the rule set's work,
done once; a file only pays for looking its own words up.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..language.compiled import CompiledRule, holds_word
from ..text.lines import line_starts

LineWords = dict[int, frozenset[str]]  # 1-based line -> the anchor words it holds


@dataclass(frozen=True)
class RuleWords:
    """Per rule, the anchor words of each match alternative; and every word of the set."""

    rules: tuple[CompiledRule, ...]
    anchors: tuple[tuple[frozenset[str], ...], ...]  # rule i -> its anchor_sets()
    words: frozenset[str]  # the anchor words of every rule
    searched: frozenset[str]  # ... and their file words: what a file is searched for

    @staticmethod
    def of(rules: Sequence[CompiledRule]) -> RuleWords:
        return RuleWords._made(tuple(rules), tuple(rule.anchor_sets() for rule in rules))

    @staticmethod
    def _made(rules: tuple[CompiledRule, ...],
              anchors: tuple[tuple[frozenset[str], ...], ...]) -> RuleWords:
        words = frozenset(w for sets in anchors for s in sets for w in s)
        return RuleWords(rules, anchors, words,
                         words.union(*(rule.file_words for rule in rules)))

    def active(self, source: str) -> tuple[RuleWords, frozenset[str]]:
        """The rules one of whose alternatives has all its anchor words in ``source`` (and
        whose file words are there), and the set's words that ``source`` holds."""
        # Each distinct word is looked for once (a hundred rules share far fewer words).
        present = frozenset(w for w in self.searched if w in source)
        known: dict[frozenset[str], bool] = {}  # rules of a ruleset share their file words

        def holds(words: frozenset[str]) -> bool:
            if words not in known:
                known[words] = holds_word(source, words)
            return known[words]
        keep = [i for i, (rule, sets) in enumerate(zip(self.rules, self.anchors))
                if any(s <= present for s in sets) and rule.file_words <= present
                and all(holds(words) for words in rule.file_choices)]
        return RuleWords._made(tuple(self.rules[i] for i in keep),
                               tuple(self.anchors[i] for i in keep)), present

    def anchorless(self) -> list[CompiledRule]:
        """The rules with an alternative that names no word: they must see every statement."""
        return [rule for rule, sets in zip(self.rules, self.anchors)
                if any(not s for s in sets)]

    def lines(self, source: str, present: frozenset[str] | None = None) -> LineWords:
        """The lines holding an anchor word of these rules, each with the anchor words it
        holds (as substrings, as a file's words are tested). ``present``: the words known
        to be in ``source``, when looked for already (no other can be on a line)."""
        words = self.words if present is None else self.words & present
        if not words:
            return {}
        starts = line_starts(source)
        found: dict[int, set[str]] = {}
        for word in words:  # str.find per word: an alternation would try each at each char
            at = source.find(word)
            while at >= 0:
                line = bisect.bisect_right(starts, at)
                found.setdefault(line, set()).add(word)
                at = source.find(word, starts[line] if line < len(starts) else len(source))
        return {line: frozenset(found[line]) for line in sorted(found)}
