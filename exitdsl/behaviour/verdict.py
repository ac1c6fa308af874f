"""Compare what a parent and a child did: the verdicts of ``exitdsl behave``.

A run is a list of trade events. Up to the first bar where the two lists differ, parent
and child were in the same state; so the kind of event that differs there says what the
mutation changed. An exit that differs first is the mutation working (later entries may
then differ too: a position closed earlier frees the next entry). An entry that differs
first, with the same exits at that bar, means the rule reached the entry logic: a defect.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

EFFECTIVE = "effective"
NO_EFFECT = "no effect"
ENTRIES_CHANGED = "entries changed"
FAILED = "failed"
VERDICTS = (EFFECTIVE, NO_EFFECT, ENTRIES_CHANGED, FAILED)

Kind = Literal["entry", "exit"]


@dataclass(frozen=True, order=True)
class Event:
    """One fill: the bar it happened on, entry or exit, the side (+1 long, -1 short), the
    price, rounded so that float noise is not a difference, and which of the strategy's
    series it belongs to (a vectorbt portfolio of many columns has one per column)."""

    bar: int
    kind: Kind
    side: int
    price: float
    series: int = 0


@dataclass(frozen=True)
class Run:
    """What one strategy did on the bundled data."""

    events: tuple[Event, ...]
    trades: int
    return_pct: float
    # CPU seconds the run took, as the child reports it (inside the sandbox's pid namespace
    # the parent's rusage never sees it): for the benchmark only, never for a verdict.
    cpu_s: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Verdict:
    """One child's verdict, with the figures behind it."""

    child: str
    verdict: str
    trades: tuple[int, int] = (0, 0)  # parent, child
    exits_changed: int = 0
    return_delta: float = 0.0  # child's return minus parent's, in percentage points
    first_divergence: int | None = None  # bar index
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.verdict == FAILED:
            return f"{FAILED}: {self.error}"
        if self.verdict == NO_EFFECT:
            return f"{NO_EFFECT} (same {self.trades[0]} trades)"
        return (f"{self.verdict} (trades {self.trades[0]} -> {self.trades[1]}, exits changed "
                f"{self.exits_changed}, return {self.return_delta:+.2f} pp, first at bar "
                f"{self.first_divergence})")

    def as_json(self) -> dict[str, object]:
        return {"child": self.child, "verdict": self.verdict, "trades": list(self.trades),
                "exits_changed": self.exits_changed, "return_delta": self.return_delta,
                "first_divergence": self.first_divergence, "error": self.error}


def event(bar: int, kind: Kind, side: int, price: float, series: int = 0) -> Event:
    return Event(int(bar), kind, 1 if side > 0 else -1, round(float(price), 6), int(series))


def compare(child: str, parent: Run, offspring: Run) -> Verdict:
    """The verdict of ``offspring`` against ``parent``."""
    trades = (parent.trades, offspring.trades)
    if parent.events == offspring.events:
        return Verdict(child, NO_EFFECT, trades)
    bar = _first_divergence(parent.events, offspring.events)
    exits = Counter(e for e in parent.events if e.kind == "exit")
    exits.subtract(e for e in offspring.events if e.kind == "exit")
    changed = sum(abs(n) for n in exits.values())
    at_bar = {e for e in parent.events if e.bar == bar} ^ {e for e in offspring.events
                                                          if e.bar == bar}
    verdict = EFFECTIVE if any(e.kind == "exit" for e in at_bar) else ENTRIES_CHANGED
    delta = round(offspring.return_pct - parent.return_pct, 6)
    return Verdict(child, verdict, trades, changed, delta, bar)


def failed(child: str, error: str) -> Verdict:
    return Verdict(child, FAILED, error=error)


def _first_divergence(a: tuple[Event, ...], b: tuple[Event, ...]) -> int:
    left, right = Counter(a), Counter(b)
    left.subtract(right)
    return min(e.bar for e, n in left.items() if n)
