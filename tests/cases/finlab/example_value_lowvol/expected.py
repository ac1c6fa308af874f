# Low-volatility value screen; exits only through stop_loss (no final newline).
from finlab import data
from finlab.backtest import sim

pe = data.get('price_earning_ratio:本益比')
close = data.get('price:收盤價')
volatility = close.pct_change().rolling(60).std()

cheap = pe.rank(axis=1, pct=True) < 0.2
calm  = volatility.rank(axis=1, pct=True) < 0.3
position = cheap & calm

params = {'stop_loss': 0.05}
# A computed stop is not a literal: the rules leave it alone.
report = sim(position, resample='M', stop_loss=params['stop_loss'] * 2)