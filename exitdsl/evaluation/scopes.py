"""``rename ... throughout``: a variable's binding and every use of it in its scope.

The scope is the function whose parameter it is, or the function (else the module) where
the captured name is assigned. Uses are the ``ast.Name`` nodes of that name in the scope,
f-strings included, and in nested functions that read it without binding it (closures).
Refused, with the reason: a nested scope that binds the same name (the uses would not all
be this variable), and a new name already used in the scope (the rename would merge two
variables)."""

from __future__ import annotations

import ast

from ..errors import SiteSkipped
from ..matching.captures import Identifier

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def scope_of(binding: Identifier | ast.Name, site_node: ast.AST, fallback: ast.AST) -> ast.AST:
    """The function a parameter belongs to, else ``fallback`` (the site's scope)."""
    if isinstance(binding, Identifier) and isinstance(binding.holder, ast.arg):
        for node in ast.walk(site_node):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and any(
                    a is binding.holder for a in _parameters(node.args)):
                return node
        raise SiteSkipped("the function of this parameter is not part of the match")
    return fallback


def uses_in(scope: ast.AST, old: str, new: str) -> list[ast.Name]:
    """Every ``Name`` of ``old`` that is this variable, in source order."""
    found: list[ast.Name] = []
    for node in _body_nodes(scope):
        if isinstance(node, ast.Name) and node.id == new:
            raise SiteSkipped(f"{new!r} is already used in this scope")
        if isinstance(node, ast.arg) and node.arg == new:
            raise SiteSkipped(f"{new!r} is already a parameter here")
        if new in _binds(node):
            raise SiteSkipped(f"{new!r} is already bound in this scope (line "
                              f"{getattr(node, 'lineno', '?')}): the rename would merge two "
                              "variables")
        if isinstance(node, _SCOPES + _COMPREHENSIONS) and node is not scope \
                and old in _bound_in(node):
            raise SiteSkipped(f"{old!r} is bound again in a nested scope (line "
                              f"{getattr(node, 'lineno', '?')})")
        if isinstance(node, ast.Name) and node.id == old:
            found.append(node)
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def _binds(node: ast.AST) -> tuple[str, ...]:
    """The names a node binds other than by an ``ast.Name``: def/class, import, except-as,
    global/nonlocal, match captures."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.alias):
        return ((node.asname or node.name).split(".")[0],)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return tuple(node.names)
    name = getattr(node, "name", None) if isinstance(
        node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) else None
    return (name,) if isinstance(name, str) else ()


def _body_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes evaluated in ``scope`` (its own parameters' defaults and decorators are
    evaluated outside it)."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        roots: list[ast.AST] = [*scope.body, *_parameters(scope.args)]
    elif isinstance(scope, ast.Lambda):
        roots = [scope.body, *_parameters(scope.args)]
    elif isinstance(scope, (ast.Module, ast.ClassDef)):
        roots = list(scope.body)
    else:
        roots = [scope]
    return [node for root in roots for node in ast.walk(root)]


def _parameters(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []),
            *args.kwonlyargs, *([args.kwarg] if args.kwarg else [])]


def _bound_in(node: ast.AST) -> set[str]:
    """Names a nested scope binds for itself (parameters, assignments, loop targets)."""
    bound: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        bound.update(a.arg for a in _parameters(node.args))
    roots = node.generators if isinstance(node, _COMPREHENSIONS) else (
        [node.body] if isinstance(node, ast.Lambda) else getattr(node, "body", []))
    for root in roots:
        for sub in ast.walk(root):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                bound.add(sub.id)
    return bound
