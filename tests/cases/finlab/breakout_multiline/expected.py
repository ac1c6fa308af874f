# -*- coding: utf-8 -*-
"""Breakout strategy (finlab).  Exits are delegated to sim()."""
from finlab import data
from finlab import backtest

close  = data.get( 'price:收盤價' )
volume = data.get('price:成交股數')   # shares, not lots

entry = (close > close.rolling(20).max().shift())&(volume > volume.average(20) * 2)

# stop_loss=0.5 in this comment must not change
note = 'stop_loss=0.3 inside a string must not change'
report = backtest.sim(
    entry.is_largest(10),
    resample = 'W' ,
    stop_loss =   0.0663,      # hard stop, fraction of entry
    take_profit=0.2807 ,
    name='breakout',
)
