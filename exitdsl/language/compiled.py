"""A rule after compilation: patterns parsed, domains resolved, actions checked.

The matcher, the evaluator and the rewriter work from these; nothing here refers back to
the rule file's syntax except spans (for messages) and ``source`` (for docs).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import Span
from . import ir
from .domains import Domain
from .patterns import Pattern


class ActionKindLike(Protocol):
    """What later stages ask of the kind that compiled an action (actions/base.py's
    ``ActionKind``; named structurally, so that the compiled form sits below the actions)."""

    def plan(self, action: Any, context: Any) -> Any: ...

    def declared(self, action: Any) -> list[str]: ...


@dataclass(frozen=True)
class CompiledContext:
    kind: str  # "inside" | "within"
    pattern: Pattern
    negated: bool = False  # `unless inside` / `unless within`
    # The declared families (`base NAME includes subclasses, ...`) among the bases of a
    # class pattern, and the pattern with any bases, which a member of one of them must match.
    families: tuple[ir.BaseFamily, ...] = ()
    any_bases: ast.AST | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CompiledInvariant:
    """An ``invariant`` of a rule file: its match alternatives (as contexts, so that base
    families apply to class patterns), conditions and what they need to be evaluated."""

    id: str  # "ruleset.invariant"
    source: ir.Invariant
    matches: tuple[CompiledContext, ...]
    where: tuple[ir.Expr, ...]
    ensure: tuple[ir.Expr, ...]
    domains: dict[str, Domain] = field(hash=False, compare=False)
    condition_patterns: dict[Span, Pattern] = field(hash=False, compare=False)
    # A number in a match pattern (`stoploss = -0.99`): swapping numbers may change where
    # it matches, so the parent's matches are not reused.
    literal_numbers: bool = False


@dataclass(frozen=True)
class CompiledAction:
    """An action checked against its rule: ``spec`` is its kind's own compiled form, and
    ``kind`` plans and performs it."""

    kind: ActionKindLike
    spec: Any
    span: Span


@dataclass(frozen=True)
class CompiledRule:
    id: str  # "ruleset.rule"
    source: ir.Rule
    path: str
    matches: tuple[Pattern, ...]
    contexts: tuple[CompiledContext, ...]
    unless: tuple[Pattern, ...]
    where: tuple[ir.Expr, ...]
    ensure: tuple[ir.Expr, ...]
    actions: tuple[CompiledAction, ...]
    domains: dict[str, Domain] = field(hash=False, compare=False)
    condition_patterns: dict[Span, Pattern] = field(hash=False, compare=False)
    # Names a rewrite may introduce though the input does not use them: the rule set's
    # `allow names` and the names a `rename` gives on purpose.
    allowed_names: frozenset[str] = frozenset()
    # Words every site's code holds because a `where $x ~ /re/` demands them.
    where_words: frozenset[str] = frozenset()
    # One of these words must be there too (`where $k in MAP`: a key of the map).
    where_choice: frozenset[str] = frozenset()
    # Words the file (not the site's lines) must hold: an `in_file(...)` pattern's ...
    file_words: frozenset[str] = frozenset()
    # ... and per context, a set of words of which the file holds one.
    file_choices: tuple[frozenset[str], ...] = ()
    # The invariants of the rule's file: checked on the final text of every run.
    invariants: tuple[CompiledInvariant, ...] = field(default=(), hash=False, compare=False)

    @property
    def tier(self) -> str:
        return self.source.tier

    @property
    def weight(self) -> float:
        return self.source.weight

    def anchor_sets(self) -> tuple[frozenset[str], ...]:
        """Per match alternative, the words a file (and a site's lines) must hold: one set
        per alternative, or per alternative and word of ``where_choice`` (any one will do)."""
        if not self.where_choice:
            return tuple(p.anchors | self.where_words for p in self.matches)
        return tuple(p.anchors | self.where_words | {word} for p in self.matches
                     for word in sorted(self.where_choice))


def holds_word(source: str, words: frozenset[str]) -> bool:
    """One of ``words`` as a whole word (as the regex ``\\b(?:w1|w2)\\b`` finds them):
    `IStrategy` does not hold `Strategy`. Each word's occurrences are found by ``str.find``,
    and few are ever looked at: an alternation scans every character of the file."""
    for word in words:
        start = source.find(word)
        while start >= 0:
            end = start + len(word)
            if _boundary(source, start) and _boundary(source, end):
                return True
            start = source.find(word, start + 1)
    return False


def _boundary(text: str, at: int) -> bool:
    """``\\b`` at ``at``: a word character on one side only."""
    before = at > 0 and _is_word(text[at - 1])
    after = at < len(text) and _is_word(text[at])
    return before != after


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
