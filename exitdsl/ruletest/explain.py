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
from ..planning.prepare import parse_strategy
from ..results import Change, FileResult, Rejection
from ..text.lines import LineIndex

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
    # A file without the rule's words is not parsed by the engine: parse it here, located.
    module = prepared.module if prepared.module is not None else parse_strategy(source, path)
    lines = prepared.lines or LineIndex(source)
    sites = {id(item.site.node) for item in prepared.sites}
    outcomes = _Outcomes(result)
    found = []
    for pattern in rule.matches:
        for node, captures in _matches(pattern, module):
            start = getattr(node, "lineno", 0)
            if line is not None and not start <= line <= (getattr(node, "end_lineno", start)):
                continue
            # Columns in characters, as every other message gives them (ast counts bytes).
            at = lines.position(node)
            outcome, detail = _outcome(rule, node, captures, id(node) in sites, outcomes, at,
                                       lines)
            found.append(Explained(pattern.text, at[0], at[1], _short(_code(node, source)),
                                   _shown(captures), outcome, detail))
    return sorted(found, key=lambda e: (e.line, e.col))


class _Outcomes:
    """A run's changes, skips and rejections by line: each match looks up its own lines
    (not every record: that was quadratic on a file of thousands of sites)."""

    def __init__(self, result: FileResult) -> None:
        self.changes: dict[int, list[Change]] = {}
        self.skips: dict[tuple[int, int], str] = {}
        self.rejections: dict[int, list[Rejection]] = {}
        for change in result.changes:
            self.changes.setdefault(change.line, []).append(change)
        for skip in result.skips:
            self.skips.setdefault((skip.line, skip.col), skip.reason)
        for rejection in result.rejections:
            self.rejections.setdefault(rejection.line, []).append(rejection)


def _matches(pattern: Pattern, module: ast.Module) -> Iterator[tuple[ast.AST, dict[str, object]]]:
    kind = type(pattern.node)
    for node in ast.walk(module):
        if type(node) is kind:
            for captures in solutions(pattern.node, node, {}):
                yield node, dict(captures)
                break  # the first way it matches: enough to explain the node


def _outcome(rule: CompiledRule, node: ast.AST, captures: dict[str, object], is_site: bool,
             outcomes: _Outcomes, at: tuple[int, int], lines: LineIndex) -> tuple[str, str]:
    if not is_site:
        for unless in rule.unless:
            if match(unless.node, node, {}):
                return "not a site", f"unless `{unless.text}` matches here"
        wanted = " and ".join(f"{'not ' if c.negated else ''}{c.kind} `{c.pattern.text}`"
                              for c in rule.contexts)
        return "not a site", (f"the rule wants it {wanted}" if wanted else
                              "another match alternative or an overlapping match took it")
    first, last = _lines(node)
    start, end = lines.span(node)
    for number in range(first, last + 1):
        for change in outcomes.changes.get(number, ()):
            offset = lines.starts[change.line - 1] + change.col - 1
            if start <= offset <= end:
                return "rewritten", f"{change.old} -> {change.new}"
    reason = outcomes.skips.get(at)
    if reason is not None:
        return "left alone", reason.removeprefix("left alone: ")
    for number in range(first, last + 1):
        for rejection in outcomes.rejections.get(number, ()):
            return "refused", f"{rejection.check}: {rejection.detail}"
    return "left alone", "the rewrite gives the same code"


def _lines(node: ast.AST) -> tuple[int, int]:
    first = getattr(node, "lineno", 0)
    return first, getattr(node, "end_lineno", None) or first


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
