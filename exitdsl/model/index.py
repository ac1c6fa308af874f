"""The one traversal of a parsed file: every table the semantic model answers from.

Scopes and their bindings (parameters, assignments, imports, def/class, except-as,
global/nonlocal, comprehension and match targets), each class with its bases, its class
attributes and its methods' ``self.``/``cls.`` reads and writes, call sites by callee name,
the nodes of each type and each body's direct assignments. Built once per file; no later
question walks the tree again (ruff's semantic model is the inspiration).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

SCOPE_NODES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True, slots=True)
class Binding:
    """One place a name is bound: ``kind`` is parameter, assignment, import, def, class,
    except, global, nonlocal, comprehension or match; ``line`` is the line of the
    innermost statement holding it (what "bound before this statement" compares)."""

    name: str
    kind: str
    node: ast.AST
    line: int


@dataclass(slots=True)
class Scope:
    """A module, class or function body, with the bindings made directly in it (lambdas
    and comprehensions belong to the scope around them, as ``defined()`` sees it)."""

    node: ast.AST
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)  # document order

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


@dataclass(slots=True)
class AttributeUse:
    """``self.NAME`` or ``cls.NAME`` in a method of a class."""

    method: str
    node: ast.Attribute
    store: bool


@dataclass(slots=True)
class ClassInfo:
    node: ast.ClassDef
    outer: ast.AST  # the scope the class statement is in
    attributes: dict[str, list[ast.stmt]] = field(default_factory=dict)  # class-level
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    uses: dict[str, list[AttributeUse]] = field(default_factory=dict)  # attr -> self./cls.


@dataclass(slots=True)
class FileIndex:
    """The tables (filled by :func:`build`; read-only afterwards)."""

    scopes: dict[int, Scope] = field(default_factory=dict)  # id(scope node) -> Scope
    classes: list[ClassInfo] = field(default_factory=list)  # document order
    imports: list[tuple[str, str, int]] = field(default_factory=list)  # module, bound, level
    calls: dict[str, list[ast.Call]] = field(default_factory=dict)  # f / x.f -> calls
    by_type: dict[type[ast.AST], list[ast.AST]] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)  # def/class names and stored names
    star_import: bool = False


# A node to visit, with its scope, class, method (for self./cls. uses) and statement line.
_Item = tuple[ast.AST, Scope, "ClassInfo | None", "str | None", int]


def assigned_names(stmt: ast.stmt) -> Iterator[str]:
    """The plain names a statement assigns directly (``a = b = 1``, ``a: int = 1``)."""
    if isinstance(stmt, ast.Assign):
        targets: list[ast.expr] = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    else:
        return
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id


def build(module: ast.Module) -> FileIndex:
    """Every table of ``module``, in one traversal of its nodes."""
    index = FileIndex()
    top = index.scopes[id(module)] = Scope(module, None)
    _Walker(index, expressions=True).walk(module, top, None, 0)
    return index


def build_outline(module: ast.Module) -> FileIndex:
    """The tables statements alone fill (classes with their attributes and methods, imports,
    def/class/import bindings), from a walk that never enters an expression: what base
    families need, for a twentieth of the full traversal's cost."""
    index = FileIndex()
    top = index.scopes[id(module)] = Scope(module, None)
    _Walker(index, expressions=False).walk(module, top, None, 0)
    return index


_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statement_children(node: ast.AST) -> list[ast.AST]:
    return [child for name in _STATEMENT_FIELDS for child in getattr(node, name, ())
            if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))]


class _Walker:
    def __init__(self, index: FileIndex, expressions: bool) -> None:
        self.index = index
        self.by_type = index.by_type
        self.made = index.made
        self.expressions = expressions

    def walk(self, root: ast.AST, scope: Scope, cls: ClassInfo | None, line: int) -> None:
        # An explicit stack: a 10 MB file may nest deeper than Python's recursion limit.
        stack: list[_Item] = [(root, scope, cls, None, line)]
        by_type = self.by_type
        while stack:
            node, scope, cls, method, line = stack.pop()
            kind = type(node)
            by_type.setdefault(kind, []).append(node)
            if isinstance(node, ast.stmt):
                line = node.lineno
            children = self.visit(node, kind, scope, cls, method, line)
            if children is not None:
                stack.extend(reversed(children))
                continue
            inner = ast.iter_child_nodes(node) if self.expressions \
                else _statement_children(node)
            for child in reversed(list(inner)):
                stack.append((child, scope, cls, method, line))

    def visit(self, node: ast.AST, kind: type, scope: Scope, cls: ClassInfo | None,
              method: str | None, line: int) -> list[_Item] | None:
        """Record ``node``; return its children with their scope when it opens one."""
        if kind is ast.Name:
            assert isinstance(node, ast.Name)
            if isinstance(node.ctx, ast.Store):
                scope.bind(Binding(node.id, "assignment", node, line))
                self.made.add(node.id)
            elif isinstance(node.ctx, ast.Del):
                scope.bind(Binding(node.id, "delete", node, line))
        elif kind is ast.Attribute:
            assert isinstance(node, ast.Attribute)
            if cls is not None and method is not None and isinstance(node.value, ast.Name) \
                    and node.value.id in ("self", "cls"):
                cls.uses.setdefault(node.attr, []).append(
                    AttributeUse(method, node, not isinstance(node.ctx, ast.Load)))
        elif kind is ast.Call:
            assert isinstance(node, ast.Call)
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name is not None:
                self.index.calls.setdefault(name, []).append(node)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            return self.scope_node(node, scope, cls, method, line)
        elif kind in (ast.Import, ast.ImportFrom):
            self.imports(node, scope, line)
        elif kind in (ast.Global, ast.Nonlocal):
            assert isinstance(node, (ast.Global, ast.Nonlocal))
            for name in node.names:
                scope.bind(Binding(name, "global" if kind is ast.Global else "nonlocal",
                                   node, line))
        elif kind is ast.ExceptHandler:
            assert isinstance(node, ast.ExceptHandler)
            if node.name:
                scope.bind(Binding(node.name, "except", node, line))
        elif kind in (ast.MatchAs, ast.MatchStar):
            name = getattr(node, "name", None)
            if name:
                scope.bind(Binding(name, "match", node, line))
        elif kind is ast.MatchMapping:
            rest = getattr(node, "rest", None)
            if rest:
                scope.bind(Binding(rest, "match", node, line))
        return None

    def scope_node(self, node: ast.AST, scope: Scope, cls: ClassInfo | None,
                   method: str | None, line: int) -> list[_Item]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        scope.bind(Binding(node.name, "class" if isinstance(node, ast.ClassDef) else "def",
                           node, line))
        self.made.add(node.name)
        inner = self.index.scopes[id(node)] = Scope(node, scope)
        # Decorators, bases, defaults and annotations run in the enclosing scope.
        outside: list[ast.AST] = list(node.decorator_list)
        if isinstance(node, ast.ClassDef):
            outside += [*node.bases, *node.keywords]
            info = ClassInfo(node, scope.node)
            self.index.classes.append(info)
            for stmt in node.body:
                for name in assigned_names(stmt):
                    info.attributes.setdefault(name, []).append(stmt)
                if isinstance(stmt, FUNCTIONS):
                    info.methods[stmt.name] = stmt  # as Python: the last def wins
            inner_cls: ClassInfo | None = info
            inner_method: str | None = None
        else:
            args = node.args
            outside += [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
            if node.returns is not None:
                outside.append(node.returns)
            for arg in _parameters(args):
                inner.bind(Binding(arg.arg, "parameter", arg, node.lineno))
                if arg.annotation is not None:
                    outside.append(arg.annotation)
            if cls is not None and scope.node is cls.node:  # a method of the class
                inner_cls, inner_method = cls, node.name
            elif method is not None:  # a closure inside a method reads the same self
                inner_cls, inner_method = cls, method
            else:
                inner_cls, inner_method = None, None
        if not self.expressions:
            outside = []
        return [(n, scope, cls, method, line) for n in outside] + \
            [(s, inner, inner_cls, inner_method, line) for s in node.body]

    def imports(self, node: ast.AST, scope: Scope, line: int) -> None:
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names:
            if isinstance(node, ast.ImportFrom):
                if alias.name == "*":
                    self.index.star_import = True
                    continue
                bound = alias.asname or alias.name
                self.index.imports.append((node.module or "", bound, node.level))
            else:
                bound = alias.asname or alias.name.split(".")[0]
                self.index.imports.append((alias.name, bound, 0))
            scope.bind(Binding(bound, "import", alias, line))


def _parameters(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []),
            *args.kwonlyargs, *([args.kwarg] if args.kwarg else [])]
