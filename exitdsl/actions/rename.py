"""``rename $x to NAME [throughout]``: a captured plain name, or identifier, becomes
another; with ``throughout``, the variable's binding and every use in its scope
(evaluation/scopes.py)."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, SiteSkipped, Span
from ..language import ir
from ..matching.captures import Identifier
from ..evaluation.identifiers import token_of
from ..evaluation.scopes import scope_of, uses_in
from ..model.index import FUNCTIONS
from ._replace import replace_expression
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, IdentifierRename, Replacement


@dataclass(frozen=True)
class Rename:
    capture: ir.Capture
    new_name: str
    span: Span
    throughout: bool = False


@dataclass(frozen=True)
class CompiledRename:
    capture: str
    new_name: str
    throughout: bool = False


class RenameKind(ActionKind[Rename, CompiledRename]):
    ir_type = Rename
    grammar = ("rename", "rename_throughout")

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> Rename:
        capture = lowering.capture_at(children[0])
        return Rename(capture, str(children[1]), capture.span, alias == "rename_throughout")

    def compile(self, action: Rename, context: CompileContext) -> CompiledRename:
        context.checker.check_capture(action.capture)
        if keyword.iskeyword(action.new_name):
            raise RuleError(f"cannot rename to the keyword {action.new_name!r}", action.span)
        return CompiledRename(action.capture.name, action.new_name, action.throughout)

    def plan(self, action: CompiledRename, context: PlanContext) -> Edit | list[Edit] | None:
        captured = context.site.captures[action.capture]
        if action.throughout:
            return self._throughout(action, captured, context)
        if isinstance(captured, Identifier):  # def/class name, parameter, keyword, attribute
            token = token_of(captured, context.lines)
            if token is None:
                raise SiteSkipped(f"the token of ${action.capture} ({captured}) cannot be "
                                  "located")
            if captured == action.new_name:
                return None
            return IdentifierRename(self, token, action.new_name,
                                    ast.Name(action.new_name, ast.Load()), captured.holder,
                                    captured.field)
        target = context.expression(action.capture)
        if not isinstance(target, ast.Name):
            raise SiteSkipped(f"${action.capture} is not a plain name")
        if target.id == action.new_name:
            return None
        return Replacement(self, target, action.new_name, ast.Name(action.new_name, ast.Load()))

    def _throughout(self, action: CompiledRename, captured: Any,
                    context: PlanContext) -> list[Edit] | None:
        """The binding, then each use of the variable in its scope."""
        new = action.new_name
        if not isinstance(captured, (Identifier, ast.Name)) or (
                isinstance(captured, Identifier) and not isinstance(captured.holder, ast.arg)):
            raise SiteSkipped(f"`throughout` renames a parameter or an assigned name; "
                              f"${action.capture} is neither")
        old = captured if isinstance(captured, Identifier) else captured.id
        if old == new:
            return None
        site = context.site
        scope = scope_of(captured, site.node, site.scope)
        edits: list[Edit] = []
        if isinstance(captured, Identifier):
            token = token_of(captured, context.lines)
            if token is None:
                raise SiteSkipped(f"the token of ${action.capture} cannot be located")
            edits.append(IdentifierRename(self, token, new, ast.Name(new, ast.Load()),
                                          captured.holder, captured.field))
        edits += [Replacement(self, use, new, ast.Name(new, ast.Load()))
                  for use in uses_in(scope, str(old), new)]
        if isinstance(captured, Identifier) and isinstance(scope, FUNCTIONS):
            edits += self._keyword_callers(scope, str(old), new, context)
        return edits

    def _keyword_callers(self, function: ast.FunctionDef | ast.AsyncFunctionDef, old: str,
                         new: str, context: PlanContext) -> list[Edit]:
        """The ``old=`` keywords of this file's calls of the function (``f(...)``,
        ``self.f(...)``, ``super().f(...)``), renamed with the parameter; a caller that
        already passes ``new=`` is a reason to refuse."""
        if context.model is None:
            return []
        edits: list[Edit] = []
        for call in context.model.index.calls.get(function.name, ()):
            for keyword_node in call.keywords:
                if keyword_node.arg == new:
                    raise SiteSkipped(f"a call of {function.name}() at line {call.lineno} "
                                      f"already passes {new}=")
                if keyword_node.arg != old:
                    continue
                token = token_of(Identifier(old, keyword_node, "arg"), context.lines)
                if token is None:
                    raise SiteSkipped(f"the keyword {old}= of the call at line "
                                      f"{call.lineno} cannot be located")
                edits.append(IdentifierRename(self, token, new, ast.Name(new, ast.Load()),
                                              keyword_node, "arg"))
        return edits

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        return replace_expression(edit, node)

    def declared(self, action: CompiledRename) -> list[str]:
        return [action.new_name]


KIND = RenameKind()
