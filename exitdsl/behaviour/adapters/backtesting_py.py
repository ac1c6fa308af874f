"""Child side: backtesting.py strategies, run on the GOOG daily data backtesting.py ships."""

from __future__ import annotations

import math
from typing import Any

from . import result, strategy_classes

CASH = 100_000
COMMISSION = 0.002


def prepare() -> None:
    import backtesting.test  # noqa: F401  (loads GOOG before the guard is up)
    import pandas  # noqa: F401


def run(source: str) -> dict[str, Any]:
    from backtesting import Backtest, Strategy
    from backtesting.test import GOOG

    classes = strategy_classes(source, Strategy, "backtesting.Strategy")
    stats = Backtest(GOOG, classes[-1], cash=CASH, commission=COMMISSION,
                     finalize_trades=True).run()
    trades = stats["_trades"]
    events = []
    for row in trades.itertuples():
        side = 1 if row.Size > 0 else -1
        events.append((int(row.EntryBar), "entry", side, float(row.EntryPrice)))
        events.append((int(row.ExitBar), "exit", side, float(row.ExitPrice)))
    value = float(stats["Return [%]"])
    return result(events, len(trades), 0.0 if math.isnan(value) else value,
                  stats["_equity_curve"]["Equity"])
