"""``rename $x to NAME``: a captured plain name becomes another."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, SiteSkipped, Span
from ..language import ir
from ..matching.match import Identifier
from ..rewriting.identifiers import token_of
from ._replace import replace_expression
from .base import ActionKind, CompileContext, CstEdit, Edit, Lowering, PlanContext, RangeOf


@dataclass(frozen=True)
class Rename:
    capture: ir.Capture
    new_name: str
    span: Span


@dataclass(frozen=True)
class CompiledRename:
    capture: str
    new_name: str


class RenameKind(ActionKind[Rename, CompiledRename]):
    ir_type = Rename
    grammar = ("rename",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> Rename:
        capture = lowering.capture_at(children[0])
        return Rename(capture, str(children[1]), capture.span)

    def compile(self, action: Rename, context: CompileContext) -> CompiledRename:
        context.checker.check_capture(action.capture)
        if keyword.iskeyword(action.new_name):
            raise RuleError(f"cannot rename to the keyword {action.new_name!r}", action.span)
        return CompiledRename(action.capture.name, action.new_name)

    def plan(self, action: CompiledRename, context: PlanContext) -> Edit | None:
        captured = context.site.captures[action.capture]
        if isinstance(captured, Identifier):  # def/class name, parameter, keyword, attribute
            token = token_of(captured, context.lines)
            if token is None:
                raise SiteSkipped(f"the token of ${action.capture} ({captured}) cannot be "
                                  "located")
            if captured == action.new_name:
                return None
            return Edit(self, token, action.new_name, ast.Name(action.new_name, ast.Load()),
                        replaces=True, holder=(captured.holder, captured.field))
        target = context.expression(action.capture)
        if not isinstance(target, ast.Name):
            raise SiteSkipped(f"${action.capture} is not a plain name")
        if target.id == action.new_name:
            return None
        return Edit(self, target, action.new_name, ast.Name(action.new_name, ast.Load()),
                    replaces=True)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        return replace_expression(edit, node)

    def declared(self, action: CompiledRename) -> list[str]:
        return [action.new_name]


KIND = RenameKind()
