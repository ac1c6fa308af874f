"""Child side: vectorbt scripts. Their data downloads are answered with the bundled
synthetic data (one seeded series per symbol), and every portfolio the script builds with
``Portfolio.from_signals`` or ``from_orders`` is recorded; the trades of all of them, one
series per portfolio column, are the run."""

from __future__ import annotations

from typing import Any

from . import AdapterError, execute, result

_SOURCES = ("YFData", "BinanceData", "CCXTData", "AlpacaData")
SERIES_PER_PORTFOLIO = 10_000
# numba's dispatcher reads its compiled functions through ctypes objects; loading new
# native code (dlopen, dlsym) and calling raw function pointers stay refused.
ALLOWED_EVENTS = frozenset({"ctypes.cdata"})


def prepare() -> None:
    """Import vectorbt and compile (numba) what scripts commonly call, while native code may
    still be loaded: the guard refuses the ctypes calls numba's compiler makes."""
    import numpy as np
    import pandas as pd
    import vectorbt as vbt

    close = pd.DataFrame({"a": np.linspace(10.0, 20.0, 60), "b": np.linspace(20.0, 10.0, 60)},
                         index=pd.date_range("2021-01-01", periods=60))
    fast, slow = vbt.MA.run(close, 3), vbt.MA.run(close, 8)
    entries, exits = fast.ma_crossed_above(slow), fast.ma_crossed_below(slow)
    vbt.RSI.run(close, window=14).rsi_crossed_below(30)
    close.vbt.crossed_above(close.rolling(5).mean())
    for stops in ({}, {"sl_stop": 0.05}, {"sl_stop": 0.05, "sl_trail": True, "tp_stop": 0.1},
                  {"tp_stop": 0.1}):
        portfolio = vbt.Portfolio.from_signals(close, entries, exits, freq="1D", fees=0.001,
                                               **stops)
        portfolio.trades.values, portfolio.total_return()


def run(source: str) -> dict[str, Any]:
    import vectorbt as vbt

    portfolios: list[Any] = []
    _patch_downloads(vbt)
    _patch_portfolio(vbt.Portfolio, portfolios)
    execute(source)
    if not portfolios:
        raise AdapterError("the script builds no Portfolio")
    events: list[tuple[int, str, int, float, int]] = []
    trades, total = 0, 0.0
    for number, portfolio in enumerate(portfolios):
        records = portfolio.trades.values
        trades += len(records)
        for row in records:
            series = number * SERIES_PER_PORTFOLIO + int(row["col"])
            side = 1 if int(row["direction"]) == 0 else -1
            events.append((int(row["entry_idx"]), "entry", side, float(row["entry_price"]),
                           series))
            if int(row["status"]) == 1:  # closed
                events.append((int(row["exit_idx"]), "exit", side, float(row["exit_price"]),
                               series))
        total += float(portfolio.total_return().to_numpy().sum()
                       if hasattr(portfolio.total_return(), "to_numpy")
                       else portfolio.total_return())
    return result(events, trades, 100 * total)  # type: ignore[arg-type]


def _patch_downloads(vbt: Any) -> None:
    from ..data import synthetic_ohlc

    class Bundled:
        def __init__(self, symbols: Any) -> None:
            self.symbols = [symbols] if isinstance(symbols, str) else list(symbols)

        def get(self, column: str = "Close") -> Any:
            import pandas as pd

            frames = {s: synthetic_ohlc(seed=_seed(s))[column.capitalize()]
                      for s in self.symbols}
            if len(frames) == 1:
                return next(iter(frames.values())).rename(column)
            return pd.DataFrame(frames)

    for name in _SOURCES:
        owner = getattr(vbt, name, None)
        if owner is not None:
            owner.download = classmethod(lambda cls, symbols="BUNDLED", *a, **k: Bundled(symbols))


def _patch_portfolio(portfolio_class: Any, built: list[Any]) -> None:
    for name in ("from_signals", "from_orders"):
        original = getattr(portfolio_class, name)

        def recording(cls: Any, /, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            portfolio = __original(*args, **kwargs)
            built.append(portfolio)
            return portfolio
        setattr(portfolio_class, name, classmethod(recording))


def _seed(symbol: str) -> int:
    return int(sum(ord(c) * pow(31, i, 2**31) for i, c in enumerate(symbol))) % 2**31
