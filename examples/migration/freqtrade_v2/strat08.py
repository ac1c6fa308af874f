from freqtrade.strategy import (IStrategy, merge_informative_pair,
                                stoploss_from_open)
from freqtrade.persistence import Trade
from pandas import DataFrame
from datetime import datetime, timedelta
import talib.abstract as ta
import numpy as np

class Strat08(IStrategy):
    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.195,
        "40": 0.166,
        "125": 0.113,
        "170": 0.076,
        "345": 0.061
    }

    stoploss = -0.15  # hard stop
    timeframe = '5m'

    # Exit signal settings
    use_sell_signal = False
    sell_profit_only = True
    ignore_roi_if_buy_signal = True

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
            (dataframe['rsi'] < 28) & (dataframe['volume'] > 0),
            ['buy', 'buy_tag']] = (1, 'rsi_dip')
        # second entry kind
        dataframe.loc[
            qtpylib.crossed_above(dataframe['close'], dataframe['ema50']),
            ['buy', 'buy_tag']] = (1, 'ema_cross')
        return dataframe

    def populate_sell_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (
                (dataframe['rsi'] > 70)   # overbought
            ),
            'sell'] = 1
        return dataframe

    def custom_sell(self, pair: str, trade: 'Trade', current_time: 'datetime',
                    current_rate: float, current_profit: float, **kwargs):
        # Sell any positions at a loss if they are held for more than one day.
        if current_profit < 0.0 and (current_time - trade.open_date_utc).days >= 1:
            return 'unclog'
        if trade.nr_of_successful_buys > 2 and current_profit > 0.05:
            return 'dca_take_profit'
        return None

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
