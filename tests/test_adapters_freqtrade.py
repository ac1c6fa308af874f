"""The freqtrade adapter end to end: freqtrade's own backtesting engine, in the sandbox, on
the bundled candles, with the market metadata supplied offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitdsl.behaviour.check import behave
from exitdsl.behaviour.sandbox import Limits
from exitdsl.cli import main

from .behaviour_helpers import edit, judge

pytest.importorskip("freqtrade", reason="the optional freqtrade extra (exitdsl[freqtrade])")

LIMITS = Limits(timeout=120, cpu_seconds=120)

# A freqtrade v3 strategy as people write them, its indicators in plain pandas.
PULLBACK = '''\
"""EMA trend with RSI pullback entries (freqtrade v3)."""
from pandas import DataFrame

from freqtrade.strategy import IStrategy


def ema(series, span):
    return series.ewm(span=span, adjust=False).mean()


def rsi(series, period=14):
    delta = series.diff()
    gain = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False).mean()
    return 100 - 100 / (1 + gain / loss)


class EmaRsiPullback(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1h"
    can_short = False
    startup_candle_count = 50

    minimal_roi = {"0": 0.08, "120": 0.04, "360": 0.02}
    stoploss = -0.06
    trailing_stop = False

    rsi_entry = 45
    rsi_exit = 75
    sell_rsi_legacy = 80  # kept from the v2 version; nothing reads it now

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_fast"] = ema(dataframe["close"], 12)
        dataframe["ema_slow"] = ema(dataframe["close"], 48)
        dataframe["rsi"] = rsi(dataframe["close"])
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (dataframe["ema_fast"] > dataframe["ema_slow"])
            & (dataframe["rsi"] < self.rsi_entry)
            & (dataframe["volume"] > 0),
            "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe["rsi"] > self.rsi_exit), "exit_long"] = 1
        return dataframe
'''




def test_freqtrade_verdicts_from_its_own_backtesting_engine() -> None:
    tighter = edit(PULLBACK, "stoploss = -0.06", "stoploss = -0.04")
    looser_entry = edit(PULLBACK, "rsi_entry = 45", "rsi_entry = 50")
    unread = edit(PULLBACK, "sell_rsi_legacy = 80", "sell_rsi_legacy = 85")
    verdicts = judge(PULLBACK, tighter, looser_entry, unread, limits=LIMITS)
    assert [(v.verdict, v.trades) for v in verdicts] == [
        ("effective", (22, 24)), ("entries changed", (22, 36)), ("no effect", (22, 22))]
    assert verdicts[0].error is None


def test_every_strategy_class_of_a_file_is_its_own_series() -> None:
    # Two classes, two timeframes (1m and 4h candles): a change to the first one's exits
    # is seen although the file's last class is another.
    source = (Path(__file__).parent.parent / "examples/strategies/freqtrade/two_strategies.py"
              ).read_text(encoding="utf-8")
    wider = edit(source, "stoploss = -0.02", "stoploss = -0.03")
    verdict, = judge(source, wider, limits=LIMITS)
    assert verdict.verdict == "effective"
    assert verdict.trades[0] == 757


def test_a_missing_indicator_library_is_named() -> None:
    needs = edit(PULLBACK, "from pandas import DataFrame\n",
                 "from pandas import DataFrame\nimport talib_not_installed.abstract as ta\n")
    verdict, = judge(PULLBACK, needs, limits=LIMITS)
    assert verdict.error == ("AdapterError: the strategy needs talib_not_installed "
                             "(pip install talib_not_installed)")


def test_talib_indicators_run_when_talib_is_installed() -> None:
    pytest.importorskip("talib", reason="TA-Lib (freqtrade installs it)")
    source = (Path(__file__).parent.parent / "examples/strategies/freqtrade/rsi_momentum.py"
              ).read_text(encoding="utf-8")
    verdict, = judge(source, edit(source, "stoploss = -0.345", "stoploss = -0.02"),
                     limits=LIMITS)
    assert verdict.verdict == "effective"


def test_the_network_is_not_there_and_fails_at_once() -> None:
    # A strategy asking the exchange for a ticker: ccxt's request is refused at once (no
    # retries left waiting), and markets are never loaded.
    ticker = edit(PULLBACK, '        dataframe["rsi"] = rsi(dataframe["close"])\n',
                  '        dataframe["rsi"] = rsi(dataframe["close"])\n'
                  '        self.dp._exchange.fetch_ticker("BTC/USDT")\n')
    markets = edit(PULLBACK, '        dataframe["rsi"] = rsi(dataframe["close"])\n',
                   '        dataframe["rsi"] = rsi(dataframe["close"])\n'
                   '        self.dp._exchange._load_async_markets(True)\n')
    verdicts = list(behave(PULLBACK, [("ticker", ticker), ("markets", markets)],
                           limits=Limits(timeout=20, cpu_seconds=20)))
    assert [v.verdict for v in verdicts] == ["failed", "failed"]
    assert verdicts[0].error is not None and "NetworkError" in verdicts[0].error
    assert verdicts[1].error == "AdapterError: offline: markets are bundled, never loaded"


def test_mutate_require_effect_on_a_freqtrade_parent(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    parent = tmp_path / "pullback.py"
    parent.write_text(PULLBACK, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["mutate", "-n", "3", "--seed", "1", "--out", str(out), "--require-effect",
                 "--stats", "-q", str(parent)]) == 0
    records = [json.loads(line) for line in
               (out / "lineage.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["behaviour"]["verdict"] for r in records] == ["effective"] * 3
    assert json.loads(capsys.readouterr().out)["behaviour"]["effective"] == 3


def test_the_missing_package_is_named_as_pip_knows_it() -> None:
    from exitdsl.behaviour.adapters.freqtrade import _missing

    assert _missing(ModuleNotFoundError(name="talib.abstract")) == \
        "the strategy needs talib (pip install TA-Lib)"
    assert _missing(ModuleNotFoundError(name="technical.indicators")) == \
        "the strategy needs technical (pip install technical)"
