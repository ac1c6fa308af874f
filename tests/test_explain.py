"""Why did my rule not fire? (issue 27, item 3): skip reasons name the part of `where`
that is false with the captured values; `# exitdsl: ignore` keeps lines out of apply and
mutate; `exitdsl explain` shows every match of a rule's patterns and what became of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitdsl.cli import main

from .test_json_schema import validate

RULES = '''\
bound stop_loss = [0.01, 0.5]

rule stop.double {
  "Doubles a small stop_loss of sim() (a named backtest keeps its own)."
  tier parametric
  match `sim(..., stop_loss=$v, ...)`
  unless `sim(..., name=$n, ...)`
  where number($v) and $v < 0.05
  set $v = clamp($v * 2, stop_loss)
}
'''
STRATEGY = '''\
from finlab import data
from finlab.backtest import sim

close = data.get("price:收盤價")
position = close > close.average(20)
wide = sim(position, resample="M", stop_loss=0.08)
tight = sim(position, resample="M", stop_loss=0.02)
kept = sim(position, resample="M",
           stop_loss=0.03)  # exitdsl: ignore[stop.double]
frozen = sim(position, stop_loss=0.04)  # exitdsl: ignore -- tuned by hand
named = sim(position, stop_loss=0.01, name="ma20")
other = sim(position, stop_loss=0.02)  # exitdsl: ignore[finlab.take_profit.jitter]
'''


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "desk.rules"
    rules.write_text(RULES, encoding="utf-8")
    strategy = tmp_path / "ma20.py"
    strategy.write_text(STRATEGY, encoding="utf-8")
    return rules, strategy


def test_skip_reasons_name_the_false_part_with_its_values_and_the_ignore_comments(
        files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rules, strategy = files
    assert main(["apply", "-r", str(rules), "--show-skipped", "-q", str(strategy)]) == 0
    captured = capsys.readouterr()
    assert [line for line in captured.out.splitlines() if line[:1] in "+-"] == [
        f"--- a{strategy}", f"+++ b{strategy}",  # an absolute path, as git names it
        '-tight = sim(position, resample="M", stop_loss=0.02)',
        '+tight = sim(position, resample="M", stop_loss=0.04)',
        "-other = sim(position, stop_loss=0.02)  # exitdsl: ignore[finlab.take_profit.jitter]",
        "+other = sim(position, stop_loss=0.04)  # exitdsl: ignore[finlab.take_profit.jitter]"]
    assert captured.err.splitlines() == [
        f"{strategy}:6:8: skipped by desk.stop.double: left alone: where $v < 0.05 is false "
        "($v = 0.08)",
        f"{strategy}:8:8: skipped by desk.stop.double: left alone: suppressed by "
        "`# exitdsl: ignore[...]` on line 9",
        f"{strategy}:10:10: skipped by desk.stop.double: left alone: suppressed by "
        "`# exitdsl: ignore` on line 10"]


def test_mutate_never_picks_a_suppressed_site(files: tuple[Path, Path], tmp_path: Path) -> None:
    rules, strategy = files
    out = tmp_path / "out"
    assert main(["mutate", "-r", str(rules), "-n", "6", "-q", "--out", str(out),
                 str(strategy)]) == 0
    lineage = [json.loads(line) for line in (out / "lineage.jsonl").read_text().splitlines()]
    assert sorted({r["line"] for r in lineage}) == [7, 12]


def test_a_suppression_comment_inside_a_string_does_not_count(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             files: tuple[Path, Path]) -> None:
    rules, _ = files
    strategy = tmp_path / "s.py"
    strategy.write_text('report = sim(position, stop_loss=0.01, resample="# exitdsl: ignore")\n',
                        encoding="utf-8")
    assert main(["apply", "-r", str(rules), "-q", str(strategy)]) == 0
    assert "+report = sim(position, stop_loss=0.02, " in capsys.readouterr().out


def test_explain_shows_every_match_and_what_became_of_it(
        files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rules, strategy = files
    assert main(["explain", "-r", str(rules), "stop.double", str(strategy)]) == 0
    assert capsys.readouterr().out == f"""\
desk.stop.double in {strategy}: 6 match(es) of 1 pattern(s)
6:8  `sim(position, resample="M", stop_loss=0.08)`
    captures: $v = 0.08
    left alone: where $v < 0.05 is false ($v = 0.08)
7:9  `sim(position, resample="M", stop_loss=0.02)`
    captures: $v = 0.02
    rewritten: 0.02 -> 0.04
8:8  `sim(position, resample="M", ...`
    captures: $v = 0.03
    left alone: suppressed by `# exitdsl: ignore[...]` on line 9
10:10  `sim(position, stop_loss=0.04)`
    captures: $v = 0.04
    left alone: suppressed by `# exitdsl: ignore` on line 10
11:9  `sim(position, stop_loss=0.01, name="ma20")`
    captures: $v = 0.01
    not a site: unless `sim(..., name=$n, ...)` matches here
12:9  `sim(position, stop_loss=0.02)`
    captures: $v = 0.02
    rewritten: 0.02 -> 0.04
"""


def test_explain_one_line_as_json(files: tuple[Path, Path],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    rules, strategy = files
    assert main(["explain", "-r", str(rules), "--json", "desk.stop.double",
                 f"{strategy}:11"]) == 0
    record, = validate(capsys.readouterr().out.splitlines())
    assert record == {"schema": 1, "kind": "match", "rule": "desk.stop.double",
                      "file": str(strategy), "pattern": "sim(..., stop_loss=$v, ...)",
                      "line": 11, "col": 9, "code": 'sim(position, stop_loss=0.01, name="ma20")',
                      "captures": {"$v": "0.01"}, "outcome": "not a site",
                      "detail": "unless `sim(..., name=$n, ...)` matches here"}


def test_explain_names_the_closest_rule_for_a_typo(
        files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rules, strategy = files
    assert main(["explain", "-r", str(rules), "stop.doubel", str(strategy)]) == 2
    assert capsys.readouterr().err == (
        "no rule 'stop.doubel' (did you mean 'stop.double'?); the rules loaded are "
        f"{rules} (-r names others)\n")
