# Breakout entries with bracket orders (backtrader): stop below, limit above the entry.
import backtrader as bt


class BracketBreakout(bt.Strategy):
    params = (("period", 20),)

    def __init__(self):
        self.highest = bt.ind.Highest(self.data.high, period=self.p.period)

    def next(self):
        close = self.data.close[0]
        if not self.position and close > self.highest[-1]:
            self.buy_bracket(
                price=close,
                stopprice=close * 0.948,
                limitprice=close * 1.127,
            )
