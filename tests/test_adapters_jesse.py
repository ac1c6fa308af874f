"""The jesse adapter end to end: jesse's own engine (its in-memory research backtest) in
the sandbox, on one-minute candles laid out from the bundled walk.

jesse pins numpy 1.26, pandas 2.2 and pytest 6.2, so it cannot share the dev environment:
these tests skip there, and run in an environment made with ``pip install -e '.[jesse]'``
(``.venv-jesse/bin/python -m pytest tests/test_adapters_jesse.py``).
"""

from __future__ import annotations

import pytest

from exitdsl.behaviour.sandbox import Limits

from .behaviour_helpers import edit, judge

pytest.importorskip("jesse", reason="the optional jesse extra (exitdsl[jesse]), which cannot "
                    "share the dev environment")

LIMITS = Limits(timeout=120, cpu_seconds=120)

PULLBACK = '''\
"""EMA trend with RSI pullback entries, a fixed stop and target (jesse)."""
import jesse.indicators as ta
from jesse import utils
from jesse.strategies import Strategy


class EmaRsiPullback(Strategy):
    risk_note = "10% of the balance per trade"  # shown in reports; nothing reads it

    def hyperparameters(self):
        return [
            {'name': 'rsi_entry', 'type': int, 'min': 20, 'max': 50, 'default': 45},
            {'name': 'stop_pct', 'type': float, 'min': 0.01, 'max': 0.1, 'default': 0.06},
            {'name': 'target_pct', 'type': float, 'min': 0.02, 'max': 0.2, 'default': 0.08},
        ]

    def should_long(self) -> bool:
        return (ta.ema(self.candles, 12) > ta.ema(self.candles, 48)
                and ta.rsi(self.candles, 14) < self.hp['rsi_entry'])

    def should_short(self) -> bool:
        return False

    def go_long(self):
        qty = utils.size_to_qty(self.balance * 0.1, self.price, fee_rate=self.fee_rate)
        self.buy = qty, self.price
        self.stop_loss = qty, self.price * (1 - self.hp['stop_pct'])
        self.take_profit = qty, self.price * (1 + self.hp['target_pct'])

    def go_short(self):
        pass

    def update_position(self):
        if ta.rsi(self.candles, 14) > 75:
            self.liquidate()

    def should_cancel_entry(self) -> bool:
        return True
'''




def test_jesse_verdicts_from_its_own_engine() -> None:
    tighter = edit(PULLBACK, "'default': 0.06}", "'default': 0.04}")
    looser_entry = edit(PULLBACK, "'default': 45}", "'default': 50}")
    unread = edit(PULLBACK, '"10% of the balance per trade"', '"a tenth of the balance"')
    verdicts = judge(PULLBACK, tighter, looser_entry, unread, limits=LIMITS)
    assert [(v.verdict, v.trades) for v in verdicts] == [
        ("effective", (19, 20)), ("entries changed", (19, 24)), ("no effect", (19, 19))]


def test_a_file_without_a_strategy_class_fails_with_the_reason() -> None:
    verdict, = judge(PULLBACK, "import jesse\n", limits=LIMITS)
    assert verdict.error == "AdapterError: no jesse Strategy subclass is defined"
