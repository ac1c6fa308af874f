"""Child side: the ATR exit template, a function from price series to an exit mask.

The harness supplies the entries (close crossing above its 20-bar mean, long only, on the
bundled synthetic data); for each trade it calls the exit function on the bars from entry
on and exits at the first bar the mask is true. Parameters are bound by name; one with a
default keeps it (so ``params=DEFAULTS`` is honoured, as it is in production).
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from ..frameworks import exit_function
from . import AdapterError, execute, result

ENTRY_MEAN = 20
ATR_BARS = 14
_SERIES = {"close": "Close", "price": "Close", "high": "High", "low": "Low", "open": "Open",
           "volume": "Volume"}
_FRAMES = {"df", "data", "ohlc", "bars", "frame", "prices"}
_ENTRY = {"entry", "entry_price", "entry_px", "cost", "cost_basis"}
_HELD = {"holding_days", "days", "bars_held", "holding", "held", "days_held", "age"}
_PARAMS = {"params", "parameters", "config", "settings", "p"}


def prepare() -> None:
    import numpy  # noqa: F401
    import pandas  # noqa: F401


def run(source: str) -> dict[str, Any]:
    import numpy as np

    from ..data import synthetic_ohlc

    name = exit_function(ast.parse(source))
    function = execute(source).get(name or "")
    if not callable(function):
        raise AdapterError("no top-level function with 'exit' in its name")
    data = synthetic_ohlc()
    close = data["Close"]
    mean = close.rolling(ENTRY_MEAN).mean()
    signal = ((close > mean) & (close.shift() <= mean.shift())).to_numpy()
    events: list[tuple[int, str, int, float]] = []
    total, bar, last = 0.0, ENTRY_MEAN, len(data) - 1
    growth = np.ones(len(data))  # bar-on-bar equity growth: the close's, while in a trade
    while bar < last:
        if not signal[bar]:
            bar += 1
            continue
        window = data.iloc[bar:]
        mask = np.asarray(_as_mask(function(**_bind(function, window, data, bar)), window))
        hits = np.flatnonzero(mask[1:])
        exit_bar = bar + 1 + int(hits[0]) if len(hits) else last
        entry_price, exit_price = float(close.iloc[bar]), float(close.iloc[exit_bar])
        events += [(bar, "entry", 1, entry_price), (exit_bar, "exit", 1, exit_price)]
        total += exit_price / entry_price - 1
        growth[bar + 1:exit_bar + 1] = (close.iloc[bar + 1:exit_bar + 1].to_numpy()
                                        / close.iloc[bar:exit_bar].to_numpy())
        bar = exit_bar + 1
    return result(events, len(events) // 2, 100 * total, close * 0 + growth.cumprod())


def _bind(function: Any, window: Any, data: Any, bar: int) -> dict[str, Any]:
    import pandas as pd

    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        key = name.lower()
        if parameter.default is not inspect.Parameter.empty:
            continue
        if key in _SERIES:
            arguments[name] = window[_SERIES[key]]
        elif key in _FRAMES:
            frame = window.copy()
            frame[[c.lower() for c in window.columns]] = window.to_numpy()
            arguments[name] = frame
        elif key in _ENTRY:
            arguments[name] = float(window["Close"].iloc[0])
        elif key in _HELD:
            arguments[name] = pd.Series(range(len(window)), index=window.index)
        elif key == "atr":
            arguments[name] = _atr(data).iloc[bar:]
        elif key in ("highest_high", "highest", "peak"):
            arguments[name] = window["High"].cummax()
        elif key in _PARAMS:
            arguments[name] = {}
        else:
            raise AdapterError(f"cannot supply parameter {name!r} of {function.__name__}()")
    return arguments


def _atr(data: Any) -> Any:
    import pandas as pd

    previous = data["Close"].shift()
    ranges = pd.concat([data["High"] - data["Low"], (data["High"] - previous).abs(),
                        (data["Low"] - previous).abs()], axis=1).max(axis=1)
    return ranges.rolling(ATR_BARS, min_periods=1).mean()


def _as_mask(value: Any, window: Any) -> Any:
    """The exit function's answer as one boolean per bar of the window."""
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Series):
        return value.reindex(window.index).fillna(False).astype(bool).to_numpy()
    mask = np.asarray(value, dtype=bool)
    if mask.ndim == 0:
        return np.full(len(window), bool(mask))
    if mask.shape != (len(window),):
        raise AdapterError(f"the exit function returned shape {mask.shape}, not one value "
                           f"per bar ({len(window)})")
    return mask
