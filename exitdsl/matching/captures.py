"""What matching binds and the small judgements every matcher shares: captured values,
binding one (a repeated capture must be the same code), and the pattern's list wildcards."""

from __future__ import annotations

import ast

from ..language.patterns import REST


class Identifier(str):
    """A captured identifier (a def or class name, a parameter, a keyword name, an
    attribute name, an import name): the string, and the node and field that hold it, so
    that an action can find its token (rename_identifier.py)."""

    holder: ast.AST
    field: str

    def __new__(cls, text: str, holder: ast.AST, field: str) -> Identifier:
        made = super().__new__(cls, text)
        made.holder, made.field = holder, field
        return made

    def __reduce__(self) -> tuple[object, ...]:
        return (Identifier, (str(self), self.holder, self.field))


Captured = ast.AST | str
Captures = dict[str, Captured]

# Fields that never matter when comparing trees.
IGNORED_FIELDS = frozenset({"ctx", "type_comment", "kind"})
# Fields a pattern may leave empty to mean "whatever the code has" (decorators, class keywords,
# annotations, PEP 695 type parameters).
OPTIONAL_FIELDS = frozenset({"decorator_list", "returns", "type_params", "keywords",
                             "annotation"})


def compared_fields(pattern: ast.AST, skip: frozenset[str] = frozenset()) -> list[str]:
    """The fields of ``pattern`` that a node must match."""
    return [f for f in pattern._fields if f not in IGNORED_FIELDS and f not in skip
            and not (f in OPTIONAL_FIELDS and not getattr(pattern, f, None))]


def bound(name: str, value: Captured, captures: Captures) -> Captures | None:
    """``captures`` with ``name`` bound to ``value`` (None: bound already to other code)."""
    if name == "_":
        return captures
    before = captures.get(name)
    if before is None:
        return {**captures, name: value}
    return captures if same_code(before, value) else None


def same_code(a: Captured, b: Captured) -> bool:
    """Equal modulo formatting: the test repeated captures must pass. An identifier (a
    keyword or def name, the text of a ``"$name"`` string) equals a name or a string
    spelled the same: ``sell_params = {"sell_rsi": 30}`` sets the parameter ``sell_rsi``."""
    if isinstance(a, str) or isinstance(b, str):
        return word_of(a) is not None and word_of(a) == word_of(b)
    return _same_tree(a, b)


def _same_tree(a: object, b: object) -> bool:
    """Structural equality that, like matching, ignores ``ctx``: the ``SL`` assigned in
    ``SL = 0.05`` is the ``SL`` read in ``sl_stop=SL``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.AST):
        return all(_same_tree(getattr(a, f, None), getattr(b, f, None))
                   for f in a._fields if f not in IGNORED_FIELDS)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_same_tree(x, y) for x, y in zip(a, b))
    return a == b


def word_of(captured: Captured) -> str | None:
    """The name or text a captured value stands for (None for other code)."""
    if isinstance(captured, str):
        return str(captured)
    if isinstance(captured, ast.Name):
        return captured.id
    if isinstance(captured, ast.Constant) and isinstance(captured.value, str):
        return captured.value
    return None


def is_rest(item: object) -> bool:
    """``...`` standing for any number of items of a list field."""
    if isinstance(item, ast.Starred):
        return isinstance(item.value, ast.Name) and item.value.id == REST
    if isinstance(item, ast.Expr):
        item = item.value
    return isinstance(item, ast.Constant) and item.value is Ellipsis


def is_rest_param(item: object) -> bool:
    return isinstance(item, ast.arg) and item.arg.startswith(REST)


def is_dict_rest(entry: tuple[ast.expr | None, ast.expr]) -> bool:
    key, value = entry
    return key is None and isinstance(value, ast.Name) and value.id == REST


def is_any_body(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and is_rest(body[0])
