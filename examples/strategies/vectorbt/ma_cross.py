"""Moving-average crossover on BTC with fixed stops (vectorbt)."""
import vectorbt as vbt

price = vbt.YFData.download("BTC-USD", start="2020-01-01").get("Close")
fast = vbt.MA.run(price, 10)
slow = vbt.MA.run(price, 50)
entries = fast.ma_crossed_above(slow)
exits = fast.ma_crossed_below(slow)

pf = vbt.Portfolio.from_signals(price, entries, exits, sl_stop=0.05, tp_stop=0.15,
                                fees=0.001, freq="1D")
print(pf.stats())
