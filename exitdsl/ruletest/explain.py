"""``exitdsl explain``: what each pattern of one rule matched in one file, and why each
match was rewritten, left alone, refused, or was no site at all.

An authoring aid, not a hot path: it matches each ``match`` pattern at every node of its
type (no anchor index, no contexts), then compares with the sites the engine found and with
what a run of the rule alone did.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..compiler.ruleset import RuleSet
from ..engine import Engine
from ..language.compiled import CompiledRule
from ..language.patterns import Pattern
from ..matching.match import match, solutions
from ..results import FileResult

_SHOWN = 70  # characters of matched code or a captured value shown


@dataclass(frozen=True)
class Explained:
    """One match of one pattern, and what became of it."""

    pattern: str
    line: int
    col: int
    code: str  # the matched code, first line, shortened
    captures: dict[str, str]
    outcome: str  # "rewritten", "left alone", "refused" or "not a site"
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"pattern": self.pattern, "line": self.line, "col": self.col,
                "code": self.code, "captures": self.captures, "outcome": self.outcome,
                "detail": self.detail}


def explain(rules: RuleSet, rule: CompiledRule, source: str, path: str,
            line: int | None = None, seed: int = 0) -> list[Explained]:
    """Every match of ``rule``'s patterns in ``source`` (on ``line`` only, when given)."""
    engine = Engine(RuleSet((rule,), rules.tests, rules.files, rules.config), seed=seed)
    prepared = engine.prepare(source, path)
    result = engine.rewrite(prepared)
    module = prepared.module if prepared.module is not None else ast.parse(source)
    sites = {id(item.site.node) for item in prepared.sites}
    found = []
    for pattern in rule.matches:
        for node, captures in _matches(pattern, module):
            start = getattr(node, "lineno", 0)
            if line is not None and not start <= line <= (getattr(node, "end_lineno", start)):
                continue
            outcome, detail = _outcome(rule, node, captures, id(node) in sites, result)
            found.append(Explained(pattern.text, start, getattr(node, "col_offset", 0) + 1,
                                   _short(_code(node, source)), _shown(captures), outcome,
                                   detail))
    return sorted(found, key=lambda e: (e.line, e.col))


def _matches(pattern: Pattern, module: ast.Module) -> Iterator[tuple[ast.AST, dict[str, object]]]:
    kind = type(pattern.node)
    for node in ast.walk(module):
        if type(node) is kind:
            for captures in solutions(pattern.node, node, {}):
                yield node, dict(captures)
                break  # the first way it matches: enough to explain the node


def _outcome(rule: CompiledRule, node: ast.AST, captures: dict[str, object], is_site: bool,
             result: FileResult) -> tuple[str, str]:
    if not is_site:
        for unless in rule.unless:
            if match(unless.node, node, {}):
                return "not a site", f"unless `{unless.text}` matches here"
        wanted = " and ".join(f"{'not ' if c.negated else ''}{c.kind} `{c.pattern.text}`"
                              for c in rule.contexts)
        return "not a site", (f"the rule wants it {wanted}" if wanted else
                              "another match alternative or an overlapping match took it")
    first, last = _lines(node)
    for change in result.changes:
        if first <= change.line <= last and _inside(node, change.line, change.col):
            return "rewritten", f"{change.old} -> {change.new}"
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1)
    for skip in result.skips:
        if (skip.line, skip.col) == start:
            return "left alone", skip.reason.removeprefix("left alone: ")
    for rejection in result.rejections:
        if first <= rejection.line <= last:
            return "refused", f"{rejection.check}: {rejection.detail}"
    return "left alone", "the rewrite gives the same code"


def _lines(node: ast.AST) -> tuple[int, int]:
    first = getattr(node, "lineno", 0)
    return first, getattr(node, "end_lineno", None) or first


def _inside(node: ast.AST, line: int, col: int) -> bool:
    """Is 1-based (line, col) within ``node``? (Columns are characters on both sides.)"""
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1)
    end = (getattr(node, "end_lineno", 0) or start[0], getattr(node, "end_col_offset", 0) or 0)
    return start <= (line, col) <= (end[0], end[1] + 1)


def _code(node: ast.AST, source: str) -> str:
    return ast.get_source_segment(source, node) or ast.unparse(node)


def _short(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    shortened = first if len(first) <= _SHOWN else first[:_SHOWN] + "..."
    return shortened + (" ..." if "\n" in text and shortened == first else "")


def _shown(captures: dict[str, object]) -> dict[str, str]:
    shown = {}
    for name, value in sorted(captures.items()):
        if name.startswith("$") or not name.isidentifier():
            continue  # the engine's own bookkeeping entries
        text = value if isinstance(value, str) else ast.unparse(value) \
            if isinstance(value, ast.AST) else str(value)
        shown[f"${name}"] = _short(text)
    return shown
