"""Quarterly momentum on Taiwan equities, finlab style.

Buys the strongest 20 names by 60-day return among liquid stocks and lets finlab's
sim() handle the exits.
"""
from finlab import data
from finlab.backtest import sim

close = data.get('price:收盤價')
vol   = data.get('price:成交股數')

# Liquidity filter: 20-day average volume above 500 lots (1 lot = 1_000 shares).
liquid = vol.average(20) > 500 * 1_000

momentum = close / close.shift(60) - 1
position = momentum[liquid].is_largest(20)

report = sim(position, resample='Q', stop_loss=0.0857,   # hard stop
             take_profit=0.3879, name='動能 quarterly', upload=False)
