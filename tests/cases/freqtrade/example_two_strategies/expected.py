"""Two strategies in one file: each class is its own scope for the rules."""
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class FastScalper(IStrategy):
    timeframe = "1m"
    minimal_roi = {"0": 0.009, "10": 0.004}
    stoploss = -0.022
    use_exit_signal = True

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = (dataframe["close"] > dataframe["open"]).astype(int)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe


class SlowSwing(IStrategy):
    timeframe = "4h"
    minimal_roi = {"0": 100}   # ROI disabled: exits come from the signal and the stop
    stoploss = -0.99           # disabled: custom_stoploss decides
    use_custom_stoploss = True

    def custom_stoploss(self, pair, trade, current_time, current_rate, current_profit,
                        after_fill, **kwargs) -> float:
        return -0.15 if current_profit < 0.1 else -0.05

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe
