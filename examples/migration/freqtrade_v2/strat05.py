# --- Do not remove these libs ---
from freqtrade.strategy.interface import IStrategy
from pandas import DataFrame
import talib.abstract as ta
import freqtrade.vendor.qtpylib.indicators as qtpylib
import numpy as np  # noqa

class Strat05(IStrategy):
    """
    Keltner breakout (interface v2).
    """

    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.167,
        "35": 0.121,
        "190": 0.052
    }

    stoploss = -0.15  # hard stop
    ticker_interval = '1h'

    # Exit signal settings
    use_sell_signal = False
    sell_profit_only = True
    ignore_roi_if_buy_signal = True
    forcebuy_enable = True

    order_types = {
        'buy': 'limit',
        'sell': 'limit',
        'emergencysell': 'market',  # never stay in a crash
        'forcesell': 'market',
        'stoploss': 'market',
        'stoploss_on_exchange': False
    }

    order_time_in_force = {'buy': 'gtc', 'sell': 'gtc'}
    unfilledtimeout = {'buy': 10, 'sell': 30}  # minutes

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        # RSI
        dataframe['rsi'] = ta.RSI(dataframe, timeperiod=14)

        # Bollinger bands
        bollinger = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
        dataframe['bb_lowerband'] = bollinger['lower']
        dataframe['ema50'] = ta.EMA(dataframe, timeperiod=50)
        dataframe['atr'] = np.NaN
        return dataframe

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                (dataframe['rsi'] < 30) &  # oversold
                (dataframe['close'] < dataframe['bb_lowerband']) &
                (dataframe['volume'] > 0)  # make sure volume is not 0
            ),
            'buy'] = 1

        return dataframe

    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                (dataframe['rsi'] > 70)   # overbought
            ),
            'sell'] = 1
        return dataframe

    def confirm_trade_exit(self, pair: str, trade: Trade, order_type: str, amount: float,
                           rate: float, time_in_force: str, sell_reason: str,
                           **kwargs) -> bool:
        # Do not force-sell at a loss; log every exit.
        if sell_reason == 'force_sell' and trade.calc_profit_ratio(rate) < 0:
            return False
        if 'sell_signal' == sell_reason and not self.use_sell_signal:
            return False
        self.log(f"{pair} exits with {sell_reason}")
        return True
