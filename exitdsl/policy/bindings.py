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
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
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
    return found


def unbound(module: ast.Module) -> set[str]:
    """Names ``module`` reads but binds nowhere and Python does not provide."""
    loads = {node.id for node in ast.walk(module)
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    if any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
           for n in ast.walk(module)):
        return set()  # `from x import *` may bind anything
    return loads - bound_names([module]) - _BUILTINS


def newly_unbound(old: ast.Module, new: ast.Module) -> set[str]:
    """Names the rewrite left used but unbound (that were not so before)."""
    return unbound(new) - unbound(old)
