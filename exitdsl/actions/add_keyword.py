"""``add NAME = VALUE`` / ``add NAME = `CODE```: a keyword argument for the pattern's call,
laid out like the call's own arguments."""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SiteSkipped, Span
from ..language import ir
from ..language.patterns import Pattern
from ..evaluation.templates import parse_expression
from ..evaluation.values import evaluate
from ..vocabulary.numbers import format_number
from ._calls import require_calls, site_call
from .base import ActionKind, CompileContext, Lowering, PlanContext, RangeOf
from ..evaluation.templates import atomic
from .edits import CstEdit, Edit, NamedEdit


@dataclass(frozen=True)
class AddKeyword:
    name: str
    value: ir.Expr | ir.PatternText
    span: Span


@dataclass(frozen=True)
class CompiledAddKeyword:
    name: str
    value: ir.Expr | Pattern  # a number expression or a code template


class AddKeywordKind(ActionKind[AddKeyword, CompiledAddKeyword]):
    ir_type = AddKeyword
    grammar = ("add_keyword",)

    def lower(self, alias: str, children: Sequence[Any], lowering: Lowering) -> AddKeyword:
        return AddKeyword(str(children[0]), children[1], lowering.span(children[0]))

    def compile(self, action: AddKeyword, context: CompileContext) -> CompiledAddKeyword:
        require_calls(context.matches, "add", action.name)
        if isinstance(action.value, ir.PatternText):
            return CompiledAddKeyword(action.name, context.template(action.value))
        context.checker.check(action.value, "num")
        return CompiledAddKeyword(action.name, action.value)

    def plan(self, action: CompiledAddKeyword, context: PlanContext) -> Edit | None:
        call = site_call(context.site)
        if any(k.arg == action.name for k in call.keywords):
            raise SiteSkipped(f"the call already has {action.name}=")
        if isinstance(action.value, Pattern):
            new_value = context.substitute(action.value)
            text = context.template_text(action.value)
        else:
            text = format_number(evaluate(action.value, context.env))
            new_value = parse_expression(text)
        intended = copy.copy(call)
        intended.keywords = [*call.keywords, ast.keyword(action.name, new_value)]
        return NamedEdit(self, call, text, intended, action.name)

    def apply(self, edit: CstEdit, original: Any, node: Any, range_of: RangeOf) -> Any:
        import libcst as cst

        assert isinstance(node, cst.Call), type(node)
        return _add_keyword(node, edit.name, cst.parse_expression(edit.text))

    def spliced(self, edit: Edit, old: str, parenthesize: bool) -> str | None:
        assert isinstance(edit, NamedEdit) and isinstance(edit.target, ast.Call)
        value = f"({edit.text})" if parenthesize and not atomic(edit.text) else edit.text
        return keyword_added(edit.target, old, edit.name, value)


def keyword_added(call: ast.Call, old: str, name: str, value: str) -> str | None:
    """``old`` (the text of ``call``) with ``name=value`` appended as ``_add_keyword`` lays
    it out, for the common case: a call on one line whose last argument is neither
    parenthesised nor followed by a comma. None otherwise (libcst then does it). One line
    holds no comment inside the parentheses, so the layout is the separator before the last
    argument (a space when there is one argument) and the `=` of the first keyword."""
    if call.lineno != call.end_lineno or not old.endswith(")") or not _one_line(value):
        return None
    data = old.encode()

    def at(col: int) -> int:  # a column of the call's line, as a character offset in `old`
        return len(data[:col - call.col_offset].decode("utf-8", "replace"))
    arguments: list[ast.expr | ast.keyword] = sorted([*call.args, *call.keywords],
                                                     key=lambda a: a.col_offset)
    if not arguments:
        return None
    last = arguments[-1]
    end = at(last.end_col_offset or 0)
    if end >= len(old) or old[end:-1].strip():  # `f(x for x in y)`, `f(a, (b))`, `f(a,)`
        return None
    separator = " "
    if len(arguments) > 1:
        before = old[:at(last.col_offset)]
        separator = before[len(before.rstrip(" \t")):]
        if not before.rstrip(" \t").endswith(","):  # the last argument is parenthesised
            return None
    equal = "="
    first = next((k for k in call.keywords if k.arg is not None), None)
    if first is not None:
        # From the name's end (as written: `ﬁ` is `fi` to ast) to the value's start.
        written = old[at(first.col_offset):at(first.value.col_offset)]
        equal = written[len(written.split("=", 1)[0].rstrip()):]
        if equal.strip() != "=":  # `k=(v)`: the value's parenthesis
            return None
    return f"{old[:end]},{separator}{name}{equal}{value}{old[end:]}"


def _one_line(value: str) -> bool:
    """A value libcst would write as given: one line, no comment, an expression alone (a
    value written across lines takes the file's newline and indentation from libcst; a
    comment would swallow the call's `)`; libcst words its own refusal of the rest)."""
    if "\n" in value or "\r" in value or "#" in value:
        return False
    try:
        ast.parse(value, mode="eval")
    except (SyntaxError, ValueError):
        return False
    return True


def _add_keyword(node: Any, name: str, value: Any) -> Any:
    """Append ``name=value`` laid out like the call's own arguments (one per line or not,
    trailing comma or not). A comment after the old last argument stays on its line."""
    import libcst as cst

    args = list(node.args)
    equal = next((a.equal for a in args if a.keyword is not None),
                 cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                 whitespace_after=cst.SimpleWhitespace("")))
    new_arg = cst.Arg(value=value, keyword=cst.Name(name), equal=equal)
    if not args:
        return node.with_changes(args=[new_arg])
    last = args[-1]
    separator = _separator(node)
    comma = last.comma if isinstance(last.comma, cst.Comma) else None
    # What follows the last argument up to `)`: its comment (if any) and the closing line.
    after = comma.whitespace_after if comma is not None else last.whitespace_after_arg
    if isinstance(after, cst.ParenthesizedWhitespace):
        # A line break (maybe a comment) before `)`: the old last argument keeps its
        # comment, the new one goes on a line of its own, and `)` stays where it was.
        bare = after.with_changes(first_line=cst.TrailingWhitespace(
            newline=after.first_line.newline), empty_lines=[])
        indent = (separator.last_line if isinstance(separator, cst.ParenthesizedWhitespace)
                  else after.last_line)
        kept = after.with_changes(last_line=indent)
        if comma is not None:
            args[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=kept))
            new_arg = new_arg.with_changes(comma=comma.with_changes(whitespace_after=bare),
                                           whitespace_after_arg=last.whitespace_after_arg)
        else:
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_before=cst.SimpleWhitespace(""),
                                whitespace_after=kept),
                whitespace_after_arg=cst.SimpleWhitespace(""))
            new_arg = new_arg.with_changes(whitespace_after_arg=bare)
        return node.with_changes(args=[*args, new_arg])
    if comma is not None:  # trailing comma: keep one after the new argument
        new_arg = new_arg.with_changes(comma=comma,
                                       whitespace_after_arg=last.whitespace_after_arg)
        args[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=separator),
                                     whitespace_after_arg=cst.SimpleWhitespace(""))
    else:
        new_arg = new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg)
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=separator),
            whitespace_after_arg=cst.SimpleWhitespace(""))
    return node.with_changes(args=[*args, new_arg])


def _separator(call: Any) -> Any:
    """What stands between two arguments of ``call``: the last comma's trailing whitespace
    when it leads to another argument, else the whitespace before the first argument
    (a one-argument-per-line call) or a single space; never a comment, which belongs to
    the code it follows."""
    import libcst as cst

    found = next((arg.comma.whitespace_after for arg in reversed(call.args[:-1])
                  if isinstance(arg.comma, cst.Comma)), call.whitespace_before_args)
    if isinstance(found, cst.ParenthesizedWhitespace):
        return found.with_changes(first_line=cst.TrailingWhitespace(
            newline=found.first_line.newline), empty_lines=[])
    if any(isinstance(arg.comma, cst.Comma) for arg in call.args[:-1]):
        return found
    return cst.SimpleWhitespace(" ")


KIND = AddKeywordKind()
