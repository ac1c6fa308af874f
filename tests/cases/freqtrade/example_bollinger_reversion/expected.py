# Mean reversion on Bollinger bands (freqtrade), with hyperopt results pasted in.
import freqtrade.vendor.qtpylib.indicators as qtpylib
from freqtrade.strategy import IStrategy, DecimalParameter
from pandas import DataFrame


class BollingerReversion(IStrategy):
    INTERFACE_VERSION: int = 3
    timeframe = '1h'

    # Buy hyperspace params:
    buy_params = {"bb_std": 2.0}
    # Sell hyperspace params:
    sell_params = {"exit_bb_mid_offset": 0.004}

    minimal_roi = {"0": 0.088, "120": 0.042, "360": 0.009}
    stoploss = -0.072
    trailing_stop = False
    trailing_stop_positive = 0.012
    trailing_stop_positive_offset = 0.024

    exit_bb_mid_offset = DecimalParameter(-0.02, 0.02, default=0.003, decimals=3,
                                          space='sell', optimize=True)

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        bands = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe['bb_lower'] = bands['lower']
        dataframe['bb_mid'] = bands['mid']
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe['close'] < dataframe['bb_lower'], 'enter_long'] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        target = dataframe['bb_mid'] * (1 + self.exit_bb_mid_offset.value)
        dataframe.loc[dataframe['close'] > target, 'exit_long'] = 1
        return dataframe
