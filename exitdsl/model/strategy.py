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
from .exits import helpers_making, self_calls, test_reads, tests_deciding
from .reads import reads, switched_off, text_reads


class StrategyModel:
    """Scopes, bindings, classes, attribute uses and calls of one parsed file."""

    def __init__(self, module: ast.Module, source: str = "") -> None:
        self.module = module
        self._source = source  # when given, text answers what it can before any tree walk
        self._lines: list[str] | None = None
        self._index: FileIndex | None = None
        self._outline: FileIndex | None = None
        self._families: dict[BaseFamily, frozenset[ClassKey]] = {}
        self._bodies: dict[int, dict[str, list[ast.stmt]]] = {}
        self._classes: dict[int, ClassInfo] | None = None  # the outline's
        self._full_classes: dict[int, ClassInfo] | None = None  # the full index's
        self._reads: dict[tuple[int, str], frozenset[str]] = {}  # (class, method) -> names
        self._own_reads: dict[tuple[int, str], frozenset[str]] = {}  # without its helpers
        self._guards: dict[tuple[int, str, str], frozenset[str]] = {}  # (class, method, call)
        self._tests_deciding: dict[str, dict[int, frozenset[int]]] = {}  # call -> if -> test
        self._method_owners: dict[int, dict[str, ast.ClassDef]] = {}
        self._helpers_making: dict[str, frozenset[str]] = {}  # call -> methods making it
        self._derived: dict[int, list[ast.ClassDef]] | None = None  # class -> subclasses
        self._tests_read: dict[tuple[int, str], frozenset[str]] = {}  # (method, call)
        self._by_name: dict[str, ast.ClassDef] | None = None  # classes of the file

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

    def read_in(self, scope: ast.AST, name: str, method: str) -> bool:
        """Is class attribute ``name`` read (``self.NAME``, ``cls.NAME``) in ``method`` of
        the class ``scope`` is, or of a class of this file it derives from, outside code a
        switch of the class turns off (model/reads.py)? Decided once per class and method."""
        if not isinstance(scope, ast.ClassDef):
            return False
        key = (id(scope), method)
        found = self._reads.get(key)
        if found is None:
            off = switched_off(c.body for c in reversed(self._lineage(scope)))
            owners = self._owners(scope)
            found = frozenset()
            # The method, and the helpers it calls through self (sell_signals(), ...): each
            # looked at once per class, whichever method reaches it.
            todo, seen = [method], {method}
            while todo:
                current = todo.pop()
                if current not in owners:
                    continue
                own = self._own_reads.get((id(scope), current))
                if own is None:
                    own = self._own_reads[(id(scope), current)] = self._method_reads(
                        owners[current], current, off)
                found |= own
                todo += [n for n in own & owners.keys() if n not in seen]
                seen.update(own & owners.keys())
            self._reads[key] = found
        return name in found

    def guards(self, scope: ast.AST, name: str, method: str, call: str) -> bool:
        """Is class attribute ``name`` read in a test that decides a call of ``call`` (itself
        or through a helper that makes it) in ``method`` or the helpers it calls through
        ``self``, in the class ``scope`` is, a class of this file it derives from, or a
        class of this file deriving from it (model/exits.py)? Once per class, method and
        call."""
        if not isinstance(scope, ast.ClassDef):
            return False
        key = (id(scope), method, call)
        found = self._guards.get(key)
        if found is None:
            helpers = self._helpers(call)
            reads: set[str] = set()
            for cls in (scope, *self._descendants(scope)):
                owners = self._owners(cls)
                todo, seen = [method], {method}
                while todo:  # the method, and the helpers it calls through self
                    current = todo.pop()
                    owner = owners.get(current)
                    info = self.class_info(owner) if owner is not None else None
                    if info is None:
                        continue
                    body = info.methods[current]
                    reads |= self._test_reads(body, call, helpers)
                    called = self_calls(body)
                    todo += [m for m in called - seen if m in owners]
                    seen |= called
            found = self._guards[key] = frozenset(reads)
        return name in found

    def _test_reads(self, body: ast.AST, call: str, helpers: frozenset[str]) -> frozenset[str]:
        """What the tests deciding ``call`` in one method read: once per method and call,
        however many classes (a base and its subclasses) ask."""
        key = (id(body), call)
        found = self._tests_read.get(key)
        if found is None:
            found = self._tests_read[key] = test_reads(body, call, helpers)
        return found

    def in_test_of(self, statement: ast.stmt, node: ast.AST, call: str) -> bool:
        """Is ``node`` in the test of ``statement``, an ``if``/``elif`` whose test decides a
        call of ``call`` (or of a method of the file that makes it)? The tests are found
        once per call, each a set of node ids."""
        tests = self._tests_deciding.get(call)
        if tests is None:
            tests = self._tests_deciding[call] = tests_deciding(
                self.nodes_of_type(ast.If), call, self._helpers(call))
        return id(node) in tests.get(id(statement), frozenset())

    def _helpers(self, call: str) -> frozenset[str]:
        found = self._helpers_making.get(call)
        if found is None:
            found = self._helpers_making[call] = helpers_making(
                [*self.nodes_of_type(ast.FunctionDef),
                 *self.nodes_of_type(ast.AsyncFunctionDef)], call)
        return found

    def _descendants(self, scope: ast.ClassDef) -> list[ast.ClassDef]:
        """The classes of this file deriving from ``scope`` (a subclass's next() may use
        the attribute its base declares). One pass over every class's bases, once."""
        if self._derived is None:
            self._derived = {}
            for info in self.outline.classes:
                for base in self._lineage(info.node)[1:]:
                    self._derived.setdefault(id(base), []).append(info.node)
        return self._derived.get(id(scope), [])

    def _owners(self, scope: ast.ClassDef) -> dict[str, ast.ClassDef]:
        """Each method the class has, by name, with the class of this file defining it (a
        subclass's method overrides its base's). Once per class."""
        owners = self._method_owners.get(id(scope))
        if owners is None:
            owners = {}
            for cls in reversed(self._lineage(scope)):
                info = self.class_info(cls)
                if info is not None:
                    owners.update((m, cls) for m in info.methods)
            self._method_owners[id(scope)] = owners
        return owners

    def _method_reads(self, owner: ast.ClassDef, method: str,
                      off: frozenset[str]) -> frozenset[str]:
        """What ``method`` of ``owner`` loads from self/cls outside switched-off code. The
        method's text answers when it names no switch that is off (a regex runs at C speed;
        the full index's attribute table would cost a whole-file traversal); otherwise its
        tree is walked, to leave out what the switch guards."""
        info = self.class_info(owner)
        if info is None:
            return frozenset()
        node = info.methods[method]
        if self._source:
            if self._lines is None:
                self._lines = self._source.splitlines()
            text = "\n".join(self._lines[node.lineno - 1:node.end_lineno or node.lineno])
            named = text_reads(text)
            if not named & off:
                return named
        return reads(node, off)

    def _lineage(self, node: ast.ClassDef) -> list[ast.ClassDef]:
        """``node`` and the classes of this file it derives from, by base name, nearest
        first (a base named twice: its last definition)."""
        if self._by_name is None:
            self._by_name = {c.node.name: c.node for c in self.outline.classes}
        by_name = self._by_name
        chain, queue, seen = [node], [node], {id(node)}
        while queue:
            for base in queue.pop(0).bases:
                found = by_name.get(base.id) if isinstance(base, ast.Name) else None
                if found is not None and id(found) not in seen:
                    seen.add(id(found))
                    chain.append(found)
                    queue.append(found)
        return chain

    def family(self, family: BaseFamily) -> frozenset[ClassKey]:
        """The classes of the file that belong to a declared base family."""
        found = self._families.get(family)
        if found is None:
            found = self._families[family] = family_members(self.outline, family)
        return found


# Binding kinds `defined(NAME)` counts (what a statement of the scope itself binds).
_DEFINING = frozenset({"assignment", "import", "def", "class"})
