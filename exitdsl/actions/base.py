"""The action protocol: what one kind of action (``set``, ``append``, ``flip`` ...) owns.

A kind is one module of this package holding a ``KIND`` object that carries the whole
life of the action: how the grammar's alias is lowered to its IR dataclass, the checks
made when a rule is compiled, the edit it plans at a site (as an ``ast`` intent and new
text), and how libcst performs that edit. The registry (``exitdsl.actions``) finds the
modules itself, so adding an action touches the grammar, its module, docs/dsl.md and a
test, and nothing else.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..errors import RuleError, Span
from ..language import ir
from ..model.strategy import StrategyModel
from ..vocabulary.checker import Checker
from ..language.patterns import Pattern, capture_name, compile_pattern
from ..matching.sites import Site
from ..text.lines import LineIndex
from ..evaluation.templates import expression, substitute, template_text
from ..evaluation.values import Env
from ..policy.safety import post_order, unsafe
from .edits import CstEdit, Edit, Range

if TYPE_CHECKING:
    from lark import Token

IR = TypeVar("IR")
C = TypeVar("C")
RangeOf = Callable[[Any], "Range | None"]  # libcst node -> its range in the snippet


class Lowering(Protocol):
    """What the parser offers an action's ``lower``: tokens turned into IR pieces."""

    def span(self, tok: Token) -> Span: ...

    def pattern(self, tok: Token) -> ir.PatternText: ...

    def capture_at(self, tok: Token) -> ir.Capture: ...


@dataclass(frozen=True)
class CompileContext:
    """What an action's compile check may consult: its rule's patterns and captures."""

    matches: tuple[Pattern, ...]
    checker: Checker
    source: str  # the rule file's text, for located errors

    def template(self, text: ir.PatternText) -> Pattern:
        """A code template (an expression using only captures the match binds)."""
        template = compile_pattern(text.text, text.span, self.source, statement_ok=False)
        for name in sorted(template.captures - self.checker.captures):
            raise RuleError(f"`{text.text}` uses ${name}, which the match does not capture",
                            template.span)
        # What the template writes itself must pass the safety allowlist now; names are
        # checked against each input at rewrite time.
        own = post_order(template.node, lambda n: isinstance(n, ast.Name)
                         and capture_name(n.id) is not None)
        problem = unsafe(own, None)
        if problem is not None:
            raise RuleError(f"unsafe template: it {problem}", template.span)
        return template


@dataclass(slots=True)
class PlanContext:
    """One site being planned, with what earlier actions of the same rule made of it."""

    site: Site
    env: Env
    lines: LineIndex
    current: dict[int, ast.expr]  # id(target) -> its intent after earlier actions
    model: StrategyModel | None = None  # the file's semantic model (callers, bindings)

    def expression(self, capture: str) -> ast.expr:
        return expression(self.site.captures[capture], capture)

    def substitute(self, template: Pattern) -> ast.expr:
        return substitute(template, self.site.captures)

    def template_text(self, template: Pattern) -> str:
        return template_text(template, self.site.captures, self.lines)


class ActionKind(ABC, Generic[IR, C]):
    """One kind of action, end to end. ``IR`` is what the rule file says, ``C`` its compiled
    form. Subclasses set ``ir_type`` and ``grammar`` (the aliases of grammar/exitdsl.lark
    this kind lowers)."""

    ir_type: type[Any]
    grammar: tuple[str, ...]

    @abstractmethod
    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> IR:
        """The IR of one occurrence in a rule file (``children`` are lowered already)."""

    @abstractmethod
    def compile(self, action: IR, context: CompileContext) -> C:
        """Check ``action`` against its rule; raise a located ``RuleError`` if it cannot work."""

    @abstractmethod
    def plan(self, action: C, context: PlanContext) -> Edit | list[Edit] | None:
        """The edit at one site (None: nothing to change; a list: several, as ``rename ...
        throughout`` makes); ``SiteSkipped`` to leave it."""

    @abstractmethod
    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        """Perform ``edit`` on the libcst expression ``node`` (``original`` before any edit)."""

    def spliced(self, edit: Edit, old: str, parenthesize: bool) -> str | None:
        """The target's new text (``old``: its text now) when it can be made without libcst,
        exactly as ``apply`` would make it; None to leave it to ``apply``."""
        return None

    def declared(self, action: C) -> list[str]:
        """Names the compiled action introduces on purpose (``rename``'s new name, a
        ``map``'s new words): the safety check
        lets a rewrite bring them in though the input does not use them. A template's own
        text declares nothing (docs/safety.md)."""
        return []
