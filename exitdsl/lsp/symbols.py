"""Names in a parsed rule file and where they stand: declarations of bounds, choices and
maps (in the file and its includes), their uses, and each rule's captures."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import Span
from ..language import ir
from .text import Place, place_at, place_of

_CAPTURE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Declaration:
    name: str
    kind: str  # bound, choices or map
    path: Path
    span: Span
    node: ir.Bound | ir.Choices | ir.MapTable


@dataclass(frozen=True)
class Occurrence:
    """One ``$name`` of a rule; ``binds`` when it stands in a match or context pattern."""

    name: str
    place: Place
    binds: bool


def declarations(files: Mapping[Path, ir.RuleFile]) -> list[Declaration]:
    found = []
    for path, rule_file in files.items():
        for kind, nodes in (("bound", rule_file.bounds), ("choices", rule_file.choices),
                            ("map", rule_file.maps)):
            found += [Declaration(n.name, kind, path, n.span, n) for n in nodes]
    return found


def walk(node: object) -> Iterator[object]:
    """Every IR node under ``node`` (actions are dataclasses of their own modules)."""
    yield node
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, (Span, type)):
        for item in dataclasses.fields(node):
            yield from walk(getattr(node, item.name))


def uses_of(rule_file: ir.RuleFile, name: str) -> list[Span]:
    """Where the rules and invariants of ``rule_file`` name the domain ``name``."""
    spans = []
    for node in walk((rule_file.rules, rule_file.invariants)):
        if isinstance(node, ir.Ref) and node.name == name:
            spans.append(node.span)
        elif isinstance(node, ir.InDomain) and node.domain == name:
            spans.append(node.span)
    return spans


def item_at(rule_file: ir.RuleFile, line: int) -> ir.Rule | ir.Invariant | ir.RuleTest | None:
    """The rule, invariant or test whose text holds 0-based ``line``: from its header to
    the next top-level item."""
    starts = sorted({span.line - 1 for span in _item_spans(rule_file)})
    items: list[ir.Rule | ir.Invariant | ir.RuleTest] = [
        *rule_file.rules, *rule_file.invariants, *rule_file.tests]
    for item in items:
        first = item.span.line - 1
        later = [s for s in starts if s > first]
        if first <= line < (later[0] if later else 1 << 30):
            return item
    return None


def captures(rule: ir.Rule | ir.Invariant, text: str) -> list[Occurrence]:
    """Every ``$name`` of a rule or invariant (``$_`` and ``$0`` left out), in text order."""
    binding = [*rule.matches, *(c.pattern for c in getattr(rule, "contexts", ()))]
    found: list[Occurrence] = []
    for node in walk(rule):
        if isinstance(node, ir.PatternText):
            found += _in_pattern(node, text, any(node is b for b in binding))
        elif isinstance(node, ir.Capture) and node.name not in ("_", "0"):
            found.append(Occurrence(node.name, place_of(node.span, text.split("\n")), False))
    unique = {(o.place.line, o.place.start): o for o in found}
    return [unique[k] for k in sorted(unique)]


def _in_pattern(pattern: ir.PatternText, text: str, binds: bool) -> list[Occurrence]:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:pattern.span.line - 1]) + pattern.span.col - 1
    return [Occurrence(m[1], place_at(start + m.start(), len(m[0]), text), binds)
            for m in _CAPTURE.finditer(pattern.text) if m[1] != "_"]


def _item_spans(rule_file: ir.RuleFile) -> list[Span]:
    """Where each top-level item of ``rule_file`` starts."""
    groups: tuple[tuple[ir.Use | ir.Bound | ir.Choices | ir.MapTable | ir.Rule | ir.RuleTest
                        | ir.AllowNames | ir.BaseFamily | ir.Invariant, ...], ...] = (
        rule_file.uses, rule_file.bounds, rule_file.choices, rule_file.maps, rule_file.rules,
        rule_file.tests, rule_file.allowed, rule_file.bases, rule_file.invariants)
    return [item.span for group in groups for item in group]


def summary(declaration: Declaration) -> str:
    """``bound long_sl = [0.8, 0.995]``: the declaration with its values (a bound's range)."""
    node = declaration.node
    if isinstance(node, ir.Bound):
        values = f"[{_number(node.low)}, {_number(node.high)}]"
    elif isinstance(node, ir.Choices):
        values = "[" + ", ".join(_number(v) for v in node.values) + "]"
    else:
        values = "{" + ", ".join(f"{old}: {new}" for old, new in node.entries) + "}"
    return f"{declaration.kind} {declaration.name} = {values}"


def note(declaration: Declaration) -> str:
    """The comment on the declaration's line: where its values come from (docs/rules/*.md
    shows the same)."""
    line = declaration.span.source_line
    return line.split("#", 1)[1].strip() if "#" in line else ""


def _number(expr: ir.Expr) -> str:
    return f"{expr.value:g}" if isinstance(expr, ir.Num) else "?"
