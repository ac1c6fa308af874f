"""
Strat11: Supertrend follow
"""
import numpy as np
import pandas as pd
from pandas import DataFrame
from functools import reduce

import talib.abstract as ta
from freqtrade.strategy import IStrategy, IntParameter, DecimalParameter

class Strat11(IStrategy):
    INTERFACE_VERSION = 2

    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.185,
        "100": 0.174,
        "175": 0.108,
        "200": 0.037
    }

    stoploss = -0.08  # hard stop
    ticker_interval = "1h"

    # Exit signal settings
    use_sell_signal = False
    sell_profit_only = True
    sell_profit_offset = 0.011
    ignore_roi_if_buy_signal = False

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
