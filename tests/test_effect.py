"""Rewrites that change what runs (issue 13): values freqtrade overrides, contexts another
rewrite of the same run switches off, strategies reached through their class hierarchy,
and finlab keywords never added to a sim() the script defines itself."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from exitdsl import Engine, load_rules
from exitdsl.errors import Span
from exitdsl.language.ir import BaseFamily
from exitdsl.language.patterns import compile_pattern
from exitdsl.model.families import family_members
from exitdsl.model.index import build as build_index
from exitdsl.matching.match import match

V2_STRATEGY = textwrap.dedent('''\
    from freqtrade.strategy import DecimalParameter, IntParameter, IStrategy


    class BollingerV2(IStrategy):
        # Sell hyperspace params:
        sell_params = {
            "sell_bb_offset": 0.012,   # epoch 77
            "sell_hold": 9,
        }

        minimal_roi = {"0": 0.08, "120": 0.04}
        stoploss = -0.08
        trailing_stop = True
        trailing_stop_positive = 0.011
        trailing_stop_positive_offset = 0.025
        use_sell_signal = True

        sell_bb_offset = DecimalParameter(-0.02, 0.02, default=0.004, space="sell")
        sell_hold = IntParameter(3, 12, default=6, space="sell")
        sell_rsi = IntParameter(60, 90, default=75)
    ''')


def test_apply_rewrites_the_values_that_run_and_drops_what_another_rewrite_disables() -> None:
    engine = Engine(load_rules("freqtrade"), seed=3)
    result = engine.apply(V2_STRATEGY, path="bollinger_v2.py")
    assert not result.rejections
    changed = {(c.rule.split(".", 1)[1], c.old, c.new) for c in result.changes}
    assert changed == {
        ("roi.jitter_first", "0.08", "0.075"),
        ("roi.jitter_last", "0.04", "0.046"),
        ("stoploss.jitter", "-0.08", "-0.086"),
        ("trailing_stop.disable", "True", "False"),
        ("use_exit_signal.disable", "True", "False"),
    }
    # Switched off by the same run, trailing values and exit-signal parameters would not
    # run: their rewrites are dropped and reported, the switches stay.
    undone = sorted((s.rule.split(".", 1)[1], s.reason.split("would not run (", 1)[1])
                    for s in result.skips if "changes its context" in s.reason)
    assert undone == [
        ("sell_int_parameter.step_by_name",
         "unless inside class $_(IStrategy): use_sell_signal = False)"),
        ("sell_params.jitter", "unless inside class $_(IStrategy): use_sell_signal = False)"),
        ("sell_params.step_int", "unless inside class $_(IStrategy): use_sell_signal = False)"),
        ("trailing_stop_positive.jitter", "inside class $_(IStrategy): trailing_stop = True "
         "trailing_stop_positive_offset = $off)"),
        ("trailing_stop_positive_offset.jitter", "inside class $_(IStrategy): trailing_stop = "
         "True trailing_stop_positive = $pos)"),
    ]
    assert "trailing_stop_positive = 0.011" in result.new_source


def test_parametric_rewrites_run_the_overriding_values_not_the_defaults() -> None:
    rules = load_rules("freqtrade").select(tiers=["parametric"])
    result = Engine(rules, seed=3).apply(V2_STRATEGY, path="bollinger_v2.py")
    changed = {(c.rule.split(".", 1)[1], c.old, c.new) for c in result.changes}
    assert {("sell_params.jitter", "0.012", "0.015"), ("sell_params.step_int", "9", "10"),
            ("sell_int_parameter.step_by_name", "75", "74")} <= changed
    # default= of parameters that sell_params overrides is never touched
    assert "default=0.004" in result.new_source and "default=6" in result.new_source


def test_without_the_disabling_rewrite_the_trailing_values_move() -> None:
    rules = load_rules("freqtrade").select(tiers=["parametric"])
    result = Engine(rules, seed=3).apply(V2_STRATEGY, path="bollinger_v2.py")
    moved = {c.rule.split(".", 1)[1] for c in result.changes}
    assert {"trailing_stop_positive.jitter", "trailing_stop_positive_offset.jitter"} <= moved
    assert not [s for s in result.skips if "changes its context" in s.reason]


def _members(source: str, family: BaseFamily) -> list[str]:
    module = ast.parse(textwrap.dedent(source))
    return sorted(name for name, _ in family_members(build_index(module), family))


def test_family_members_follow_same_file_subclasses_and_defining_classes() -> None:
    family = BaseFamily("IStrategy", ("minimal_roi", "stoploss"), Span("<t>", 1, 1, "", 0))
    source = '''
        class Base(IStrategy):
            timeframe = "5m"

        class Middle(Base):
            pass

        class Leaf(Middle):          # two steps down
            pass

        class Tuned(strategies.BBRSITV):   # imported, sets an exit attribute
            stoploss = -0.2

        class Child(Tuned):
            pass

        class Plot:
            def stoploss(self):
                return -0.1
        '''
    assert _members(source, family) == ["Base", "Child", "Leaf", "Middle", "Tuned"]
    assert _members(source, BaseFamily("IStrategy", (), family.span)) == \
        ["Base", "Leaf", "Middle"]


def test_a_family_from_a_module_leaves_the_same_name_from_other_modules_alone() -> None:
    jesse = BaseFamily("Strategy", (), Span("<t>", 1, 1, "", 0), module="jesse")
    assert _members('''
        from jesse.strategies import Strategy

        class Trend(Strategy):
            pass

        class Tuned(Trend):
            pass
        ''', jesse) == ["Trend", "Tuned"]
    assert _members('''
        import backtrader as bt
        from backtesting import Strategy

        class Cross(Strategy):
            pass

        class Guard(bt.Strategy):
            pass
        ''', jesse) == []
    assert _members("class Trend(Strategy):\n    pass\n", jesse) == ["Trend"]  # not imported


def test_a_word_capture_equals_a_name_or_string_spelled_the_same() -> None:
    def pattern(text: str) -> ast.AST:
        return compile_pattern(text, Span("<t>", 1, 1, text, 0), text).node

    entry = ast.parse('x = {"sell_rsi": 30}').body[0]
    captures: dict[str, object] = {}
    assert match(pattern('x = {"$k": $v}'), entry, captures)  # type: ignore[arg-type]
    assert captures["k"] == "sell_rsi"
    declared = ast.parse("sell_rsi = IntParameter(1, 2)").body[0]
    assert match(pattern("$k = IntParameter(...)"), declared, dict(captures))  # type: ignore[arg-type]
    other = ast.parse("buy_rsi = IntParameter(1, 2)").body[0]
    assert not match(pattern("$k = IntParameter(...)"), other, dict(captures))  # type: ignore[arg-type]
    not_a_string = ast.parse("x = {sell_rsi: 30}").body[0]
    assert not match(pattern('x = {"$k": $v}'), not_a_string, {})


def test_keywords_are_not_added_to_a_sim_the_script_defines() -> None:
    source = textwrap.dedent('''\
        def sim(position, fee_ratio=0.001425, resample="M"):
            return position.sum() - fee_ratio


        report = sim(position, resample="Q")
        ''')
    result = Engine(load_rules("finlab"), seed=1).apply(source, path="mock.py")
    assert result.new_source == source
    imported = source.replace('def sim(position, fee_ratio=0.001425, resample="M"):\n'
                              '    return position.sum() - fee_ratio\n',
                              "from finlab.backtest import sim\n")
    added = Engine(load_rules("finlab"), seed=1).apply(imported, path="real.py")
    assert {c.rule for c in added.changes} == {"finlab.take_profit.add"}


INVARIANT_RULES = '''\
ruleset levels

invariant stop_below_target {
  "The stop stays below the target."
  match `class $_(Levels):
      ...
      stop = $s
      ...
      target = $t
      ...`
  where number($s) and number($t)
  ensure $s < $t
}

rule stop.raise {
  match `stop = $s`
  inside `class $_(Levels): ...`
  where number($s)
  set $s = $s + 10
}

rule target.lower {
  match `target = $t`
  inside `class $_(Levels): ...`
  where number($t)
  set $t = $t - 10
}
'''


def test_an_invariant_drops_the_latest_edit_of_a_breaking_combination(tmp_path: Path) -> None:
    rules = tmp_path / "levels.rules"
    rules.write_text(INVARIANT_RULES, encoding="utf-8")
    source = ("class Narrow(Levels):\n    stop = 100\n    target = 115\n\n\n"
              "class Wide(Levels):\n    stop = 100\n    target = 150\n\n\n"
              "class Broken(Levels):   # already breaks it: edits there cannot mend it\n"
              "    stop = 120\n    target = 110\n\n\n"
              "class Loose(Levels):   # breaks it, and no rule touches its values\n"
              "    stop = ceiling\n    target = 110\n")
    result = Engine(load_rules(rules)).apply(source, path="levels.py")
    # Each rule alone keeps 100 < 115; together 110 < 105 fails: the later edit goes.
    assert result.new_source == source.replace("stop = 100\n    target = 115",
                                               "stop = 110\n    target = 115") \
        .replace("stop = 100\n    target = 150", "stop = 110\n    target = 140") \
        .replace("target = 110\n\n\nclass Loose", "target = 110\n\n\nclass Loose") \
        .replace("class Loose(Levels):   # breaks it, and no rule touches its values\n"
                 "    stop = ceiling\n    target = 110",
                 "class Loose(Levels):   # breaks it, and no rule touches its values\n"
                 "    stop = ceiling\n    target = 100")
    broken = [(s.rule, s.line) for s in result.skips if "break" in s.reason]
    assert broken == [("levels.target.lower", 3), ("levels.target.lower", 13),
                      ("levels.stop.raise", 12)]
    # Each with the values the run would have given the invariant's captures:
    assert sorted(s.reason for s in result.skips if "break" in s.reason) == [
        "left alone: with this run's other rewrites it would break "
        f"levels.stop_below_target (ensure $s < $t is false ({values}))"
        for values in ("$s = 110, $t = 105", "$s = 130, $t = 100", "$s = 130, $t = 110")]
