"""EMA trend follower with ATR stops and targets, long and short (jesse)."""
import jesse.indicators as ta
from jesse import utils
from jesse.strategies import Strategy, cached


class TrendATR(Strategy):
    def hyperparameters(self):
        return [
            {'name': 'ema_fast', 'type': int, 'min': 5, 'max': 30, 'default': 21},
            {'name': 'ema_slow', 'type': int, 'min': 40, 'max': 200, 'default': 89},
            {'name': 'stop_atr', 'type': float, 'min': 1.0, 'max': 4.0, 'default': 2.5},
            {'name': 'tp_atr', 'type': float, 'min': 2.0, 'max': 8.0, 'default': 4.0},
        ]

    @property
    @cached
    def atr(self):
        return ta.atr(self.candles, period=14)

    def should_long(self) -> bool:
        return ta.ema(self.candles, self.hp['ema_fast']) > ta.ema(self.candles, self.hp['ema_slow'])

    def should_short(self) -> bool:
        return ta.ema(self.candles, self.hp['ema_fast']) < ta.ema(self.candles, self.hp['ema_slow'])

    def go_long(self):
        entry = self.price
        stop = entry - self.atr * self.hp['stop_atr']
        qty = utils.risk_to_qty(self.available_margin, 3, entry, stop, fee_rate=self.fee_rate)
        self.buy = qty, entry
        self.stop_loss = qty, stop
        self.take_profit = qty, entry + self.atr * self.hp['tp_atr']

    def go_short(self):
        entry = self.price
        stop = entry + self.atr * self.hp['stop_atr']
        qty = utils.risk_to_qty(self.available_margin, 3, entry, stop, fee_rate=self.fee_rate)
        self.sell = qty, entry
        self.stop_loss = qty, stop
        self.take_profit = qty, entry - self.atr * self.hp['tp_atr']

    def update_position(self):
        # Once 2 ATRs in profit, trail the stop 1.5 ATRs behind the price.
        if self.is_long and self.price - self.position.entry_price > 2 * self.atr:
            self.stop_loss = self.position.qty, self.price - self.atr * 1.5
        elif self.is_short and self.position.entry_price - self.price > 2 * self.atr:
            self.stop_loss = self.position.qty, self.price + self.atr * 1.5

    def should_cancel_entry(self) -> bool:
        return True
