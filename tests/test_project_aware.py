"""A project's rules where the user works (issue 27, item 2): `test`, `check` and `verify`
run the config's rules; `exitdsl rules` lists the shipped ones; every misspelt name gets a
did-you-mean at its own line; a migration runs only when named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import exitdsl
from exitdsl.cli import main

from .conftest import ROOT

HOUSE = '''\
bound stop_loss = [0.01, 0.5]

rule stop.double {
  "Doubles sim()'s stop_loss."
  tier parametric
  match `sim(..., stop_loss=$v, ...)`
  where number($v)
  set $v = clamp($v * 2, stop_loss)
}

test stop.double {
  before ```
report = sim(position, stop_loss=0.1)
```
  after ```
report = sim(position, stop_loss=0.2)
```
}
'''
STRATEGY = '''\
from finlab import data
from finlab.backtest import sim

close = data.get("price:收盤價")
position = close > close.average(20)
report = sim(position, resample="M", stop_loss=0.08, name="ma20")  # monthly
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "house.rules").write_text(HOUSE, encoding="utf-8")
    (tmp_path / "strategies").mkdir()
    (tmp_path / "strategies/ma20.py").write_text(STRATEGY, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "desk"\n\n[tool.exitdsl]\n'
                                             'rules = ["./house.rules"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_test_check_and_verify_run_the_project_s_rules(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    assert capsys.readouterr().out == "1 passed, 0 failed\n"
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "house.stop.double  [parametric, weight 1]  Doubles sim()'s stop_loss.\n"
    assert main(["verify", "--json", "strategies"]) == 0
    rule, summary = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (rule["rule"], rule["sites"], rule["verified"]) == ("house.stop.double", 1, 1)
    assert summary["rejected"] == 0


TOML_TYPO = '''\
[project]
name = "desk"

[tool.exitdsl]
seed = 4

tiers = ["parametric", "structurl"]
'''


@pytest.mark.parametrize("name, text, where, caret", [
    ("pyproject.toml", TOML_TYPO, "pyproject.toml:7:24",
     '    tiers = ["parametric", "structurl"]\n                           ^'),
    ("exitdsl.yaml", "seed: 4\ntiers: [parametric, structurl]\n", "exitdsl.yaml:2:21",
     "    tiers: [parametric, structurl]\n                        ^"),
])
def test_a_misspelt_tier_in_the_config_is_located_on_its_key_with_a_suggestion(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str,
        where: str, caret: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "ma20.py").write_text(STRATEGY, encoding="utf-8")
    assert main(["apply", str(tmp_path / "ma20.py")]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path}/{where}: unknown tier 'structurl' (did you mean 'structural'?); "
        f"expected one of parametric, relational, structural\n{caret}\n")


def test_a_misspelt_rule_set_in_the_config_is_located_with_a_suggestion(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "house.rules").write_text(HOUSE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.exitdsl]\nrules = [\n  "./house.rules",\n  "finlb",\n]\n', encoding="utf-8")
    (tmp_path / "ma20.py").write_text(STRATEGY, encoding="utf-8")
    assert main(["apply", str(tmp_path / "ma20.py")]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path}/pyproject.toml:4:3: no shipped rule set 'finlb' (did you mean 'finlab'?); "
        "a path needs a '/' or the .rules suffix (`exitdsl rules` lists the shipped ones)\n"
        '      "finlb",\n      ^\n')


def test_rules_lists_the_shipped_rule_sets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "freqtrade_v3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "freqtrade_v3 (14 rules, a migration: runs only when named)"
    assert lines[1].split()[:2] == ["freqtrade_v3.methods", "structural"]
    assert main(["rules", "--json"]) == 0
    sets = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["name"] for s in sets] == ["backtesting", "backtrader", "finlab", "freqtrade",
                                         "freqtrade_v3", "jesse", "template", "vectorbt"]
    finlab = sets[2]
    assert (finlab["file"], finlab["migration"]) == ("rules/finlab.rules", False)
    assert finlab["rules"][0] == {
        "id": "finlab.stop_loss.jitter", "tier": "parametric", "weight": 3.0,
        "description": exitdsl.load_rules("finlab").rules[0].source.description}
    assert main(["rules", "finlb"]) == 2
    assert capsys.readouterr().err == (
        "no shipped rule set 'finlb' (did you mean 'finlab'?); they are backtesting, "
        "backtrader, finlab, freqtrade, freqtrade_v3, jesse, template, vectorbt\n")


def test_a_folder_of_rules_leaves_its_migrations_out_unless_they_are_named(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "rules")]) == 0
    listed = {line.split()[0].split(".")[0] for line in capsys.readouterr().out.splitlines()}
    assert "freqtrade_v3" not in listed and "finlab" in listed
    assert main(["check", str(ROOT / "rules/migrations")]) == 0
    assert capsys.readouterr().out.startswith("freqtrade_v3.methods  [structural")


def test_select_refuses_an_unknown_rule_like_the_rule_option() -> None:
    rules = exitdsl.load_rules("finlab")
    with pytest.raises(ValueError, match=r"^no rule 'finlab.stop_loss.jiter' \(did you mean "
                                         r"'finlab.stop_loss.jitter'\?\)$"):
        rules.select(["finlab.stop_loss.jiter"])
    assert [r.id for r in rules.select(["stop_loss.jitter"]).rules] == ["finlab.stop_loss.jitter"]
