"""Patterns that can match a node in one way only, compiled once into plain functions.

Most patterns (``stoploss = $v``, ``sim(..., stop_loss=$v)``, ``$n = $v``) have at most one
solution at a node, yet the general matcher (match.py) enumerates even those through one
generator per level of the tree. Such a pattern is compiled here, once, into nested
functions that return the one solution or None; the general matcher uses it whenever it
exists. A pattern that may match in several ways (``{..., $k: $v, ...}``, two ``...`` in
one list, a ``$k=$v`` keyword, ``def f(self, ...)``) is not compiled: the general
matcher's solutions, in its order, stay the reference for it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Sequence

from ..language.patterns import capture_name, word_capture
from .captures import (Captures, Identifier, bound, compared_fields, is_any_body,
                       is_dict_rest, is_rest)

# node (or field value, list, dict entry) and the captures so far -> the solution or None
Step = Callable[[object, Captures], Captures | None]

_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


@functools.lru_cache(maxsize=8192)  # keyed by the pattern node itself (identity)
def straight(pattern: ast.AST) -> Step | None:
    """``pattern`` as one function, or None when it may match a node in several ways."""
    return _compile(pattern)


def _compile(pattern: ast.AST) -> Step | None:
    if isinstance(pattern, ast.Name) and (name := capture_name(pattern.id)) is not None:
        return _capture(name)
    if isinstance(pattern, ast.Constant):
        if pattern.value is Ellipsis:  # `...` as an expression: any one expression
            return _any_expression
        return _constant(pattern)
    if isinstance(pattern, ast.Call):
        return _call(pattern)
    if isinstance(pattern, ast.Dict):
        return _dict(pattern)
    if isinstance(pattern, ast.arguments):
        return None  # `...` among parameters: several splits
    skip = frozenset({"body"}) if isinstance(pattern, _DEFINITIONS) \
        and is_any_body(pattern.body) else frozenset()
    return _fields(pattern, skip)


def _any_expression(node: object, captures: Captures) -> Captures | None:
    return captures if isinstance(node, ast.expr) else None


def _capture(name: str) -> Step:
    def capture(node: object, captures: Captures) -> Captures | None:
        return bound(name, node, captures) if isinstance(node, ast.expr) else None
    return capture


def _constant(pattern: ast.Constant) -> Step:
    word = word_capture(pattern.value)
    if word is not None:  # `"$name"`: the string's text is the capture
        def text(node: object, captures: Captures) -> Captures | None:
            if type(node) is not ast.Constant or not isinstance(node.value, str):
                return None
            return bound(word, Identifier(node.value, node, "value"), captures)
        return text
    value, kind = pattern.value, type(pattern.value)

    def constant(node: object, captures: Captures) -> Captures | None:
        return captures if type(node) is ast.Constant and type(node.value) is kind \
            and node.value == value else None
    return constant


def _fields(pattern: ast.AST, skip: frozenset[str]) -> Step | None:
    steps = []
    for field in compared_fields(pattern, skip):
        step = _field(field, getattr(pattern, field, None))
        if step is None:
            return None
        steps.append(step)
    kind = type(pattern)

    def node_(node: object, captures: Captures) -> Captures | None:
        if type(node) is not kind:
            return None
        for step in steps:
            after = step(node, captures)
            if after is None:
                return None
            captures = after
        return captures
    return node_


def _field(field: str, wanted: object) -> Step | None:
    """A step reading ``field`` of the node."""
    if isinstance(wanted, str) and (name := capture_name(wanted)) is not None:
        def identifier(node: object, captures: Captures) -> Captures | None:
            value = getattr(node, field, None)
            if not isinstance(value, str):
                return None
            assert isinstance(node, ast.AST)
            return bound(name, Identifier(value, node, field), captures)
        return identifier
    step = _value(wanted)
    if step is None:
        return None
    value_step = step
    return lambda node, captures: value_step(getattr(node, field, None), captures)


def _value(wanted: object) -> Step | None:
    """A field's value (or a list's item): a subpattern, a list, a capture, or a literal."""
    if isinstance(wanted, ast.AST):
        inner = _compile(wanted)
        if inner is None:
            return None
        sub = inner
        return lambda value, captures: sub(value, captures) \
            if isinstance(value, ast.AST) else None
    if isinstance(wanted, list):
        return _list(wanted, is_rest, _value)
    if isinstance(wanted, str) and (name := capture_name(wanted)) is not None:
        return lambda value, captures: bound(name, value, captures) \
            if isinstance(value, str) else None
    return lambda value, captures: captures if wanted == value else None


def _list(patterns: Sequence[object], rest: Callable[[object], bool],
          item: Callable[[object], Step | None]) -> Step | None:
    """A list with at most one run of ``...``: the items before it match the list's first
    items, the items after it its last (any number between). (``f(..., k=$v)`` has two
    ``...`` side by side: they split the items in many ways, all the same solution.)"""
    rests = [i for i, p in enumerate(patterns) if rest(p)]
    if rests and rests[-1] - rests[0] != len(rests) - 1:
        return None
    maybe = [item(p) for p in patterns if not rest(p)]
    steps = [s for s in maybe if s is not None]
    if len(steps) < len(maybe):
        return None
    cut = rests[0] if rests else len(steps)  # the items before the run
    head, tail = steps[:cut], steps[cut:]
    exact = not rests

    def items(values: object, captures: Captures) -> Captures | None:
        if not isinstance(values, list):
            return None
        n = len(values)
        if n < len(steps) or (exact and n != len(steps)):
            return None
        for step, value in [*zip(head, values), *zip(tail, values[n - len(tail):])]:
            after = step(value, captures)
            if after is None:
                return None
            captures = after
        return captures
    return items


def _call(pattern: ast.Call) -> Step | None:
    """Keywords named literally match one argument each (a call cannot repeat a keyword);
    ``$k=...`` and ``**...`` in a pattern may match several."""
    func = _compile(pattern.func)
    args = _list(pattern.args, is_rest, _value)
    keywords: list[tuple[str, Step]] = []
    for keyword in pattern.keywords:
        value = _compile(keyword.value)
        if keyword.arg is None or capture_name(keyword.arg) is not None or value is None:
            return None
        keywords.append((keyword.arg, value))
    if func is None or args is None:
        return None
    open_ended = any(is_rest(arg) for arg in pattern.args)
    count = len(keywords)

    def call(node: object, captures: Captures) -> Captures | None:
        if type(node) is not ast.Call or (not open_ended and len(node.keywords) != count):
            return None
        found = func(node.func, captures)
        if found is not None:
            found = args(node.args, found)
        for name, value in keywords:
            if found is None:
                return None
            given = next((k for k in node.keywords if k.arg == name), None)
            found = None if given is None else value(given.value, found)
        return found
    return call


def _dict(pattern: ast.Dict) -> Step | None:
    entries = _list(list(zip(pattern.keys, pattern.values)),
                    is_dict_rest, _entry)  # type: ignore[arg-type]
    if entries is None:
        return None
    matched = entries

    def dict_(node: object, captures: Captures) -> Captures | None:
        if type(node) is not ast.Dict:
            return None
        return matched(list(zip(node.keys, node.values)), captures)
    return dict_


def _entry(entry: tuple[ast.expr | None, ast.expr]) -> Step | None:
    """A dict entry; ``**other`` entries match only each other."""
    key, value = entry
    value_step = _compile(value)
    key_step = None if key is None else _compile(key)
    if value_step is None or (key is not None and key_step is None):
        return None
    matched_value = value_step

    def entry_(found: object, captures: Captures) -> Captures | None:
        assert isinstance(found, tuple)
        found_key, found_value = found
        if (key is None) != (found_key is None):
            return None
        if key_step is not None:
            after_key = key_step(found_key, captures)
            if after_key is None:
                return None
            captures = after_key
        return matched_value(found_value, captures)
    return entry_
