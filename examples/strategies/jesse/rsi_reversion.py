"""RSI mean reversion with an ATR stop held in a local (jesse)."""
import jesse.indicators as ta
from jesse import utils
from jesse.strategies import Strategy


class RsiReversion(Strategy):
    def hyperparameters(self):
        return [
            {'name': 'rsi_entry', 'type': int, 'min': 10, 'max': 40, 'default': 25},
            {'name': 'exit_rsi', 'type': int, 'min': 50, 'max': 80, 'default': 65},
            {'name': 'max_bars', 'type': int, 'min': 5, 'max': 60, 'default': 24},
        ]

    def should_long(self) -> bool:
        return ta.rsi(self.candles) < self.hp['rsi_entry']

    def should_short(self) -> bool:
        return False

    def go_long(self):
        entry = self.price
        sl = entry - ta.atr(self.candles) * 3
        qty = utils.risk_to_qty(self.capital, 2, entry, sl, fee_rate=self.fee_rate)
        self.buy = qty, entry
        self.stop_loss = qty, sl

    def go_short(self):
        pass

    def update_position(self):
        held = (self.current_candle[0] - self.position.opened_at) / 60_000 / 60
        if ta.rsi(self.candles) > self.hp['exit_rsi'] or held > self.hp['max_bars']:
            self.liquidate()

    def should_cancel_entry(self) -> bool:
        return True
