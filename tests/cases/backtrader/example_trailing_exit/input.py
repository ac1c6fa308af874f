"""SMA trend with a StopTrail exit order (backtrader)."""
import backtrader as bt


class TrendTrail(bt.Strategy):
    params = dict(fast=20, slow=50)

    def __init__(self):
        self.crossover = bt.ind.CrossOver(bt.ind.SMA(period=self.p.fast),
                                          bt.ind.SMA(period=self.p.slow))
        self.order = None

    def next(self):
        if self.order:
            return
        if not self.position and self.crossover > 0:
            self.buy()
            self.order = self.sell(exectype=bt.Order.StopTrail, trailpercent=0.05)


cerebro = bt.Cerebro()
cerebro.addstrategy(TrendTrail)
