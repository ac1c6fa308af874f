"""Momentum with a percentage trailing stop and a profit target (backtesting.py)."""
from backtesting import Strategy
from backtesting.lib import TrailingStrategy


def momentum(close, n=20):
    return close / close.shift(n) - 1


class PctTrail(TrailingStrategy):
    def init(self):
        super().init()
        self.set_trailing_pct(0.05)
        self.mom = self.I(momentum, self.data.df.Close)

    def next(self):
        super().next()
        entry = self.data.Close[-1]
        if self.mom[-1] > 0.1 and not self.position:
            self.buy(tp=entry * 1.25)
