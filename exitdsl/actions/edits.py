"""Planned edits, one variant per shape of change, each knowing how to say what it means.

An edit names its ``target`` (the expression it changes), the new ``text`` libcst or the
splice writes, and the ``intended`` tree. What differs between shapes lives in its own
variant with its own fields: a whole-expression replacement, an identifier renamed at its
token, a statement inserted, a keyword added or removed, an operand appended or dropped.
The core asks every edit the same questions (:meth:`Edit.swaps_number`,
:meth:`Edit.splices`, :meth:`Edit.intend`, :meth:`Edit.located`...) and never branches on
fields.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..evaluation.templates import atomic
from ..vocabulary.numbers import literal_number

if TYPE_CHECKING:
    from .base import ActionKind

Position = tuple[int, int]  # (1-based line, 0-based column in characters), as libcst counts
Range = tuple[Position, Position]
ToSnippet = Callable[[ast.expr], Range]  # a node of the file -> its range in the snippet


@dataclass(frozen=True)
class CstEdit:
    """An :class:`Edit` located in a snippet (ranges as libcst's PositionProvider gives)."""

    kind: ActionKind[Any, Any]
    span: Range
    text: str
    parenthesize: bool = False  # wrap new code in parentheses (the second try)
    name: str = ""
    part: Range | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """A change of ``target`` that libcst performs through its kind (``set op``, which
    swaps an operator token inside the target)."""

    kind: ActionKind[Any, Any]
    target: ast.expr
    text: str  # new code, operator token, operand to append, or keyword value
    intended: ast.expr

    replaces: ClassVar[bool] = False  # ``text`` replaces the whole target

    def swaps_number(self) -> bool:
        """Is this a number literal swapped for another (nothing but a token changes)?"""
        return False

    def splices(self) -> bool:
        """Can the new text be spliced in without libcst?"""
        return False

    def swaps_keyword(self) -> bool:
        """Is this ``True``/``False``/``None`` swapped for another (one token changes)?"""
        return False

    def spliced(self, old: str, parenthesize: bool) -> str | None:
        """The new text of the target's span (``old``), made without libcst; None when
        only libcst can make it."""
        if not self.splices():
            return None
        return f"({self.text})" if parenthesize and not atomic(self.text) else self.text

    def inserted(self) -> ast.stmt | None:
        """The statement this edit adds, if it adds one."""
        return None

    def renames(self) -> tuple[ast.AST, str, str] | None:
        """(node, field, new name) when this edit renames an identifier at its token."""
        return None

    def intend(self, intent: Intent) -> None:
        """Say, in ``intent``, what the statement must mean once this edit is made."""
        intent.replace(self.target, self.intended)

    def located(self, to_snippet: ToSnippet, parenthesize: bool) -> CstEdit:
        """This edit located in a snippet, for the kind's libcst ``apply``."""
        return CstEdit(self.kind, to_snippet(self.target), self.text,
                       parenthesize and not atomic(self.text))


@dataclass(frozen=True, slots=True)
class Replacement(Edit):
    """The whole target replaced by new code (``set``, ``flip``, a plain-name ``rename``)."""

    replaces: ClassVar[bool] = True

    def swaps_number(self) -> bool:
        return literal_number(self.target) is not None \
            and literal_number(self.intended) is not None

    def splices(self) -> bool:
        return True

    def swaps_keyword(self) -> bool:
        return _keyword(self.target) and _keyword(self.intended)


@dataclass(frozen=True, slots=True)
class IdentifierRename(Replacement):
    """An identifier (a def or class name, a parameter, a keyword, an attribute, an
    import name) renamed at its token; ``target`` is a stand-in name at the token and the
    identifier lives in ``holder``'s ``field``."""

    holder: ast.AST | None = None
    field: str = ""

    def swaps_number(self) -> bool:
        return False

    def renames(self) -> tuple[ast.AST, str, str] | None:
        assert self.holder is not None
        return self.holder, self.field, getattr(self.intended, "id", "")

    def intend(self, intent: Intent) -> None:
        holder, field, new = self.renames() or (None, "", "")
        assert holder is not None
        intent.rename(holder, field, new)


@dataclass(frozen=True, slots=True)
class Insertion(Edit):
    """A statement added at ``index`` of ``holder``'s body; ``target`` is a zero-width
    stand-in where its text goes."""

    holder: ast.AST | None = None
    index: int = 0
    statement: ast.stmt | None = None

    def splices(self) -> bool:
        return True

    def inserted(self) -> ast.stmt | None:
        return self.statement

    def intend(self, intent: Intent) -> None:
        assert self.holder is not None and self.statement is not None
        intent.insert(self.holder, self.index, self.statement)


@dataclass(frozen=True, slots=True)
class NamedEdit(Edit):
    """An edit libcst makes with a name beside its text: the keyword ``add``/``remove``
    adds or takes away, or the operator token ``append`` joins an operand with."""

    name: str = ""

    def located(self, to_snippet: ToSnippet, parenthesize: bool) -> CstEdit:
        return CstEdit(self.kind, to_snippet(self.target), self.text,
                       parenthesize and not atomic(self.text), self.name)

    def spliced(self, old: str, parenthesize: bool) -> str | None:
        return self.kind.spliced(self, old, parenthesize)


@dataclass(frozen=True, slots=True)
class PartRemoval(Edit):
    """An edit that removes ``part`` of its target (``drop`` an operand of a chain)."""

    part: ast.expr | None = None

    def located(self, to_snippet: ToSnippet, parenthesize: bool) -> CstEdit:
        assert self.part is not None
        return CstEdit(self.kind, to_snippet(self.target), self.text,
                       parenthesize and not atomic(self.text), "", to_snippet(self.part))


_NodeKey = tuple[int, int, "int | None", "int | None", type[ast.AST]]


class Intent:
    """What a snippet must mean once its edits are made, said by each edit and then laid
    on the snippet's own ``ast`` (``shift``: the line offset from the file to the snippet)."""

    def __init__(self, shift: int) -> None:
        self.shift = shift
        self.replaced: dict[_NodeKey, ast.expr] = {}
        self.renamed: dict[tuple[int, int, type[ast.AST], str], str] = {}
        self.inserted: list[tuple[ast.AST, int, ast.stmt]] = []

    def replace(self, target: ast.expr, intended: ast.expr) -> None:
        key = (target.lineno - self.shift, target.col_offset,
               (target.end_lineno or 0) - self.shift, target.end_col_offset, type(target))
        self.replaced[key] = intended

    def rename(self, holder: ast.AST, field: str, new: str) -> None:
        self.renamed[(getattr(holder, "lineno", 0) - self.shift, getattr(holder, "col_offset", 0),
                      type(holder), field)] = new

    def insert(self, holder: ast.AST, index: int, statement: ast.stmt) -> None:
        self.inserted.append((holder, index, statement))

    def apply(self, tree: ast.Module) -> ast.Module:
        """``tree`` (modified in place) as it must read."""
        result = _Put(self.replaced).visit(tree)
        assert isinstance(result, ast.Module)
        for holder, index, statement in self.inserted:
            for node in ast.walk(result):
                if type(node) is type(holder) and getattr(node, "col_offset", -1) == \
                        getattr(holder, "col_offset", 0) and getattr(node, "lineno", 0) == \
                        getattr(holder, "lineno", 0) - self.shift:
                    node.body.insert(index, copy.deepcopy(statement))  # type: ignore[attr-defined]
                    break
        if self.renamed:  # identifiers: the new name goes into the field of the node holding it
            for node in ast.walk(result):
                line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
                for field in ("name", "arg", "attr", "asname"):
                    new_name = self.renamed.get((line, col, type(node), field))
                    if new_name is not None:
                        setattr(node, field, new_name)
        return result


class _Put(ast.NodeTransformer):
    def __init__(self, wanted: dict[_NodeKey, ast.expr]) -> None:
        self.wanted = wanted

    def visit(self, node: ast.AST) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node, ast.expr):
            key = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, type(node))
            if key in self.wanted:
                return in_context(self.wanted[key], getattr(node, "ctx", None))
        return node


def in_context(node: ast.expr, ctx: ast.expr_context | None) -> ast.expr:
    """``node`` as it reads where it goes: a name written at an assignment target (or in a
    ``del``) is a store, not a load. Intents are built as loads; the position decides."""
    if ctx is None or isinstance(ctx, ast.Load) or not hasattr(node, "ctx"):
        return node
    node = copy.copy(node)
    node.ctx = ctx
    if isinstance(node, (ast.Tuple, ast.List)):
        node.elts = [in_context(element, ctx) for element in node.elts]
    elif isinstance(node, ast.Starred):
        node.value = in_context(node.value, ctx)
    return node


def _keyword(node: ast.AST) -> bool:
    return type(node) is ast.Constant and (node.value is None or type(node.value) is bool)
