"""The verifier as one construct (issue 23): every check in one registry that apply,
mutate (cold and warm), test and verify all run; whole-file compile of structural edits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.cli import main
from exitdsl.verify import checklist
from exitdsl.verify.registry import Check, Problem, StatementView

from .conftest import ROOT

FINLAB = textwrap.dedent("""\
    from finlab import data
    from finlab.backtest import sim

    close = data.get("price:收盤價")
    position = close > close.average(20)
    report = sim(position, resample="M", stop_loss=0.1, name="breakout")
    """)


def _no_sevens(view: StatementView) -> Problem | None:
    """A throw-away check: no new text may hold the digit 7."""
    for index, text in enumerate(view.texts):
        if "7" in text:
            return Problem(f"the new text {text!r} holds a 7", edit_index=index)
    return None


SEVENS = Check("sevens", "statement", "no new text holds a 7", run_statement=_no_sevens,
               fast=_no_sevens)


@pytest.fixture
def with_sevens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checklist, "CHECKS", (*checklist.CHECKS, SEVENS))


def finlab_engine() -> Engine:
    return Engine(load_rules(ROOT / "rules" / "finlab.rules").select(
        ["finlab.stop_loss.jitter"]))


def test_without_the_check_some_children_hold_a_seven() -> None:
    engine = finlab_engine()
    parent = engine.prepare(FINLAB)
    children = [engine.mutate(parent, seed=seed) for seed in range(60)]
    assert any("7" in c.new for c in children if c.ok)


def test_a_registered_check_runs_on_cold_and_warm_mutation(with_sevens: None) -> None:
    engine = finlab_engine()
    parent = engine.prepare(FINLAB)
    children = [engine.mutate(parent, seed=seed) for seed in range(60)]
    verified = [c for c in children if c.ok]
    assert verified and not any("7" in c.new for c in verified)
    cold = [engine.mutate(FINLAB, seed=seed) for seed in range(20)]
    assert not any("7" in c.new for c in cold if c.ok)


def test_a_registered_check_runs_on_apply(with_sevens: None) -> None:
    engine = finlab_engine()
    results = [engine.rewrite(FINLAB, seed=seed) for seed in range(40)]
    rejected = [r.rejections[0] for r in results if r.rejections]
    assert rejected and all(r.check == "sevens" and "holds a 7" in r.detail for r in rejected)
    assert all("7" not in c.new for r in results for c in r.changes)


def test_a_check_the_fast_path_cannot_prove_keeps_swaps_off_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    blind = Check("sevens", "statement", "no new text holds a 7", run_statement=_no_sevens)
    monkeypatch.setattr(checklist, "CHECKS", (*checklist.CHECKS, blind))
    engine = finlab_engine()
    parent = engine.prepare(FINLAB)
    children = [engine.mutate(parent, seed=seed) for seed in range(60)]
    assert not parent.cache.swaps  # nothing was ever proved for the fast path
    assert not any("7" in c.new for c in children if c.ok)


def test_a_registered_check_runs_in_verify(with_sevens: None, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    strategy = tmp_path / "s.py"
    strategy.write_text(FINLAB, encoding="utf-8")
    main(["verify", "-r", str(ROOT / "rules" / "finlab.rules"), "--rule",
          "finlab.stop_loss.jitter", "--seeds", "40", "--json", str(strategy)])
    assert '"sevens"' in capsys.readouterr().out


def test_a_registered_check_runs_in_rule_tests(with_sevens: None, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text(textwrap.dedent('''\
        rule seven {
          match `sim(..., stop_loss=$sl, ...)`
          set $sl = 0.07
        }
        test seven {
          before ```
        report = sim(position, stop_loss=0.1)
        ```
          after ```
        report = sim(position, stop_loss=0.07)
        ```
        }
        '''), encoding="utf-8")
    code = main(["test", str(rules)])
    assert code != 0
    assert "sevens" in capsys.readouterr().out


def _rules(tmp_path: Path, text: str) -> Engine:
    path = tmp_path / "r.rules"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Engine(load_rules(path))


def test_a_keyword_rename_that_duplicates_a_keyword_is_refused(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule kw {
          match `f(..., $k=$v, ...)`
          where $k ~ /^a$/
          rename $k to b
        }
        """)
    source = "def f(**kw):\n    return kw\n\n\nf(a=1, b=2)  # both\n"
    result = engine.rewrite(source)
    assert result.new_source == source
    (rejection,) = result.rejections
    assert (rejection.rule, rejection.line, rejection.check) == ("r.kw", 5, "syntax")
    assert "keyword argument repeated" in rejection.detail


def test_a_parameter_rename_that_duplicates_a_parameter_is_refused(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule param {
          match `def $f(..., $p, ...): ...`
          where $p ~ /^stop$/
          rename $p to limit
        }
        """)
    source = "def exit_rule(stop, limit):\n    return limit * 2\n"
    result = engine.rewrite(source)
    assert result.new_source == source
    assert [(r.check, r.line) for r in result.rejections] == [("syntax", 1)]
    assert "duplicate argument 'limit'" in result.rejections[0].detail


def test_an_insert_above_a_global_statement_is_refused(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule marker {
          match `def $f(...): ...`
          insert `STOP = 0.1` at start
        }
        """)
    source = "def configure():\n    global STOP\n    STOP = 0.2\n"
    result = engine.rewrite(source)
    assert result.new_source == source
    assert [r.check for r in result.rejections] == ["syntax"]
    assert "before global declaration" in result.rejections[0].detail


def test_a_structural_rewrite_that_compiles_is_written_and_runs(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule kw {
          match `f(..., $k=$v, ...)`
          where $k ~ /^a$/
          rename $k to c
        }
        """)
    source = "def f(**kw):\n    return kw\n\n\nprint(f(a=1, b=2))  # both\n"
    result = engine.rewrite(source)
    assert result.new_source == "def f(**kw):\n    return kw\n\n\nprint(f(c=1, b=2))  # both\n"
    script = tmp_path / "child.py"
    script.write_text(result.new_source, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         check=True, timeout=60)
    assert run.stdout == "{'c': 1, 'b': 2}\n"


def test_the_verifier_doc_lists_the_registry_in_order() -> None:
    doc = (ROOT / "docs" / "verifier.md").read_text(encoding="utf-8")
    start = doc.index("<!-- checks -->")
    listed = [line.split("`")[1] for line in doc[start:].splitlines()[1:]
              if line.startswith("| `")]
    assert listed == [f"{c.name} ({c.looks_at})" for c in checklist.CHECKS]


PANDAS = textwrap.dedent("""\
    import numpy as np
    import pandas as pd

    prices = pd.read_csv("prices.csv")
    weights = np.load("weights.npy")
    """)


def test_renaming_an_import_to_a_process_module_is_refused(tmp_path: Path) -> None:
    """The attack of issue 23: `import pandas as pd` -> `import posix as pd` and the call
    to `pd.system(...)`; allow names cannot unlock it (refused when the rule compiles)."""
    from exitdsl import RuleError

    with pytest.raises(RuleError, match="allow names cannot unlock 'posix'"):
        _rules(tmp_path, "allow names [posix, system]\n")
    engine = _rules(tmp_path, """\
        rule swap.module {
          match `import $m as pd`
          rename $m to posix
        }
        rule swap.call {
          match `pd.$f("prices.csv")`
          rename $f to system
        }
        """)
    result = engine.rewrite(PANDAS)
    assert result.new_source == PANDAS
    assert sorted((r.rule, r.check, r.detail) for r in result.rejections) == [
        ("r.swap.call", "safety", "introduces the name 'system'"),
        ("r.swap.module", "safety", "introduces the name 'posix'")]


def test_renaming_an_import_to_a_module_the_input_does_not_import_is_refused(
        tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        allow names [polars]
        rule swap.module {
          match `import $m as pd`
          rename $m to polars
        }
        """)
    result = engine.rewrite(PANDAS)
    assert result.new_source == PANDAS
    assert [(r.check, r.detail) for r in result.rejections] == [
        ("safety", "renames an import to 'polars', a module the input does not import")]


def test_renaming_an_import_to_a_module_the_input_imports_is_written(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule swap.module {
          match `import $m as pd`
          rename $m to numpy
        }
        """)
    result = engine.rewrite(PANDAS)
    assert not result.rejections
    assert result.new_source.splitlines()[1] == "import numpy as pd"


@pytest.mark.parametrize("template, problem", [
    ('np.load("w.npy", allow_pickle=True)', "introduces the attribute 'load'"),
    ('pd.read_pickle("w.pkl")', "introduces the attribute 'read_pickle'"),
    ('np.loads("w")', "introduces the attribute 'loads'"),
    ("pd.system('id')", "introduces the attribute 'system'"),
    ("pd.execv('sh', 'sh')", "introduces the attribute 'execv'"),
    ("pd.spawnl(0, 'sh')", "introduces the attribute 'spawnl'"),
    ("pd.posix_spawn('sh')", "introduces the attribute 'posix_spawn'"),
    ("runpy.run_path('x.py')", "introduces the name 'runpy'"),
    # Found by attack: dangerous modules and functions deep in an attribute chain, called
    # or passed as values.
    ("np.ma.core.builtins.eval('1')", "introduces the attribute 'builtins'"),
    ("np.vectorize(pd.io.common.os.system)('id')", "introduces the attribute 'io'"),
    ("pd.io.pickle.pickle._loads(b'x')", "introduces the attribute 'io'"),
    ("np.lib.format.read_array($w, True)", "introduces the attribute 'read_array'"),
    ("np.getattr($w, 'x')", "introduces the attribute 'getattr'"),
])
def test_dangerous_calls_are_refused_when_the_rule_compiles(template: str, problem: str,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "bad.rules"
    path.write_text("allow names [np, pd]\n"
                    f"rule evil {{ match `weights = $w` set $w = `{template}` }}",
                    encoding="utf-8")
    from exitdsl import RuleError

    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert f"{problem}, which rewrites may never reach" in str(info.value) \
        or problem in str(info.value)


@pytest.mark.parametrize("names", ["load", "allow_pickle", "system", "spawnl", "runpy",
                                   "run_path", "builtins", "_loads", "__import__"])
def test_allow_names_cannot_declare_what_the_policy_refuses(names: str,
                                                            tmp_path: Path) -> None:
    from exitdsl import RuleError

    with pytest.raises(RuleError, match=f"allow names cannot unlock '{names}'"):
        _rules(tmp_path, f"allow names [np, {names}]\n")


def test_a_map_cannot_smuggle_a_dangerous_name(tmp_path: Path) -> None:
    """The attack: map values count as declared names, so a rename table was an `allow
    names` in disguise."""
    engine = _rules(tmp_path, """\
        map decl = {np: eval}
        rule r {
          match `$m.load("weights.npy")`
          rename $m using decl
        }
        """)
    result = engine.rewrite(PANDAS)
    assert result.new_source == PANDAS
    assert [(r.check, r.detail) for r in result.rejections] == [
        ("safety", "introduces the name 'eval'")]


def test_an_inserted_statement_may_name_only_what_the_input_uses(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule marker {
          match `def $f(...): ...`
          insert `x = secret_helper(1)` at start
        }
        """)
    source = "def run(df):\n    return df\n"
    result = engine.rewrite(source)
    assert result.new_source == source
    assert [(r.check, r.detail) for r in result.rejections] == [
        ("safety", "introduces the name 'secret_helper', which the input does not use and "
                   "the rule set does not allow (allow names [...])")]


@pytest.mark.parametrize("statement", ["df.x = 1", "x[0] = 1", "x = y = 1"])
def test_insert_takes_one_plain_name_assignment(statement: str, tmp_path: Path) -> None:
    from exitdsl import RuleError

    with pytest.raises(RuleError, match="`insert` takes one assignment"):
        _rules(tmp_path, f"rule m {{ match `def $f(...): ...` insert `{statement}` at start }}")


def test_a_compile_error_in_a_lone_cr_file_blames_only_its_site(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule kw { match `sim($d, $k=1, ...)` where $k ~ /^stop$/ rename $k to limit }
        rule num { match `stoploss = $v` set $v = -0.2 }
        """)
    source = ("class S:\r    stoploss = -0.1\r\r    def one(self, df):\r"
              "        return sim(df, stop=1, limit=2)\r")
    result = engine.rewrite(source)
    assert [(r.rule, r.check) for r in result.rejections] == [("r.kw", "syntax")]
    assert result.new_source == source.replace("stoploss = -0.1", "stoploss = -0.2")


def test_a_site_in_an_elif_condition_is_rewritten(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule inclusive {
          match `close < $s`
          set $0 = `close <= $s`
        }
        """)
    source = textwrap.dedent("""\
        def exit_signal(close, stop, target):
            if close > target:
                return "take"
            elif close < stop:  # the stop
                return "stop"
            else:
                return None
        """)
    result = engine.rewrite(source)
    assert not result.rejections
    assert result.new_source == source.replace("elif close < stop:", "elif close <= stop:")
    child = engine.mutate(source, seed=3)
    assert child.ok and child.line == 4


def test_templates_add_parentheses_only_where_precedence_needs_them(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule inclusive {
          match `$a < $b`
          set $0 = `$a <= $b`
        }
        rule doubled {
          match `exit_at = $v`
          set $v = `$v * 2`
        }
        """)
    source = "exit_long = close < stop_level * 0.9\nexit_at = base + 0.5\n"
    result = engine.rewrite(source)
    assert result.new_source == ("exit_long = close <= stop_level * 0.9\n"
                                 "exit_at = (base + 0.5) * 2\n")


def test_the_whole_match_can_be_used_in_a_template(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule negate {
          match `close > $t`
          set $0 = `not $0`
        }
        """)
    result = engine.rewrite("sell = close > target\n")
    assert not result.rejections
    assert result.new_source == "sell = not close > target\n"


def _runs(tmp_path: Path, source: str) -> str:
    script = tmp_path / "strategy_run.py"
    script.write_text(source, encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          check=True, timeout=60).stdout


REASON = """\
    rule reason {
      match `def should_exit(self, ..., $reason, ...): ...`
      where $reason ~ /^sell_reason$/
      rename $reason to exit_reason throughout
    }
    """


def test_a_parameter_renamed_throughout_takes_its_keyword_callers_along(
        tmp_path: Path) -> None:
    source = textwrap.dedent("""\
        class Strategy:
            def should_exit(self, pair, sell_reason="roi"):
                return sell_reason != "roi"

            def check(self):
                return self.should_exit("BTC", sell_reason="stop")  # the stop


        print(Strategy().should_exit("ETH", sell_reason="roi"), Strategy().check())
        """)
    result = _rules(tmp_path, REASON).rewrite(source)
    assert not result.rejections
    assert result.new_source == source.replace("sell_reason", "exit_reason")
    assert _runs(tmp_path, result.new_source) == _runs(tmp_path, source) == "False True\n"


@pytest.mark.parametrize("binding", [
    "        except ValueError as exit_reason:\n            return False\n",
    "        import exit_reason\n",
    "        def exit_reason():\n            return 1\n",
    "        global exit_reason\n",
])
def test_a_rename_onto_a_name_the_scope_binds_is_refused(binding: str,
                                                         tmp_path: Path) -> None:
    source = ("class Strategy:\n    def should_exit(self, pair, sell_reason):\n"
              "        try:\n            pass\n" if "except" in binding else
              "class Strategy:\n    def should_exit(self, pair, sell_reason):\n")
    source += binding + "        return sell_reason\n"
    result = _rules(tmp_path, REASON).rewrite(source)
    assert result.new_source == source
    (skip,) = [s for s in result.skips if "already bound" in s.reason]
    assert "'exit_reason' is already bound in this scope" in skip.reason
    assert "the rename would merge two variables" in skip.reason


def test_a_module_level_variable_is_renamed_throughout(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule stop {
          match `$s = close * $k`
          where $s ~ /^stop_level$/
          rename $s to stop_price throughout
        }
        """)
    source = "close = 10.0\nstop_level = close * 0.9  # stop\nprint(close < stop_level)\n"
    result = engine.rewrite(source)
    assert not result.rejections
    assert result.new_source == ("close = 10.0\nstop_price = close * 0.9  # stop\n"
                                 "print(close < stop_price)\n")
    assert _runs(tmp_path, result.new_source) == "False\n"


def test_the_v3_migration_renames_calls_with_their_definitions(tmp_path: Path) -> None:
    engine = Engine(load_rules(ROOT / "rules" / "migrations" / "freqtrade_v3.rules"))
    source = textwrap.dedent("""\
        class Tuned(Sample):
            def populate_buy_trend(self, dataframe, metadata):
                dataframe = super().populate_buy_trend(dataframe, metadata)  # base entries
                return dataframe
        """)
    result = engine.rewrite(source)
    assert result.new_source == source.replace("populate_buy_trend", "populate_entry_trend")


def test_a_class_attribute_renamed_without_its_reads_is_refused(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule setting {
          match `$s = $v`
          inside `class $_: ...`
          where $s ~ /^use_sell_signal$/
          rename $s to use_exit_signal
        }
        """)
    source = textwrap.dedent("""\
        class Sample:
            use_sell_signal = True

            def exits(self):
                return self.use_sell_signal
        """)
    result = engine.rewrite(source)
    assert result.new_source == source
    assert [(r.check, r.line, r.detail) for r in result.rejections] == [
        ("bindings", 2, "the class attribute 'use_sell_signal' is renamed but still read as "
                        "self.use_sell_signal (line 5): rename the reads too")]


def test_the_v3_migration_renames_a_setting_with_its_reads(tmp_path: Path) -> None:
    engine = Engine(load_rules(ROOT / "rules" / "migrations" / "freqtrade_v3.rules"))
    source = textwrap.dedent("""\
        class Sample(IStrategy):
            use_sell_signal = True

            def exits(self):
                return self.use_sell_signal
        """)
    result = engine.rewrite(source)
    assert not result.rejections
    assert result.new_source == source.replace("use_sell_signal", "use_exit_signal").replace(
        "(IStrategy):\n", "(IStrategy):\n    INTERFACE_VERSION = 3\n")


def test_a_compile_error_blames_the_innermost_site_holding_it(tmp_path: Path) -> None:
    """Found by attack: two inserts in one top-level def; only the one above the nonlocal
    breaks it, and only it is left out."""
    engine = _rules(tmp_path, """\
        rule outer { match `def h(): ...` insert `x = 1` at start }
        rule inner { match `def g(): ...` insert `x = 1` at start }
        """)
    source = textwrap.dedent("""\
        def h():
            x = 2

            def g():
                nonlocal x
                x = 3
            return x
        """)
    result = engine.rewrite(source)
    assert [(r.rule, r.check) for r in result.rejections] == [("r.inner", "syntax")]
    assert "before nonlocal declaration" in result.rejections[0].detail
    assert result.new_source == source.replace("def h():\n", "def h():\n    x = 1\n")


def test_a_u_prefixed_string_is_replaced_in_its_style(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        rule tag {
          match `df[$k]`
          where $k ~ /^buy$/
          set $k = `"enter_long"`
        }
        """)
    result = engine.rewrite("df[u'buy'] = 1  # entries\n")
    assert not result.rejections
    assert result.new_source == "df[u'enter_long'] = 1  # entries\n"


def test_a_literal_keeps_the_parentheses_an_attribute_needs(tmp_path: Path) -> None:
    engine = _rules(tmp_path, """\
        allow names [real]
        rule r {
          match `x = $a`
          set $a = `$a.real`
        }
        """)
    result = engine.rewrite("x = 1\n")
    assert not result.rejections
    assert result.new_source == "x = (1).real\n"
