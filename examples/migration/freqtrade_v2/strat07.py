"""
Strat07: Heikin-Ashi trend
"""
import numpy as np
import pandas as pd
from pandas import DataFrame
from functools import reduce

import talib.abstract as ta
from freqtrade.strategy import IStrategy, IntParameter, DecimalParameter

class Strat07(IStrategy):
    """
    Heikin-Ashi trend (interface v2).
    """

    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.153,
        "10": 0.061,
        "220": 0.05
    }

    stoploss = -0.18  # hard stop
    timeframe = "1h"

    # Exit signal settings
    use_sell_signal = True
    sell_profit_only = True
    sell_profit_offset = 0.014
    ignore_roi_if_buy_signal = False

    order_time_in_force = {"buy": "gtc", "sell": "gtc"}

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # RSI
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)

        # Bollinger bands
        bollinger = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe["bb_lowerband"] = bollinger["lower"]
        dataframe["ema50"] = ta.EMA(dataframe, timeperiod=50)
        dataframe["atr"] = np.NAN
        return dataframe

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                (dataframe["rsi"] < 30) &  # oversold
                (dataframe["close"] < dataframe["bb_lowerband"]) &
                (dataframe["volume"] > 0)  # make sure volume is not 0
            ),
            "buy"] = 1

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
