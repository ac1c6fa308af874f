"""The semantic model of one strategy file: what every stage asks instead of walking the
tree again.

Built from the parsed module the first time a question needs it, in one traversal
(model/index.py); every answer after that is a lookup. It holds no pattern matching: the
matcher (matching/) sits above it and keeps its own memo beside it.
"""

from __future__ import annotations

import ast

from ..language.ir import BaseFamily
from .families import ClassKey, family_members
from .index import ClassInfo, FileIndex, assigned_names, build, build_outline


class StrategyModel:
    """Scopes, bindings, classes, attribute uses and calls of one parsed file."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self._index: FileIndex | None = None
        self._outline: FileIndex | None = None
        self._families: dict[BaseFamily, frozenset[ClassKey]] = {}
        self._bodies: dict[int, dict[str, list[ast.stmt]]] = {}
        self._classes: dict[int, ClassInfo] | None = None  # the outline's
        self._full_classes: dict[int, ClassInfo] | None = None  # the full index's

    @property
    def index(self) -> FileIndex:
        if self._index is None:
            self._index = build(self.module)
        return self._index

    @property
    def outline(self) -> FileIndex:
        """The statement-level tables alone (the full index when it is built already)."""
        if self._index is not None:
            return self._index
        if self._outline is None:
            self._outline = build_outline(self.module)
        return self._outline

    def made_here(self, name: str) -> bool:
        """Is ``name`` made by this file (a def, a class, an assignment), not only
        imported? A ``sim`` written in the file is not finlab's, whatever is imported."""
        return name in self.index.made

    def defined_before(self, name: str, scope: ast.AST, line: int) -> bool:
        """Is ``name`` bound in ``scope`` (a module, class or function) by a statement that
        starts before ``line``, or a parameter of it?"""
        table = self.index.scopes.get(id(scope))
        bindings = table.bindings.get(name, ()) if table is not None else ()
        return any(b.kind == "parameter" or (b.kind in _DEFINING and b.line < line)
                   for b in bindings)

    def nodes_of_type(self, kind: type[ast.AST]) -> list[ast.AST]:
        """Every node of the file of type ``kind``, in document order."""
        return self.index.by_type.get(kind, [])

    def body_assignments(self, node: ast.AST) -> dict[str, list[ast.stmt]]:
        """The statements of ``node``'s own body that assign a plain name, by that name."""
        key = id(node)
        found = self._bodies.get(key)
        if found is None:
            info = self.class_info(node) if isinstance(node, ast.ClassDef) else None
            if info is not None:
                found = info.attributes
            else:
                found = {}
                for stmt in getattr(node, "body", ()):
                    if isinstance(stmt, ast.stmt):
                        for name in assigned_names(stmt):
                            found.setdefault(name, []).append(stmt)
            self._bodies[key] = found
        return found

    def class_info(self, node: ast.ClassDef, uses: bool = False) -> ClassInfo | None:
        """The class table of a class statement of this file (None for a copy of one);
        with ``uses``, from the full traversal, whose tables hold ``self.``/``cls.`` uses
        (the outline's do not)."""
        if uses:
            if self._full_classes is None:
                self._full_classes = {id(c.node): c for c in self.index.classes}
            return self._full_classes.get(id(node))
        if self._classes is None:
            self._classes = {id(c.node): c for c in self.outline.classes}
        return self._classes.get(id(node))

    def family(self, family: BaseFamily) -> frozenset[ClassKey]:
        """The classes of the file that belong to a declared base family."""
        found = self._families.get(family)
        if found is None:
            found = self._families[family] = family_members(self.outline, family)
        return found


# Binding kinds `defined(NAME)` counts (what a statement of the scope itself binds).
_DEFINING = frozenset({"assignment", "import", "def", "class"})
