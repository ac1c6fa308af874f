"""Stage 4: the libcst transformer that performs a rewrite on one statement's source.

The engine hands over a snippet (the smallest run of whole lines holding the
statement that changes) and edits located by code range; the transformer swaps
exactly those nodes, so every other byte of the snippet is regenerated verbatim by
libcst. libcst is imported lazily: files with nothing to change never load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    import libcst as cst

Position = tuple[int, int]  # (1-based line, 0-based column in characters)
Range = tuple[Position, Position]


@dataclass(frozen=True)
class CstEdit:
    """One edit of the expression at ``span`` (positions as libcst's PositionProvider gives)."""

    kind: Literal["replace", "operator", "append", "drop", "add_arg", "remove_arg"]
    span: Range
    text: str  # replacement expression, operator token, operand to append, or keyword value
    parenthesize: bool = False
    name: str = ""  # the keyword of add_arg / remove_arg
    part: Range | None = None  # the operand to drop


@dataclass(frozen=True)
class ParsedSnippet:
    """A snippet parsed by libcst once, with each node's code range: libcst nodes are
    immutable, so one parse serves any number of rewrites (warm mutation)."""

    module: Any  # libcst.Module
    ranges: Mapping[Any, Range]  # libcst node -> its code range


def parse_snippet(snippet: str) -> ParsedSnippet:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(snippet)
    positions: Mapping[Any, Any]
    try:
        # What MetadataWrapper.resolve(PositionProvider) computes, without the batched visit
        # of the whole tree it also runs (for no batchable provider): a third of the cost.
        provider = PositionProvider()
        provider._gen_impl(module)
        positions = cast(Mapping[Any, Any], provider._computed)
    except Exception:  # a libcst whose internals moved: take the public road
        positions = cast(Mapping[Any, Any],
                         MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    return ParsedSnippet(module, {node: ((r.start.line, r.start.column), (r.end.line, r.end.column))
                                  for node, r in positions.items()})


def rewrite_snippet(snippet: str | ParsedSnippet, edits: tuple[CstEdit, ...]) -> str:
    """Apply ``edits`` to ``snippet`` (valid Python) and return the new text.

    Raises ``LookupError`` if an edit's range does not name an expression node.
    """
    parsed = parse_snippet(snippet) if isinstance(snippet, str) else snippet
    transformer = _make_transformer(edits, parsed.ranges)
    new_module: Any = parsed.module.visit(transformer)
    missing = [e for e in edits if e.span not in transformer.applied]
    if missing:
        raise LookupError(f"no expression at {missing[0].span}")
    code: str = new_module.code
    return code


def _make_transformer(edits: tuple[CstEdit, ...], ranges: Mapping[Any, Range]) -> Any:
    by_range: dict[Range, list[CstEdit]] = {}
    for edit in edits:
        by_range.setdefault(edit.span, []).append(edit)
    return _transformer_class()(by_range, ranges)


@lru_cache(maxsize=1)
def _transformer_class() -> type[Any]:
    """The transformer class, built once (libcst is imported only when first needed)."""
    import libcst as cst

    class EditTransformer(cst.CSTTransformer):
        """Replaces the expressions at the edits' ranges; leaves every other node as is."""

        def __init__(self, by_range: dict[Range, list[CstEdit]],
                     ranges: Mapping[Any, Range]) -> None:
            super().__init__()
            self.by_range = by_range
            self.ranges = ranges
            self.applied: set[Range] = set()

        def on_visit(self, node: cst.CSTNode) -> bool:
            # Only descend into nodes that hold an edit: the rest of the snippet is kept as is.
            span = self.ranges.get(node)
            return span is None or any(span[0] <= start and end <= span[1]
                                       for start, end in self.by_range)

        def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
            if not isinstance(original_node, cst.BaseExpression):
                return updated_node
            key = self.ranges.get(original_node)
            if key is None or key not in self.by_range or key in self.applied:
                return updated_node
            self.applied.add(key)
            node: cst.BaseExpression = updated_node  # type: ignore[assignment]
            for edit in self.by_range[key]:
                if edit.kind == "drop":
                    assert edit.part is not None
                    node = _drop(original_node, node, edit.part, self.ranges.get)
                else:
                    node = _apply(edit, node)
            return node

    return EditTransformer


def _parens(node: cst.BaseExpression) -> cst.BaseExpression:
    import libcst as cst

    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _apply(edit: CstEdit, node: cst.BaseExpression) -> cst.BaseExpression:
    import libcst as cst

    if edit.kind == "replace":
        new = cst.parse_expression(edit.text)
        if node.lpar:  # keep the code's own parentheses around the replaced value
            return new.with_changes(lpar=node.lpar, rpar=node.rpar)
        return _parens(new) if edit.parenthesize else new
    if edit.kind == "operator":
        return _replace_operator(node, edit.text)
    if edit.kind == "add_arg":
        return _add_keyword(node, edit.name, cst.parse_expression(edit.text))
    if edit.kind == "remove_arg":
        return _remove_keyword(node, edit.name)
    operand = cst.parse_expression(edit.text)
    if edit.parenthesize:
        operand = _parens(operand)
    return _append(node, operand, edit.name)


def _append(chain: cst.BaseExpression, operand: cst.BaseExpression,
            token: str) -> cst.BaseExpression:
    """``a | b`` + ``c`` → ``a | b | c``, the new operator spaced like the chain's last one
    (a chain that an earlier action cut down to one operand gets ``a | c``)."""
    import libcst as cst

    inner = chain.with_changes(lpar=[], rpar=[])
    operator: Any
    if isinstance(chain, (cst.BooleanOperation, cst.BinaryOperation)):
        operator = chain.operator
    else:
        space = cst.SimpleWhitespace(" ")
        operator = _operator_classes()[token](whitespace_before=space, whitespace_after=space)
    if token in ("and", "or"):
        return cst.BooleanOperation(left=inner, operator=operator, right=operand,
                                    lpar=chain.lpar, rpar=chain.rpar)
    return cst.BinaryOperation(left=inner, operator=operator, right=operand,
                               lpar=chain.lpar, rpar=chain.rpar)


def _operator_classes() -> dict[str, type[Any]]:
    import libcst as cst

    return {
        "<": cst.LessThan, "<=": cst.LessThanEqual, ">": cst.GreaterThan,
        ">=": cst.GreaterThanEqual, "==": cst.Equal, "!=": cst.NotEqual, "is": cst.Is,
        "is not": cst.IsNot, "in": cst.In, "not in": cst.NotIn, "and": cst.And, "or": cst.Or,
        "|": cst.BitOr, "&": cst.BitAnd, "^": cst.BitXor, "+": cst.Add, "-": cst.Subtract,
        "*": cst.Multiply, "/": cst.Divide, "//": cst.FloorDivide, "%": cst.Modulo,
        "**": cst.Power, "@": cst.MatrixMultiply, "<<": cst.LeftShift, ">>": cst.RightShift,
    }


def _new_operator(old: Any, token: str) -> Any:
    import libcst as cst

    before, after = old.whitespace_before, old.whitespace_after
    if token[0].isalpha():  # `a<b` → `a is b`: a word operator needs spaces around it
        if isinstance(before, cst.SimpleWhitespace) and not before.value:
            before = cst.SimpleWhitespace(" ")
        if isinstance(after, cst.SimpleWhitespace) and not after.value:
            after = cst.SimpleWhitespace(" ")
    return _operator_classes()[token](whitespace_before=before, whitespace_after=after)


def _replace_operator(node: cst.BaseExpression, token: str) -> cst.BaseExpression:
    import libcst as cst

    if isinstance(node, cst.Comparison):
        first = node.comparisons[0]
        target = first.with_changes(operator=_new_operator(first.operator, token))
        return node.with_changes(comparisons=[target, *node.comparisons[1:]])
    if isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
        return node.with_changes(operator=_new_operator(node.operator, token))
    raise LookupError(f"no operator to replace in {type(node).__name__}")


def _spine(node: cst.BaseExpression) -> tuple[list[cst.BaseExpression], list[Any]]:
    """Operands and operators of a left-associated chain, without entering parentheses."""
    import libcst as cst

    kind = type(node)
    assert isinstance(node, (cst.BinaryOperation, cst.BooleanOperation))
    operator_type = type(node.operator)
    operands: list[cst.BaseExpression] = []
    operators: list[Any] = []
    current: cst.BaseExpression = node
    while (isinstance(current, kind) and isinstance(current, (cst.BinaryOperation,
                                                              cst.BooleanOperation))
           and type(current.operator) is operator_type and (current is node or not current.lpar)):
        operands.append(current.right)
        operators.append(current.operator)
        current = current.left
    operands.append(current)
    return operands[::-1], operators[::-1]


def _drop(original: cst.CSTNode, updated: cst.BaseExpression, part: Range,
          range_of: Any) -> cst.BaseExpression:
    """Remove the operand at ``part`` from a chain, with the operator that led to it."""
    import libcst as cst

    assert isinstance(original, cst.BaseExpression)
    old_operands, _ = _spine(original)
    operands, operators = _spine(updated)
    index = next((i for i, o in enumerate(old_operands) if range_of(o) == part), None)
    if index is None or len(operands) < 2:
        raise LookupError("the operand to drop is not on the chain's spine")
    del operands[index]
    del operators[max(index - 1, 0)]
    result = operands[0]
    for operator, operand in zip(operators, operands[1:]):
        if isinstance(updated, cst.BooleanOperation):
            result = cst.BooleanOperation(left=result, operator=operator, right=operand)
        else:
            result = cst.BinaryOperation(left=result, operator=operator, right=operand)
    # The chain's own parentheses stay, even around a single operand: they are outside the
    # edited span, and a chain written across lines keeps its layout.
    return result.with_changes(lpar=updated.lpar, rpar=updated.rpar) if updated.lpar else result


def _add_keyword(node: cst.BaseExpression, name: str, value: cst.BaseExpression
                 ) -> cst.BaseExpression:
    """Append ``name=value`` laid out like the call's own arguments (one per line or not,
    trailing comma or not)."""
    import libcst as cst

    assert isinstance(node, cst.Call), type(node)
    args = list(node.args)
    equal = next((a.equal for a in args if a.keyword is not None),
                 cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                 whitespace_after=cst.SimpleWhitespace("")))
    new_arg = cst.Arg(value=value, keyword=cst.Name(name), equal=equal)
    if not args:
        return node.with_changes(args=[new_arg])
    last = args[-1]
    separator = _separator(node)
    if isinstance(last.comma, cst.Comma):  # trailing comma: keep one after the new argument
        new_arg = new_arg.with_changes(comma=last.comma,
                                       whitespace_after_arg=last.whitespace_after_arg)
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator),
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
    (a one-argument-per-line call) or a single space."""
    import libcst as cst

    for arg in reversed(call.args[:-1]):
        if isinstance(arg.comma, cst.Comma):
            return arg.comma.whitespace_after
    before = call.whitespace_before_args
    if isinstance(before, cst.ParenthesizedWhitespace):
        return before
    return cst.SimpleWhitespace(" ")


def _remove_keyword(node: cst.BaseExpression, name: str) -> cst.BaseExpression:
    import libcst as cst

    assert isinstance(node, cst.Call), type(node)
    args = list(node.args)
    index = next(i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == name)
    removed = args.pop(index)
    if index == len(args) and args:  # it was last: the new last argument ends the call like it did
        args[-1] = args[-1].with_changes(comma=removed.comma,
                                         whitespace_after_arg=removed.whitespace_after_arg)
    return node.with_changes(args=args)
