"""An evaluation corpus of strategies for every framework the shipped rules cover (issue 13).

Written in the styles public strategies use, with the shapes real code mixes in: freqtrade
classes in interface v2 and v3 names, `sell_params` overrides, parameters whose space comes
from their name, subclasses, mixins and strategies extending an imported one, disabled
settings (trailing off, exit signals off, `stoploss = -0.99`, ROI `{"0": 100}`), ROI values
written as expressions; finlab scripts with one `sim()` (some defining their own mock
`sim`); jesse `go_long`/`go_short`/`update_position` with ATR, ratio and fraction stops and
`hyperparameters()`; backtrader `params` tuples and dicts, brackets and StopTrail orders;
backtesting.py `sl=`/`tp=` as ratios, fractions, ATR multiples and absolute prices;
vectorbt `from_signals` with literals, grids, `np.arange`, keyword dicts and constants.
Some shapes are ones no shipped rule reaches (a stop computed from a variable, a stop in a
local the order reads later): they are there so that coverage is measured, not assumed.
Deterministic for a seed.

    python bench/framework_corpus.py OUT_DIR [--files-per-framework N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

import realistic  # bench/realistic.py: the freqtrade hyperopt parameter shapes

Maker = Callable[[random.Random, int], str]


def _pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def _num(rng: random.Random, low: float, high: float, digits: int = 3) -> float:
    return round(rng.uniform(low, high), digits)


# --- freqtrade -------------------------------------------------------------------------

def _ft_parameters(rng: random.Random, v3: bool) -> tuple[list[str], dict[str, object],
                                                             dict[str, object]]:
    declarations: list[str] = []
    buy: dict[str, object] = {}
    sell: dict[str, object] = {}
    for index in range(rng.randrange(2, 14)):
        space = rng.choice(["buy", "sell"])
        prefix = {"buy": "buy", "sell": "exit" if v3 else "sell"}[space]
        name = f"{prefix}_{rng.choice(['rsi', 'ema', 'bb', 'mfi', 'cci'])}_{index}"
        text, found = realistic._parameter(rng, name, space)
        if rng.random() < 0.25 and name.startswith("sell_"):  # space implied by the name
            text = text.replace(f', space="{space}"', "")
        declarations.append(f"    {name} = {text}\n")
        if rng.random() < 0.5 and not text.startswith(("Categorical", "Boolean")):
            (buy if space == "buy" else sell)[name] = found
    return declarations, buy, sell


def _ft_roi(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.1:
        return '{"0": 100}  # ROI disabled'
    if shape < 0.25:
        return f'{{"0": {_num(rng, 0.01, 0.2)}}}'
    if shape < 0.35:
        return f'{{"0": 0.0{rng.randrange(10, 99)} / 2, "60": 0.01}}'  # an expression
    return realistic._roi(rng).replace("{\n", "{\n", 1)


def freqtrade(rng: random.Random, number: int) -> str:
    v3 = rng.random() < 0.3
    declarations, buy, sell = _ft_parameters(rng, v3)
    trailing = _pick(rng, "True", "False")
    signal = _pick(rng, "True", "True", "True", "False")
    profit_only = _pick(rng, "True", "False")
    names = (("use_exit_signal", "exit_profit_only", "exit_profit_offset",
              "ignore_roi_if_entry_signal") if v3 else
             ("use_sell_signal", "sell_profit_only", "sell_profit_offset",
              "ignore_roi_if_buy_signal"))
    stoploss = "-0.99  # custom_stoploss decides" if rng.random() < 0.1 else \
        str(-_num(rng, 0.02, 0.35))
    shape = rng.random()
    if shape < 0.6:
        header, base = f"class Strategy{number}(IStrategy):\n", ""
    elif shape < 0.8:  # a subclass of a strategy of the same file
        base = (f"class Base{number}(IStrategy):\n    timeframe = '5m'\n\n"
                "    def populate_indicators(self, dataframe, metadata):\n"
                "        return dataframe\n\n\n")
        header = f"class Strategy{number}(Base{number}):\n"
    else:  # a subclass of a strategy imported from another file
        base = f"from user_data.strategies.Parent{number} import Parent{number}\n\n\n"
        header = f"class Strategy{number}(Parent{number}):\n"
    body = (
        f"    INTERFACE_VERSION = {3 if v3 else 2}\n\n"
        "    # Buy hyperspace params:\n" + realistic._params_dict("buy_params", buy) +
        "\n    # Sell hyperspace params:\n" + realistic._params_dict("sell_params", sell) +
        f"\n    minimal_roi = {_ft_roi(rng)}\n\n"
        f"    stoploss = {stoploss}\n"
        f"    trailing_stop = {trailing}\n"
        f"    trailing_stop_positive = {_num(rng, 0.005, 0.03)}\n"
        f"    trailing_stop_positive_offset = {_num(rng, 0.031, 0.09)}\n"
        f"    trailing_only_offset_is_reached = {_pick(rng, 'True', 'False')}\n"
        f"    {names[0]} = {signal}\n"
        f"    {names[1]} = {profit_only}\n"
        f"    {names[2]} = {_num(rng, 0.0, 0.03)}\n"
        f"    {names[3]} = {_pick(rng, 'True', 'False')}\n\n"
        + "".join(declarations) +
        "\n    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:\n"
        "        dataframe['rsi'] = ta.RSI(dataframe, timeperiod=14)\n"
        "        return dataframe\n")
    head = ("from freqtrade.strategy import (IStrategy, IntParameter, DecimalParameter,\n"
            "                                CategoricalParameter, BooleanParameter)\n"
            "from pandas import DataFrame\nimport talib.abstract as ta\n\n\n")
    return head + base + header + body


# --- finlab ----------------------------------------------------------------------------

def finlab(rng: random.Random, number: int) -> str:
    mock = rng.random() < 0.08
    head = ("from finlab import data\n" + (
        "\n\ndef sim(position, resample='M', fee_ratio=0.001425):\n"
        "    returns = data.get('price:收盤價').pct_change().shift(-1)\n"
        "    return (position * returns).sum(axis=1) - fee_ratio\n\n\n" if mock else
        _pick(rng, "from finlab.backtest import sim\n", "from finlab import backtest\n")))
    keywords = [f"resample={_pick(rng, 'M', 'W', 'Q')!r}"]
    if not mock:
        if rng.random() < 0.85:
            keywords.append(f"stop_loss={_num(rng, 0.03, 0.2)}")
        if rng.random() < 0.5:
            keywords.append(f"take_profit={_num(rng, 0.25, 0.8)}")
        if rng.random() < 0.3:
            keywords.append(f"trail_stop={_num(rng, 0.02, 0.1)}")
        if rng.random() < 0.1:
            keywords.append("stop_loss=sl")  # a variable: not a literal
            keywords = [k for k in keywords if not k.startswith("stop_loss=0")]
        keywords.append("upload=False   # local run")
    callee = "sim" if mock or "from finlab.backtest" in head else "backtest.sim"
    lines = "".join(f"    {k},\n" if "#" not in k else f"    {k.split('#')[0].strip()},"
                    f"  # {k.split('#')[1].strip()}\n" for k in keywords)
    call = f"report = {callee}(\n    position,\n{lines})\n"
    return (head + "\nclose = data.get('price:收盤價')\nsl = 0.08\n"
            f"position = close.pct_change({rng.randrange(5, 60)}).rank(axis=1) > 0.9\n" + call)


# --- jesse -----------------------------------------------------------------------------

def jesse(rng: random.Random, number: int) -> str:
    stop = _pick(rng, f"entry - self.atr * {_num(rng, 1, 4, 1)}",
                 f"entry - {rng.randrange(2, 5)} * self.atr",
                 f"entry * {_num(rng, 0.85, 0.98, 2)}",
                 f"entry * (1 - {_num(rng, 0.01, 0.1, 3)})",
                 "entry - self.atr * self.hp['stop_atr']",
                 "self.low_band")  # a level the strategy computes: no literal
    target = _pick(rng, f"entry + self.atr * {_num(rng, 2, 6, 1)}",
                   f"entry * {_num(rng, 1.03, 1.3, 2)}",
                   f"[(qty / 2, entry * {_num(rng, 1.02, 1.08, 2)}), "
                   f"(qty / 2, entry * {_num(rng, 1.1, 1.3, 2)})]",
                   "entry + self.atr * self.hp['tp_atr']")
    target_line = (f"        self.take_profit = {target}\n" if target.startswith("[")
                   else f"        self.take_profit = qty, {target}\n")
    local = rng.random() < 0.4
    stop_lines = (f"        stop = {stop}\n"
                  "        qty = utils.risk_to_qty(self.available_margin, 3, entry, stop,"
                  " fee_rate=self.fee_rate)\n"
                  "        self.buy = qty, entry\n        self.stop_loss = qty, stop\n"
                  if local else
                  "        qty = utils.size_to_qty(self.balance * 0.5, entry,"
                  " fee_rate=self.fee_rate)\n"
                  f"        self.buy = qty, entry\n        self.stop_loss = qty, {stop}\n")
    trail = _pick(rng, f"self.price - self.atr * {_num(rng, 1, 3, 1)}",
                  f"self.price * {_num(rng, 0.9, 0.98, 2)}",
                  "self.position.entry_price")  # breakeven: no literal
    return (
        "import jesse.indicators as ta\nfrom jesse import utils\n"
        "from jesse.strategies import Strategy, cached\n\n\n"
        f"class Strategy{number}(Strategy):\n"
        "    def hyperparameters(self):\n        return [\n"
        f"            {{'name': 'ema_fast', 'type': int, 'min': 5, 'max': 30, 'default': "
        f"{rng.randrange(5, 30)}}},\n"
        f"            {{'name': 'stop_atr', 'type': float, 'min': 1.0, 'max': 4.0, 'default': "
        f"{_num(rng, 1, 4, 1)}}},\n"
        f"            {{'name': 'tp_atr', 'type': float, 'min': 2.0, 'max': 8.0, 'default': "
        f"{_num(rng, 2, 8, 1)}}},\n"
        f"            {{'name': 'exit_bars', 'type': int, 'min': 5, 'max': 60, 'default': "
        f"{rng.randrange(5, 60)}}},\n"
        "        ]\n\n"
        "    @property\n    @cached\n    def atr(self):\n"
        "        return ta.atr(self.candles)\n\n"
        "    def should_long(self) -> bool:\n"
        "        return self.close > ta.ema(self.candles, self.hp['ema_fast'])\n\n"
        "    def go_long(self):\n        entry = self.price\n" + stop_lines + target_line +
        "\n    def update_position(self):\n"
        f"        if self.position.pnl_percentage > {rng.randrange(2, 10)}:\n"
        f"            self.stop_loss = self.position.qty, {trail}\n\n"
        "    def should_cancel_entry(self) -> bool:\n        return True\n")


# --- backtrader ------------------------------------------------------------------------

def backtrader(rng: random.Random, number: int) -> str:
    stop, take, trail = _num(rng, 0.01, 0.1), _num(rng, 0.03, 0.3), _num(rng, 0.01, 0.08)
    bars = rng.randrange(5, 40)
    params = _pick(
        rng,
        f"    params = (\n        ('period', 14),\n        ('stop_loss', {stop}),\n"
        f"        ('take_profit', {take}),\n        ('hold_bars', {bars}),\n    )\n",
        f"    params = dict(period=20, stop_loss={stop}, trail_percent={trail})\n",
        f"    params = {{'fast': 10, 'slow': 30, 'stop_pct': {stop}, 'target_pct': {take}}}\n")
    order = _pick(
        rng,
        f"            self.sell(exectype=bt.Order.StopTrail, trailpercent={trail})\n",
        "            self.buy_bracket(price=close, stopprice=close * "
        f"{_num(rng, 0.9, 0.99)}, limitprice=close * {_num(rng, 1.02, 1.2)})\n",
        "            self.sell(exectype=bt.Order.Stop, price=close * (1 - self.p.stop_loss))\n",
        f"            self.sell(exectype=bt.Order.Stop, price=close * {_num(rng, 0.9, 0.99)})\n")
    base = _pick(rng, "bt.Strategy", "bt.Strategy", "Strategy")
    extra = (f"\n\nclass Tuned{number}(Strategy{number}):\n"
             f"    params = (('stop_loss', {_num(rng, 0.01, 0.1)}),)\n"
             if rng.random() < 0.2 else "")
    return (
        "import backtrader as bt\nfrom backtrader import Strategy\n\n\n"
        f"class Strategy{number}({base}):\n" + params +
        "\n    def __init__(self):\n        self.sma = bt.ind.SMA(period=self.p.period"
        " if hasattr(self.p, 'period') else 20)\n\n"
        "    def next(self):\n        close = self.data.close[0]\n"
        "        if not self.position and close > self.sma[0]:\n" + order + extra)


# --- backtesting.py --------------------------------------------------------------------

def backtesting(rng: random.Random, number: int) -> str:
    sl = _pick(rng, f"price * {_num(rng, 0.85, 0.99)}", f"price * (1 - {_num(rng, 0.01, 0.1)})",
               f"price - {rng.randrange(1, 4)} * atr", f"price - atr * {_num(rng, 1, 4, 1)}",
               f"{rng.randrange(50, 900)}", "self.stop_level")  # a level: no literal
    tp = _pick(rng, f"price * {_num(rng, 1.02, 1.3)}", f"price * (1 + {_num(rng, 0.02, 0.3)})",
               f"price + atr * {_num(rng, 2, 6, 1)}", "price * self.tp_ratio")
    trailing = rng.random() < 0.3
    base = "TrailingStrategy" if trailing else "Strategy"
    init = ("        super().init()\n"
            f"        self.set_trailing_sl({_num(rng, 1.5, 4, 1)})\n" if trailing else "")
    nxt = "        super().next()\n" if trailing else ""
    return (
        "from backtesting import Backtest, Strategy\nfrom backtesting.lib import "
        "TrailingStrategy, crossover\nfrom backtesting.test import SMA\n\n\n"
        f"class Strategy{number}({base}):\n"
        f"    fast = {rng.randrange(5, 20)}\n    tp_ratio = 1.1\n\n"
        "    def init(self):\n" + init +
        "        self.sma = self.I(SMA, self.data.Close, self.fast)\n"
        "        self.atr = self.I(lambda h, l: h - l, self.data.High, self.data.Low)\n\n"
        "    def next(self):\n" + nxt +
        "        price, atr = self.data.Close[-1], self.atr[-1]\n"
        "        if not self.position and crossover(self.data.Close, self.sma):\n"
        f"            self.buy(size=0.95, sl={sl}, tp={tp})\n")


# --- vectorbt --------------------------------------------------------------------------

def vectorbt(rng: random.Random, number: int) -> str:
    sl, tp = _num(rng, 0.01, 0.15), _num(rng, 0.03, 0.4)
    shape = rng.random()
    head = ("import numpy as np\nimport vectorbt as vbt\n\n"
            "close = vbt.YFData.download('BTC-USD', period='2y').get('Close')\n"
            "fast, slow = vbt.MA.run(close, 10), vbt.MA.run(close, 50)\n"
            "entries, exits = fast.ma_crossed_above(slow), fast.ma_crossed_below(slow)\n")
    if shape < 0.35:
        body = ("pf = vbt.Portfolio.from_signals(close, entries, exits, "
                f"sl_stop={sl}, tp_stop={tp}, fees=0.001, freq='1D')\n")
    elif shape < 0.5:
        body = (f"pf = vbt.Portfolio.from_signals(close, entries, exits, sl_stop={sl},\n"
                "                                sl_trail=True, freq='1D')\n")
    elif shape < 0.65:
        body = (f"SL_STOP = {sl}\nTP_STOP = {tp}\n"
                "pf = vbt.Portfolio.from_signals(close, entries, exits, sl_stop=SL_STOP, "
                "tp_stop=TP_STOP)\n")
    elif shape < 0.8:
        body = (f"pf_kwargs = dict(sl_stop={sl}, tp_stop={tp}, fees=0.001, freq='1D')\n"
                "pf = vbt.Portfolio.from_signals(close, entries, exits, **pf_kwargs)\n")
    elif shape < 0.9:
        body = (f"pf = vbt.Portfolio.from_signals(close, entries, exits, sl_stop=[{sl}, "
                f"{round(sl * 2, 3)}, {round(sl * 3, 3)}], freq='1D')\n")
    else:
        body = ("pf = vbt.Portfolio.from_signals(close, entries, exits,\n"
                f"                                sl_stop=np.arange({sl}, 0.3, 0.01))\n")
    return head + body + "print(pf.total_return())\n"


MAKERS: dict[str, Maker] = {"freqtrade": freqtrade, "finlab": finlab, "jesse": jesse,
                            "backtrader": backtrader, "backtesting": backtesting,
                            "vectorbt": vectorbt}


def generate(out: Path, per_framework: int, seed: int = 0) -> dict[str, list[Path]]:
    """``per_framework`` files for each framework, under ``out/<framework>/``."""
    rng = random.Random(seed)
    made: dict[str, list[Path]] = {}
    for framework, maker in MAKERS.items():
        folder = out / framework
        folder.mkdir(parents=True, exist_ok=True)
        made[framework] = []
        for number in range(per_framework):
            path = folder / f"{framework}_{number:03d}.py"
            path.write_text(maker(rng, number), encoding="utf-8")
            made[framework].append(path)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files-per-framework", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = generate(args.out, args.files_per_framework, args.seed)
    print(f"{sum(len(v) for v in made.values())} files in {args.out}")


if __name__ == "__main__":
    main()
