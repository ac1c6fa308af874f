"""Revenue momentum with a fixed stop and a benchmark run.

Research notebook export: monthly rebalance on Taiwan equities (finlab).
"""
import numpy as np
import pandas as pd
from finlab import data
from finlab.backtest import sim

# --- data -------------------------------------------------------------------------
close = data.get("price:收盤價")
volume = data.get("price:成交股數")
revenue = data.get("monthly_revenue:當月營收")
market_value = data.get("etl:market_value")
pe = data.get("price_earning_ratio:本益比")

# --- universe ---------------------------------------------------------------------
liquid = volume.average(20) > 500000
listed_long_enough = close.notna().rolling(250).sum() > 200
universe = liquid & listed_long_enough


def momentum(series, fast=5, slow=60):
    """Ratio of a fast to a slow moving average: above 1 in an uptrend."""
    return series.average(fast) / series.average(slow)


def revenue_growth(rev, window=3):
    """Year-over-year growth of the trailing {window}-month revenue."""
    trailing = rev.average(window)
    return trailing / trailing.shift(12) - 1


def rank_within(values, mask):
    """Percentile rank of each stock among those the mask keeps, per date."""
    return values[mask].rank(axis=1, pct=True)


def cap_weights(selected, max_weight=0.1):
    """Equal weights, capped: no single name above max_weight of the book."""
    counts = selected.sum(axis=1).replace(0, np.nan)
    weights = selected.astype(float).div(counts, axis=0)
    return weights.clip(upper=max_weight).fillna(0)


def drawdown(equity):
    """Peak-to-trough loss of an equity curve, as a negative fraction."""
    peak = equity.cummax()
    return equity / peak - 1


def sector_neutral(values, sectors):
    """Demean a cross-sectional signal within each sector, per date."""
    frames = []
    for sector, members in sectors.groupby(sectors).groups.items():
        part = values[list(members)]
        frames.append(part.sub(part.mean(axis=1), axis=0))
    return pd.concat(frames, axis=1).reindex(columns=values.columns)


def hit_rate(returns):
    """The share of positive periods among the non-zero ones."""
    active = returns[returns != 0]
    return float((active > 0).mean()) if len(active) else float("nan")


# --- signals ----------------------------------------------------------------------
trend = momentum(close)
growth = revenue_growth(revenue)
cheap = pe < pe.quantile_row(0.5)

score = rank_within(growth, universe) * 0.6 + rank_within(trend, universe) * 0.4
score = score.where(cheap)

entries = (score > 0.8) & (trend > 1)
selected = entries.is_largest(20)
position = cap_weights(selected)

# Smaller names only: the large caps are the benchmark's job.
small = market_value < market_value.quantile_row(0.7)
position = position.where(small, 0)

# --- diagnostics ------------------------------------------------------------------
turnover = position.diff().abs().sum(axis=1)
print("mean monthly turnover:", float(turnover.mean()))
print("names held on average:", float((position > 0).sum(axis=1).mean()))

report = sim(position, resample="M", stop_loss=0.1, take_profit=0.3,
             fee_ratio=1.425 / 1000 / 3, name="revenue momentum")

# The benchmark keeps its own stop: it is not part of the strategy being evolved.
benchmark = (market_value.is_largest(50) & universe).astype(float)
bench = sim(benchmark, resample="M", stop_loss=0.1, name="top 50 benchmark")

# --- report -----------------------------------------------------------------------
stats = report.get_stats()
print(pd.Series(stats).round(3))
report.display()

equity = report.creturn
print("worst drawdown:", float(drawdown(equity).min()))
print("monthly hit rate:", hit_rate(equity.resample("M").last().pct_change().dropna()))
for year, chunk in equity.groupby(equity.index.year):
    print(year, round(float(chunk.iloc[-1] / chunk.iloc[0] - 1), 4))
