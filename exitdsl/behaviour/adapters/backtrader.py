"""Child side: backtrader strategies, run by backtrader's own ``Cerebro`` on the bundled
synthetic daily data (a ``bt.feeds.PandasData``), with the broker fixed: 100,000 cash,
commission 0.1%, 100 units an order unless the strategy sizes its own. Every ``bt.Strategy``
class of the file gets a Cerebro of its own, and is its own series.

The fills come from an analyzer attached to each run, which sees every completed order:
an order that opens or adds to a position is an entry, one that reduces or closes it an
exit, and one that reverses it both (the exit first).
"""

from __future__ import annotations

from typing import Any

from . import result, strategy_classes

CASH = 100_000.0
COMMISSION = 0.001
STAKE = 100

_state: dict[str, Any] = {}


def prepare() -> None:
    import backtrader  # noqa: F401
    import pandas  # noqa: F401

    from ..data import synthetic_ohlc

    frame = synthetic_ohlc()
    _state["frame"] = frame
    _state["bars"] = {stamp.date(): number for number, stamp in enumerate(frame.index)}


def run(source: str) -> dict[str, Any]:
    import backtrader as bt

    classes = strategy_classes(source, bt.Strategy, "backtrader Strategy")
    events: list[tuple[int, str, int, float, int]] = []
    trades, profit = 0, 0.0
    for series, strategy_class in enumerate(classes):
        fills, closed, value = _cerebro(strategy_class)
        events += [(*fill, series) for fill in fills]
        trades += closed
        profit += value - CASH
    return result(events, trades, 100 * profit / CASH)  # type: ignore[arg-type]


def _cerebro(strategy_class: Any) -> tuple[list[tuple[int, str, int, float]], int, float]:
    """The fills of one strategy class, its trades (closed or left open) and the broker's
    final value."""
    import backtrader as bt

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=_state["frame"]))
    cerebro.addstrategy(strategy_class)
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=COMMISSION)
    cerebro.addsizer(bt.sizers.FixedSize, stake=STAKE)
    cerebro.addanalyzer(_fills_analyzer(bt), _name="exitdsl_fills")
    strategy, = cerebro.run()
    analysis = strategy.analyzers.exitdsl_fills.get_analysis()
    return analysis["fills"], analysis["trades"], float(cerebro.broker.getvalue())


def _fills_analyzer(bt: Any) -> Any:
    bars = _state["bars"]

    class Fills(bt.Analyzer):  # type: ignore[misc]
        def start(self) -> None:
            self.fills: list[tuple[int, str, int, float]] = []
            self.held: dict[int, float] = {}
            self.opened = 0

        def notify_order(self, order: Any) -> None:
            if order.status != order.Completed or not order.executed.size:
                return
            bar = bars[bt.num2date(order.executed.dt).date()]
            price = float(order.executed.price)
            before = self.held.get(id(order.data), 0.0)
            after = before + order.executed.size
            self.held[id(order.data)] = after
            if before and (after == 0 or (after > 0) != (before > 0) or abs(after) < abs(before)):
                self.fills.append((bar, "exit", 1 if before > 0 else -1, price))
            if after and (before == 0 or (after > 0) != (before > 0) or abs(after) > abs(before)):
                self.fills.append((bar, "entry", 1 if after > 0 else -1, price))
                if before == 0 or (after > 0) != (before > 0):
                    self.opened += 1

        def get_analysis(self) -> dict[str, Any]:
            return {"fills": self.fills, "trades": self.opened}

    return Fills
