# Monthly revenue breakout with a trailing exit.
# Idea: new 12-month revenue high + price above its 60-day mean.
from finlab import data, backtest

rev = data.get("monthly_revenue:當月營收")
close = data.get("price:收盤價")

rev_high = rev.rolling(12).max() == rev
trend    = close > close.average( 60 )

position = (rev_high & trend).is_largest(30)

report = backtest.sim(
    position,
    resample="M",
    stop_loss=0.1,
    trail_stop=0.06,
    touched_exit=True,
    fee_ratio=1.425 / 1000 / 3,
)
report.display()
