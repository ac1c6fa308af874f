"""Structural matching of a compiled pattern against Python ``ast`` nodes.

Matching runs on CPython's ``ast`` (built in C, and already blind to formatting,
comments, redundant parentheses and quote style); libcst is only brought in for
the statements a rule actually rewrites (see exitdsl/rewriting/).

A pattern may match one node in several ways (``{..., $k: $v, ...}`` matches a
dict once per entry), so the matcher enumerates every solution; ``match`` takes
the first.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..language.patterns import REST, capture_name, word_capture
from .captures import (Captured, Captures, Identifier, bound, compared_fields, is_any_body,
                       is_dict_rest, is_rest, is_rest_param)
from .straight import straight

Solutions = Iterator[Captures]


def match(pattern: ast.AST, node: ast.AST, captures: Captures) -> bool:
    """Match ``node`` against ``pattern``; on success ``captures`` holds the first solution."""
    one = straight(pattern)
    if one is not None:
        found = one(node, captures)
        if found is not None:
            captures.update(found)
        return found is not None
    for solution in solutions(pattern, node, captures):
        captures.update(solution)
        return True
    return False


def solutions(pattern: ast.AST, node: ast.AST, captures: Captures) -> Solutions:
    """Every way ``node`` matches ``pattern`` consistently with ``captures`` (not modified)."""
    one = straight(pattern)
    if one is not None:  # a pattern with one way to match: no enumeration
        found = one(node, captures)
        if found is not None:
            yield found
        return
    if isinstance(pattern, ast.Name):
        name = capture_name(pattern.id)
        if name is not None:
            if isinstance(node, ast.expr):
                yield from _bind(name, node, captures)
            return
    if isinstance(pattern, ast.Constant) and pattern.value is Ellipsis:
        if isinstance(node, ast.expr):  # `...` as an expression: any one expression
            yield captures
        return
    if type(pattern) is not type(node):
        return
    if isinstance(pattern, ast.Constant):
        assert isinstance(node, ast.Constant)
        if (word := word_capture(pattern.value)) is not None:
            if isinstance(node.value, str):  # `"$name"`: the string's text is the capture
                yield from _bind(word, Identifier(node.value, node, "value"), captures)
            return
        if type(pattern.value) is type(node.value) and pattern.value == node.value:
            yield captures
        return
    if isinstance(pattern, ast.Call):
        assert isinstance(node, ast.Call)
        yield from _call(pattern, node, captures)
    elif isinstance(pattern, ast.Dict):
        assert isinstance(node, ast.Dict)
        yield from sequence(list(zip(pattern.keys, pattern.values)),
                            list(zip(node.keys, node.values)), captures, is_dict_rest,
                            _dict_entry)
    elif isinstance(pattern, ast.arguments):
        assert isinstance(node, ast.arguments)
        yield from _arguments(pattern, node, captures)
    elif isinstance(pattern, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
            and is_any_body(pattern.body):
        yield from _fields(pattern, node, captures, skip=frozenset({"body"}))
    else:
        yield from _fields(pattern, node, captures)


def _bind(name: str, node: Captured, captures: Captures) -> Solutions:
    found = bound(name, node, captures)
    if found is not None:
        yield found


def _fields(pattern: ast.AST, node: ast.AST, captures: Captures,
            skip: frozenset[str] = frozenset()) -> Solutions:
    yield from _all_fields(compared_fields(pattern, skip), pattern, node, captures)


def _all_fields(fields: list[str], pattern: ast.AST, node: ast.AST,
                captures: Captures) -> Solutions:
    if not fields:
        yield captures
        return
    field, rest = fields[0], fields[1:]
    p_value, n_value = getattr(pattern, field, None), getattr(node, field, None)
    if isinstance(p_value, str) and isinstance(n_value, str) \
            and (name := capture_name(p_value)) is not None:
        solutions_here: Solutions = _bind(name, Identifier(n_value, node, field), captures)
    else:
        solutions_here = _value(p_value, n_value, captures)
    for solution in solutions_here:
        yield from _all_fields(rest, pattern, node, solution)


def _value(p_value: object, n_value: object, captures: Captures) -> Solutions:
    if isinstance(p_value, ast.AST):
        if isinstance(n_value, ast.AST):
            yield from solutions(p_value, n_value, captures)
    elif isinstance(p_value, list):
        if isinstance(n_value, list):
            yield from sequence(p_value, n_value, captures)
    elif isinstance(p_value, str) and (name := capture_name(p_value)) is not None:
        if isinstance(n_value, str):  # an identifier: class or function name, keyword, ...
            yield from _bind(name, n_value, captures)
    elif p_value == n_value:
        yield captures


ItemMatcher = Callable[[Any, Any, Captures], Solutions]


def sequence(patterns: Sequence[Any], nodes: Sequence[Any], captures: Captures,
             rest: Callable[[Any], bool] = is_rest, item: ItemMatcher = _value) -> Solutions:
    """Match a list with ``rest`` wildcards (zero or more items each)."""
    return _sequence(patterns, 0, nodes, 0, captures, rest, item)


def _sequence(patterns: Sequence[Any], p: int, nodes: Sequence[Any], n: int,
              captures: Captures, rest: Callable[[Any], bool], item: ItemMatcher) -> Solutions:
    """``patterns[p:]`` against ``nodes[n:]`` (positions, not slices: a rest tries every
    start, and copying the list at each would be quadratic)."""
    if p == len(patterns):
        if n == len(nodes):
            yield captures
        return
    head = patterns[p]
    if rest(head):
        if p + 1 == len(patterns):  # a trailing rest takes everything: one solution
            yield captures
            return
        # Where the item after the rest has one way to match, a start it refuses is
        # skipped without a search (a ROI table's `..., $k1: $prev, $k: $v, ...` with $k1
        # bound meets one start, not one per entry).
        quick = _quick(patterns[p + 1], item) if not rest(patterns[p + 1]) else None
        for start in range(n, len(nodes) + 1):
            if quick is not None and start < len(nodes) and quick(nodes[start], captures) is None:
                continue
            yield from _sequence(patterns, p + 1, nodes, start, captures, rest, item)
        return
    if n < len(nodes):
        for solution in item(head, nodes[n], captures):
            yield from _sequence(patterns, p + 1, nodes, n + 1, solution, rest, item)


def _quick(wanted: Any, item: ItemMatcher) -> Callable[[Any, Captures], Captures | None] | None:
    """A list item's one-way check, when the item has one: None from it means no solution
    (a dict entry's: its key's)."""
    if item is _value and isinstance(wanted, ast.AST) and (one := straight(wanted)) is not None:
        value_step = one
        return lambda node, captures: value_step(node, captures) \
            if isinstance(node, ast.AST) else None
    if item is _dict_entry and wanted[0] is not None \
            and (key := straight(wanted[0])) is not None:
        key_step = key
        return lambda entry, captures: None if entry[0] is None \
            else key_step(entry[0], captures)
    return None


def _call(pattern: ast.Call, node: ast.Call, captures: Captures) -> Solutions:
    open_ended = any(is_rest(arg) for arg in pattern.args)
    if not open_ended and len(pattern.keywords) != len(node.keywords):
        return
    for after_func in solutions(pattern.func, node.func, captures):
        for after_args in sequence(pattern.args, node.args, after_func):
            yield from _keywords(pattern.keywords, list(node.keywords), after_args)


def _keywords(patterns: list[ast.keyword], nodes: list[ast.keyword],
              captures: Captures) -> Solutions:
    """Keyword arguments match as a set: each pattern keyword takes one distinct argument."""
    if not patterns:
        yield captures
        return
    head, tail = patterns[0], patterns[1:]
    for index, candidate in enumerate(nodes):
        name = capture_name(head.arg) if head.arg is not None else None
        found = _bind(name, Identifier(candidate.arg, candidate, "arg"), captures) \
            if name is not None and candidate.arg is not None \
            else _value(head.arg, candidate.arg, captures)
        for after_name in found:
            for after_value in solutions(head.value, candidate.value, after_name):
                yield from _keywords(tail, nodes[:index] + nodes[index + 1:], after_value)


DictEntry = tuple[ast.expr | None, ast.expr]


def _dict_entry(p_entry: DictEntry, n_entry: DictEntry, captures: Captures) -> Solutions:
    (p_key, p_value), (n_key, n_value) = p_entry, n_entry
    if p_key is None or n_key is None:  # `**other` entries match only each other
        if p_key is n_key:
            yield from solutions(p_value, n_value, captures)
        return
    for after_key in solutions(p_key, n_key, captures):
        yield from solutions(p_value, n_value, after_key)


def _arguments(pattern: ast.arguments, node: ast.arguments, captures: Captures) -> Solutions:
    """``def f(self, ...)``, ``def f(self, ..., $r, ...)``: each ``...`` any number of
    positional parameters; with one, ``*args``, keyword-only and ``**kwargs`` are free."""
    p_params = pattern.posonlyargs + pattern.args
    n_params = node.posonlyargs + node.args
    if any(is_rest_param(p) for p in p_params):
        yield from sequence(p_params, n_params, captures, is_rest_param)
        return
    if pattern.vararg is not None and pattern.vararg.arg == REST:
        if len(n_params) >= len(p_params):
            yield from sequence(p_params, n_params[: len(p_params)], captures)
        return
    for solution in sequence(p_params, n_params, captures):
        yield from _fields(pattern, node, solution,
                           skip=frozenset({"posonlyargs", "args"}))


Path = tuple[tuple[str, int | None], ...]


def path_to(root: ast.AST, wanted: ast.AST) -> Path | None:
    """The fields (and list indexes) leading from ``root`` down to ``wanted``."""
    if root is wanted:
        return ()
    for field, value in ast.iter_fields(root):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, ast.AST):
                below = path_to(item, wanted)
                if below is not None:
                    return ((field, index if isinstance(value, list) else None), *below)
    return None


def follow(pattern: ast.AST, node: ast.AST, path: Path) -> ast.AST | None:
    """The node of matched code at ``path`` of its pattern (None past a ``...`` in a list)."""
    for field, index in path:
        p_value, n_value = getattr(pattern, field, None), getattr(node, field, None)
        if index is not None:
            if not isinstance(p_value, list) or not isinstance(n_value, list) \
                    or any(is_rest(x) for x in p_value[:index]) or index >= len(n_value):
                return None
            p_value, n_value = p_value[index], n_value[index]
        if not isinstance(p_value, ast.AST) or not isinstance(n_value, ast.AST):
            return None
        pattern, node = p_value, n_value
    return node
