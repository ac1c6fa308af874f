"""A grid search over stops (vectorbt): the grid's start and end move, its step stays."""
import numpy as np
import vectorbt as vbt

close = vbt.YFData.download("SPY", period="5y").get("Close")
entries = close.vbt.crossed_above(close.rolling(50).mean())
exits = close.vbt.crossed_below(close.rolling(50).mean())

grid = vbt.Portfolio.from_signals(close, entries, exits,
                                  sl_stop=np.arange(0.01, 0.11, 0.01),  # a grid of stops
                                  freq="1D")
baseline = vbt.Portfolio.from_signals(close, entries, exits, tp_stop=0.2, freq="1D")
print(grid.total_return().idxmax(), baseline.total_return())
