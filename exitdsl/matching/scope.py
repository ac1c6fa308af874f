"""Scope queries about a site: what ``defined(NAME)`` asks."""

from __future__ import annotations

import ast

from .sites import Site


def defined_before(name: str, site: Site, module: ast.Module) -> bool:
    """Is ``name`` bound in the site's scope before the site's statement?"""
    scope = site.scope
    before = site.statement.lineno
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_parameter(name, scope):
        return True
    body = scope.body if isinstance(scope, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                            ast.AsyncFunctionDef)) else module.body
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if getattr(node, "lineno", before) >= before and isinstance(node, ast.stmt):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return True
            continue  # a nested scope's bindings are not this scope's
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _is_parameter(name: str, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    params = function.args
    every = [*params.posonlyargs, *params.args, *params.kwonlyargs,
             *([params.vararg] if params.vararg else []),
             *([params.kwarg] if params.kwarg else [])]
    return any(a.arg == name for a in every)
