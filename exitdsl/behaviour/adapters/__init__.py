"""Child side: one module per runnable framework, each with ``prepare()`` (imports and
data, before the guard goes up) and ``run(source)`` (the strategy's trades as JSON-ready
data). ``execute`` is the one place strategy code is executed."""

from __future__ import annotations

import builtins
from typing import Any

STRATEGY_MODULE = "__strategy__"  # not "__main__": a script's main block does not run


class AdapterError(Exception):
    """The strategy cannot be run as this framework's adapter expects."""


def execute(source: str) -> dict[str, Any]:
    """Run the strategy module's top level; its namespace."""
    namespace: dict[str, Any] = {"__name__": STRATEGY_MODULE, "__builtins__": builtins}
    exec(compile(source, "<strategy>", "exec"), namespace)
    return namespace


def result(events: list[tuple[int, str, int, float]], trades: int,
           return_pct: float) -> dict[str, Any]:
    return {"ok": True, "events": events, "trades": trades, "return_pct": float(return_pct)}
