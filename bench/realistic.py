"""A corpus shaped like real strategy folders (issue 16), not like the minimal examples.

Real freqtrade classes carry ~25 numeric exit sites each: ROI tables of 5-30 entries,
20-80 hyperopt parameters with `buy_params`/`sell_params` dicts that override their
defaults, v2 names (`use_sell_signal`, `sell_profit_only`), trailing settings and
1-3 line statements, in files from 2 KB to megabytes. Real finlab scripts hold one `sim()`
call among pages of feature engineering. Deterministic for a seed.

    python bench/realistic.py OUT_DIR [--files N] [--max-bytes B] [--seed S]
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable
from pathlib import Path

PARAMETER_KINDS = ("IntParameter", "DecimalParameter", "CategoricalParameter",
                   "BooleanParameter")


def _parameter(rng: random.Random, name: str, space: str) -> tuple[str, object]:
    """One hyperopt parameter declaration and the value hyperopt would have found."""
    kind = rng.choice(PARAMETER_KINDS)
    keyword = rng.random() < 0.2  # `low=`, `high=` spelled out
    optimize = rng.choice(["", ", optimize=False", ", optimize=True"])
    if kind == "IntParameter":
        low, high = rng.randrange(1, 20), rng.randrange(21, 200)
        default = rng.randrange(low, high)
        bounds = f"low={low}, high={high}" if keyword else f"{low}, {high}"
        return f"{kind}({bounds}, default={default}, space=\"{space}\"{optimize})", \
            rng.randrange(low, high)
    if kind == "DecimalParameter":
        low = round(rng.uniform(-0.3, 0.5), 3)
        high = round(low + rng.uniform(0.05, 0.6), 3)
        decimals = rng.choice([1, 2, 3])
        default = round(rng.uniform(low, high), decimals)
        bounds = f"low={low}, high={high}" if keyword else f"{low}, {high}"
        return (f"{kind}({bounds}, decimals={decimals}, default={default}, "
                f"space=\"{space}\"{optimize})", round(rng.uniform(low, high), decimals))
    if kind == "CategoricalParameter":
        options = rng.sample(["open", "close", "hl2", "hlc3", "ohlc4", "ema", "sma"], 3)
        return (f"{kind}({options!r}, default={options[0]!r}, space=\"{space}\")",
                rng.choice(options))
    return f"{kind}(default={rng.choice([True, False])}, space=\"{space}\")", \
        rng.choice([True, False])


def _roi(rng: random.Random) -> str:
    entries = rng.randrange(5, 31)
    minutes = sorted(rng.sample(range(1, 3000), entries - 1))
    values = sorted((round(rng.uniform(0.0, 0.3), 3) for _ in range(entries)), reverse=True)
    pairs = [("0", values[0])] + [(str(m), v) for m, v in zip(minutes, values[1:])]
    one_line = rng.random() < 0.3
    if one_line:
        return "{" + ", ".join(f'"{m}": {v}' for m, v in pairs) + "}"
    return "{\n" + "".join(f'        "{m}": {v},\n' for m, v in pairs) + "    }"


def _params_dict(name: str, found: dict[str, object]) -> str:
    body = "".join(f'        "{k}": {v!r},\n' for k, v in found.items())
    return f"    {name} = {{\n{body}    }}\n"


def freqtrade(rng: random.Random, target_bytes: int, number: int) -> str:
    parameters = rng.randrange(20, 81)
    declarations, overrides = [], {"buy": {}, "sell": {}}
    for index in range(parameters):
        space = rng.choice(["buy", "sell"])
        name = f"{space}_{rng.choice(['rsi', 'ema', 'bb', 'mfi', 'cci', 'adx'])}_{index}"
        text, found = _parameter(rng, name, space)
        declarations.append(f"    {name} = {text}\n")
        if rng.random() < 0.5:
            overrides[space][name] = found
    trailing = rng.choice(["True", "False"])
    head = (
        "from freqtrade.strategy import (IStrategy, IntParameter, DecimalParameter,\n"
        "                                CategoricalParameter, BooleanParameter)\n"
        "from pandas import DataFrame\nimport talib.abstract as ta\n\n\n"
        f"class Hyperopted{number}(IStrategy):\n"
        f'    """Hyperopted strategy {number} (generated in the style of real ones)."""\n'
        f"    INTERFACE_VERSION = {rng.choice([2, 3])}\n"
        f"    timeframe = {rng.choice(['5m', '15m', '1h'])!r}\n\n"
        "    # Buy hyperspace params:\n" + _params_dict("buy_params", overrides["buy"]) +
        "\n    # Sell hyperspace params:\n" + _params_dict("sell_params", overrides["sell"]) +
        f"\n    minimal_roi = {_roi(rng)}\n\n"
        f"    stoploss = {-round(rng.uniform(0.02, 0.35), 3)}\n"
        f"    trailing_stop = {trailing}  # trailing settings below only run when True\n"
        f"    trailing_stop_positive = {round(rng.uniform(0.005, 0.03), 3)}\n"
        f"    trailing_stop_positive_offset = {round(rng.uniform(0.031, 0.09), 3)}\n"
        f"    trailing_only_offset_is_reached = {rng.choice(['True', 'False'])}\n"
        f"    use_sell_signal = {rng.choice(['True', 'False'])}\n"
        f"    sell_profit_only = {rng.choice(['True', 'False'])}\n"
        f"    sell_profit_offset = {round(rng.uniform(0.0, 0.02), 3)}\n"
        f"    ignore_roi_if_buy_signal = {rng.choice(['True', 'False'])}\n\n"
        + "".join(declarations) +
        "\n    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:\n")
    tail = (
        "        return dataframe\n\n"
        "    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:\n"
        "        dataframe.loc[\n"
        "            (dataframe['rsi_0'] < 30)  # oversold\n"
        "            & (dataframe['volume'] > 0),\n"
        "            'buy'] = 1\n"
        "        return dataframe\n\n"
        "    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:\n"
        "        dataframe.loc[(dataframe['rsi_0'] > 70), 'sell'] = 1\n"
        "        return dataframe\n")
    def indicator(i: int) -> str:
        period = rng.choice([7, 14, 21, 50, 100, 200])
        return rng.choice([
            f"        dataframe['rsi_{i}'] = ta.RSI(dataframe, timeperiod={period})\n",
            f"        dataframe['ema_{i}'] = ta.EMA(dataframe, timeperiod={period})\n",
            f"        dataframe['bb_{i}'] = (dataframe['close'].rolling({period}).mean()\n"
            f"                             / dataframe['close'] - 1)  # band width\n",
            f"        # indicator {i}: stoploss = -0.{period} in a comment is not the stop\n",
        ])

    return _padded(head, tail, target_bytes, indicator)


def finlab(rng: random.Random, target_bytes: int, number: int) -> str:
    head = ("from finlab import data\nfrom finlab.backtest import sim\n\n"
            "close = data.get('price:收盤價')\nvolume = data.get('price:成交股數')\n\n")
    keywords = [f"resample={rng.choice(['M', 'W', 'Q'])!r}"]
    if rng.random() < 0.9:
        keywords.append(f"stop_loss={round(rng.uniform(0.03, 0.2), 3)}")
    if rng.random() < 0.6:
        keywords.append(f"take_profit={round(rng.uniform(0.25, 0.8), 3)}")
    if rng.random() < 0.4:
        keywords.append(f"trail_stop={round(rng.uniform(0.02, 0.1), 3)}")
    keywords.append("upload=False")
    rng.shuffle(keywords)
    call = ("report = sim(position, " + ", ".join(keywords) + ")\n" if rng.random() < 0.5 else
            "report = sim(\n    position,\n" + "".join(f"    {k},\n" for k in keywords) + ")\n")
    tail = f"\nposition = feat_0[close > 0].is_largest({rng.randrange(5, 40)})\n{call}"
    def feature(i: int) -> str:
        window = rng.choice([5, 10, 20, 60, 120, 240])
        return rng.choice([
            f"feat_{i} = close.pct_change({window}).clip(-0.2, 0.2)\n",
            f"feat_{i} = volume.rolling({window}).std() * {rng.random():.3f}\n",
            f"feat_{i} = (close - close.shift({window})) / close.shift({window})\n",
        ])

    return _padded(head, tail, target_bytes, feature)


def _padded(head: str, tail: str, target_bytes: int, line: Callable[[int], str]) -> str:
    """``head``, then generated lines until the file reaches ``target_bytes``, then ``tail``."""
    lines, size, i = [], len(head) + len(tail), 0
    while size < target_bytes:
        lines.append(line(i))
        size += len(lines[-1])
        i += 1
    return head + "".join(lines) + tail


def generate(out: Path, files: int, seed: int = 0, max_bytes: int = 3_000_000) -> list[Path]:
    """``files`` strategies, half freqtrade and half finlab, sizes log-uniform from 2 KB."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(files):
        size = int(math.exp(rng.uniform(math.log(2_000), math.log(max_bytes))))
        style = freqtrade if number % 2 == 0 else finlab
        path = out / f"{style.__name__}_{number:04d}.py"
        path.write_text(style(rng, size, number), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--max-bytes", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.files, args.seed, args.max_bytes)
    print(f"{len(paths)} files, {sum(p.stat().st_size for p in paths):,} bytes in {args.out}")


if __name__ == "__main__":
    main()
