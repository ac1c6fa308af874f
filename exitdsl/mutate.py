"""Seeded stochastic mutation for evolutionary loops: one random, verified exit mutation.

Selection (reproducible from the seed and the parent's content):
only rules with an applicable site are candidates; a tier is drawn by tier weight
(renormalised over the tiers that have candidates), a rule by weight within its tier,
a site uniformly. A rejected or no-op rewrite is retried with another choice, up to
``max_attempts``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from .verify import CHECKS, Rejection

if TYPE_CHECKING:
    from .engine import Engine, FileResult, IndexedSite, Prepared

log = logging.getLogger("exitdsl.mutate")

REDRAWS = 3  # draws that change nothing before a site is given up for this call

Status = Literal["mutated", "no_applicable_rule", "exhausted"]


@dataclass(frozen=True)
class Mutation:
    """The outcome of one ``mutate`` call; ``status`` says whether ``code`` is a new child."""

    status: Status
    path: str
    source: str
    code: str
    seed: int  # the seed the values were drawn with: `apply --only ID --seed SEED` replays it
    attempts: int = 0
    rule: str | None = None
    tier: str | None = None
    mutation_id: str | None = None  # stable: replay with `exitdsl apply --only ID`
    line: int | None = None
    col: int | None = None
    old: str | None = None
    new: str | None = None
    rejections: tuple[Rejection, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "mutated"

    @property
    def verification(self) -> dict[str, str]:
        """Each check and its outcome for the child (a rejected attempt is in ``rejections``)."""
        passed = "passed" if self.ok else "not run"
        return {check: passed for check in CHECKS if check != "determinism"}

    @cached_property
    def diff(self) -> str:
        from .emit import unified_diff
        from .engine import FileResult

        return unified_diff(FileResult(self.path, self.source, self.code))

    def record(self) -> dict[str, Any]:
        return {"status": self.status, "rule": self.rule, "tier": self.tier,
                "id": self.mutation_id, "line": self.line, "col": self.col, "old": self.old,
                "new": self.new, "seed": self.seed, "attempts": self.attempts}


@dataclass
class Counts:
    attempts: int = 0
    successes: int = 0
    no_change: int = 0
    rejections: Counter[str] = field(default_factory=Counter)


@dataclass
class MutationStats:
    """Attempt / success / rejection counts per rule and per tier, and calls with no match."""

    rules: dict[str, Counts] = field(default_factory=dict)
    tiers: dict[str, Counts] = field(default_factory=dict)
    calls: int = 0
    no_applicable_rule: int = 0
    exhausted: int = 0

    def count(self, rule: str, tier: str, outcome: str) -> None:
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
        for mine, theirs in ((self.rules, other.rules), (self.tiers, other.tiers)):
            for key, counts in theirs.items():
                target = mine.setdefault(key, Counts())
                target.attempts += counts.attempts
                target.successes += counts.successes
                target.no_change += counts.no_change
                target.rejections.update(counts.rejections)
        self.calls += other.calls
        self.no_applicable_rule += other.no_applicable_rule
        self.exhausted += other.exhausted

    def as_dict(self) -> dict[str, Any]:
        def table(counts: dict[str, Counts]) -> dict[str, Any]:
            return {key: {"attempts": c.attempts, "successes": c.successes,
                          "no_change": c.no_change, "rejections": dict(c.rejections)}
                    for key, c in sorted(counts.items())}

        return {"calls": self.calls, "no_applicable_rule": self.no_applicable_rule,
                "exhausted": self.exhausted, "rules": table(self.rules),
                "tiers": table(self.tiers)}

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True)


def _uniforms(seed: int, content_hash: str, attempt: int) -> tuple[float, float, float]:
    """Three uniform numbers in [0, 1) for one choice: tier, rule, site. Derived from a hash,
    not from random.Random, so a seed selects the same mutation on every Python version."""
    digest = hashlib.blake2b(f"mutate\0{seed}\0{content_hash}\0{attempt}".encode(),
                             digest_size=24).digest()
    return tuple(int.from_bytes(digest[i:i + 8], "big") / 2**64  # type: ignore[return-value]
                 for i in (0, 8, 16))


def _derived_seed(seed: int, attempt: int) -> int:
    digest = hashlib.sha256(f"redraw\0{seed}\0{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _pick(items: Sequence[Any], weights: Sequence[float], u: float) -> Any:
    """The item whose share of the total weight holds ``u`` (uniform if all weights are 0)."""
    total = sum(weights)
    if total <= 0:
        return items[min(int(u * len(items)), len(items) - 1)]
    threshold, running = u * total, 0.0
    for item, weight in zip(items, weights):
        running += weight
        if threshold < running:
            return item
    return items[-1]


@dataclass(frozen=True)
class Candidates:
    """Applicable sites grouped for selection: tier -> rule id -> sites, in a stable order."""

    tiers: tuple[str, ...]
    rules: dict[str, tuple[tuple[str, float], ...]]  # tier -> (rule id, weight)
    sites: dict[str, tuple[IndexedSite, ...]]  # rule id -> sites

    @classmethod
    def of(cls, candidates: Sequence[IndexedSite]) -> Candidates:
        sites: dict[str, list[IndexedSite]] = {}
        for item in candidates:
            sites.setdefault(item.site.rule.id, []).append(item)
        rules: dict[str, list[tuple[str, float]]] = {}
        for rule_id in sorted(sites):
            rule = sites[rule_id][0].site.rule
            rules.setdefault(rule.tier, []).append((rule_id, rule.weight))
        return cls(tuple(sorted(rules)), {t: tuple(r) for t, r in rules.items()},
                   {r: tuple(s) for r, s in sites.items()})


def choose(candidates: Candidates, tier_weights: dict[str, float],
           u: tuple[float, float, float]) -> IndexedSite:
    """Tier by weight (over tiers with candidates), rule by weight within it, site uniformly."""
    tier = _pick(candidates.tiers, [tier_weights.get(t, 0.0) for t in candidates.tiers], u[0])
    rules = candidates.rules[tier]
    rule_id = _pick([r for r, _ in rules], [w for _, w in rules], u[1])
    sites = candidates.sites[rule_id]
    return sites[min(int(u[2] * len(sites)), len(sites) - 1)]


def mutate(engine: Engine, parent: Prepared, seed: int, max_attempts: int,
           stats: MutationStats) -> Mutation:
    stats.calls += 1
    candidates = engine.applicable(parent)
    if not candidates:
        stats.no_applicable_rule += 1
        log.info("no applicable rule", extra={"path": parent.path, "seed": seed})
        return Mutation("no_applicable_rule", parent.path, parent.source, parent.source, seed)
    rejections: list[Rejection] = []
    unchanged: dict[int, int] = {}
    grouped = engine.candidates(parent)
    attempt = 0
    while candidates and attempt < max_attempts:
        chosen = choose(grouped, engine.rules.tier_weights,
                        _uniforms(seed, parent.content_hash, attempt))
        # Each attempt draws values with its own seed: a draw that changed nothing can be
        # redrawn. The seed used is recorded, so `apply --only ID --seed S` replays it.
        draw_seed = seed if attempt == 0 else _derived_seed(seed, attempt)
        attempt += 1
        rule = chosen.site.rule
        result: FileResult = engine.rewrite(parent, seed=draw_seed, sites=[chosen])
        if result.changes:
            stats.count(rule.id, rule.tier, "success")
            first = result.changes[0]
            if log.isEnabledFor(logging.INFO):  # building the record costs, even unused
                log.info("mutated", extra={"path": parent.path, "rule": rule.id,
                                           "seed": draw_seed, "site": chosen.site_id,
                                           "attempt": attempt})
            return Mutation("mutated", parent.path, parent.source, result.new_source, draw_seed,
                            attempt, rule.id, rule.tier, chosen.site_id, first.line, first.col,
                            first.old, first.new, tuple(rejections))
        if result.rejections:
            stats.count(rule.id, rule.tier, result.rejections[0].check)
            rejections.extend(result.rejections)
            candidates = [c for c in candidates if c is not chosen]
            grouped = Candidates.of(candidates)
        else:
            stats.count(rule.id, rule.tier, "no_change")
            unchanged[id(chosen)] = unchanged.get(id(chosen), 0) + 1
            if unchanged[id(chosen)] >= REDRAWS:  # e.g. a value already pinned at its bound
                candidates = [c for c in candidates if c is not chosen]
                grouped = Candidates.of(candidates)
    stats.exhausted += 1
    log.info("no mutation after %d attempt(s)", attempt,
             extra={"path": parent.path, "seed": seed})
    return Mutation("exhausted", parent.path, parent.source, parent.source, seed, attempt,
                    rejections=tuple(rejections))
