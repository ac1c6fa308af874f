# --- Do not remove these libs ---
from freqtrade.strategy.interface import IStrategy
from pandas import DataFrame
import talib.abstract as ta
import freqtrade.vendor.qtpylib.indicators as qtpylib
import numpy as np  # noqa

class Strat02(IStrategy):
    """
    MACD cross with volume (interface v2).
    """

    INTERFACE_VERSION = 2

    # Minimal ROI designed for the strategy.
    minimal_roi = {
        "0": 0.081,
        "220": 0.02,
        "265": 0.013
    }

    stoploss = -0.24  # hard stop
    timeframe = "15m"

    # Exit signal settings
    use_sell_signal = True
    sell_profit_only = False
    sell_profit_offset = 0.015
    ignore_roi_if_buy_signal = False
    forcebuy_enable = True

    order_types = {
        "buy": "limit",
        "sell": "limit",
        "emergencysell": "market",  # never stay in a crash
        "forcesell": "market",
        "stoploss": "market",
        "stoploss_on_exchange": False
    }


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
        conditions = []
        conditions.append(dataframe["rsi"] < 35)
        conditions.append(dataframe["volume"] > 0)

        if conditions:
            dataframe.loc[
                reduce(lambda x, y: x & y, conditions),
                "buy"] = 1
        dataframe["buy_tag"] = ""

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

    def confirm_trade_exit(self, pair: str, trade: Trade, order_type: str, amount: float,
                           rate: float, time_in_force: str, sell_reason: str,
                           **kwargs) -> bool:
        # Do not force-sell at a loss; log every exit.
        if sell_reason == "force_sell" and trade.calc_profit_ratio(rate) < 0:
            return False
        if "sell_signal" == sell_reason and not self.use_sell_signal:
            return False
        self.log(f"{pair} exits with {sell_reason}")
        return True

    def check_buy_timeout(self, pair: str, trade: 'Trade', order: dict, **kwargs) -> bool:
        # Cancel buy orders that drifted more than 2% from the close.
        if order["side"] == "buy" and order["price"] > trade.open_rate * 1.02:
            return True
        return False

    def check_sell_timeout(self, pair: str, trade: 'Trade', order: dict, **kwargs) -> bool:
        return False
