"""ATR exit template, long-only variant with an explicit parameter dictionary."""
DEFAULTS = {"atr_period": 14, "stop_atr_mult": 2.0}


def long_exits(df, entry_price, holding_days, params=DEFAULTS):
    atr_period = params.get("atr_period", 10)
    stop_mult = params.get("stop_atr_mult", 2.5)
    profit_mult = params.get("profit_atr_mult", 5.0)
    max_hold = params.get("max_hold_days", 40)

    atr = (df["high"] - df["low"]).rolling(atr_period).mean()
    stop_level = df["high"].cummax() - atr * stop_mult
    target = entry_price + atr * profit_mult

    stop_exit = df["close"] <= stop_level
    profit_exit = df["close"] >= target
    time_exit = holding_days >= max_hold
    any_exit = stop_exit | time_exit
    return any_exit
