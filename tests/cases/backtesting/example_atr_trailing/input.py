# Breakout with an ATR trailing stop, using backtesting.lib.TrailingStrategy.
import pandas as pd
from backtesting import Backtest
from backtesting.lib import TrailingStrategy


def rolling_high(series, n):
    return pd.Series(series).rolling(n).max()


class Breakout(TrailingStrategy):
    lookback = 55

    def init(self):
        super().init()
        self.set_atr_periods(14)
        self.set_trailing_sl(2.5)          # 2.5 ATRs behind the best price
        self.high = self.I(rolling_high, self.data.High, self.lookback)

    def next(self):
        super().next()
        price = self.data.Close[-1]
        if not self.position and price >= self.high[-2]:
            self.buy(size=0.95, sl=price * 0.92)
