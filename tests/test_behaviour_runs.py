"""The behavioural check end to end: real strategies run in the sandbox on the bundled
data (backtesting.py's GOOG, the seeded synthetic OHLC), hostile ones stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitdsl.behaviour.sandbox import Limits
from exitdsl.behaviour.verdict import VERDICTS
from exitdsl.cli import main

from .behaviour_helpers import edit, judge
from .conftest import ROOT

pytest.importorskip("backtesting", reason="the dev extra installs backtesting.py")

STRATEGIES = ROOT / "examples/strategies"
LONG = (STRATEGIES / "template/atr_exit_long.py").read_text(encoding="utf-8")
BREAKOUT = (STRATEGIES / "backtesting/atr_trailing.py").read_text(encoding="utf-8")




def test_template_exits_verdicts_on_the_synthetic_data() -> None:
    overridden = edit(LONG, '"stop_atr_mult", 3.0', '"stop_atr_mult", 2.5')  # DEFAULTS wins
    wider = edit(LONG, '"profit_atr_mult", 4.0', '"profit_atr_mult", 5.0')
    no_stop = edit(LONG, "stop_exit | profit_exit | time_exit", "profit_exit | time_exit")
    verdicts = judge(LONG, overridden, wider, no_stop)
    assert [v.as_json() for v in verdicts] == [
        {"child": "child1.py", "verdict": "no effect", "trades": [23, 23], "exits_changed": 0,
         "return_delta": 0.0, "first_divergence": None, "error": None},
        {"child": "child2.py", "verdict": "effective", "trades": [23, 23], "exits_changed": 10,
         "return_delta": 3.73697, "first_divergence": 122, "error": None},
        {"child": "child3.py", "verdict": "effective", "trades": [23, 10], "exits_changed": 29,
         "return_delta": -15.964733, "first_divergence": 34, "error": None}]


def test_a_rule_that_reaches_entry_logic_is_reported_as_entries_changed(tmp_path: Path) -> None:
    # A deliberately bad rule: it changes the breakout's look-back, which decides entries.
    rules = tmp_path / "entry.rules"
    rules.write_text('rule entry.lookback {\n  "Reaches entry logic (a defect)."\n'
                     "  tier parametric\n  match `lookback = $n`\n  where int($n)\n"
                     "  set $n = 20\n}\n", encoding="utf-8")
    parent = tmp_path / "breakout.py"
    parent.write_text(BREAKOUT, encoding="utf-8")
    assert main(["mutate", "-r", str(rules), "-n", "1", "--out", str(tmp_path / "out"),
                 "--behaviour", "-q", str(parent)]) == 0
    record = json.loads((tmp_path / "out/lineage.jsonl").read_text(encoding="utf-8"))
    assert (record["old"], record["new"]) == ("55", "20")
    assert record["behaviour"]["verdict"] == "entries changed"
    assert record["behaviour"]["trades"][0] == 24


LONG_CROSSOVER = '''\
"""Long-only SMA crossover with a stop (backtesting.py)."""
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCrossLong(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        close = self.data.Close
        self.sma1 = self.I(SMA, close, self.n1)
        self.sma2 = self.I(SMA, close, self.n2)

    def next(self):
        price = self.data.Close[-1]
        if not self.position and crossover(self.sma1, self.sma2):
            self.buy(sl=price * 0.95)
        elif crossover(self.sma2, self.sma1):
            self.position.close()
'''


def test_a_crossover_period_changed_is_entries_changed() -> None:
    # The case that once passed as effective (trades 47 -> 57): the child's first extra
    # trade enters where the parent has none and its stop hits on the same bar, so the
    # first difference looked like an exit. Both were flat there: an entry decision.
    faster = edit(LONG_CROSSOVER, "n1 = 10", "n1 = 5")
    tighter = edit(LONG_CROSSOVER, "sl=price * 0.95", "sl=price * 0.97")
    verdicts = judge(LONG_CROSSOVER, faster, tighter)
    assert [(v.verdict, v.trades) for v in verdicts] == [("entries changed", (47, 57)),
                                                         ("effective", (47, 47))]


def test_a_fixed_stop_under_a_tighter_trailing_stop_has_no_effect() -> None:
    looser = edit(BREAKOUT, "sl=price * 0.92", "sl=price * 0.90")
    trail = edit(BREAKOUT, "set_trailing_sl(2.5)", "set_trailing_sl(2.6)")
    verdicts = judge(BREAKOUT, looser, trail)
    assert [v.verdict for v in verdicts] == ["no effect", "effective"]
    assert verdicts[0].trades == (24, 24)


HOSTILE = {
    "loop": ("while True:\n    pass\n", "timed out after 4 s (wall clock)"),
    "memory": ("hoard = bytearray(8 * 1024 ** 3)\n",
               "MemoryError: over the memory limit (3072 MB)"),
    "system": ("import os\nos.system('touch pwned')\n",
               "PermissionError: exitdsl sandbox: os.system is not allowed"),
    "home": (f"open({str(Path.home() / '.profile')!r})\n",
             "PermissionError: exitdsl sandbox: open '"),
    "environment": ("import os\nassert 'EXITDSL_TEST_SECRET' not in os.environ\n"
                    "raise SystemExit(os.environ['HOME'] == os.getcwd())\n", "SystemExit: True"),
    "network": ("import socket\nsocket.create_connection(('127.0.0.1', 9))\n",
                "PermissionError: exitdsl sandbox: socket."),
    "write": ("open('/tmp/exitdsl-pwned', 'w')\n", "PermissionError: exitdsl sandbox: open "
              "'/tmp/exitdsl-pwned' is outside the folders strategy code may use"),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_a_hostile_strategy_is_stopped_and_reported_as_failed(
        attack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXITDSL_TEST_SECRET", "token")
    code, error = HOSTILE[attack]
    hostile = edit(LONG, "def long_exits", code + "\n\ndef long_exits")
    verdict, = judge(LONG, hostile, limits=Limits(timeout=4, cpu_seconds=4))
    assert verdict.verdict == "failed"
    assert verdict.error is not None and verdict.error.startswith(error), verdict.error
    assert not Path("/tmp/exitdsl-pwned").exists()


def test_a_parent_that_fails_fails_each_child() -> None:
    broken = edit(LONG, "def long_exits", "raise ValueError('no data')\n\ndef long_exits")
    verdict, = judge(broken, LONG)
    assert verdict.as_json()["error"] == "the parent failed: ValueError: no data"


def test_mutate_behaviour_and_behave_agree_on_every_child(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    out = tmp_path / "out"
    parents = [STRATEGIES / "template/atr_exit.py", STRATEGIES / "backtesting/sma_cross.py"]
    assert main(["mutate", "-n", "20", "--seed", "4", "--out", str(out), "--behaviour",
                 "-j", "2", "-q", *map(str, parents)]) == 0
    records = [json.loads(line) for line in
               (out / "lineage.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 34 == len(list(out.glob("*/*.py")))  # atr_exit has 14 children
    assert all(r["behaviour"]["verdict"] in VERDICTS for r in records)
    capsys.readouterr()
    for parent in parents:
        children = sorted((out / parent.stem).glob("*.py"))
        status = main(["behave", "--json", "-j", "2", str(parent), *map(str, children)])
        *lines, summary = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert summary["kind"] == "summary" and summary["children"] == len(children)
        by_child = {Path(r["child"]).name: r["verdict"] for r in lines}
        expected = {Path(r["child"]).name: r["behaviour"]["verdict"] for r in records
                    if r["parent"] == str(parent)}
        assert by_child == expected
        assert status == (0 if set(by_child.values()) == {"effective"} else 1)


def test_require_effect_keeps_only_effective_children(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["mutate", "-n", "4", "--seed", "2", "--out", str(out), "--require-effect",
                 "--stats", "-q", str(STRATEGIES / "template/atr_exit_long.py")]) == 0
    records = [json.loads(line) for line in
               (out / "lineage.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["behaviour"]["verdict"] for r in records] == ["effective"] * 4
    stats = json.loads(capsys.readouterr().out)
    assert stats["behaviour"]["effective"] == 4
    assert stats["behaviour"].get("no effect", 0) >= 1  # atr_period / stop mult: DEFAULTS


def test_behave_on_a_framework_that_cannot_run_offline_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    finlab = str(STRATEGIES / "finlab/value_lowvol.py")
    assert main(["behave", finlab, finlab]) == 2
    assert capsys.readouterr().err.startswith(
        f"{finlab}: finlab strategies cannot be run offline: ")


def test_vectorbt_scripts_run_on_the_bundled_data() -> None:
    pytest.importorskip("vectorbt", reason="the optional vectorbt extra")
    script = (STRATEGIES / "vectorbt/rsi_trailing.py").read_text(encoding="utf-8")
    tighter = edit(script, "sl_stop=0.08", "sl_stop=0.05")
    verdict, = judge(script, tighter, limits=Limits(timeout=300, cpu_seconds=300))
    assert verdict.verdict == "effective"


def test_an_unreadable_child_is_reported_and_the_others_judged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parent = str(STRATEGIES / "template/atr_exit_long.py")
    missing = tmp_path / "gone.py"
    assert main(["behave", parent, str(missing), parent]) == 3
    captured = capsys.readouterr()
    assert captured.out == f"{parent}: no effect (same 23 trades)\n"
    assert captured.err == (f"{missing}:1:1: cannot read: No such file or directory\n"
                            "exitdsl: 1 child(ren): 1 no effect\n")
