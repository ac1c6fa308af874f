"""Child side: the bundled price data, generated (not stored) so that it is the same on
every machine: a seeded geometric random walk with trending and ranging stretches."""

from __future__ import annotations

import math
import random
from typing import Any

BARS = 750
SEED = 20261128


def synthetic_ohlc(bars: int = BARS, seed: int = SEED) -> Any:
    """Daily OHLCV (columns Open, High, Low, Close, Volume) on business days from 2021."""
    import pandas as pd

    rng = random.Random(seed)
    close, rows = 100.0, []
    for bar in range(bars):
        drift = 0.0012 * math.sin(bar / 60.0)  # alternating up and down trends
        change = drift + rng.gauss(0.0, 0.016)
        open_ = close * (1 + rng.gauss(0.0, 0.004))
        close = max(1.0, close * math.exp(change))
        high = max(open_, close) * (1 + abs(rng.gauss(0.0, 0.007)))
        low = min(open_, close) * (1 - abs(rng.gauss(0.0, 0.007)))
        rows.append((round(open_, 4), round(high, 4), round(low, 4), round(close, 4),
                     rng.randint(50_000, 500_000)))
    index = pd.bdate_range("2021-01-04", periods=bars, name="Date")
    return pd.DataFrame(rows, index=index, columns=["Open", "High", "Low", "Close", "Volume"])


CANDLES = 2000  # freqtrade: five of the walk's up-and-down regimes


def synthetic_candles(seconds: int, bars: int = CANDLES, seed: int = SEED) -> Any:
    """The same walk as freqtrade candles: a ``date`` column (UTC, one candle every
    ``seconds`` from 2024-01-01, no gaps), then lowercase ``open high low close volume``."""
    import pandas as pd

    frame = synthetic_ohlc(bars, seed)
    dates = pd.date_range("2024-01-01", periods=bars, freq=pd.Timedelta(seconds=seconds),
                          tz="UTC", name="date")
    candles = pd.DataFrame({c.lower(): frame[c].to_numpy() for c in frame.columns})
    candles.insert(0, "date", dates)
    return candles.astype({"volume": "float64"})
