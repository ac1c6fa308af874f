"""Which class attributes a method reads where it can run: ``self.NAME`` / ``cls.NAME``
loads, except under a switch the class turns off.

A switch is a class attribute tested as ``self.FLAG`` or ``self.FLAG.value`` in an
``if`` test or an ``and`` / ``&`` chain (NostalgiaForInfinity's
``if self.sell_condition_1_enable and (rsi > self.sell_rsi_bb_1)``, a DataFrame condition
``(self.cond_1_enable.value) & (df['rsi'] > self.rsi_1.value)``); it is off when the class
(or its parameter dicts, which win) sets it to ``False``. What such a test or chain reads
never runs, so it is not counted."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from ..vocabulary.operators import BY_TOKEN

PARAMETER_DICTS = ("buy_params", "sell_params", "entry_params", "exit_params")
# `self.NAME` / `cls.NAME` not followed by a plain `=` (a store), in a method's text.
# ``and`` and ``&``: the chains a switch guards (the vocabulary owns the operator classes).
_AND, _BIT_AND = BY_TOKEN["and"].ast_type, BY_TOKEN["&"].ast_type
_TEXT_READ = re.compile(r"\b(?:self|cls)\s*\.\s*([A-Za-z_]\w*)\b(?!\s*=(?!=))")
_BOOLEAN_PARAMETERS = {"CategoricalParameter", "BooleanParameter"}


def switched_off(bodies: Iterable[list[ast.stmt]]) -> frozenset[str]:
    """The flags set to False by class bodies, base first (a later body wins)."""
    values: dict[str, bool] = {}
    for body in bodies:
        dicts: dict[str, bool] = {}
        for stmt in body:
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
                continue
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                if target.id in PARAMETER_DICTS and isinstance(stmt.value, ast.Dict):
                    dicts.update(_dict_flags(stmt.value))
                else:
                    flag = _flag_value(stmt.value)
                    if flag is not None:
                        values[target.id] = flag
        values.update(dicts)  # freqtrade loads the parameter dicts over the defaults
    return frozenset(name for name, value in values.items() if value is False)


def reads(method: ast.FunctionDef | ast.AsyncFunctionDef, off: frozenset[str]) -> frozenset[str]:
    """The attributes ``method`` loads from ``self``/``cls`` outside switched-off code
    (a method it calls, ``self.helper(...)``, is among them: the caller follows it)."""
    found: set[str] = set()
    stack: list[ast.AST] = list(reversed(method.body))
    while stack:
        node = stack.pop()
        if off and isinstance(node, ast.If) and _has_off_switch(node.test, off):
            stack.extend(reversed(node.orelse))
            continue
        if off and _is_chain(node):
            # A whole chain at once: its parts, not its inner links, go on (flattening
            # each link again would cost the square of the chain's length).
            parts = list(_conjuncts(node))  # type: ignore[arg-type]
            if not any(_switch(part) in off for part in parts):
                stack.extend(reversed(parts))
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) \
                and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            found.add(node.attr)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return frozenset(found)


def text_reads(text: str) -> frozenset[str]:
    """The attributes a method's text loads from self/cls, read off the text: the same as
    :func:`reads` where no switch is off, but for a name only a comment or a string
    mentions (which can only add a site, never hide one)."""
    return frozenset(_TEXT_READ.findall(text))


def _is_chain(node: ast.AST) -> bool:
    return (isinstance(node, ast.BoolOp) and isinstance(node.op, _AND)) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, _BIT_AND))


def _has_off_switch(test: ast.expr, off: frozenset[str]) -> bool:
    return any(_switch(part) in off for part in _conjuncts(test))


def _conjuncts(node: ast.expr) -> Iterator[ast.expr]:
    """The parts of an ``and`` or ``&`` chain, left to right (the node itself otherwise);
    iterative: a DataFrame condition may chain hundreds of ``&``."""
    stack = [node]
    while stack:
        part = stack.pop()
        if isinstance(part, ast.BoolOp) and isinstance(part.op, _AND):
            stack.extend(reversed(part.values))
        elif isinstance(part, ast.BinOp) and isinstance(part.op, _BIT_AND):
            stack += [part.right, part.left]
        else:
            yield part


def _switch(node: ast.expr) -> str | None:
    """FLAG of ``self.FLAG`` or ``self.FLAG.value``."""
    if isinstance(node, ast.Attribute) and node.attr == "value" \
            and isinstance(node.value, ast.Attribute):
        node = node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id in ("self", "cls"):
        return node.attr
    return None


def _flag_value(value: ast.expr) -> bool | None:
    """``False`` / ``True``, or a boolean hyperopt parameter's ``default=``."""
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        return value.value
    if isinstance(value, ast.Call):
        callee = value.func.attr if isinstance(value.func, ast.Attribute) else \
            value.func.id if isinstance(value.func, ast.Name) else ""
        if callee in _BOOLEAN_PARAMETERS:
            for keyword in value.keywords:
                if keyword.arg == "default" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, bool):
                    return keyword.value.value
    return None


def _dict_flags(table: ast.Dict) -> Iterator[tuple[str, bool]]:
    for key, value in zip(table.keys, table.values):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                and isinstance(value, ast.Constant) and isinstance(value.value, bool):
            yield key.value, value.value
