"""``rename $x using MAP``: a captured name, identifier or string becomes what the
``map`` table says (``map signal_columns = {buy: enter_long, sell: exit_long}``). A string keeps its
quotes and prefix; a word the table lacks leaves the site alone (say so with
``where $x in MAP``)."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, SiteSkipped, Span
from ..language import ir
from ..language.domains import Domain
from ..matching.captures import Identifier
from ..evaluation.identifiers import token_of
from ..text.strings import in_style_of
from ..evaluation.values import text_of
from ._replace import replace_expression
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, IdentifierRename, Replacement


@dataclass(frozen=True)
class RenameUsing:
    capture: ir.Capture
    table: ir.Ref
    span: Span


@dataclass(frozen=True)
class CompiledRenameUsing:
    capture: str
    table: Domain


class RenameUsingKind(ActionKind[RenameUsing, CompiledRenameUsing]):
    ir_type = RenameUsing
    grammar = ("rename_using",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> RenameUsing:
        capture = lowering.capture_at(children[0])
        return RenameUsing(capture, ir.Ref(str(children[1]), lowering.span(children[1])),
                           capture.span)

    def compile(self, action: RenameUsing, context: CompileContext) -> CompiledRenameUsing:
        context.checker.check_capture(action.capture)
        table = context.checker.domains.get(action.table.name)
        if table is None or not table.is_map:
            raise RuleError(f"{action.table.name!r} is not a map (declare it with `map "
                            f"{action.table.name} = {{old: new, ...}}`)", action.table.span)
        return CompiledRenameUsing(action.capture.name, table)

    def plan(self, action: CompiledRenameUsing, context: PlanContext) -> Edit | None:
        captured = context.site.captures[action.capture]
        new = action.table.lookup(text_of(captured))
        if new is None:
            raise SiteSkipped(f"${action.capture} is not a key of map {action.table.name!r}")
        if isinstance(captured, Identifier):  # a def name, parameter, attribute, keyword
            token = token_of(captured, context.lines)
            if token is None or not new.isidentifier() or keyword.iskeyword(new):
                raise SiteSkipped(f"${action.capture} cannot be renamed to {new!r} here")
            if new == captured:
                return None
            return IdentifierRename(self, token, new, ast.Name(new, ast.Load()),
                                    captured.holder, captured.field)
        target = context.expression(action.capture)
        if isinstance(target, ast.Name):
            if not new.isidentifier() or keyword.iskeyword(new):
                raise SiteSkipped(f"{new!r} is not a Python name")
            if new == target.id:
                return None
            return Replacement(self, target, new, ast.Name(new, ast.Load()))
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            if new == target.value:
                return None
            text = in_style_of(context.lines.segment(target), repr(new))
            return Replacement(self, target, text, ast.Constant(new))
        raise SiteSkipped(f"${action.capture} is neither a plain name nor a string")

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        return replace_expression(edit, node)

    def declared(self, action: CompiledRenameUsing) -> list[str]:
        return [new for _, new in action.table.table if new.isidentifier()]


KIND = RenameUsingKind()
