"""Child side: one module per runnable framework, each with ``prepare()`` (imports and
data, before the guard goes up) and ``run(source)`` (the strategy's trades as JSON-ready
data). ``execute`` is the one place strategy code is executed."""

from __future__ import annotations

import builtins
import sys
import types
from typing import Any

STRATEGY_MODULE = "__strategy__"  # not "__main__": a script's main block does not run


class AdapterError(Exception):
    """The strategy cannot be run as this framework's adapter expects."""


def execute(source: str) -> dict[str, Any]:
    """Run the strategy module's top level; its namespace. The module is in ``sys.modules``
    under its name, as an imported one would be: backtrader's metaclasses (and dataclasses)
    look their class's module up there."""
    module = types.ModuleType(STRATEGY_MODULE)
    module.__dict__["__builtins__"] = builtins
    sys.modules[STRATEGY_MODULE] = module
    exec(compile(source, "<strategy>", "exec"), module.__dict__)
    return module.__dict__


def strategy_classes(source: str, base: type, what: str) -> list[type]:
    """Run the strategy module and return the subclasses of ``base`` it defines itself (not
    those it imports), in definition order; none is the strategy's failure."""
    namespace = execute(source)
    found = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, base)
             and v.__module__ == STRATEGY_MODULE]
    if not found:
        raise AdapterError(f"no {what} subclass is defined")
    return found


MAX_CURVE = 20_000  # bars of an equity curve sent back; a longer run sends none


def result(events: list[tuple[int, str, int, float]], trades: int, return_pct: float,
           curve: Any = None) -> dict[str, Any]:
    """The answer; ``curve``, a pandas Series of equity by date, draws the report's chart
    (normalised to start at 1, dates as ISO text)."""
    answer: dict[str, Any] = {"ok": True, "events": events, "trades": trades,
                              "return_pct": float(return_pct)}
    if curve is not None and 0 < len(curve) <= MAX_CURVE and float(curve.iloc[0]):
        start = float(curve.iloc[0])
        answer["curve"] = {"dates": [d.isoformat()[:10] for d in curve.index],
                           "equity": [round(float(v) / start, 6) for v in curve.to_numpy()]}
    return answer
