"""The full rule language on realistic code (issue 3 acceptance)."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import pytest

from exitdsl import Engine, RuleError, load_rules
from exitdsl import load_config


def rules_from(tmp_path: Path, text: str, name: str = "t.rules") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rewrite(tmp_path: Path, rules: str, source: str, seed: int = 0) -> str:
    return Engine(load_rules(rules_from(tmp_path, rules)), seed=seed).rewrite(source).new_source


FREQTRADE = '''\
from freqtrade.strategy import IStrategy, DecimalParameter
from pandas import DataFrame


class MomentumStrategy(IStrategy):
    """RSI momentum with a ROI table."""
    INTERFACE_VERSION = 3
    minimal_roi = {
        "0": 0.162,
        "69": 0.097,
        "229": 0.061,
        "566": 0
    }
    stoploss = -0.345

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        stoploss = -0.5  # a local, not the strategy's stop
        dataframe.loc[(dataframe['rsi'] > 70), 'exit_long'] = 1
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe['rsi'] < 30), 'enter_long'] = 1
        return dataframe
'''


def test_minimal_roi_values_are_one_site_each(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, """
rule roi.scale {
  match `minimal_roi = {..., $k: $v, ...}`
  inside `class $_(IStrategy): ...`
  where number($v) and $v > 0
  set $v = round($v * 0.5, 3)
}""")
    result = Engine(load_rules(rules)).rewrite(FREQTRADE)
    assert [(c.line, c.old, c.new) for c in result.changes] == [
        (9, "0.162", "0.081"), (10, "0.097", "0.049"), (11, "0.061", "0.03")]
    assert len({c.site for c in result.changes}) == 3
    assert result.new_source == FREQTRADE.replace("0.162", "0.081").replace(
        "0.097", "0.049").replace("0.061", "0.03")


def test_inside_class_is_the_attribute_not_a_method_local(tmp_path: Path) -> None:
    out = rewrite(tmp_path, """
bound stoploss = [-0.35, -0.02]
rule stoploss.jitter {
  match `stoploss = $v`
  inside `class $_(IStrategy): ...`
  where number($v)
  set $v = round(clamp($v * gauss(1, 0.1), stoploss), 3)
}""", FREQTRADE, seed=5)
    assert out == FREQTRADE.replace("    stoploss = -0.345", "    stoploss = -0.324")
    assert "stoploss = -0.5  # a local" in out


def test_inside_a_method_touches_only_that_method(tmp_path: Path) -> None:
    out = rewrite(tmp_path, """
rule flip {
  match `dataframe.loc[$cond, $column] = $v`
  inside `def populate_exit_trend(self, ...): ...`
  set $v = 0
}""", FREQTRADE)
    assert out == FREQTRADE.replace("'exit_long'] = 1", "'exit_long'] = 0")


def test_relational_flip_keeps_the_rest_of_the_line(tmp_path: Path) -> None:
    source = ("    # trailing ATR stop\n"
              "stop_exit = close.loc[date] < (highest_high - atr * mult)  # inclusive?\n")
    out = rewrite(tmp_path, "rule r { match `$n = $a < $b` where $n ~ /_exit$/ set op = `<=` }",
                  source.lstrip())
    assert out == source.lstrip().replace(" < (", " <= (")


@pytest.mark.parametrize("operand, expected", [
    ("close < ema", "any_exit = stop_exit | profit_exit | (close < ema)\n"),
    ("time_exit", "any_exit = stop_exit | profit_exit | time_exit\n"),
    ("a or b", "any_exit = stop_exit | profit_exit | (a or b)\n"),
    ("a | b", "any_exit = stop_exit | profit_exit | (a | b)\n"),
    ("a & b", "any_exit = stop_exit | profit_exit | a & b\n"),
])
def test_appended_operands_are_parenthesised_where_precedence_needs(
        operand: str, expected: str, tmp_path: Path) -> None:
    source = "any_exit = stop_exit | profit_exit\n"
    out = rewrite(tmp_path, "allow names [close, ema, time_exit, a, b]\n"
                            f"rule r {{ match `any_exit = $c` append `{operand}` to $c }}", source)
    assert out == expected
    intended = ast.BinOp(ast.parse("stop_exit | profit_exit", mode="eval").body, ast.BitOr(),
                         ast.parse(operand, mode="eval").body)
    assert ast.dump(ast.parse(out).body[0].value) == ast.dump(intended)  # type: ignore[attr-defined]


def test_template_substitution_parenthesises_captures_only_where_needed(tmp_path: Path) -> None:
    out = rewrite(tmp_path, "rule r { match `stop = $a * $b` set $b = `$b - 0.01` }",
                  "stop = price * (1 - k)\n")
    assert out == "stop = price * (1 - k - 0.01)\n"
    out = rewrite(tmp_path, "rule r { match `stop = $a * $b` set $b = `0.01 - $b` }",
                  "stop = price * (1 - k)\n")
    assert out == "stop = price * (0.01 - (1 - k))\n"


def test_negative_replacement_keeps_power_precedence(tmp_path: Path) -> None:
    out = rewrite(tmp_path, "rule r { match `x = $a ** $b` set $a = -2 }", "x = 2 ** n\n")
    assert out == "x = (-2) ** n\n"


ADD = """
rule tp.add { match `sim($p, ...)` unless `sim(..., take_profit=$_, ...)` add take_profit = 0.2 }
rule tp.remove { match `sim(...)` remove take_profit }
"""


@pytest.mark.parametrize("before, after", [
    ("r = sim(position, stop_loss=0.1)\n",
     "r = sim(position, stop_loss=0.1, take_profit=0.2)\n"),
    ("r = sim(position, stop_loss = 0.1)\n",
     "r = sim(position, stop_loss = 0.1, take_profit = 0.2)\n"),
    ("r = sim(\n    position,\n    stop_loss=0.1,\n)\n",
     "r = sim(\n    position,\n    stop_loss=0.1,\n    take_profit=0.2,\n)\n"),
    ("r = sim(\n    position,\n    stop_loss=0.1\n)\n",
     "r = sim(\n    position,\n    stop_loss=0.1,\n    take_profit=0.2\n)\n"),
    ("r = sim(\n    position\n)\n", "r = sim(\n    position,\n    take_profit=0.2\n)\n"),
    ("r = sim(position,\n        stop_loss=0.1)\n",
     "r = sim(position,\n        stop_loss=0.1,\n        take_profit=0.2)\n"),
])
def test_add_and_remove_keyword_follow_the_call_layout(before: str, after: str,
                                                       tmp_path: Path) -> None:
    rules = load_rules(rules_from(tmp_path, ADD))
    added = Engine(rules.select(["tp.add"])).rewrite(before).new_source
    assert added == after
    removed = Engine(rules.select(["tp.remove"])).rewrite(after).new_source
    assert removed == before


def test_drop_from_a_multiline_chain_removes_its_line(tmp_path: Path) -> None:
    source = "any_exit = (\n    stop_exit\n    | profit_exit\n    | time_exit\n)\n"
    out = rewrite(tmp_path, "rule r { match `any_exit = $c` drop `profit_exit` from $c }",
                  source)
    assert out == "any_exit = (\n    stop_exit\n    | time_exit\n)\n"
    first = rewrite(tmp_path, "rule r { match `any_exit = $c` drop `stop_exit` from $c }",
                    source)
    assert first == "any_exit = (\n    profit_exit\n    | time_exit\n)\n"


def test_flip_turns_a_boolean_literal_and_skips_anything_else(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, "rule r { match `use_exit_signal = $on` flip $on }")
    engine = Engine(load_rules(rules))
    source = ("class Swing(IStrategy):\n"
              "    use_exit_signal = False   # exits come from ROI only\n"
              "    use_exit_signal = (True)\n"
              "    use_exit_signal = config_flag\n")
    result = engine.rewrite(source)
    assert result.new_source == ("class Swing(IStrategy):\n"
                                 "    use_exit_signal = True   # exits come from ROI only\n"
                                 "    use_exit_signal = (False)\n"
                                 "    use_exit_signal = config_flag\n")
    assert [(c.line, c.old, c.new) for c in result.changes] == [(2, "False", "True"),
                                                                (3, "True", "False")]
    assert [(s.line, s.reason) for s in result.skips] == [(4, "$on is not True or False")]


def test_defined_looks_only_before_the_site_in_its_own_scope(tmp_path: Path) -> None:
    rules = ("rule r { match `any_exit = $c` where defined(time_exit) "
             "append `time_exit` to $c }")
    other_scope = ("def helper():\n    time_exit = 1\n\n"
                   "def exits():\n    any_exit = stop_exit | profit_exit\n")
    assert rewrite(tmp_path, rules, other_scope) == other_scope
    parameter = "def exits(time_exit):\n    any_exit = stop_exit | profit_exit\n"
    assert rewrite(tmp_path, rules, parameter) == parameter.replace(
        "profit_exit\n", "profit_exit | time_exit\n")
    imported = "from exits import time_exit\nany_exit = stop_exit | profit_exit\n"
    assert rewrite(tmp_path, rules, imported).endswith("| profit_exit | time_exit\n")


@pytest.mark.parametrize("text, message", [
    ("rule r { match `x = $v` add tp = 1 }",
     "1:17: `add tp` needs a pattern with a call, such as `sim(...)`"),
    ("rule r { match `x = $v` remove tp }",
     "1:17: `remove tp` needs a pattern with a call, such as `sim(...)`"),
    ("rule r { match `x = $v` rename $v to class }", "1:32: cannot rename to the keyword 'class'"),
    ("rule r { match `x = $v` append `y` to $w }",
     "1:39: unknown capture $w (captured by every match: $v)"),
    ("rule r { match `x = $v` set $v = `$v + $w` }",
     "1:35: `$v + $w` uses $w, which the match does not capture"),
    ("rule r { match `x < $v` set op = `+` }", "1:35: `+` cannot replace the operator of `x < $v`"),
    ("rule r { match `f($v)` match `g($w)` set $v = 1 }",
     "1:42: unknown capture $v (captured by every match: none)"),
    ("rule r { match `x = $v` set op = `<=>` }",
     "1:35: `<=>` is not a Python comparison, boolean or binary operator"),
    ("rule r { match `f($x)` set $x = 1 }\nrule r { match `g($x)` set $x = 1 }",
     "2:6: rule 't.r' is already defined at {path}:1:6"),
])
def test_compile_time_misuse_is_located(text: str, message: str, tmp_path: Path) -> None:
    path = rules_from(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.one_line() == f"{path}:{message.format(path=path)}"


def test_includes_share_domains_and_namespace_rules(tmp_path: Path) -> None:
    rules_from(tmp_path, 'ruleset base\nbound sl = [0.01, 0.2]\n'
                         'rule clamp_it { match `f($x)` set $x = clamp($x, sl) }', "base.rules")
    main = rules_from(tmp_path, 'ruleset main\nuse "base.rules"\n'
                                'rule widen { match `g($x)` set $x = clamp($x * 9, sl) }',
                      "main.rules")
    rules = load_rules(main)
    assert [r.id for r in rules.rules] == ["base.clamp_it", "main.widen"]
    assert Engine(rules).rewrite("g(0.1)\nf(0.5)\n").new_source == "g(0.2)\nf(0.2)\n"


def test_include_cycle_across_two_files(tmp_path: Path) -> None:
    rules_from(tmp_path, 'use "b.rules"\n', "a.rules")
    rules_from(tmp_path, '\nuse "a.rules"\n', "b.rules")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path / "a.rules")
    assert info.value.one_line() == f"{tmp_path / 'b.rules'}:2:5: include cycle: " \
                                    "a.rules -> b.rules -> a.rules"


def test_config_overrides_bounds_choices_weights_and_seed(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, "ruleset fin\nbound sl = [0.01, 0.2]\nchoices hold = [10, 20]\n"
                                 "rule cap { match `f($x)` set $x = clamp($x, sl) }\n"
                                 "rule up { match `g($x)` set $x = step($x, hold, 1) }\n")
    config_path = tmp_path / "exitdsl.yaml"
    config_path.write_text("seed: 42\nbounds:\n  fin.sl: [0.05, 0.1]\nchoices:\n"
                           "  hold: [10, 30]\ntier_weights: {parametric: 3, relational: 1}\n")
    config = load_config(config_path)
    loaded = load_rules(rules, config)
    assert config.seed == 42
    assert loaded.tier_weights == {"parametric": 0.75, "relational": 0.25, "structural": 0.0}
    assert Engine(loaded).rewrite("f(0.5)\ng(10)\n").new_source == "f(0.1)\ng(30)\n"


@pytest.mark.parametrize("yaml_text, message", [
    ("bounds:\n  nope: [0, 1]\n", "2:3: the config overrides 'nope', which no loaded rule "
                                  "file declares"),
    ("bounds:\n  sl: [1, 0]\n", "2:7: a bound is [low, high] with low <= high"),
    ("seeds: 3\n", "1:1: unknown config key 'seeds' (did you mean 'seed'?); expected one of "
                   "seed, bounds, choices, tier_weights, rules, tiers, exclude, extend-exclude, "
                   "respect-gitignore"),
    ("tiers: [parametric, fast]\n", "1:21: unknown tier 'fast'; expected one of parametric, "
                                    "relational, structural"),
    ("rules: finlab\n", "1:8: expected a list of strings"),
    ("tier_weights: {fast: 1}\n", "1:16: unknown tier 'fast'; expected one of parametric, "
                                  "relational, structural"),
    ("bounds: [\n", "2:1: config is not valid YAML: expected the node content, but found "
                    "'<stream end>'"),
])
def test_config_errors_are_located(yaml_text: str, message: str, tmp_path: Path) -> None:
    rules = rules_from(tmp_path, "bound sl = [0.01, 0.2]\nrule cap { match `f($x)` "
                                 "set $x = clamp($x, sl) }\n")
    config_path = tmp_path / "c.yaml"
    config_path.write_text(yaml_text)
    with pytest.raises(RuleError) as info:
        load_rules(rules, load_config(config_path))
    assert info.value.one_line() == f"{config_path}:{message}"


def test_a_regex_in_where_supplies_the_words_a_file_must_hold(tmp_path: Path) -> None:
    """`$name = $a < $b` has no word of its own; `where $name ~ /_exit$/` supplies `_exit`,
    so a file without it is skipped unparsed, like one without a pattern's words."""
    from exitdsl.language.regex import required_words

    rules = rules_from(tmp_path, "rule r { match `$name = $a < $b` where $name ~ /_exit$/ "
                                 "set op = `<=` }")
    rule = load_rules(rules).rules[0]
    assert rule.anchor_sets() == (frozenset({"_exit"}),)
    engine = Engine(load_rules(rules))
    assert engine.prepare("entry = close < lower\n").module is None  # not even parsed
    assert engine.rewrite("stop_exit = close < stop\n").new_source == "stop_exit = close <= stop\n"
    assert required_words("^(stop|profit)_exit$") == frozenset()
    assert required_words("(foo)?bar_x") == {"bar_x"}
    assert required_words("abc?") == frozenset()
    assert required_words("sto[pq]_loss") == {"sto", "_loss"}


def test_holds_word_finds_whole_words_as_a_word_boundary_regex_does() -> None:
    from exitdsl.language.compiled import holds_word
    assert holds_word("class S(IStrategy):", frozenset({"IStrategy"}))
    assert not holds_word("class S(IStrategy):", frozenset({"Strategy"}))
    assert holds_word("from x import Strategy_\nStrategy", frozenset({"Strategy"}))
    assert not holds_word("é_Strategy²", frozenset({"Strategy"}))
    rnd = random.Random(7)
    pieces = ["IStrategy", "Strategy", "_", "a", " ", ".", "é", "²", "1", "\n"]
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        words = frozenset(rnd.sample(["Strategy", "IStrategy", "a", "_a"], rnd.randint(1, 3)))
        regex = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words))) + r")\b")
        assert holds_word(text, words) == (regex.search(text) is not None), (text, words)
