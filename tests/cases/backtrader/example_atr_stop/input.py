"""ATR-sized stop with a trailing close order (backtrader)."""
import backtrader as bt


class AtrStop(bt.Strategy):
    def __init__(self):
        self.atr = bt.ind.ATR(period=14)
        self.rsi = bt.ind.RSI(period=14)

    def next(self):
        if not self.position and self.rsi < 30:
            self.buy()
        elif self.position and self.rsi > 70:
            self.close(exectype=bt.Order.StopTrail, trailpercent=0.02)
        # A computed stop: not a literal, left alone by the rules.
        self.stop = self.data.close[0] - 2 * self.atr[0]
