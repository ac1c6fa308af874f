"""The typed rule IR: what a ``.rules`` file says, as frozen dataclasses.

``parse.py`` builds these from Lark's tree; ``compile.py`` checks them and turns
patterns into matchable form. Nothing here knows about Lark, ``ast`` or libcst.
Actions are the exception to "everything here": each kind lives in ``exitdsl/actions/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union

from ..errors import Span

# --- expressions: one tree for values and conditions; compile.py type-checks ---


@dataclass(frozen=True)
class Num:
    value: int | float
    span: Span


@dataclass(frozen=True)
class Capture:
    name: str  # without the leading "$"
    span: Span


@dataclass(frozen=True)
class Ref:
    """A bare name: a bound or choices domain, or an identifier given to ``defined``."""

    name: str
    span: Span


@dataclass(frozen=True)
class PatternText:
    """A backtick pattern; ``text`` is what stands between the backticks."""

    text: str
    span: Span  # points at the first character inside the backticks


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Expr
    span: Span


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / and or < <= > >= == !=
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class InDomain:
    value: Expr
    domain: str
    span: Span


@dataclass(frozen=True)
class RegexMatch:
    capture: Capture
    regex: str
    span: Span  # of the regex literal


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr | PatternText, ...]
    span: Span


Expr = Union[Num, Capture, Ref, Unary, Binary, InDomain, RegexMatch, Call]


# --- actions ---------------------------------------------------------------


class Action(Protocol):
    """An action as written. Each kind is a frozen dataclass in its own module of
    ``exitdsl/actions/``, next to its compile check, its plan and its libcst edit."""

    @property
    def span(self) -> Span: ...


# --- declarations -----------------------------------------------------------


@dataclass(frozen=True)
class ContextClause:
    kind: str  # "inside" (nearest enclosing scope) or "within" (any depth)
    pattern: PatternText
    negated: bool = False  # `unless inside`, `unless within`: no such context may hold


@dataclass(frozen=True)
class Rule:
    name: str  # local id, e.g. "stop_loss.jitter"
    span: Span
    description: str = ""
    tier: str = "parametric"
    weight: float = 1.0
    matches: tuple[PatternText, ...] = ()
    contexts: tuple[ContextClause, ...] = ()
    unless: tuple[PatternText, ...] = ()
    where: tuple[Expr, ...] = ()
    ensure: tuple[Expr, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Bound:
    name: str
    low: Expr
    high: Expr
    span: Span


@dataclass(frozen=True)
class Choices:
    name: str
    values: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class MapTable:
    """``map NAME = {old: new, ...}``: a rename table (words or strings)."""

    name: str
    entries: tuple[tuple[str, str], ...]
    span: Span


@dataclass(frozen=True)
class CodeBlock:
    text: str  # dedented: a block may be indented to sit inside its test
    span: Span  # of the opening fence; start/end offsets locate it for --update
    start: int
    end: int
    indent: str = ""  # what was taken off every line (put back by --update)


@dataclass(frozen=True)
class RuleTest:
    rule: str
    span: Span
    before: CodeBlock
    after: CodeBlock | None  # None: the rule must leave ``before`` unchanged
    seed: int | None = None
    rejected: str | None = None  # the verifier check that must reject the rewrite


@dataclass(frozen=True)
class Use:
    path: str
    span: Span


@dataclass(frozen=True)
class AllowNames:
    """``allow names [np, abs]``: names rewrites may introduce into any input."""

    names: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class Invariant:
    """``invariant ID { match `P` where COND ensure COND }``: wherever P matches the
    rewritten file and the where holds, the ensure must; a run whose edits break it drops
    the latest edit involved (checked on the final text of every file)."""

    name: str
    span: Span
    description: str = ""
    matches: tuple[PatternText, ...] = ()
    where: tuple[Expr, ...] = ()
    ensure: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class BaseFamily:
    """``base IStrategy includes subclasses, classes defining [minimal_roi, stoploss]``:
    in this file's context patterns, the base ``IStrategy`` also matches classes that
    derive from it through classes of the same file, and classes (mixins, subclasses of
    imported strategies) that define one of the attributes."""

    name: str
    defining: tuple[str, ...]
    span: Span
    # `base Strategy from jesse`: a `Strategy` imported from another module (backtrader's,
    # backtesting.py's) or written `bt.Strategy` is another class; one never imported counts.
    module: str = ""
    # `base Strategy, TrailingStrategy from backtesting ...`: more names for the same family
    # (a class pattern names the first).
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleFile:
    """One parsed ``.rules`` file, before includes are resolved or anything is checked."""

    path: str
    text: str
    name: str
    doc: str
    uses: tuple[Use, ...]
    bounds: tuple[Bound, ...]
    choices: tuple[Choices, ...]
    rules: tuple[Rule, ...]
    tests: tuple[RuleTest, ...]
    allowed: tuple[AllowNames, ...] = ()
    maps: tuple[MapTable, ...] = ()
    bases: tuple[BaseFamily, ...] = ()
    invariants: tuple[Invariant, ...] = ()
