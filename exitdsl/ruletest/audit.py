"""``exitdsl verify``: run every rule at every site of a corpus, verify each result, and
count per rule what matched, what was rewritten and verified, and what was rejected why.

Nothing is written. Each rule runs alone (so one rule's sites cannot hide another's),
with ``--verify full``, once per seed, and twice per seed to check determinism.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine
from ..errors import StrategyError
from ..compiler.ruleset import RuleSet
from ..results import Rejection
from .runs import Run, run_twice


@dataclass
class RuleReport:
    rule: str
    sites: int = 0
    rewrites: int = 0
    verified: int = 0
    skipped: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, Rejection]] = field(default_factory=list)

    def record(self, path: str, run: Run) -> None:
        result = run.result
        rejections = list(result.rejections)
        if not run.deterministic:
            first = result.changes[0] if result.changes else None
            rejections.append(Rejection(self.rule, first.line if first else 1,
                                        first.col if first else 1, "determinism",
                                        "two runs with the same seed differ"))
        self.sites += result.sites
        self.skipped += len(result.skips)
        self.rewrites += len(result.changes) + len(result.rejections)
        self.verified += len(result.changes) if run.deterministic else 0
        for rejection in rejections:
            self.rejected[rejection.check] += 1
            if len(self.examples) < 3:
                self.examples.append((path, rejection))

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "sites": self.sites, "rewrites": self.rewrites,
                "verified": self.verified, "skipped": self.skipped,
                "rejected": dict(sorted(self.rejected.items())),
                "examples": [{"file": path, "line": r.line, "col": r.col, "check": r.check,
                              "detail": r.detail} for path, r in self.examples]}


@dataclass
class AuditReport:
    rules: dict[str, RuleReport]
    files: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(sum(r.rejected.values()) for r in self.rules.values())


def audit(rules: RuleSet, sources: Iterable[tuple[str, str]], seeds: int = 1) -> AuditReport:
    """Verify every rule of ``rules`` on every ``(path, text)`` source, for seeds 0..N-1."""
    engines = [(rule.id, [Engine(rules.select([rule.id]), seed=s, verify="full")
                          for s in range(seeds)]) for rule in rules.rules]
    report = AuditReport({rule.id: RuleReport(rule.id) for rule in rules.rules})
    for path, text in sources:
        report.files += 1
        for rule_id, per_seed in engines:
            entry = report.rules[rule_id]
            for engine in per_seed:
                try:
                    entry.record(path, run_twice(engine, text, path))
                except StrategyError as exc:
                    report.errors.append(exc.one_line())
                    break
    report.errors = sorted(set(report.errors))
    return report


def format_table(report: AuditReport) -> str:
    header = ("rule", "sites", "rewrites", "verified", "rejected", "skipped")
    rows = [(r.rule, r.sites, r.rewrites, r.verified, sum(r.rejected.values()), r.skipped)
            for r in report.rules.values()]
    totals = ("total", *(sum(int(row[i]) for row in rows) for i in range(1, 6)))
    width = max([len(header[0]), *(len(str(row[0])) for row in rows), 5])
    lines = [f"{header[0]:<{width}}  " + "  ".join(f"{h:>8}" for h in header[1:])]
    for row in [*rows, totals]:
        lines.append(f"{row[0]:<{width}}  " + "  ".join(f"{v:>8}" for v in row[1:]))
    for entry in report.rules.values():
        for check, count in sorted(entry.rejected.items()):
            lines.append(f"  {entry.rule}: {count} rejected by {check}")
        for path, rejection in entry.examples:
            lines.append(f"    {path}:{rejection.line}:{rejection.col}: ({rejection.check}) "
                         f"{rejection.detail}")
    lines.append(f"{report.files} file(s), {report.rejected} rejection(s), "
                 f"{len(report.errors)} unreadable file(s)")
    return "\n".join(lines)
