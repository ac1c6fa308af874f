"""Seeded stochastic mutation for evolutionary loops: one random, verified exit mutation.

Selection (reproducible from the seed and the parent's content):
only rules with an applicable site are candidates; a tier is drawn by tier weight
(renormalised over the tiers that have candidates), a rule by weight within its tier,
a site uniformly. A rejected or no-op rewrite is retried with another choice, up to
``max_attempts``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..results import Mutation, Rejection
from ..planning.prepare import IndexedSite, Prepared
from ..rewriting.rewriter import Rewriter
from .stats import MutationStats

log = logging.getLogger("exitdsl.mutate")

# Attempts that change nothing at one site before it is given up for this call.
NO_CHANGE_ATTEMPTS_PER_SITE = 3


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


class Mutator:
    """Seeded mutation of prepared parents: selection, retries and statistics."""

    def __init__(self, rewriter: Rewriter, stats: MutationStats | None = None) -> None:
        self.rewriter = rewriter
        self.stats = stats if stats is not None else MutationStats()

    def candidates(self, parent: Prepared) -> Candidates:
        """The applicable sites grouped for selection, computed once per parent."""
        cache = parent.cache
        if not isinstance(cache.selection, Candidates):
            cache.selection = Candidates.of(self.rewriter.applicable(parent))
        return cache.selection

    def mutate(self, parent: Prepared, seed: int, max_attempts: int = 10) -> Mutation:
        """One random, verified mutation of ``parent``, reproducible from ``seed``."""
        stats = self.stats
        stats.calls += 1
        candidates = self.rewriter.applicable(parent)
        if not candidates:
            stats.no_applicable_rule += 1
            log.info("no applicable rule", extra={"path": parent.path, "seed": seed})
            return Mutation("no_applicable_rule", parent.path, parent.source, parent.source, seed)
        attempts = _Attempts(candidates, self.candidates(parent))
        while attempts.remaining and attempts.count < max_attempts:
            mutation = self._attempt(parent, seed, attempts)
            if mutation is not None:
                return mutation
        stats.exhausted += 1
        log.info("no mutation after %d attempt(s)", attempts.count,
                 extra={"path": parent.path, "seed": seed})
        return Mutation("exhausted", parent.path, parent.source, parent.source, seed,
                        attempts.count, rejections=tuple(attempts.rejections))

    def _attempt(self, parent: Prepared, seed: int, attempts: _Attempts) -> Mutation | None:
        chosen = choose(attempts.grouped, self.rewriter.rules.tier_weights,
                        _uniforms(seed, parent.content_hash, attempts.count))
        # Each attempt draws values with its own seed: a draw that changed nothing can be
        # redrawn. The seed used is recorded, so `apply --only ID --seed S` replays it.
        draw_seed = seed if attempts.count == 0 else _derived_seed(seed, attempts.count)
        attempts.count += 1
        rule = chosen.site.rule
        result = self.rewriter.rewrite(parent, draw_seed, sites=[chosen])
        if result.changes:
            self.stats.count(rule.id, rule.tier, "success")
            first = result.changes[0]
            if log.isEnabledFor(logging.INFO):  # building the record costs, even unused
                log.info("mutated", extra={"path": parent.path, "rule": rule.id,
                                           "seed": draw_seed, "site": chosen.site_id,
                                           "attempt": attempts.count})
            return Mutation("mutated", parent.path, parent.source, result.new_source,
                            draw_seed, attempts.count, rule.id, rule.tier, chosen.site_id,
                            first.line, first.col, first.old, first.new,
                            tuple(attempts.rejections))
        if result.rejections:
            self.stats.count(rule.id, rule.tier, result.rejections[0].check)
            attempts.rejections.extend(result.rejections)
            attempts.drop(chosen)
        else:
            self.stats.count(rule.id, rule.tier, "no_change")
            attempts.unchanged(chosen)
        return None


class _Attempts:
    """The candidates still in play during one ``mutate`` call, and what was tried."""

    __slots__ = ("remaining", "grouped", "count", "rejections", "_no_change")

    def __init__(self, candidates: list[IndexedSite], grouped: Candidates) -> None:
        self.remaining = candidates
        self.grouped = grouped
        self.count = 0
        self.rejections: list[Rejection] = []
        self._no_change: dict[int, int] = {}

    def drop(self, chosen: IndexedSite) -> None:
        self.remaining = [c for c in self.remaining if c is not chosen]
        self.grouped = Candidates.of(self.remaining)

    def unchanged(self, chosen: IndexedSite) -> None:
        count = self._no_change[id(chosen)] = self._no_change.get(id(chosen), 0) + 1
        if count >= NO_CHANGE_ATTEMPTS_PER_SITE:  # e.g. a value already pinned at its bound
            self.drop(chosen)
