"""SMA crossover with a bracket (backtesting.py)."""
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG, SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy(sl=price * 0.95, tp=price * 1.10)
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell(sl=price * 1.05, tp=price * 0.90)


if __name__ == "__main__":
    stats = Backtest(GOOG, SmaCross, cash=10_000, commission=.002).run()
    print(stats)
