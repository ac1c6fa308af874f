"""``insert `STATEMENT` at start``: a statement added at the start of the matched class's
or function's body: on the line after its docstring, or after its header (above the
comments that lead the first statement), indented as that statement. The statement is fixed text (no captures), checked
by the safety allowlist when the rule compiles; combine with ``unless`` so that it is not
added twice (``unless `class $c(...): ... INTERFACE_VERSION = $v ...` ``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, SiteSkipped, Span
from ..language import ir
from ..language.patterns import compile_pattern
from ..policy.bindings import bound_names
from ..policy.safety import post_order, unsafe
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from .edits import CstEdit, Edit, Insertion

_BODIES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_COMMENT_OR_BLANK = re.compile(r"^[ \t]*(#.*)?\r?\n?$")


@dataclass(frozen=True)
class InsertStart:
    statement: ir.PatternText
    span: Span


@dataclass(frozen=True)
class CompiledInsert:
    text: str
    statement: ast.stmt


class InsertKind(ActionKind[InsertStart, CompiledInsert]):
    ir_type = InsertStart
    grammar = ("insert_start",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> InsertStart:
        pattern = lowering.pattern(children[0])
        return InsertStart(pattern, pattern.span)

    def compile(self, action: InsertStart, context: CompileContext) -> CompiledInsert:
        pattern = compile_pattern(action.statement.text, action.statement.span,
                                  context.source)
        statement = pattern.node
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            raise RuleError("`insert` takes one assignment (`NAME = VALUE`)", action.span)
        assert isinstance(statement, (ast.Assign, ast.AnnAssign))
        if pattern.captures or "..." in action.statement.text:
            raise RuleError("an inserted statement is fixed text: no $captures or `...`",
                            action.span)
        parts = [n for child in ast.iter_child_nodes(statement)
                 for n in post_order(child, lambda n: False)]
        problem = unsafe(parts, None)
        if problem is not None:
            raise RuleError(f"unsafe statement: it {problem}", action.span)
        return CompiledInsert(action.statement.text.strip(), statement)

    def plan(self, action: CompiledInsert, context: PlanContext) -> Edit | None:
        holder = context.site.node
        if not isinstance(holder, _BODIES):
            raise SiteSkipped("`insert ... at start` needs a class or def match")
        body = holder.body
        index = 1 if len(body) > 1 and _is_docstring(body[0]) else 0
        first = body[index]
        lines = context.lines
        line = lines.first_line(first)
        if line <= holder.lineno or not lines.whole_lines(first):
            raise SiteSkipped("the body starts on the header's line")
        if index == 1:
            line = (body[0].end_lineno or line - 1) + 1  # right after the docstring
        else:
            while line - 1 > holder.lineno and _COMMENT_OR_BLANK.match(lines.line_text(line - 1)):
                line -= 1  # above the comments and blank lines that lead the first statement
        row = lines.line_text(lines.first_line(first))
        indent = row[: len(row) - len(row.lstrip(" \t"))]
        newline = "\r\n" if row.endswith("\r\n") else "\n"
        spot = ast.Name("", ast.Load())
        spot.lineno = spot.end_lineno = line
        spot.col_offset = spot.end_col_offset = 0
        return Insertion(self, spot, f"{indent}{action.text}{newline}", ast.Constant(None),
                         holder, index, action.statement)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        raise LookupError("insertions are spliced, never made by libcst")

    def declared(self, action: CompiledInsert) -> list[str]:
        return sorted(bound_names([action.statement]))


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


KIND = InsertKind()
