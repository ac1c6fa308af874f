from freqtrade.strategy import (IStrategy, merge_informative_pair,
                                stoploss_from_open)
from freqtrade.persistence import Trade
from pandas import DataFrame
from datetime import datetime, timedelta
import talib.abstract as ta
import numpy as np

class Strat13(IStrategy):
    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.102,
        "155": 0.086,
        "255": 0.053
    }

    stoploss = -0.26  # hard stop
    timeframe = "1h"

    # Exit signal settings
    use_sell_signal = True
    sell_profit_only = False
    ignore_roi_if_buy_signal = True

    order_types = {
        "buy": "limit",
        "sell": "limit",
        "emergencysell": "market",  # never stay in a crash
        "forcesell": "market",
        "stoploss": "market",
        "stoploss_on_exchange": False
    }

    order_time_in_force = {"buy": "gtc", "sell": "gtc"}
    unfilledtimeout = {"buy": 10, "sell": 30}  # minutes

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # RSI
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)

        # Bollinger bands
        bollinger = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe["bb_lowerband"] = bollinger["lower"]
        dataframe["ema50"] = ta.EMA(dataframe, timeperiod=50)
        dataframe["atr"] = np.NaN
        return dataframe

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe["rsi"] < 30), "buy"] = 1
        return dataframe

    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                (dataframe["rsi"] > 70)   # overbought
            ),
            "sell"] = 1
        return dataframe

    def custom_sell(self, pair: str, trade: 'Trade', current_time: 'datetime',
                    current_rate: float, current_profit: float, **kwargs):
        # Sell any positions at a loss if they are held for more than one day.
        if current_profit < 0.0 and (current_time - trade.open_date_utc).days >= 1:
            return "unclog"
        if trade.nr_of_successful_buys > 2 and current_profit > 0.05:
            return "dca_take_profit"
        return None
