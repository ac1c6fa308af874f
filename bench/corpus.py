"""Deterministic corpus of realistic strategies for the benchmark.

Styles: finlab scripts, freqtrade IStrategy classes, backtesting.py Strategy classes,
vectorbt scripts and the ATR exit template, from ~40 to ~50,000 lines. Every file has
the exit sites the shipped rules target, plus traps for a regex mutator: the same words
in comments and strings, and look-alike variable names.

    python bench/corpus.py OUT_DIR [--files N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

REFERENCE_FINLAB = '''\
# -*- coding: utf-8 -*-
"""Monthly momentum with a volume filter (finlab)."""
from finlab import data
from finlab.backtest import sim

close = data.get('price:收盤價')
volume = data.get('price:成交股數')
market_value = data.get('etl:market_value')

# --- signals -------------------------------------------------------------
ret_60 = close / close.shift(60) - 1
ret_20 = close / close.shift(20) - 1
liquid = volume.average(20) > 1_000 * 300      # at least 300 lots a day
big = market_value.rank(axis=1, pct=True) > 0.3

momentum = (ret_60 * 0.7 + ret_20 * 0.3)
cond = liquid & big & (close > close.average(120))

position = momentum[cond].is_largest(15)

# Exit settings: note stop_loss=0.5 in this comment is not a parameter.
label = "stop_loss=0.3 is only text"
max_stop_loss = 0.25   # a different variable, not sim()'s

report = sim(
    position,
    resample='M',
    stop_loss=0.08,
    take_profit=0.4,
    trail_stop=0.05,
    position_limit=0.1,
    fee_ratio=1.425 / 1000 / 3,
    name='momentum-15',
    upload=False,
)

stats = report.get_stats()
print(stats['cagr'], stats['max_drawdown'])
monthly = report.get_monthly_return()
yearly = monthly.groupby(monthly.index.year).sum()
best = yearly.idxmax()
worst = yearly.idxmin()
print(f"best year {best}, worst year {worst}")
report.display()
'''


def _feature_lines(rng: random.Random, count: int, indent: str = "") -> list[str]:
    lines = []
    for i in range(count):
        w = rng.choice([5, 10, 20, 60, 120, 240])
        kind = rng.randrange(5)
        if kind == 0:
            lines.append(f"{indent}feat_{i} = close.rolling({w}).mean() / close - 1")
        elif kind == 1:
            lines.append(f"{indent}feat_{i} = (close - close.shift({w})) / close.shift({w})"
                         f"  # {w}-bar change")
        elif kind == 2:
            lines.append(f"{indent}feat_{i} = volume.rolling({w}).std() * {rng.random():.3f}")
        elif kind == 3:
            lines.append(f"{indent}# feature {i}: a stop_loss=0.{rng.randrange(1, 9)} here "
                         "is a comment")
        else:
            lines.append(f"{indent}feat_{i} = close.pct_change({w}).clip(-0.2, 0.2)")
    return lines


def finlab(rng: random.Random, size: int) -> str:
    head = REFERENCE_FINLAB.split("# --- signals")[0]
    features = _feature_lines(rng, max(0, size - 30))
    sl, tp = rng.choice([0.05, 0.08, 0.1, 0.12]), rng.choice([0.2, 0.3, 0.4])
    tail = (f"\nposition = close.rank(axis=1).is_largest({rng.randrange(5, 40)})\n"
            f"note = 'stop_loss={rng.choice([0.2, 0.3])} in a string'\n"
            f"report = sim(position, resample='M', stop_loss={sl},\n"
            f"             take_profit={tp}, name='gen')\n")
    return head + "\n".join(features) + "\n" + tail


def freqtrade(rng: random.Random, size: int) -> str:
    roi = ", ".join(f'"{t}": {v}' for t, v in ((0, 0.162), (rng.randrange(20, 90), 0.097),
                                              (rng.randrange(100, 300), 0.061), (600, 0)))
    features = _feature_lines(rng, max(0, size - 40), indent="        ")
    return f'''from freqtrade.strategy import IStrategy, DecimalParameter
from pandas import DataFrame
import talib.abstract as ta


class GeneratedStrategy{rng.randrange(1000)}(IStrategy):
    """A generated freqtrade strategy."""
    INTERFACE_VERSION = 3
    timeframe = '5m'
    minimal_roi = {{{roi}}}
    stoploss = {-rng.choice([0.05, 0.1, 0.2, 0.345])}
    trailing_stop = False
    sell_rsi = DecimalParameter(60, 90, default=70, space="sell")

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        close = dataframe['close']
        volume = dataframe['volume']
        dataframe['rsi'] = ta.RSI(dataframe)
{chr(10).join(features)}
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe['rsi'] < 30), 'enter_long'] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        stoploss = -0.5  # a local: not the strategy's stop
        dataframe.loc[(dataframe['rsi'] > self.sell_rsi.value), 'exit_long'] = 1
        return dataframe
'''


def backtesting(rng: random.Random, size: int) -> str:
    features = _feature_lines(rng, max(0, size - 25), indent="        ")
    return f'''from backtesting import Backtest, Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = {rng.choice([5, 10, 20])}
    n2 = {rng.choice([30, 50, 100])}

    def init(self):
        close = self.data.Close
        volume = self.data.Volume
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)
{chr(10).join(features)}

    def next(self):
        price = self.data.Close[-1]
        if crossover(self.sma1, self.sma2):
            self.buy(sl=price * {rng.choice([0.9, 0.95, 0.97])}, tp=price * 1.10)
        elif crossover(self.sma2, self.sma1):
            self.position.close()
'''


def vectorbt(rng: random.Random, size: int) -> str:
    features = _feature_lines(rng, max(0, size - 20))
    return f'''import numpy as np
import vectorbt as vbt

close = vbt.YFData.download('BTC-USD').get('Close')
volume = close * 0 + 1
{chr(10).join(features)}
fast = vbt.MA.run(close, 10)
slow = vbt.MA.run(close, 50)
entries = fast.ma_crossed_above(slow)
exits = fast.ma_crossed_below(slow)
pf = vbt.Portfolio.from_signals(close, entries, exits, sl_stop={rng.choice([0.02, 0.05])},
                                tp_stop=0.1, freq='1D')
print(pf.total_return())
'''


def template(rng: random.Random, size: int) -> str:
    features = _feature_lines(rng, max(0, size - 30), indent="    ")
    return f'''"""ATR exit template."""
import pandas as pd


def exit_signals(close, high, low, volume, entry_price, holding_days, params):
    atr_period = params.get("atr_period", {rng.choice([10, 14, 20])})
    stop_mult = params.get('stop_atr_mult', {rng.choice([1.5, 2.0, 2.5])})
    profit_mult = params.get("profit_atr_mult", {rng.choice([2.0, 3.0])})
    max_hold = params.get("max_hold_days", {rng.choice([20, 30, 40])})
{chr(10).join(features)}
    tr = (high - low).abs()
    atr = tr.rolling(atr_period).mean()
    highest_high = high.cummax()
    stop_exit = close < (highest_high - atr * stop_mult)
    profit_exit = close > entry_price + atr * profit_mult
    time_exit = holding_days >= max_hold
    any_exit = stop_exit | profit_exit
    return any_exit
'''


STYLES = {"finlab": finlab, "freqtrade": freqtrade, "backtesting": backtesting,
          "vectorbt": vectorbt, "template": template}


def sized(style: str, lines: int, seed: int = 0) -> str:
    """One strategy of ``style`` with about ``lines`` lines."""
    return STYLES[style](random.Random(f"{style}:{lines}:{seed}"), lines)


def generate(out: Path, files: int, seed: int = 0, styles: tuple[str, ...] = ("finlab",
             "freqtrade"), max_lines: int = 5000) -> list[Path]:
    """``files`` strategies, sizes spread log-uniformly from 40 to ``max_lines`` lines."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(files):
        style = styles[number % len(styles)]
        lines = int(40 * (max_lines / 40) ** rng.random())
        path = out / f"{style}_{number:04d}.py"
        path.write_text(sized(style, lines, seed * 100_000 + number), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all-styles", action="store_true")
    args = parser.parse_args()
    styles = tuple(STYLES) if args.all_styles else ("finlab", "freqtrade")
    paths = generate(args.out, args.files, args.seed, styles)
    print(f"{len(paths)} files in {args.out}")


if __name__ == "__main__":
    main()
