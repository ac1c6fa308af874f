"""Strategies shaped like the ones that make per-site work show: many sites in one file.

    python bench/shapes.py OUT --freqtrade 250,1000 --finlab 2000,8000

- ``freqtrade_params(n)``: one IStrategy class with ``n`` sell-space ``DecimalParameter``s, a
  ``sell_params`` dict overriding every other one and an exit condition reading each (the
  shape of the NostalgiaForInfinity family, the most forked freqtrade strategy).
- ``finlab_sims(n)``: a finlab research script that backtests ``n`` variants, one ``sim()``
  per variant (a parameter sweep written out, as LLM-generated scripts do).

Deterministic: the same ``n`` always gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def freqtrade_params(n: int) -> str:
    lines = [
        "# --- Do not remove these libs ---",
        "from freqtrade.strategy import IStrategy, DecimalParameter, IntParameter",
        "from pandas import DataFrame",
        "import talib.abstract as ta",
        "from functools import reduce",
        "",
        "",
        "class SweepStrategy(IStrategy):",
        "    INTERFACE_VERSION = 2",
        "",
        "    minimal_roi = {",
        '        "0": 0.10,',
        '        "40": 0.04,',
        '        "120": 0.0',
        "    }",
        "    stoploss = -0.25",
        "    timeframe = '5m'",
        "    use_sell_signal = True",
        "",
        "    # Sell hyperspace params:",
        "    sell_params = {",
    ]
    lines += [f'        "sell_rsi_{i}": {70 + (i % 25) / 10:.1f},' for i in range(0, n, 2)]
    lines += ["    }", ""]
    for i in range(n):
        lines.append(f"    sell_rsi_{i} = DecimalParameter(60.0, 90.0, default={75 + (i % 10) / 10:.1f}, "
                     "space='sell', optimize=True, load=True)")
    lines += [
        "",
        "    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:",
        "        dataframe['rsi'] = ta.RSI(dataframe, timeperiod=14)",
        "        return dataframe",
        "",
        "    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:",
        "        conditions = []",
    ]
    for i in range(n):
        lines.append(f"        conditions.append(dataframe['rsi'] > self.sell_rsi_{i}.value)")
    lines += [
        "        if conditions:",
        "            dataframe.loc[reduce(lambda x, y: x | y, conditions), 'sell'] = 1",
        "        return dataframe",
        "",
    ]
    return "\n".join(lines)


def finlab_sims(n: int) -> str:
    lines = [
        "from finlab import data",
        "from finlab import backtest",
        "",
        "close = data.get('price:收盤價')",
        "rev = data.get('monthly_revenue:當月營收')",
        "position = (close > close.average(60)) & (rev.average(3) > rev.average(12))",
        "",
        "reports = {}",
    ]
    for i in range(n):
        stop = 0.05 + (i % 10) / 100
        lines.append(f"reports[{i}] = backtest.sim(position, resample='M', stop_loss={stop:.2f}, "
                     f"name='sweep {i}', upload=False)")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--freqtrade", default="250,500,1000,2000")
    parser.add_argument("--finlab", default="1000,2000,4000,8000")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in map(int, filter(None, args.freqtrade.split(","))):
        (args.out / f"freqtrade_params_{n}.py").write_text(freqtrade_params(n), "utf-8")
    for n in map(int, filter(None, args.finlab.split(","))):
        (args.out / f"finlab_sims_{n}.py").write_text(finlab_sims(n), "utf-8")


if __name__ == "__main__":
    main()
