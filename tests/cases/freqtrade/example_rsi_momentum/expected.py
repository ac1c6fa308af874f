"""RSI momentum for freqtrade: enter on oversold bounces, exit on overbought or ROI."""
from functools import reduce

import talib.abstract as ta
from freqtrade.strategy import DecimalParameter, IntParameter, IStrategy
from pandas import DataFrame


class RsiMomentum(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "15m"
    can_short = False

    # ROI table: minutes -> minimum profit ratio
    minimal_roi = {
        "0": 0.138,
        "69": 0.082,
        "229": 0.064,
        "566": 0
    }
    stoploss = -0.321

    trailing_stop = True
    trailing_stop_positive = 0.022
    trailing_stop_positive_offset = 0.032
    trailing_only_offset_is_reached = False

    use_exit_signal = False
    exit_profit_only = True

    buy_rsi = IntParameter(10, 40, default=30, space="buy")
    sell_rsi = IntParameter(60, 90, default=69, space="sell")
    sell_profit_guard = DecimalParameter(0.0, 0.05, default=0.011, decimals=3, space="sell")

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["ema_200"] = ta.EMA(dataframe, timeperiod=200)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        conditions = [
            dataframe["rsi"] < self.buy_rsi.value,
            dataframe["close"] > dataframe["ema_200"],
            dataframe["volume"] > 0,
        ]
        dataframe.loc[reduce(lambda a, b: a & b, conditions), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        stoploss = -0.5  # a local used only for logging: never the strategy's stop
        dataframe.loc[(dataframe["rsi"] > self.sell_rsi.value), "exit_long"] = 1
        return dataframe
