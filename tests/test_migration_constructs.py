"""Constructs a format-preserving freqtrade v2 -> v3 migration needs (issue 17): each on
real-looking v2 code, with the exact output."""

from __future__ import annotations

from pathlib import Path

from exitdsl import Engine, load_rules


def rewrite(tmp_path: Path, rules: str, source: str) -> str:
    path = tmp_path / "m.rules"
    path.write_text(rules, encoding="utf-8")
    result = Engine(load_rules(path)).rewrite(source, "strategy.py")
    assert not result.rejections, result.rejections
    return result.new_source


V2 = '''class Sample(IStrategy):
    use_sell_signal = True  # exit on the sell column
    sell_profit_only = False

    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (qtpylib.crossed_above(dataframe['rsi'], 30)),  # oversold
            'buy'] = 1
        dataframe['buy_tag'] = ''
        return dataframe
'''


def test_a_setting_assigned_in_a_class_body_is_renamed(tmp_path: Path) -> None:
    rules = ('rule setting {\n  match `$name = $value`\n  where $name ~ /^use_sell_signal$/\n'
             '  rename $name to use_exit_signal\n}\n')
    assert rewrite(tmp_path, rules, V2) == V2.replace("use_sell_signal = True",
                                                      "use_exit_signal = True")


def test_a_later_match_alternative_is_tried_when_the_first_fails_its_where(
        tmp_path: Path) -> None:
    # `$df[$k]` also matches `dataframe.loc[cond, 'buy']` (with $k the whole tuple); its
    # where fails there, and the `.loc` alternative must still get its chance.
    rules = ("rule column {\n  match `$df[$k]`\n  match `$df.loc[..., $k]`\n"
             "  where $k ~ /^buy$/\n  set $k = `'enter_long'`\n}\n")
    assert rewrite(tmp_path, rules, V2) == V2.replace("'buy'] = 1", "'enter_long'] = 1")


def test_a_string_replacing_a_string_keeps_its_quotes_and_prefix(tmp_path: Path) -> None:
    rules = ('rule column {\n  match `$df[$k]`\n  where $k ~ /^(buy|sell)$/\n'
             '  set $k = `"enter_long"`\n}\n')
    source = ("dataframe['buy'] = 0\ndataframe[\"sell\"] = 0\ndataframe[r'buy'] = 0\n"
              "dataframe['''buy'''] = 0\n")
    assert rewrite(tmp_path, rules, source) == (
        "dataframe['enter_long'] = 0\ndataframe[\"enter_long\"] = 0\n"
        "dataframe[r'enter_long'] = 0\ndataframe['''enter_long'''] = 0\n")
    quoted = ('rule quote {\n  match `$df[$k]`\n  where $k ~ /^buy$/\n'
              '  set $k = `"it\'s"`\n}\n')
    assert rewrite(tmp_path, quoted, "dataframe['buy'] = 0\n") == "dataframe[\"it's\"] = 0\n"


def test_a_regex_on_deeply_nested_code_skips_that_site_not_the_file(tmp_path: Path) -> None:
    rules = ('rule column {\n  match `$df[$k]`\n  where $k ~ /^buy$/\n'
             '  set $k = `"enter_long"`\n}\n')
    path = tmp_path / "m.rules"
    path.write_text(rules, encoding="utf-8")
    source = "dataframe['buy'] = 1\nd[" + " + ".join(["buy"] * 400) + "] = 1\n"
    result = Engine(load_rules(path)).rewrite(source, "strategy.py")
    assert result.new_source == source.replace("['buy']", "['enter_long']")
    assert [(s.line, s.reason) for s in result.skips] == [
        (2, "left alone: the captured code is nested too deeply to match a /regex/ against")]


def test_dollar_zero_is_the_whole_match(tmp_path: Path) -> None:
    rules = ("allow names [nan]\n"
             "rule nan {\n  match `np.NaN`\n  set $0 = `np.nan`\n}\n"
             "rule reason {\n  match `'force_sell'`\n  set $0 = `'force_exit'`\n}\n")
    source = ('import numpy as np\n\n\ndef custom_exit(self, pair, trade, **kwargs):\n'
              '    dataframe["atr"] = np.NaN  # warm-up\n'
              '    if trade.exit_reason == "force_sell":\n        return np.NaN\n')
    assert rewrite(tmp_path, rules, source) == source.replace("np.NaN", "np.nan").replace(
        '"force_sell"', '"force_exit"')


def test_dollar_zero_needs_an_expression_pattern(tmp_path: Path) -> None:
    import pytest

    from exitdsl.errors import RuleError

    path = tmp_path / "bad.rules"
    path.write_text("rule r {\n  match `x = $v`\n  set $0 = `1`\n}\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.one_line() == (f"{path}:3:7: $0 (the whole match) needs expression "
                                     "patterns; a statement pattern's parts are captured by name")


def test_one_map_table_renames_columns_in_every_spelling(tmp_path: Path) -> None:
    rules = ("map signal_columns = {buy: enter_long, sell: exit_long, buy_tag: enter_tag}\n"
             "rule columns {\n  match `$df[$k]`\n  match `$df.loc[..., $k]`\n"
             "  where $k in signal_columns\n  rename $k using signal_columns\n}\n")
    assert rewrite(tmp_path, rules, V2) == V2.replace("'buy'] = 1", "'enter_long'] = 1") \
        .replace("dataframe['buy_tag']", "dataframe['enter_tag']")


def test_map_misuse_is_located(tmp_path: Path) -> None:
    import pytest

    from exitdsl.errors import RuleError

    cases = {
        "map m = {a: b, a: c}\n": "1:5: map 'm' has the key 'a' twice",
        "map m = {a: b}\nrule r {\n  match `f($x)`\n  set $x = clamp($x, m)\n}\n":
            "4:22: 'm' is a map, not a bound",
        "bound m = [0, 1]\nrule r {\n  match `f($x)`\n  rename $x using m\n}\n":
            "4:19: 'm' is not a map (declare it with `map m = {old: new, ...}`)",
    }
    for text, expected in cases.items():
        path = tmp_path / "bad.rules"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RuleError) as info:
            load_rules(path)
        assert info.value.one_line() == f"{path}:{expected}"


def test_a_rename_that_leaves_a_use_unbound_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "m.rules"
    path.write_text("rule setting {\n  match `$name = $value`\n"
                    "  where $name ~ /^use_sell_signal$/\n  rename $name to use_exit_signal\n}\n",
                    encoding="utf-8")
    engine = Engine(load_rules(path))
    half = "class S(IStrategy):\n    use_sell_signal = True\n    both = use_sell_signal and 1\n"
    result = engine.rewrite(half, "s.py")
    assert result.new_source == half
    assert [(r.line, r.check, r.detail) for r in result.rejections] == [
        (2, "bindings", "'use_sell_signal' is no longer bound by anything in the file, but is "
                        "still used (rename its uses too, or the binding with them)")]
    # Two renames may not each rely on the binding the other removes: the file is checked
    # as a whole, after all its sites.
    bound_twice = half + "use_sell_signal = False\n"
    result = engine.rewrite(bound_twice, "s.py")
    assert result.new_source == bound_twice
    assert [(r.line, r.check) for r in result.rejections] == [(2, "bindings"), (4, "bindings")]
    unused = "class S(IStrategy):\n    use_sell_signal = True  # exits on\n"
    assert engine.rewrite(unused, "s.py").new_source == unused.replace("use_sell", "use_exit")


IDENTIFIERS = '''from freqtrade.strategy import IStrategy


class Sample(IStrategy):
    @informative('1h')
    def populate_buy_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:  # entry
        if trade.nr_of_successful_buys > 1:  # scaled in
            notify(self, sell_reason="roi")
        return dataframe

    def confirm_trade_exit(self, pair: str, trade: Trade, order_type: str, amount: float,
                           rate: float, time_in_force: str, sell_reason: str,
                           **kwargs) -> bool:
        return sell_reason != "force_sell"
'''
IDENTIFIER_RULES = """
rule method {
  match `def $f(...): ...`
  where $f ~ /^populate_buy_trend$/
  rename $f to populate_entry_trend
}
rule attribute {
  match `$t.$a`
  where $a ~ /^nr_of_successful_buys$/
  rename $a to nr_of_successful_entries
}
rule keyword {
  match `$f(..., $k=$v, ...)`
  where $k ~ /^sell_reason$/
  rename $k to exit_reason
}
rule parameter {
  match `def confirm_trade_exit(self, pair, trade, order_type, amount, rate, time_in_force, $r, ...): ...`
  where $r ~ /^sell_reason$/
  rename $r to exit_reason
}
"""


def test_identifiers_are_renamed_at_their_token(tmp_path: Path) -> None:
    path = tmp_path / "m.rules"
    path.write_text(IDENTIFIER_RULES, encoding="utf-8")
    result = Engine(load_rules(path)).rewrite(IDENTIFIERS, "sample.py")
    assert result.new_source == IDENTIFIERS.replace(
        "def populate_buy_trend", "def populate_entry_trend").replace(
        "nr_of_successful_buys", "nr_of_successful_entries").replace(
        'sell_reason="roi"', 'exit_reason="roi"')
    # The parameter is still read in the body: renaming it alone would leave it unbound.
    assert [(r.rule, r.line, r.check) for r in result.rejections] == [
        ("m.parameter", 11, "bindings")]
    unused = IDENTIFIERS.replace('return sell_reason != "force_sell"', "return True")
    assert Engine(load_rules(path)).rewrite(unused, "sample.py").new_source.count(
        "time_in_force: str, exit_reason: str,") == 1


THROUGHOUT = """rule param {
  match `def confirm_trade_exit(self, pair, trade, order_type, amount, rate, time_in_force, $r, ...): ...`
  where $r ~ /^sell_reason$/
  rename $r to exit_reason throughout
}
"""
CONFIRM = '''class Sample(IStrategy):
    def confirm_trade_exit(self, pair: str, trade: Trade, order_type: str, amount: float,
                           rate: float, time_in_force: str, sell_reason: str,
                           **kwargs) -> bool:
        # refuse forced exits at a loss
        if sell_reason == 'force_sell' and trade.calc_profit_ratio(rate) < 0:
            logger.info(f"{pair}: refusing {sell_reason}")
            return False
        return all(r for r in (sell_reason,))
'''


def test_throughout_renames_a_parameter_and_every_use_in_its_function(tmp_path: Path) -> None:
    assert rewrite(tmp_path, THROUGHOUT, CONFIRM) == CONFIRM.replace("sell_reason",
                                                                     "exit_reason")


def test_throughout_is_refused_where_it_would_merge_or_split_variables(tmp_path: Path) -> None:
    path = tmp_path / "m.rules"
    path.write_text(THROUGHOUT, encoding="utf-8")
    engine = Engine(load_rules(path))
    taken = CONFIRM.replace("return False", "exit_reason = 1\n            return False")
    shadowed = CONFIRM.replace("return all(r for r in (sell_reason,))",
                               "return all(sell_reason for sell_reason in (1,))")
    for source, reason in ((taken, "'exit_reason' is already used in this scope"),
                           (shadowed, "'sell_reason' is bound again in a nested scope (line 9)")):
        result = engine.rewrite(source, "s.py")
        assert result.new_source == source
        assert [s.reason for s in result.skips] == [reason]


INSERT_RULES = """rule interface {
  match `class $c(IStrategy): ...`
  unless `class $c(IStrategy):
    ...
    INTERFACE_VERSION = $v
    ...`
  insert `INTERFACE_VERSION = 3` at start
}
"""


def test_insert_adds_a_statement_once_after_the_docstring(tmp_path: Path) -> None:
    source = ('class A(IStrategy):\n    """Trend following."""\n\n    stoploss = -0.1\n\n\n'
              'class B(IStrategy):\n    INTERFACE_VERSION = 2\n\n\n'
              'class C(IStrategy):\n    # ROI\n    minimal_roi = {"0": 0.1}\n')
    once = rewrite(tmp_path, INSERT_RULES, source)
    assert once == source.replace('"""Trend following."""\n',
                                  '"""Trend following."""\n    INTERFACE_VERSION = 3\n').replace(
        "    # ROI\n    minimal_roi", "    INTERFACE_VERSION = 3\n    # ROI\n    minimal_roi")
    assert rewrite(tmp_path, INSERT_RULES, once) == once  # idempotent


def test_insert_takes_fixed_safe_assignments_only(tmp_path: Path) -> None:
    import pytest

    from exitdsl.errors import RuleError

    for statement, message in (
            ("print(1)", "`insert` takes one assignment (`NAME = VALUE`)"),
            ("X = $c", "an inserted statement is fixed text: no $captures or `...`"),
            ("X = __import__('os')", "unsafe statement: it introduces the dunder "
                                     "'__import__'")):
        path = tmp_path / "bad.rules"
        path.write_text(f"rule r {{\n  match `class $c(IStrategy): ...`\n"
                        f"  insert `{statement}` at start\n}}\n", encoding="utf-8")
        with pytest.raises(RuleError) as info:
            load_rules(path)
        assert info.value.one_line() == f"{path}:3:11: {message}"


def test_dots_anywhere_in_a_parameter_list(tmp_path: Path) -> None:
    rules = ("rule p {\n  match `def confirm_trade_exit(self, ..., $r, ...): ...`\n"
             "  where $r ~ /^sell_reason$/\n  rename $r to exit_reason throughout\n}\n")
    source = ("def confirm_trade_exit(self, pair, trade, order_type, amount, rate,\n"
              "                       time_in_force, sell_reason, current_time=None, **kw):\n"
              "    return sell_reason\n")
    assert rewrite(tmp_path, rules, source) == source.replace("sell_reason", "exit_reason")
    other = source.replace("sell_reason", "reason")
    assert rewrite(tmp_path, rules, other) == other


def test_a_map_in_where_supplies_the_anchor_words(tmp_path: Path) -> None:
    path = tmp_path / "m.rules"
    path.write_text("map signal_columns = {buy: enter_long, sell: exit_long}\n"
                    "rule columns {\n  match `$df[$k]`\n  where $k in signal_columns\n"
                    "  rename $k using signal_columns\n}\n", encoding="utf-8")
    engine = Engine(load_rules(path))
    assert engine.rules.rules[0].anchor_sets() == (frozenset({"buy"}), frozenset({"sell"}))
    # A file with no key of the map is not even parsed: the pattern alone has no word.
    assert engine.prepare("x = dataframe['close']\n", "s.py").module is None
    assert len(engine.prepare("x = dataframe['sell']\n", "s.py").sites) == 1
