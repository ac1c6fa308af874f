"""Stage 4: the libcst transformer that performs a rewrite on one statement's source.

The engine hands over a snippet (the smallest run of whole lines holding the
statement that changes) and edits located by code range; the transformer swaps
exactly those nodes, so every other byte of the snippet is regenerated verbatim by
libcst. libcst is imported lazily: files with nothing to change never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import libcst as cst

Position = tuple[int, int]  # (1-based line, 0-based column in characters)


@dataclass(frozen=True)
class CstEdit:
    kind: Literal["replace", "operator", "append"]
    start: Position
    end: Position
    text: str  # replacement expression, operator token, or operand to append
    parenthesize: bool = False


def rewrite_snippet(snippet: str, edits: tuple[CstEdit, ...]) -> str:
    """Apply ``edits`` to ``snippet`` (valid Python) and return the new text.

    Raises ``LookupError`` if an edit's range does not name an expression node.
    """
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    module = cst.parse_module(snippet)
    transformer = _make_transformer(edits)
    new_module = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    missing = [e for e in edits if (e.start, e.end) not in transformer.applied]
    if missing:
        raise LookupError(f"no expression at {missing[0].start}-{missing[0].end}")
    return new_module.code


def _make_transformer(edits: tuple[CstEdit, ...]) -> Any:
    import libcst as cst
    from libcst.metadata import PositionProvider

    by_range: dict[tuple[Position, Position], list[CstEdit]] = {}
    for edit in edits:
        by_range.setdefault((edit.start, edit.end), []).append(edit)

    class EditTransformer(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self) -> None:
            super().__init__()
            self.applied: set[tuple[Position, Position]] = set()

        def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
            if not isinstance(original_node, cst.BaseExpression):
                return updated_node
            code_range = self.get_metadata(PositionProvider, original_node, None)
            if code_range is None:
                return updated_node
            key = ((code_range.start.line, code_range.start.column),
                   (code_range.end.line, code_range.end.column))
            if key not in by_range or key in self.applied:
                return updated_node
            self.applied.add(key)
            node: cst.BaseExpression = updated_node  # type: ignore[assignment]
            for edit in by_range[key]:
                node = _apply(edit, node)
            return node

    return EditTransformer()


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
    operand = cst.parse_expression(edit.text)
    if edit.parenthesize:
        operand = _parens(operand)
    return _append(node, operand)


def _append(chain: cst.BaseExpression, operand: cst.BaseExpression) -> cst.BaseExpression:
    """``a | b`` + ``c`` → ``a | b | c``, the new operator spaced like the chain's last one."""
    import libcst as cst

    inner = chain.with_changes(lpar=[], rpar=[])
    if isinstance(chain, cst.BooleanOperation):
        return cst.BooleanOperation(left=inner, operator=chain.operator, right=operand,
                                    lpar=chain.lpar, rpar=chain.rpar)
    assert isinstance(chain, cst.BinaryOperation), type(chain)
    return cst.BinaryOperation(left=inner, operator=chain.operator, right=operand,
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
