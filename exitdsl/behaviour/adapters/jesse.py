"""Child side: jesse strategies, run by jesse's own engine through its in-memory research
backtest (``jesse.research.backtest``): no database, no redis, no candle import.

jesse simulates on one-minute candles and builds the route's timeframe from them. The
bundled walk gives one candle per hour (2,000 of them); each hour is laid out as 60
one-minute candles that go open -> the nearer extreme -> the other extreme -> close, so
jesse's hourly candles are exactly the walk's, and a stop or target inside an hour is
reached in that order. The route: BTC-USDT on Binance Perpetual Futures, 1h, 10,000 USDT,
fee 0.1%, leverage 1 (cross); every Strategy class of the file is its own route and run,
and its own series.
"""

from __future__ import annotations

from typing import Any

from . import result, strategy_classes

EXCHANGE = "Binance Perpetual Futures"
SYMBOL = "BTC-USDT"
TIMEFRAME = "1h"
BALANCE = 10_000
FEE = 0.001
HOUR_MS = 3_600_000
START_MS = 1_704_067_200_000  # 2024-01-01 00:00 UTC

_state: dict[str, Any] = {}


def prepare() -> None:
    import jesse.indicators  # noqa: F401
    import jesse.utils  # noqa: F401
    from jesse.research import backtest  # noqa: F401
    from jesse.strategies import Strategy  # noqa: F401

    _state["candles"] = minute_candles()


def minute_candles() -> Any:
    """The walk's hourly candles as jesse's one-minute rows: timestamp (ms), open, close,
    high, low, volume."""
    import numpy as np

    from ..data import synthetic_candles

    hours = synthetic_candles(3600)
    rows = []
    minutes = np.arange(60)
    for number, bar in enumerate(hours.itertuples()):
        up = bar.close >= bar.open  # a rising hour dips first, a falling one rallies first
        first, second = (bar.low, bar.high) if up else (bar.high, bar.low)
        path = np.interp(minutes, [0, 20, 40, 59], [bar.open, first, second, bar.close])
        opens = np.r_[bar.open, path[:-1]]
        stamps = START_MS + number * HOUR_MS + minutes * 60_000
        rows.append(np.column_stack([stamps, opens, path, np.maximum(opens, path),
                                     np.minimum(opens, path),
                                     np.full(60, bar.volume / 60)]))
    return np.vstack(rows)


def run(source: str) -> dict[str, Any]:
    from jesse.strategies import Strategy

    classes = strategy_classes(source, Strategy, "jesse Strategy")
    events: list[tuple[int, str, int, float, int]] = []
    trades, profit = 0, 0.0
    for series, strategy_class in enumerate(classes):
        for trade in _backtest(strategy_class):
            side = 1 if trade["type"] == "long" else -1
            events.append((_bar(trade["opened_at"]), "entry", side,
                           float(trade["entry_price"]), series))
            events.append((_bar(trade["closed_at"]), "exit", side,
                           float(trade["exit_price"]), series))
            trades += 1
            profit += float(trade["PNL"])
    return result(events, trades, 100 * profit / BALANCE)  # type: ignore[arg-type]


def _backtest(strategy_class: Any) -> list[dict[str, Any]]:
    from jesse.research import backtest

    config = {"starting_balance": BALANCE, "fee": FEE, "type": "futures",
              "futures_leverage": 1, "futures_leverage_mode": "cross",
              "exchange": EXCHANGE, "warm_up_candles": 0}
    routes = [{"exchange": EXCHANGE, "strategy": strategy_class, "symbol": SYMBOL,
               "timeframe": TIMEFRAME}]
    candles = {f"{EXCHANGE}-{SYMBOL}": {"exchange": EXCHANGE, "symbol": SYMBOL,
                                         "candles": _state["candles"]}}
    answer = backtest(config, routes, [], candles)
    trades: list[dict[str, Any]] = answer.get("trades") or []
    return trades


def _bar(stamp: float) -> int:
    """The hourly bar a fill's time (ms) falls in."""
    return int((int(stamp) - START_MS) // HOUR_MS)
