"""Child side: freqtrade strategies, run by freqtrade's own backtesting engine
(``freqtrade.optimize.backtesting.Backtesting``) offline.

The exchange is freqtrade's Binance class with its market metadata supplied here (one spot
pair, BTC/USDT) and market loading switched off: nothing is fetched, and a call that would
reach the network fails at once (the sandbox has none; the guard refuses it first). It is
built in ``prepare()``, before the seccomp filter: asyncio's event loop, which the exchange
makes, opens a socket pair. The candles are the bundled synthetic walk at the strategy's own
timeframe (so its ``minimal_roi`` minutes mean what they say). Nothing is written: no
database (freqtrade's backtesting keeps trades in memory), no results, no logs.
"""

from __future__ import annotations

from typing import Any

from . import AdapterError, result, strategy_classes

PAIR = "BTC/USDT"
STAKE = "USDT"
WALLET = 10_000.0
STAKE_AMOUNT = 1_000.0
FEE = 0.001
TIMEFRAME = "5m"  # freqtrade's own default, for a strategy that names none
# Indicator libraries strategies import, by module: what installs them.
PACKAGES = {"talib": "TA-Lib", "technical": "technical", "pandas_ta": "pandas-ta",
            "finta": "finta", "ta": "ta"}

_state: dict[str, Any] = {}


def config() -> dict[str, Any]:
    """The configuration freqtrade's ``backtesting`` command would build from a config file
    and the command line, in memory."""
    from pathlib import Path

    from freqtrade.enums import RunMode

    return {
        "runmode": RunMode.BACKTEST, "dry_run": True, "dry_run_wallet": WALLET,
        "stake_currency": STAKE, "stake_amount": STAKE_AMOUNT, "max_open_trades": 1,
        "tradable_balance_ratio": 0.99, "fee": FEE, "trading_mode": "spot",
        "margin_mode": "", "export": "none", "dataformat_ohlcv": "feather",
        "dataformat_trades": "feather", "user_data_dir": Path("user_data"),
        "datadir": Path("user_data/data"), "internals": {}, "pairlists":
            [{"method": "StaticPairList"}],
        "exchange": {"name": "binance", "key": "", "secret": "", "pair_whitelist": [PAIR],
                     "pair_blacklist": [], "ccxt_config": {}, "ccxt_async_config": {}},
        "entry_pricing": {"price_side": "same", "use_order_book": False,
                          "order_book_top": 1, "price_last_balance": 0.0,
                          "check_depth_of_market": {"enabled": False,
                                                    "bids_to_ask_delta": 1}},
        "exit_pricing": {"price_side": "same", "use_order_book": False, "order_book_top": 1},
        "unfilledtimeout": {"entry": 10, "exit": 30, "unit": "minutes"},
    }


def market() -> dict[str, Any]:
    """BTC/USDT spot as ccxt describes a Binance market (precision as tick sizes)."""
    return {"id": "BTCUSDT", "symbol": PAIR, "base": "BTC", "quote": STAKE,
            "baseId": "BTC", "quoteId": STAKE, "type": "spot", "spot": True,
            "margin": False, "swap": False, "future": False, "option": False,
            "contract": False, "active": True, "taker": FEE, "maker": FEE,
            "precision": {"amount": 1e-05, "price": 0.0001, "cost": None},
            "limits": {"amount": {"min": 1e-05, "max": 9000.0},
                       "price": {"min": 0.0001, "max": 1e6},
                       "cost": {"min": 5.0, "max": 9e6},
                       "leverage": {"min": None, "max": None}},
            "info": {}}


def prepare() -> None:
    import pandas  # noqa: F401
    from freqtrade.exchange import Binance
    from freqtrade.optimize.backtesting import Backtesting  # noqa: F401
    from freqtrade.strategy import IStrategy  # noqa: F401

    class OfflineBinance(Binance):  # type: ignore[misc]
        """Binance with its markets given, never loaded."""

        def reload_markets(self, force: bool = False, *, load_leverage_tiers: bool = True
                           ) -> None:
            return None

        def _load_async_markets(self, reload: bool = False) -> None:
            raise AdapterError("offline: markets are bundled, never loaded")

    settings = config()
    exchange = OfflineBinance(settings, validate=False)
    exchange._api.set_markets([market()])
    exchange._api_async.set_markets([market()])
    exchange._markets = exchange._api.markets
    _state.update(config=settings, exchange=exchange)


def run(source: str) -> dict[str, Any]:
    try:
        return _run(source)
    except ModuleNotFoundError as exc:  # at the top or in an indicator method
        raise AdapterError(_missing(exc)) from None


def _run(source: str) -> dict[str, Any]:
    from freqtrade.strategy import IStrategy

    classes = strategy_classes(source, IStrategy, "freqtrade IStrategy")
    events: list[tuple[int, str, int, float, int]] = []
    trades, profit = 0, 0.0
    for series, strategy_class in enumerate(classes):
        frame, candles = _backtest(strategy_class)
        bar = {date: number for number, date in enumerate(candles["date"])}
        for row in frame.itertuples():
            side = -1 if row.is_short else 1
            events.append((bar[row.open_date], "entry", side, float(row.open_rate), series))
            events.append((bar[row.close_date], "exit", side, float(row.close_rate), series))
        trades += len(frame)
        profit += float(frame["profit_abs"].sum()) if len(frame) else 0.0
    return result(events, trades, 100 * profit / WALLET)  # type: ignore[arg-type]


def _backtest(strategy_class: Any) -> tuple[Any, Any]:
    """One strategy class's trades (freqtrade's results frame) and the candles it ran on."""
    from copy import deepcopy

    from freqtrade.exchange import timeframe_to_seconds
    from freqtrade.optimize.backtesting import Backtesting
    from freqtrade.resolvers import StrategyResolver

    from ..data import synthetic_candles

    settings = deepcopy(_state["config"])
    settings["strategy"] = strategy_class.__name__
    settings["timeframe"] = getattr(strategy_class, "timeframe", None) or TIMEFRAME

    def load(name: str, config: dict[str, Any], extra_dir: str | None = None) -> Any:
        return StrategyResolver.validate_strategy(strategy_class(config=config))

    StrategyResolver._load_strategy = staticmethod(load)
    backtesting = Backtesting(settings, _state["exchange"])
    candles = synthetic_candles(timeframe_to_seconds(settings["timeframe"]))
    strategy = backtesting.strategylist[0]
    backtesting.backtest_one_strategy(strategy, {PAIR: candles}, backtesting.timerange)
    return backtesting.all_bt_content[strategy.get_strategy_name()]["results"], candles


def _missing(exc: ModuleNotFoundError) -> str:
    module = (exc.name or "").split(".")[0]
    package = PACKAGES.get(module, module)
    return f"the strategy needs {module} (pip install {package})"
