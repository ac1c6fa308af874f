"""Which classes of a module belong to a declared base family (``base IStrategy includes
subclasses, classes defining [minimal_roi, stoploss]``).

Real strategies are rarely written ``class X(IStrategy)`` alone: ``class Fast(Slow)``
extends a strategy of the same file, ``class Tuned(BBRSITV)`` one imported from another
file, and mixins hold ``minimal_roi`` for several strategies. A class belongs when it names
the base (or a member of the same file) among its bases, or defines one of the family's
attributes as a class attribute (what an imported strategy's subclass does to change it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..language.ir import BaseFamily


ClassKey = tuple[str, int]  # name and line: the same for a class and a copy of it


def class_key(cls: ast.ClassDef) -> ClassKey:
    return cls.name, cls.lineno


def family_members(module: ast.Module, family: BaseFamily) -> frozenset[ClassKey]:
    """Every ``ClassDef`` of ``module`` that belongs to ``family``."""
    classes = list(class_defs(module.body))
    attributes = set(family.defining)
    members = {id(c) for c in classes if _defines(c, attributes)}
    names = {c.name for c in classes if id(c) in members}
    foreign = _foreign_names(module, family.module) if family.module else set()
    names |= {name for name in (family.name, *family.also) if name not in foreign}
    grown = True
    while grown:  # a chain of n same-file subclasses takes n rounds
        grown = False
        for cls in classes:
            if id(cls) not in members and any(_base_name(b, foreign) in names
                                              for b in cls.bases):
                members.add(id(cls))
                names.add(cls.name)
                grown = True
    return frozenset(class_key(c) for c in classes if id(c) in members)


def class_defs(body: list[ast.stmt]) -> Iterator[ast.ClassDef]:
    """Every class statement, at any depth: statements only (expressions hold no class,
    and are most of a tree's nodes)."""
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from class_defs(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from class_defs(handler.body)
        for case in getattr(stmt, "cases", ()):
            yield from class_defs(case.body)


def _defines(cls: ast.ClassDef, attributes: set[str]) -> bool:
    for stmt in cls.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in attributes for t in targets):
            return True
    return False


def _base_name(base: ast.expr, foreign: set[str]) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):  # `strategies.BBRSITV`; not `bt.Strategy` if bt is foreign
        root: ast.expr = base
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in foreign:
            return None
        return base.attr
    return None


def _foreign_names(module: ast.Module, home: str) -> set[str]:
    """Names this file imports from modules other than ``home`` (and its submodules):
    ``Strategy`` in ``from backtrader import Strategy``, ``bt`` in ``import backtrader as
    bt`` when the family is jesse's."""
    def foreign(dotted: str) -> bool:
        return dotted != home and not dotted.startswith(home + ".")

    found: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and foreign(node.module):
            found |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                      if foreign(alias.name)}
    return found
