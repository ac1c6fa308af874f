"""ATR exit template: stop, profit target and time exit on one position series."""
import pandas as pd


def exit_signals(close: pd.Series, high: pd.Series, low: pd.Series, entry_price: float,
                 holding_days: int, params: dict) -> pd.Series:
    atr_period = params.get("atr_period", 14)
    stop_mult = params.get('stop_atr_mult', 2.0)      # ATR multiples below the high
    profit_mult = params.get("profit_atr_mult", 3.0)
    max_hold = params.get("max_hold_days", 30)

    tr = pd.concat([high - low, (high - close.shift()).abs(), (low - close.shift()).abs()],
                   axis=1).max(axis=1)
    atr = tr.rolling(atr_period).mean()
    highest_high = high.cummax()

    stop_exit = close < (highest_high - atr * stop_mult)
    profit_exit = close > entry_price + atr * profit_mult
    time_exit = holding_days >= max_hold
    any_exit = (
        stop_exit
        | profit_exit
    )
    return any_exit
