"""Donchian breakout with percentage stop and target (jesse), long only."""
import jesse.indicators as ta
from jesse import utils
from jesse.strategies import Strategy


class DonchianBreakout(Strategy):
    def should_long(self) -> bool:
        channel = ta.donchian(self.candles[:-1], period=20)
        return self.close > channel.upperband

    def should_short(self) -> bool:
        return False

    def go_long(self):
        entry = self.price
        qty = utils.size_to_qty(self.balance * 0.5, entry, fee_rate=self.fee_rate)
        self.buy = qty, entry
        self.stop_loss = qty, entry * 0.95        # 5% below the entry
        self.take_profit = [
            (qty / 2, entry * 1.06),
            (qty / 2, entry * (1 + 0.12)),
        ]

    def go_short(self):
        pass

    def update_position(self):
        if self.position.pnl_percentage > 8:
            self.stop_loss = self.position.qty, self.price * (1 - 0.03)   # lock in

    def should_cancel_entry(self) -> bool:
        return False
