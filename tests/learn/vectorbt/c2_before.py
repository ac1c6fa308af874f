"""Large-cap equities, slower averages.

Signals are computed once for the whole universe; the portfolio is simulated with
vectorbt's from_signals and its stops (vectorbt).
"""
import numpy as np
import pandas as pd
import vectorbt as vbt

SYMBOLS = ("SPY", "QQQ", "IWM")
START = "2019-01-01"
FEES = 0.001


def download(symbols=SYMBOLS, start=START):
    """Daily closes, one column per symbol."""
    return vbt.YFData.download(list(symbols), start=start).get("Close")


def zscore(series, window):
    """How many rolling standard deviations the price sits from its rolling mean."""
    mean = series.rolling(window).mean()
    std = series.rolling(window).std()
    return (series - mean) / std


def volatility_filter(close, window=20, ceiling=0.4):
    """True where annualised volatility stays below the ceiling."""
    returns = close.pct_change()
    vol = returns.rolling(window).std() * np.sqrt(365)
    return vol < ceiling


def signals(close):
    """Entries and exits from a moving-average cross, gated by volatility."""
    fast = vbt.MA.run(close, 20, short_name="fast")
    slow = vbt.MA.run(close, 100, short_name="slow")
    calm = volatility_filter(close)
    entries = fast.ma_crossed_above(slow) & calm
    exits = fast.ma_crossed_below(slow)
    stretched = zscore(close, 100) > 2.0
    return entries, exits | stretched


def summary(pf):
    """The figures the research log keeps per run."""
    stats = pf.stats()
    return pd.Series({
        "total_return": stats["Total Return [%]"],
        "max_drawdown": stats["Max Drawdown [%]"],
        "sharpe": stats["Sharpe Ratio"],
        "trades": stats["Total Trades"],
    })


def benchmark(close):
    """Buy and hold, for comparison: no stops."""
    return vbt.Portfolio.from_holding(close, fees=FEES, freq="1D")


def grid(close, entries, exits, windows=(10, 20, 50)):
    """Returns without stops for a few smoothing windows (exploration only)."""
    rows = {}
    for window in windows:
        smooth_exits = exits | (close < close.rolling(window).mean())
        pf = vbt.Portfolio.from_signals(close, entries, smooth_exits, fees=FEES, freq="1D")
        rows[window] = pf.total_return()
    return pd.DataFrame(rows)


def exposure(pf):
    """The fraction of days the portfolio holds a position, per column."""
    held = pf.asset_flow().cumsum() != 0
    return held.mean()


close = download()
entries, exits = signals(close)
pf = vbt.Portfolio.from_signals(
    close,
    entries,
    exits,
    sl_stop=0.08,
    fees=FEES,
    init_cash=100_000,
    freq="1D",
)

print(summary(pf))
print(summary(benchmark(close)))
trades = pf.trades.records_readable
print(trades.tail(10))
print("exposure:", exposure(pf).round(3).to_dict())
print(grid(close, entries, exits).round(3))
