"""Structural matching of a compiled pattern against Python ``ast`` nodes.

Matching runs on CPython's ``ast`` (built in C, and already blind to formatting,
comments, redundant parentheses and quote style); libcst is only brought in for
the statements a rule actually rewrites (see rewrite.py).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from .patterns import ANY, REST, capture_name

Captured = ast.AST | str
Captures = dict[str, Captured]

# Fields that never matter when comparing trees.
_IGNORED_FIELDS = frozenset({"ctx", "type_comment", "kind"})
# Fields a pattern may leave empty to mean "whatever the code has" (decorators, bases' keywords,
# annotations, PEP 695 type parameters).
_OPTIONAL_FIELDS = frozenset({"decorator_list", "returns", "type_params", "keywords"})


def match(pattern: ast.AST, node: ast.AST, captures: Captures) -> bool:
    """Match ``node`` against ``pattern``, extending ``captures``.

    On failure ``captures`` may hold partial bindings; callers pass a copy.
    """
    if isinstance(pattern, ast.Name):
        name = capture_name(pattern.id)
        if name is not None:
            return _bind(name, node, captures) if isinstance(node, ast.expr) else False
    if isinstance(pattern, ast.Constant) and pattern.value is Ellipsis:
        return isinstance(node, ast.expr)  # `...` as an expression: any one expression
    if type(pattern) is not type(node):
        return False
    if isinstance(pattern, ast.Constant):
        assert isinstance(node, ast.Constant)
        return type(pattern.value) is type(node.value) and pattern.value == node.value
    if isinstance(pattern, ast.Call):
        assert isinstance(node, ast.Call)
        return _match_call(pattern, node, captures)
    if isinstance(pattern, ast.Dict):
        assert isinstance(node, ast.Dict)
        return _match_dict(pattern, node, captures)
    if isinstance(pattern, ast.arguments):
        assert isinstance(node, ast.arguments)
        return _match_arguments(pattern, node, captures)
    if isinstance(pattern, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and _is_any_body(
            pattern.body):
        return _match_fields(pattern, node, captures, skip={"body"})
    return _match_fields(pattern, node, captures)


def _bind(name: str, node: Captured, captures: Captures) -> bool:
    if name == "_":
        return True
    bound = captures.get(name)
    if bound is None:
        captures[name] = node
        return True
    return same_code(bound, node)


def same_code(a: Captured, b: Captured) -> bool:
    """Equal modulo formatting: the test repeated captures must pass."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return ast.dump(a) == ast.dump(b)


def _match_fields(pattern: ast.AST, node: ast.AST, captures: Captures,
                  skip: frozenset[str] | set[str] = frozenset()) -> bool:
    for field in pattern._fields:
        if field in _IGNORED_FIELDS or field in skip:
            continue
        p_value = getattr(pattern, field, None)
        n_value = getattr(node, field, None)
        if field in _OPTIONAL_FIELDS and not p_value:
            continue
        if not _match_value(p_value, n_value, captures):
            return False
    return True


def _match_value(p_value: object, n_value: object, captures: Captures) -> bool:
    if isinstance(p_value, ast.AST):
        return isinstance(n_value, ast.AST) and match(p_value, n_value, captures)
    if isinstance(p_value, list):
        return isinstance(n_value, list) and match_sequence(p_value, n_value, captures)
    if isinstance(p_value, str):
        name = capture_name(p_value)
        if name is not None:
            return isinstance(n_value, str) and _bind(name, n_value, captures)
    return p_value == n_value


def _is_rest(item: object) -> bool:
    """``...`` standing for any number of items of a list field."""
    if isinstance(item, ast.Starred):
        return isinstance(item.value, ast.Name) and item.value.id == REST
    if isinstance(item, ast.Expr):
        item = item.value
    return isinstance(item, ast.Constant) and item.value is Ellipsis


def _is_any_body(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and _is_rest(body[0])


ItemMatcher = Callable[[Any, Any, Captures], bool]


def match_sequence(patterns: Sequence[Any], nodes: Sequence[Any], captures: Captures,
                   is_rest: Callable[[Any], bool] = _is_rest,
                   match_item: ItemMatcher | None = None) -> bool:
    """Match a list with ``rest`` wildcards (zero or more items), backtracking over them."""
    item_matcher = match_item or _match_value
    if not patterns:
        return not nodes
    head, tail = patterns[0], patterns[1:]
    if is_rest(head):
        for start in range(len(nodes) + 1):
            trial = dict(captures)
            if match_sequence(tail, nodes[start:], trial, is_rest, match_item):
                captures.update(trial)
                return True
        return False
    if not nodes:
        return False
    trial = dict(captures)
    if item_matcher(head, nodes[0], trial) and match_sequence(tail, nodes[1:], trial, is_rest,
                                                               match_item):
        captures.update(trial)
        return True
    return False


def _match_call(pattern: ast.Call, node: ast.Call, captures: Captures) -> bool:
    if not match(pattern.func, node.func, captures):
        return False
    if not match_sequence(pattern.args, node.args, captures):
        return False
    open_ended = any(_is_rest(arg) for arg in pattern.args)
    if not open_ended and len(pattern.keywords) != len(node.keywords):
        return False
    return _match_keywords(pattern.keywords, list(node.keywords), captures)


def _match_keywords(patterns: list[ast.keyword], nodes: list[ast.keyword],
                    captures: Captures) -> bool:
    """Keyword arguments match as a set: each pattern keyword takes one distinct argument."""
    if not patterns:
        return True
    head, tail = patterns[0], patterns[1:]
    for index, candidate in enumerate(nodes):
        trial = dict(captures)
        if (_match_value(head.arg, candidate.arg, trial) and match(head.value, candidate.value, trial)
                and _match_keywords(tail, nodes[:index] + nodes[index + 1:], trial)):
            captures.update(trial)
            return True
    return False


DictEntry = tuple[ast.expr | None, ast.expr]


def _is_dict_rest(entry: DictEntry) -> bool:
    key, value = entry
    return key is None and isinstance(value, ast.Name) and value.id == REST


def _match_dict_entry(p_entry: DictEntry, n_entry: DictEntry, captures: Captures) -> bool:
    (p_key, p_value), (n_key, n_value) = p_entry, n_entry
    if p_key is None or n_key is None:  # `**other` entries match only each other
        return p_key is n_key and match(p_value, n_value, captures)
    return match(p_key, n_key, captures) and match(p_value, n_value, captures)


def _match_dict(pattern: ast.Dict, node: ast.Dict, captures: Captures) -> bool:
    return match_sequence(list(zip(pattern.keys, pattern.values)), list(zip(node.keys, node.values)),
                          captures, _is_dict_rest, _match_dict_entry)


def _match_arguments(pattern: ast.arguments, node: ast.arguments, captures: Captures) -> bool:
    """``def f(self, ...)``: the listed parameters, then anything."""
    p_params = pattern.posonlyargs + pattern.args
    n_params = node.posonlyargs + node.args
    open_ended = pattern.vararg is not None and pattern.vararg.arg == REST
    if open_ended:
        n_params = n_params[: len(p_params)]
    elif not _match_fields(pattern, node, captures, skip={"posonlyargs", "args"}):
        return False
    if len(p_params) != len(n_params):
        return False
    return all(match(p, n, captures) for p, n in zip(p_params, n_params))
