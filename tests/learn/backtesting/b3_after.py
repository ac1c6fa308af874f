"""Slow trend follower with a wide stop.

Daily bars; the exit logic is written out as named boolean signals so that evolution can
edit one exit at a time (backtesting.py).
"""
import numpy as np
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import GOOG


def sma(values, n):
    """Simple moving average of a price array."""
    return pd.Series(values).rolling(n).mean().to_numpy()


def atr(high, low, close, n=14):
    """Average true range, Wilder's smoothing left out for clarity."""
    high, low, close = pd.Series(high), pd.Series(low), pd.Series(close)
    previous = close.shift(1)
    ranges = pd.concat([high - low, (high - previous).abs(), (low - previous).abs()], axis=1)
    return ranges.max(axis=1).rolling(n).mean().to_numpy()


def rsi(close, n=14):
    """Relative strength index."""
    delta = pd.Series(close).diff()
    gain = delta.clip(lower=0).rolling(n).mean()
    loss = (-delta.clip(upper=0)).rolling(n).mean()
    return (100 - 100 / (1 + gain / loss)).to_numpy()


def describe(stats):
    """The lines of the research log for one run."""
    keys = ["Return [%]", "Max. Drawdown [%]", "# Trades", "Win Rate [%]", "SQN"]
    return "\n".join(f"{key:>20}: {stats[key]}" for key in keys)


def resample_weekly(data):
    """Weekly bars from daily ones, for a slower variant."""
    rules = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Volume": "sum"}
    return data.resample("W-FRI").agg(rules).dropna()


class SlowTrend(Strategy):
    fast = 20
    slow = 100
    atr_period = 14
    stop_mult = 3.0
    max_bars = 60

    def init(self):
        close = self.data.Close
        self.ma_fast = self.I(sma, close, self.fast)
        self.ma_slow = self.I(sma, close, self.slow)
        self.atr = self.I(atr, self.data.High, self.data.Low, close, self.atr_period)
        self.rsi = self.I(rsi, close)
        self.entry_bar = None
        self.stop_level = None

    def enter(self):
        price = self.data.Close[-1]
        self.stop_level = price - self.stop_mult * self.atr[-1]
        self.entry_bar = len(self.data)
        self.buy()

    def next(self):
        price = self.data.Close[-1]
        if not self.position:
            oversold = self.rsi[-1] < 20
            if crossover(self.ma_fast, self.ma_slow) or oversold:
                self.enter()
            return
        held = len(self.data) - self.entry_bar
        atr_exit = self.data.Close[-1] - 0.5 * self.atr[-1] <= self.stop_level
        time_exit = held >= self.max_bars
        trend_exit = self.ma_fast[-1] < self.ma_slow[-1]
        if atr_exit or time_exit or trend_exit:
            self.position.close()
            self.stop_level = None


def run(data=GOOG, cash=10_000, commission=0.002):
    """Backtest the strategy and return its statistics."""
    bt = Backtest(data, SlowTrend, cash=cash, commission=commission, exclusive_orders=True)
    return bt.run()


def sweep(data=GOOG):
    """A small grid over the stop multiple (never run by the evolution loop)."""
    bt = Backtest(data, SlowTrend, cash=10_000, commission=0.002)
    return bt.optimize(stop_mult=list(np.arange(1.0, 4.0, 0.5)), maximize="Equity Final [$]")


def walk_forward(data=GOOG, folds=4):
    """Statistics of each of ``folds`` consecutive slices of the data."""
    size = len(data) // folds
    results = []
    for fold in range(folds):
        chunk = data.iloc[fold * size:(fold + 1) * size]
        if len(chunk) < 100:
            continue
        results.append(run(chunk))
    return results


if __name__ == "__main__":
    stats = run()
    print(describe(stats))
    for fold, result in enumerate(walk_forward()):
        print(fold, result["Return [%]"])
    print(stats["_trades"].tail())
