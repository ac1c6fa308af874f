"""The semantic model of one strategy file (exitdsl/model/): what every stage asks of it,
on a freqtrade strategy written as real ones are."""

from __future__ import annotations

import ast
import textwrap

import pytest

from exitdsl.language.ir import BaseFamily
from exitdsl.errors import Span
from exitdsl.model.strategy import StrategyModel

SOURCE = textwrap.dedent("""\
    import talib.abstract as ta
    from freqtrade.strategy import IStrategy, DecimalParameter
    from mixins import TrailingMixin


    class Base(IStrategy):
        stoploss = -0.10
        sell_rsi = DecimalParameter(60, 90, default=75, space="sell")

        def populate_indicators(self, dataframe, metadata):
            dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
            return dataframe

        def populate_sell_trend(self, dataframe, metadata):
            limit = self.sell_rsi.value
            dataframe.loc[dataframe["rsi"] > limit, "sell"] = 1
            return dataframe


    class Tuned(Base, TrailingMixin):
        stoploss = -0.05

        def custom_sell(self, pair, trade, current_time, **kwargs):
            def late(hours):
                return hours > self.stoploss
            try:
                return late(3)
            except ValueError as problem:
                return None


    class Helper:
        trailing_stop = True
    """)


def model() -> tuple[StrategyModel, ast.Module]:
    module = ast.parse(SOURCE)
    return StrategyModel(module), module


def classes(module: ast.Module) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in module.body if isinstance(node, ast.ClassDef)}


def test_classes_have_attribute_tables_methods_and_self_uses() -> None:
    built, module = model()
    base = built.class_info(classes(module)["Base"], uses=True)
    assert base is not None
    assert sorted(base.attributes) == ["sell_rsi", "stoploss"]
    assert sorted(base.methods) == ["populate_indicators", "populate_sell_trend"]
    assert [(u.method, u.node.lineno, u.store) for u in base.uses["sell_rsi"]] == [
        ("populate_sell_trend", 15, False)]
    tuned = built.class_info(classes(module)["Tuned"], uses=True)
    assert tuned is not None  # a closure inside a method reads its method's self
    assert [(u.method, u.node.lineno) for u in tuned.uses["stoploss"]] == [("custom_sell", 25)]


def test_bindings_per_scope_answer_defined_before_a_line() -> None:
    built, module = model()
    sell = classes(module)["Base"].body[3]
    assert isinstance(sell, ast.FunctionDef)
    assert built.defined_before("limit", sell, 16)  # assigned on line 15
    assert not built.defined_before("limit", sell, 15)  # not before its own line
    assert built.defined_before("dataframe", sell, 14)  # a parameter
    assert built.defined_before("ta", module, 2)  # an import
    assert not built.defined_before("Tuned", module, 20)  # the class starts on line 20
    assert built.defined_before("Tuned", module, 21)
    custom = classes(module)["Tuned"].body[1]
    bindings = built.index.scopes[id(custom)].bindings
    assert sorted((name, b[0].kind) for name, b in bindings.items()) == [
        ("current_time", "parameter"), ("kwargs", "parameter"), ("late", "def"),
        ("pair", "parameter"), ("problem", "except"), ("self", "parameter"),
        ("trade", "parameter")]


def test_calls_by_callee_and_names_made_here() -> None:
    built, _ = model()
    assert [c.lineno for c in built.index.calls["RSI"]] == [11]
    assert [c.lineno for c in built.index.calls["late"]] == [27]
    assert built.made_here("limit") and built.made_here("Helper")
    assert not built.made_here("ta") and not built.made_here("sim")


def test_base_families_reach_subclasses_and_classes_defining_an_attribute() -> None:
    built, _ = model()
    here = Span("<test>", 1, 1)
    plain = BaseFamily("IStrategy", (), here)
    defining = BaseFamily("IStrategy", ("trailing_stop",), here)
    assert sorted(name for name, _ in built.family(plain)) == ["Base", "Tuned"]
    assert sorted(name for name, _ in built.family(defining)) == ["Base", "Helper", "Tuned"]


def test_the_outline_is_enough_for_families_and_never_walks_expressions() -> None:
    built, _ = model()
    built.family(BaseFamily("IStrategy", (), Span("<test>", 1, 1)))
    assert built._index is None  # the full traversal was not needed
    assert ast.Call not in built.outline.by_type


NFI_STYLE = '''\
class Base(IStrategy):
    sell_params = {"sell_condition_2_enable": False}
    sell_condition_1_enable = True
    sell_condition_2_enable = True
    sell_rsi_1 = 79.5
    sell_rsi_2 = 81.0
    buy_rsi = 30.0

    def sell_signals(self, last):
        if self.sell_condition_1_enable and last['rsi'] > self.sell_rsi_1:
            return True
        return (self.sell_condition_2_enable) & (last['rsi'] > self.sell_rsi_2)

    def custom_sell(self, pair, trade, current_time, current_rate, current_profit, **kwargs):
        self.cache = {}
        return self.sell_signals(self.last)

    def populate_buy_trend(self, dataframe, metadata):
        dataframe.loc[dataframe['rsi'] < self.buy_rsi, 'buy'] = 1
        return dataframe


class Derived(Base):
    sell_condition_1_enable = False
'''


@pytest.mark.parametrize("with_text", [True, False])
def test_read_in_follows_helpers_and_leaves_out_switched_off_code(with_text: bool) -> None:
    module = ast.parse(NFI_STYLE)
    model = StrategyModel(module, NFI_STYLE if with_text else "")
    base, derived = module.body
    reads = {name: [m for m in ("custom_sell", "populate_buy_trend")
                    if model.read_in(base, name, m)]
             for name in ("sell_rsi_1", "sell_rsi_2", "buy_rsi", "cache")}
    # sell_params switches condition 2 off; custom_sell reaches sell_rsi_1 through its helper;
    # `self.cache = {}` is a store.
    assert reads == {"sell_rsi_1": ["custom_sell"], "sell_rsi_2": [],
                     "buy_rsi": ["populate_buy_trend"], "cache": []}
    # The subclass switches condition 1 off: its exits read neither threshold.
    assert not model.read_in(derived, "sell_rsi_1", "custom_sell")
    assert not model.read_in(derived, "sell_rsi_2", "custom_sell")


def test_what_the_tests_of_a_strategy_decide() -> None:
    """guards()/in_test_of(): a test decides its branch and plain else at any depth,
    helpers that make the call included, and a subclass's override counts for its base's
    attribute."""
    source = (
        "class Base(Strategy):\n"
        "    level = 70\n"
        "    floor = 20\n"
        "    def next(self):\n"
        "        if self.rsi[-1] > self.level:\n"
        "            self.position.close()\n"
        "        elif self.rsi[-1] < self.floor:\n"
        "            self.go_long()\n"
        "    def go_long(self):\n"
        "        self.buy()\n"
        "class Child(Base):\n"
        "    def next(self):\n"
        "        if self.rsi[-1] > self.level and self.rsi[-1] > 75:\n"
        "            self.buy()\n")
    module = ast.parse(source)
    model = StrategyModel(module, source)
    base, child = module.body
    assert model.guards(base, "level", "next", "close")
    assert not model.guards(base, "floor", "next", "close")
    assert model.guards(base, "floor", "next", "buy")  # through go_long()
    assert model.guards(base, "level", "next", "buy")  # Child's next() buys with it
    assert not model.guards(child, "floor", "next", "buy")  # Child overrides next()
    test = child.body[0].body[0]
    seventy_five = test.test.values[1].comparators[0]
    assert model.in_test_of(test, seventy_five, "buy")
    assert not model.in_test_of(test, seventy_five, "close")
