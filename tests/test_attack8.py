"""Found by attacking the session-8 changes: a literal swap that repeats a key of a `case
{...}` pattern must reach the whole-file compile() check, and an expression whose pattern's
word is a string spelled in pieces must still be looked at."""

from __future__ import annotations

import ast
from pathlib import Path

import exitdsl

# --- 1. True/False/None swaps no longer reach the whole-file compile() check ---------------

FLIP_FALSE = """\
ruleset probe

rule exit_flag.flip {
  "Turn a literal False into True (a structural toggle, as trailing_stop.enable does)."
  match `False`
  flip $0
}
"""

ROUTED_EXIT = """\
from freqtrade.strategy import IStrategy


class RoutedExit(IStrategy):
    stoploss = -0.1

    def custom_exit(self, pair, trade, current_time, current_rate, current_profit, **kwargs):
        routes = {trade.is_short: "short_exit", current_profit > 0.05: "take_profit"}
        match routes:
            case {False: reason, True: other}:
                return other
            case _:
                return None
"""


def _engine(tmp_path: Path, name: str, text: str) -> exitdsl.Engine:
    path = tmp_path / name
    path.write_text(text)
    return exitdsl.Engine(exitdsl.load_rules(path))


def _compiles(code: str) -> bool:
    try:
        compile(code, "<child>", "exec")
    except SyntaxError:
        return False
    return True


def test_a_keyword_flip_that_duplicates_a_mapping_pattern_key_is_rejected(
        tmp_path: Path) -> None:
    """`case {False: a, True: b}` with False flipped parses but does not compile
    (duplicate key). a8130aa rejected it (syntax, file compile()); now the splice path
    marks the edit a literal swap and the file check is skipped: a file that cannot run."""
    engine = _engine(tmp_path, "flip.rules", FLIP_FALSE)
    result = engine.rewrite(ROUTED_EXIT, path="routed.py")
    assert _compiles(result.new_source)
    assert result.new_source == ROUTED_EXIT
    assert [(r.rule, r.line, r.check) for r in result.rejections] == \
        [("probe.exit_flag.flip", 10, "syntax")]


def test_a_mutation_flipping_a_mapping_pattern_key_never_yields_a_child_that_cannot_compile(
        tmp_path: Path) -> None:
    engine = _engine(tmp_path, "flip.rules", FLIP_FALSE)
    child = engine.mutate(ROUTED_EXIT, seed=3, path="routed.py")
    assert not child.ok or _compiles(child.code)


# --- 2. candidate-line pruning drops a site whose string anchor is spelled in two parts ----

EXIT_RSI = """\
ruleset probe

rule exit_rsi.raise {
  "Raise the RSI level that confirms an exit signal."
  match `$df["exit_long"] & ($rsi > $n)`
  where number($n)
  set $n = $n + 5
}
"""

CONFIRMED_EXIT = """\
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class ConfirmedExit(IStrategy):
    stoploss = -0.1

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[:, "exit_long"] = (
            dataframe["exit_"
                      "long"] & (dataframe["rsi"] > 70)
        )
        return dataframe
"""


def test_an_expression_off_the_anchor_lines_of_its_statement_is_still_matched(
        tmp_path: Path) -> None:
    """The statement's first line holds `exit_long`, so its table holds the pattern; the
    matched `&` sits on lines 10-11 where the word is spelled `"exit_" "long"`. a8130aa
    visited every expression of the statement and rewrote 70 -> 75; the new pruning of
    expressions off candidate lines finds no site."""
    engine = _engine(tmp_path, "exit_rsi.rules", EXIT_RSI)
    result = engine.rewrite(CONFIRMED_EXIT, path="confirmed.py", seed=1)
    assert result.new_source == CONFIRMED_EXIT.replace('["rsi"] > 70', '["rsi"] > 75')
    assert [(c.rule, c.line, c.old, c.new) for c in result.changes] == \
        [("probe.exit_rsi.raise", 11, "70", "75")]


# --- 3. (pre-existing, a8130aa too) number swaps skip the file compile() check -------------

ROUND_TWO = """\
ruleset probe

rule level.round {
  "Round an exit level of 2 down to 1."
  match `2`
  set $0 = 1
}
"""

LEVELS = """\
def exit_reason(levels):
    match levels:
        case {1: first, 2: second}:
            return second
        case _:
            return None
"""


def test_a_number_swap_that_duplicates_a_mapping_pattern_key_is_rejected(
        tmp_path: Path) -> None:
    """Pre-existing: the same hole for number literals (`case {1: a, 2: b}`, 2 -> 1)."""
    engine = _engine(tmp_path, "round.rules", ROUND_TWO)
    result = engine.rewrite(LEVELS, path="levels.py")
    assert _compiles(result.new_source)
    ast.parse(result.new_source)
    assert result.new_source == LEVELS
