"""Compare what a parent and a child did: the verdicts of ``exitdsl behave``.

A run is a list of trade events. Walking the bars in order, a bar where parent and child
held the same position (per series: both flat, or both long, ...) is one where the same
entry logic must decide the same: an entry that one takes there and the other does not
means the mutation reached the entry logic, a rule defect (``entries changed``), wherever
that bar falls. Otherwise, a difference is the mutation working (``effective``): an exit
that moved, and the entries that follow from a position closed earlier or later.
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
class Curve:
    """Equity by bar (1 at the start) and each bar's date: for dates in messages and the
    report's chart, never for a verdict."""

    dates: tuple[str, ...]
    equity: tuple[float, ...]

    def date(self, bar: int | None) -> str | None:
        return self.dates[bar] if bar is not None and 0 <= bar < len(self.dates) else None


@dataclass(frozen=True)
class Run:
    """What one strategy did on the bundled data."""

    events: tuple[Event, ...]
    trades: int
    return_pct: float
    # CPU seconds the run took, as the child reports it: for the benchmark only (which keeps
    # the larger of it and what rusage saw), never for a verdict.
    cpu_s: float = field(default=0.0, compare=False)
    curve: Curve | None = field(default=None, compare=False, repr=False)


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
    run: Run | None = field(default=None, compare=False, repr=False)  # the child's, for reports

    @property
    def divergence_date(self) -> str | None:
        return self.run.curve.date(self.first_divergence) \
            if self.run is not None and self.run.curve is not None else None

    @property
    def summary(self) -> str:
        if self.verdict == FAILED:
            return f"{FAILED}: {self.error}"
        if self.verdict == NO_EFFECT:
            return f"{NO_EFFECT} (same {self.trades[0]} trades)"
        when = self.divergence_date or f"bar {self.first_divergence}"
        return (f"{self.verdict} (trades {self.trades[0]} -> {self.trades[1]}, exits changed "
                f"{self.exits_changed}, return {self.return_delta:+.2f} pp, first at "
                f"{when})")

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
    exits = Counter(e for e in parent.events if e.kind == "exit")
    exits.subtract(e for e in offspring.events if e.kind == "exit")
    changed = sum(abs(n) for n in exits.values())
    delta = round(offspring.return_pct - parent.return_pct, 6)
    entry_bar = _entry_decided_differently(parent.events, offspring.events)
    if entry_bar is not None:
        return Verdict(child, ENTRIES_CHANGED, trades, changed, delta, entry_bar)
    return Verdict(child, EFFECTIVE, trades, changed, delta,
                   _first_divergence(parent.events, offspring.events))


def failed(child: str, error: str) -> Verdict:
    return Verdict(child, FAILED, error=error)


def _entry_decided_differently(a: tuple[Event, ...], b: tuple[Event, ...]) -> int | None:
    """The first bar where both runs held the same position and their entries differ."""
    by_bar: dict[int, tuple[list[Event], list[Event]]] = {}
    for run, events in enumerate((a, b)):
        for e in events:
            by_bar.setdefault(e.bar, ([], []))[run].append(e)
    held: tuple[Counter[int], Counter[int]] = (Counter(), Counter())  # series -> net side
    for bar in sorted(by_bar):
        here = by_bar[bar]
        if _open(held[0]) == _open(held[1]) and Counter(e for e in here[0] if e.kind == "entry") != \
                Counter(e for e in here[1] if e.kind == "entry"):
            return bar
        for run in (0, 1):
            for e in here[run]:
                held[run][e.series] += e.side if e.kind == "entry" else -e.side
    return None


def _open(held: Counter[int]) -> dict[int, int]:
    """The series with a position (a short one is negative, which ``+counter`` would drop)."""
    return {series: side for series, side in held.items() if side}


def _first_divergence(a: tuple[Event, ...], b: tuple[Event, ...]) -> int:
    left, right = Counter(a), Counter(b)
    left.subtract(right)
    return min(e.bar for e, n in left.items() if n)
