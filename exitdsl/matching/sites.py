"""Find the sites where compiled rules match a module's ``ast``.

One traversal serves every rule (Fixit-style). Statements whose lines hold none of
the rules' anchor words are skipped without being looked into, so the cost of a
file is CPython's ``ast.parse`` plus work proportional to the candidate code.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..language.compiled import CompiledRule
from ..language.patterns import WHOLE, Pattern
from .contexts import Contexts
from .facts import FileFacts
from .gates import Gates
from .captures import Captures
from .match import match, solutions
from .words import RuleWords

_SCOPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
MAX_SOLUTIONS = 1000  # ways one pattern may match one node before the rest are ignored


@dataclass(frozen=True)
class Site:
    """One match of one rule: the matched node, its captures and where it sits."""

    rule: CompiledRule
    node: ast.AST
    captures: Captures
    statement: ast.stmt  # innermost statement holding the node
    ancestors: tuple[ast.stmt, ...]  # enclosing statements, outermost first
    scope: ast.AST  # nearest enclosing class or function, or the module
    scope_path: str  # "Class.method" or "<module>"
    pattern: Pattern | None = None  # the `match` alternative that found it


def find_sites(facts: FileFacts, source: str, rules: Sequence[CompiledRule] | RuleWords,
               accepts: Callable[[Site], bool] | None = None,
               present: frozenset[str] | None = None) -> list[Site]:
    """Every site of every rule in ``module``, in document order then rule order.

    A rule's ``match`` alternatives are tried in order at each node; the first whose match
    ``accepts`` (the rule's ``where`` holds) gives the sites there. When none is accepted,
    the first alternative that matched gives them, so that the site is reported as left
    alone by its ``where``. ``present``: the words of ``rules`` known to be in ``source``."""
    words = rules if isinstance(rules, RuleWords) else RuleWords.of(rules)
    if not words.rules:
        return []
    # A rule with an alternative that names no word must see every statement; the others
    # still see only the lines holding their words.
    module = facts.module
    finder = _Finder(facts.contexts, list(words.rules), words.lines(source, present),
                     words.anchorless(), accepts)
    finder.statements(module.body, (), module, "<module>")
    order = {id(rule): i for i, rule in enumerate(words.rules)}
    return sorted(finder.found, key=lambda s: (getattr(s.node, "lineno", 0),
                                                getattr(s.node, "col_offset", 0),
                                                order[id(s.rule)]))


ByType = dict[type[ast.AST], list[tuple[CompiledRule, Pattern]]]


def _by_type(rules: Sequence[CompiledRule], words: frozenset[str] | None = None) -> ByType:
    """Node type -> the (rule, pattern) pairs whose pattern has that root, in rule order;
    with ``words``, only the patterns whose own anchor words are all among them."""
    found: ByType = {}
    for rule in rules:
        for pattern in rule.matches:
            # The pattern's own words: a site lacking a `where` word is still a site (one
            # its `where` leaves alone, and says so).
            if words is None or pattern.anchors <= words:
                found.setdefault(type(pattern.node), []).append((rule, pattern))
    return found


class _Finder:
    def __init__(self, contexts: Contexts, rules: list[CompiledRule],
                 lines: dict[int, frozenset[str]], anchorless: list[CompiledRule],
                 accepts: Callable[[Site], bool] | None) -> None:
        self.contexts = contexts
        self.line_words = lines
        self.lines = sorted(lines)
        self.accepts = accepts
        self.found: list[Site] = []
        self.rules = rules
        # Patterns are tried only where their words are: one table per set of words seen.
        self.by_words: dict[frozenset[str], ByType] = {}
        self.gates = Gates(contexts, rules)
        self.within: frozenset[int] = frozenset()  # `within` gates the ancestors satisfy
        self.holding: frozenset[int] = frozenset()  # gates known to hold in this body
        self.blocked: frozenset[int] = frozenset()
        # Off the candidate lines, only the anchorless rules are tried; when all their
        # patterns are statements, a statement's expressions need no visit there.
        self.anchorless = _by_type(anchorless)
        self.looks: dict[int, bool | None] = {}  # id(table) -> _looks(table)

    def _on_candidate_line(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:  # no position (arguments, comprehension): may hold anything
            return True
        lines = self.lines
        i = bisect.bisect_left(lines, first)
        return i < len(lines) and lines[i] <= (getattr(node, "end_lineno", None) or first)

    def _words(self, stmt: ast.stmt) -> frozenset[str] | None:
        """The anchor words on the statement's lines (None: no candidate line)."""
        start = getattr(stmt, "decorator_list", None)
        first = min([stmt.lineno] + [d.lineno for d in start or ()])
        lines = self.lines
        i = bisect.bisect_left(lines, first)
        j = bisect.bisect_right(lines, stmt.end_lineno or stmt.lineno, lo=i)
        if i == j:
            return None
        if j == i + 1:
            return self.line_words[lines[i]]
        return frozenset().union(*(self.line_words[line] for line in lines[i:j]))

    def _table(self, words: frozenset[str]) -> ByType:
        table = self.by_words.get(words)
        if table is None:
            table = self.by_words[words] = _by_type(self.rules, words)
        return table

    def statements(self, body: Sequence[ast.stmt], ancestors: tuple[ast.stmt, ...],
                   scope: ast.AST, scope_path: str) -> None:
        outer, outer_holding = self.blocked, self.holding
        if self.gates:
            self.holding = self.within | self.gates.inside(scope)
            self.blocked = self.gates.blocked(self.holding)
        for stmt in body:
            words = self._words(stmt)
            if words is not None:
                self.statement(stmt, ancestors, scope, scope_path, self._table(words))
            elif self.anchorless:
                self.statement(stmt, ancestors, scope, scope_path, self.anchorless)
        self.blocked, self.holding = outer, outer_holding

    def statement(self, stmt: ast.stmt, ancestors: tuple[ast.stmt, ...], scope: ast.AST,
                  scope_path: str, by_type: ByType) -> None:
        # A table of statement patterns alone needs no look at the statement's expressions;
        # a table whose expression patterns all name words, none off the candidate lines.
        if id(by_type) not in self.looks:
            self.looks[id(by_type)] = _looks(by_type)
        looks = self.looks[id(by_type)]
        nodes = (stmt,) if looks is None else \
            _own_nodes(stmt, self._on_candidate_line if looks else None)
        blocked = self.blocked
        for node in nodes:
            matched: set[int] = set()  # rules already matched here (by id)
            fallback: dict[int, list[Site]] = {}  # first match of a rule whose where failed
            for rule, pattern in by_type.get(type(node), ()):
                if id(rule) in matched or id(rule) in blocked \
                        or not pattern.signature.admits(node):
                    continue
                sites = [Site(rule, node, captures, stmt, ancestors, scope, scope_path, pattern)
                         for captures in self._match_here(rule, pattern, node, ancestors, scope)]
                if not sites:
                    continue
                if self.accepts is None or len(rule.matches) == 1 \
                        or any(self.accepts(site) for site in sites):
                    self.found += sites
                    matched.add(id(rule))  # alternatives are one rule: one of them per node
                    fallback.pop(id(rule), None)
                else:
                    fallback.setdefault(id(rule), sites)
            for sites in fallback.values():
                self.found += sites
        inner = (*ancestors, stmt)
        outer = self.within
        if self.gates:
            self.within = self.gates.within(outer, stmt)
        if isinstance(stmt, _SCOPES):
            path = stmt.name if scope_path == "<module>" else f"{scope_path}.{stmt.name}"
            self.statements(stmt.body, inner, stmt, path)
        else:
            for body in _child_bodies(stmt):
                self.statements(body, inner, scope, scope_path)
        self.within = outer

    def _match_here(self, rule: CompiledRule, pattern: Pattern, node: ast.AST,
                    ancestors: tuple[ast.stmt, ...], scope: ast.AST) -> list[Captures]:
        """Each distinct way ``rule`` matches at ``node`` (``{..., $k: $v, ...}``: per entry)."""
        found: list[Captures] = []
        seen: set[tuple[tuple[str, int], ...]] = set()
        for number, captures in enumerate(solutions(pattern.node, node, {})):
            if number >= MAX_SOLUTIONS:  # a pattern with many `...` on a huge call: bounded
                break
            # An identifier is made anew by each solution: its holder says which it is.
            key = tuple(sorted((k, id(getattr(v, "holder", v))) for k, v in captures.items()))
            if key in seen:
                continue
            seen.add(key)
            in_context = self.contexts.holds(rule, captures, ancestors, scope, self.holding)
            if in_context is not None and not any(
                    match(u.node, node, dict(in_context)) for u in rule.unless):
                found.append(in_context if pattern.is_statement else
                             {**in_context, WHOLE: node})
        return found


def _looks(by_type: ByType) -> bool | None:
    """How a statement's expressions are looked at with this table: not at all (None: only
    statement patterns), only those on candidate lines (True: every expression pattern names
    a word, and each of its words is an identifier, spelled whole on the node's lines), or
    every one (False)."""
    expressions = [pattern for t, pairs in by_type.items() if not issubclass(t, ast.stmt)
                   for _, pattern in pairs]
    if not expressions:
        return None
    return all(pattern.anchors and pattern.anchors_on_its_lines for pattern in expressions)


def _own_nodes(stmt: ast.stmt, keep: Callable[[ast.AST], bool] | None) -> Iterator[ast.AST]:
    """The statement itself, then its expressions (pre-order), not entering nested statements
    (nor, with ``keep``, the subtrees it refuses)."""
    yield stmt
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        children = [c for c in _children(node) if not isinstance(c, ast.stmt)
                    and (keep is None or keep(c))]
        for child in children:
            if isinstance(child, ast.expr):
                yield child
        stack.extend(reversed(children))


# Fields that hold no expression: identifiers, flags, and the operator and context nodes.
# (Not `name`: a 3.12 `type X = ...` keeps its name as an expression there.)
_NO_EXPRESSION = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "type_comment",
                            "module", "level", "conversion", "is_async"})


def _children(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.iter_child_nodes`` less the nodes that cannot hold an expression."""
    for field in node._fields:
        if field in _NO_EXPRESSION:
            continue
        value = getattr(node, field, None)
        if isinstance(value, ast.AST):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, ast.AST))


def _child_bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        body = getattr(stmt, field, None)
        if isinstance(body, list):
            yield body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body
