# RSI entries with a trailing stop-loss (vectorbt), multi-line call as formatters write it.
import numpy as np
import vectorbt as vbt
from vectorbt.portfolio import Portfolio

close = vbt.YFData.download(["ETH-USD", "SOL-USD"], period="2y").get("Close")
rsi = vbt.RSI.run(close, window=14)
entries = rsi.rsi_crossed_below(30)
exits = rsi.rsi_crossed_above(70)

portfolio = Portfolio.from_signals(
    close,
    entries,
    exits,
    sl_stop=0.08,
    sl_trail=True,
    tp_stop=0.3,
    freq="1D",
)
print(portfolio.total_return())
