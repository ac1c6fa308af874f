"""``bound`` and ``choices`` declarations: what values a rule may draw, and config overrides."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RuleError, Span
from . import ir


@dataclass(frozen=True)
class Domain:
    """A ``bound`` (closed interval) or ``choices`` (discrete, sorted) declaration."""

    name: str
    low: float
    high: float
    values: tuple[int | float, ...] = ()  # set for choices only
    table: tuple[tuple[str, str], ...] = ()  # set for maps only: (old, new) words

    @property
    def is_choices(self) -> bool:
        return bool(self.values)

    @property
    def is_map(self) -> bool:
        return bool(self.table)

    def lookup(self, word: str) -> str | None:
        return dict(self.table).get(word)

    def __contains__(self, value: float | str) -> bool:
        if self.is_map:
            return isinstance(value, str) and self.lookup(value) is not None
        if self.is_choices:
            return value in self.values
        return isinstance(value, (int, float)) and self.low <= value <= self.high


def declared_domains(rule_file: ir.RuleFile) -> dict[str, Domain]:
    """The domains one rule file declares itself (not those of its includes)."""
    domains: dict[str, Domain] = {}
    for bound in rule_file.bounds:
        low, high = _constant(bound.low), _constant(bound.high)
        if low > high:
            raise RuleError(f"bound {bound.name!r} is empty: {low} > {high}", bound.span)
        _declare(domains, Domain(bound.name, low, high), bound.span)
    for choices in rule_file.choices:
        values = tuple(sorted({_constant(v) for v in choices.values}))
        if not values:
            raise RuleError(f"choices {choices.name!r} is empty", choices.span)
        _declare(domains, Domain(choices.name, values[0], values[-1], values), choices.span)
    for table in rule_file.maps:
        if not table.entries:
            raise RuleError(f"map {table.name!r} is empty", table.span)
        _declare(domains, Domain(table.name, 0, 0, (), table.entries), table.span)
    return domains


def _constant(expr: ir.Expr) -> int | float:
    if isinstance(expr, ir.Num):
        return expr.value
    raise RuleError("expected a number literal here", getattr(expr, "span", None))


def _declare(domains: dict[str, Domain], domain: Domain, span: Span) -> None:
    if domain.name in domains:
        raise RuleError(f"{domain.name!r} is declared twice in this file", span)
    domains[domain.name] = domain
