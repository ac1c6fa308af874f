"""The backtrader adapter end to end: backtrader's own Cerebro, in the sandbox, on the
bundled synthetic daily data."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitdsl.behaviour.sandbox import Limits

from .behaviour_helpers import edit, judge

pytest.importorskip("backtrader", reason="the optional backtrader extra (exitdsl[backtrader])")

EXAMPLES = Path(__file__).parent.parent / "examples/strategies/backtrader"

CROSS = '''\
"""SMA crossover, long only, with a protective stop order (backtrader)."""
import backtrader as bt


class SmaCrossStop(bt.Strategy):
    params = (("fast", 10), ("slow", 30), ("stop_pct", 0.05))
    plot_name = "SMA cross with stop"  # a label for plots; nothing reads it here

    def __init__(self):
        fast = bt.ind.SMA(period=self.p.fast)
        slow = bt.ind.SMA(period=self.p.slow)
        self.crossover = bt.ind.CrossOver(fast, slow)
        self.stop_order = None

    def notify_order(self, order):
        if order.status != order.Completed:
            return
        if order.isbuy():
            stop = order.executed.price * (1 - self.p.stop_pct)
            self.stop_order = self.sell(exectype=bt.Order.Stop, price=stop)

    def next(self):
        if not self.position:
            if self.crossover > 0:
                self.buy()
        elif self.crossover < 0:
            self.close(oco=self.stop_order)  # whichever fills first cancels the other
'''


LIMITS = Limits(timeout=60)

def test_backtrader_verdicts_from_cerebro() -> None:
    tighter = edit(CROSS, '("stop_pct", 0.05)', '("stop_pct", 0.03)')
    faster = edit(CROSS, '("fast", 10)', '("fast", 5)')
    unread = edit(CROSS, '"SMA cross with stop"', '"SMA crossover"')
    verdicts = judge(CROSS, tighter, faster, unread, limits=LIMITS)
    assert [(v.verdict, v.trades) for v in verdicts] == [
        ("effective", (14, 14)), ("entries changed", (14, 17)), ("no effect", (14, 14))]


def test_bracket_orders_and_trailing_stops_run() -> None:
    bracket = (EXAMPLES / "bracket_orders.py").read_text(encoding="utf-8")
    wider = edit(bracket, "stopprice=close * 0.95", "stopprice=close * 0.93")
    verdict, = judge(bracket, wider, limits=LIMITS)
    assert (verdict.verdict, verdict.trades[0]) == ("effective", 18)
    trailing = edit(CROSS, "self.sell(exectype=bt.Order.Stop, price=stop)",
                    "self.sell(exectype=bt.Order.StopTrail, trailpercent=0.05)")
    looser = edit(trailing, "trailpercent=0.05", "trailpercent=0.08")
    verdict, = judge(trailing, looser, limits=LIMITS)
    assert verdict.verdict == "effective"


def test_a_strategy_that_shadows_a_backtrader_hook_fails_with_the_reason() -> None:
    # atr_stop.py assigns self.stop, which is backtrader's end-of-run hook: Cerebro then
    # calls a float. The run fails as it would outside exitdsl.
    source = (EXAMPLES / "atr_stop.py").read_text(encoding="utf-8")
    verdict, = judge(CROSS, source, limits=LIMITS)
    assert verdict.error == "TypeError: 'float' object is not callable"
