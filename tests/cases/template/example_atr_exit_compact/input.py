# Compact variant of the ATR template, as an LLM tends to write it.
def exits(close, atr, highest_high, entry, days, params):
    mult=params.get("stop_atr_mult",2.5); pmult = params.get( "profit_atr_mult" , 4.0 )
    stop_exit = close.loc[date] < (highest_high - atr * mult)
    profit_exit = close>entry + atr*pmult
    any_exit = stop_exit | profit_exit   # no time exit in this variant
    return any_exit
