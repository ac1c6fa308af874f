"""Which classes of a file belong to a declared base family (``base IStrategy includes
subclasses, classes defining [minimal_roi, stoploss]``), from the model's class table.

Real strategies are rarely written ``class X(IStrategy)`` alone: ``class Fast(Slow)``
extends a strategy of the same file, ``class Tuned(BBRSITV)`` one imported from another
file, and mixins hold ``minimal_roi`` for several strategies. A class belongs when it names
the base (or a member of the same file) among its bases, or defines one of the family's
attributes as a class attribute (what an imported strategy's subclass does to change it).
"""

from __future__ import annotations

import ast

from ..language.ir import BaseFamily
from .index import ClassInfo, FileIndex

ClassKey = tuple[str, int]  # name and line: the same for a class and a copy of it


def class_key(cls: ast.ClassDef) -> ClassKey:
    return cls.name, cls.lineno


def family_members(index: FileIndex, family: BaseFamily) -> frozenset[ClassKey]:
    """Every class of the file that belongs to ``family``."""
    classes = index.classes
    members = {id(c) for c in classes if _defines(c, family.defining)}
    names = {c.node.name for c in classes if id(c) in members}
    foreign = _foreign_names(index, family.module) if family.module else set()
    names |= {name for name in (family.name, *family.also) if name not in foreign}
    grown = True
    while grown:  # a chain of n same-file subclasses takes n rounds
        grown = False
        for cls in classes:
            if id(cls) not in members and any(_base_name(b, foreign) in names
                                              for b in cls.node.bases):
                members.add(id(cls))
                names.add(cls.node.name)
                grown = True
    return frozenset(class_key(c.node) for c in classes if id(c) in members)


def _defines(cls: ClassInfo, attributes: tuple[str, ...]) -> bool:
    return any(name in cls.attributes and any(not isinstance(s, ast.AugAssign)
                                              for s in cls.attributes[name])
               for name in attributes)


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


def _foreign_names(index: FileIndex, home: str) -> set[str]:
    """Names this file imports from modules other than ``home`` (and its submodules):
    ``Strategy`` in ``from backtrader import Strategy``, ``bt`` in ``import backtrader as
    bt`` when the family is jesse's."""
    def foreign(dotted: str) -> bool:
        return dotted != home and not dotted.startswith(home + ".")

    return {bound for module, bound, level in index.imports
            if level == 0 and module and foreign(module)}
