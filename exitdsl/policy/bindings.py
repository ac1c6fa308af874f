"""The ``bindings`` check: a rewrite must not leave a name used but bound by nothing.

Renaming the binding of a name (``use_sell_signal = True``) without its uses, or a use
without its binding, passes every other check and fails at run time with a NameError. So
a rewritten file may not use, unbound, a name that the original file had bound (or did not
use unbound). Checked on the whole new file, after all its sites are rewritten, so that two
renames cannot each rely on the binding the other removes. The check is per file, not per
scope: it catches half-done renames, it does not prove scoping.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__"}


def bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names the code binds: assignment and loop targets, definitions, imports, parameters,
    ``as`` names, ``global``/``nonlocal``."""
    found: set[str] = set()
    for root in nodes:
        for node in ast.walk(root):
            _bind(node, found)
    return found


def _bind(node: ast.AST, found: set[str]) -> None:
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            found.add(node.id)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        found.add(node.name)
    elif isinstance(node, ast.arg):
        found.add(node.arg)
    elif isinstance(node, ast.alias):
        found.add((node.asname or node.name).split(".")[0])
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        found.update(node.names)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        found.add(node.name)
    elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        found.add(node.name)


def unbound(module: ast.Module) -> set[str]:
    """Names ``module`` reads but binds nowhere and Python does not provide (one walk)."""
    loads: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.add(node.id)
        elif isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return set()  # `from x import *` may bind anything
        else:
            _bind(node, bound)
    return loads - bound - _BUILTINS
