"""Mutation statistics: attempts, successes, no-ops and rejections per rule and per tier,
mergeable across worker processes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counts:
    attempts: int = 0
    successes: int = 0
    no_change: int = 0
    rejections: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        self.attempts += other.attempts
        self.successes += other.successes
        self.no_change += other.no_change
        self.rejections.update(other.rejections)

    def as_dict(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "successes": self.successes,
                "no_change": self.no_change, "rejections": dict(self.rejections)}


@dataclass
class MutationStats:
    """Attempt / success / rejection counts per rule and per tier, and calls with no match."""

    rules: dict[str, Counts] = field(default_factory=dict)
    tiers: dict[str, Counts] = field(default_factory=dict)
    calls: int = 0
    no_applicable_rule: int = 0
    exhausted: int = 0
    behaviour: Counter[str] = field(default_factory=Counter)  # verdicts of children judged

    def count(self, rule: str, tier: str, outcome: str) -> None:
        """One attempt: ``outcome`` is "success", "no_change" or the rejecting check."""
        for table, key in ((self.rules, rule), (self.tiers, tier)):
            counts = table.setdefault(key, Counts())
            counts.attempts += 1
            if outcome == "success":
                counts.successes += 1
            elif outcome == "no_change":
                counts.no_change += 1
            else:
                counts.rejections[outcome] += 1

    def merge(self, other: MutationStats) -> None:
        """Add ``other``'s counts (e.g. a worker's) to these."""
        for mine, theirs in ((self.rules, other.rules), (self.tiers, other.tiers)):
            for key, counts in theirs.items():
                mine.setdefault(key, Counts()).add(counts)
        self.calls += other.calls
        self.no_applicable_rule += other.no_applicable_rule
        self.exhausted += other.exhausted
        self.behaviour.update(other.behaviour)

    def as_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "no_applicable_rule": self.no_applicable_rule,
                "exhausted": self.exhausted, "behaviour": dict(sorted(self.behaviour.items())),
                "rules": {k: c.as_dict() for k, c in sorted(self.rules.items())},
                "tiers": {k: c.as_dict() for k, c in sorted(self.tiers.items())}}

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True)
