# CRLF line endings survive
from finlab.backtest import sim

report = sim(position,
             stop_loss=0.0906,  # stop
             take_profit=0.4)
