"""Seeded stochastic mutation: the Python API and `exitdsl mutate` (issue 6)."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.cli import main

from .conftest import ROOT

ATR = (ROOT / "examples/strategies/template/atr_exit.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules(ROOT / "rules"))


def test_tier_frequencies_follow_the_weights(engine: Engine) -> None:
    parent = engine.prepare(ATR, "atr_exit.py")
    tiers = {engine_rule.site.rule.tier for engine_rule in engine.applicable(parent)}
    assert tiers == {"parametric", "relational", "structural"}
    counts: Counter[str] = Counter()
    for seed in range(10_000):
        child = engine.mutate(parent, seed=seed)
        assert child.ok and child.code != ATR
        counts[str(child.tier)] += 1
    shares = {tier: counts[tier] / 100 for tier in counts}
    assert abs(shares["parametric"] - 80) <= 2
    assert abs(shares["relational"] - 15) <= 2
    assert abs(shares["structural"] - 5) <= 2


def test_a_mutation_is_reproducible_and_described(engine: Engine) -> None:
    first = engine.mutate(ATR, seed=3, path="atr_exit.py")
    again = Engine(engine.rules).mutate(ATR, seed=3, path="atr_exit.py")
    assert first == again
    assert first.record() == {
        "status": "mutated", "rule": "template.max_hold_days.step", "tier": "parametric",
        "site": "template.max_hold_days.step@exit_signals#ce4d46aa.0", "line": 10, "col": 44,
        "old": "30", "new": "20", "seed": 3, "attempts": 1}
    assert first.code == ATR.replace('("max_hold_days", 30)', '("max_hold_days", 20)')
    changed = [line for line in first.diff.splitlines()[2:] if line[:1] in "+-"]
    assert changed == ['-    max_hold = params.get("max_hold_days", 30)',
                       '+    max_hold = params.get("max_hold_days", 20)']
    assert set(first.verification.values()) == {"passed"}


def test_no_applicable_rule_is_a_result_and_counted(engine: Engine) -> None:
    fresh = Engine(engine.rules)
    child = fresh.mutate("import pandas as pd\nprint(pd.__version__)\n", seed=1)
    assert (child.status, child.ok, child.code) == (
        "no_applicable_rule", False, "import pandas as pd\nprint(pd.__version__)\n")
    assert fresh.stats.no_applicable_rule == 1 and fresh.stats.calls == 1


def test_statistics_per_rule_and_tier(engine: Engine) -> None:
    fresh = Engine(engine.rules)
    parent = fresh.prepare(ATR)
    for seed in range(200):
        fresh.mutate(parent, seed=seed)
    stats = json.loads(fresh.stats.as_json())
    assert stats["calls"] == 200
    assert sum(c["successes"] for c in stats["tiers"].values()) == 200
    assert sum(c["attempts"] for c in stats["rules"].values()) >= 200
    assert set(stats["tiers"]) == {"parametric", "relational", "structural"}


def test_engines_and_rule_sets_pickle(engine: Engine) -> None:
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.mutate(ATR, seed=11) == engine.mutate(ATR, seed=11)


def test_mutate_cli_is_identical_for_one_and_two_jobs(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        assert main(["mutate", str(ROOT / "examples/strategies/finlab"),
                     str(ROOT / "examples/strategies/template"), "-n", "20", "--seed", "5",
                     "--out", str(out), "-j", jobs, "-q"]) == 0
        outputs.append({str(p.relative_to(out)): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    err = capsys.readouterr().err
    assert outputs[0] == outputs[1]
    lineage = [json.loads(line) for line in outputs[0]["lineage.jsonl"].decode().splitlines()]
    per_parent = Counter(Path(r["parent"]).stem for r in lineage)
    assert per_parent == {"momentum_quarterly": 20, "revenue_breakout": 20, "value_lowvol": 20,
                          "atr_exit": 14, "atr_exit_compact": 8, "atr_exit_long": 13}
    for record in lineage:  # every child differs from its parent and is on disk
        child = outputs[0][record["child"]]
        assert record["old"] != record["new"]
        assert child != (ROOT / record["parent"]).read_bytes()
    assert "atr_exit.py: only 14 distinct children (of 20 asked)" in err


def test_replay_one_mutation_by_its_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parent = ROOT / "examples/strategies/finlab/revenue_breakout.py"
    out = tmp_path / "children"
    assert main(["mutate", str(parent), "-n", "3", "--seed", "9", "--out", str(out), "-q"]) == 0
    record = json.loads((out / "lineage.jsonl").read_text().splitlines()[2])
    replay = tmp_path / "replay"
    assert main(["apply", str(parent), "--only", record["site"], "--seed", str(record["seed"]),
                 "--out", str(replay), "-q"]) == 0
    assert (replay / parent.name).read_bytes() == (out / record["child"]).read_bytes()


def test_mutate_cli_says_when_nothing_applies(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    assert main(["mutate", str(plain), "-n", "3", "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert f"{plain}: no applicable rule; no children" in err


def test_evolve_example_runs() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "examples/evolve.py"), "--generations",
                             "2", "--population", "3"], capture_output=True, text=True,
                            check=True)
    assert "gen 1: best fitness" in result.stdout


def test_parents_with_one_name_in_two_folders_keep_their_children_apart(
        tmp_path: Path) -> None:
    source = (ROOT / "examples/strategies/finlab/revenue_breakout.py").read_text()
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "s.py").write_text(source)
    out = tmp_path / "out"
    assert main(["mutate", str(tmp_path / "in"), "-n", "3", "--out", str(out), "-q"]) == 0
    lineage = [json.loads(line) for line in (out / "lineage.jsonl").read_text().splitlines()]
    assert sorted(r["child"] for r in lineage) == [f"{f}/s/s.{k}.py" for f in "ab" for k in (1, 2, 3)]
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*.py"))
    assert on_disk == sorted(r["child"] for r in lineage)


def test_a_rerun_into_the_same_folder_needs_append(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    parent = ROOT / "examples/strategies/finlab/revenue_breakout.py"
    out = tmp_path / "out"
    assert main(["mutate", str(parent), "-n", "2", "--out", str(out), "-q"]) == 0
    assert main(["mutate", str(parent), "-n", "2", "--out", str(out), "-q"]) == 2
    assert capsys.readouterr().err == (f"--out {out} is not empty: an earlier run's children "
                                       "and lineage would mix with these (use --append to add "
                                       "to it)\n")
    assert main(["mutate", str(parent), "-n", "2", "--out", str(out), "-q", "--seed", "1",
                 "--append"]) == 0
    assert len((out / "lineage.jsonl").read_text().splitlines()) == 4


def test_append_continues_the_numbering_and_overwrites_nothing(tmp_path: Path) -> None:
    """Found by attack: a second run numbered its children from 1 again, overwriting the
    first run's, and the lineage then pointed at other files."""
    import hashlib

    parent = ROOT / "examples/strategies/finlab/revenue_breakout.py"
    out = tmp_path / "out"
    assert main(["mutate", str(parent), "-n", "2", "--out", str(out), "-q"]) == 0
    first = {p.name: p.read_bytes() for p in out.rglob("*.py")}
    assert main(["mutate", str(parent), "-n", "2", "--out", str(out), "-q", "--seed", "1",
                 "--append"]) == 0
    lineage = [json.loads(line) for line in (out / "lineage.jsonl").read_text().splitlines()]
    assert [r["child"] for r in lineage] == [f"revenue_breakout/revenue_breakout.{k}.py"
                                             for k in (1, 2, 3, 4)]
    for record in lineage:  # every record names the bytes it describes
        data = (out / record["child"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["child_sha256"]
    assert all((out / "revenue_breakout" / name).read_bytes() == data
               for name, data in first.items())


def test_a_parent_named_like_the_lineage_file_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = (ROOT / "examples/strategies/finlab/revenue_breakout.py").read_text()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lineage.jsonl.py").write_text(source)
    assert main(["mutate", str(tmp_path / "in"), "-n", "1", "--out", str(tmp_path / "out"),
                 "-q"]) == 2
    assert "lineage.jsonl, the lineage file's name" in capsys.readouterr().err


def test_a_parent_with_few_children_stops_early(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`-n 100000` on a file with one site ends once 200 tries in a row found nothing new."""
    parent = tmp_path / "one.py"
    parent.write_text("report = sim(position, stop_loss=0.1)\n")
    out = tmp_path / "out"
    assert main(["mutate", str(parent), "-r", "finlab", "--rule", "stop_loss.tighten", "-n",
                 "100000", "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    children = len(list(out.rglob("*.py")))
    assert children == 1
    assert err[0] == f"{parent}: only {children} distinct children (of 100000 asked)"


def test_an_output_folder_inside_the_input_is_never_read_back(tmp_path: Path) -> None:
    tree = tmp_path / "strategies"
    tree.mkdir()
    (tree / "s.py").write_text("report = sim(position, stop_loss=0.1)\n")
    rules = ["-r", "finlab", "--rule", "stop_loss.jitter", "-q"]
    for _ in range(2):
        assert main(["apply", *rules, "--out", str(tree / "out"), str(tree)]) == 0
    assert sorted(str(p.relative_to(tree)) for p in tree.rglob("*.py")) == ["out/s.py", "s.py"]


def test_two_inputs_for_one_output_are_refused(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.py").write_text("report = sim(position, stop_loss=0.1)\n")
    assert main(["apply", "-r", "finlab", "--out", str(tmp_path / "out"),
                 str(tmp_path / "a" / "s.py"), str(tmp_path / "b" / "s.py")]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path / 'a' / 's.py'} and {tmp_path / 'b' / 's.py'} would both be written to s.py "
        "under the output folder; give them separately\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["apply", "mutate"])
def test_an_output_folder_over_the_input_is_refused(command: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "strategies"
    tree.mkdir()
    (tree / "s.py").write_text("report = sim(position, stop_loss=0.1)\n")
    args = ["-n", "2"] if command == "mutate" else []
    assert main([command, "-r", "finlab", *args, "--out", str(tree), str(tree / "s.py")]) == 2
    assert capsys.readouterr().err == (f"--out {tree} holds the input {tree / 's.py'}; use "
                                       "--in-place to rewrite files where they are\n")
    assert (tree / "s.py").read_text() == "report = sim(position, stop_loss=0.1)\n"


def test_mutate_verify_full_checks_each_whole_child(tmp_path: Path) -> None:
    parent = ROOT / "examples/strategies/finlab/revenue_breakout.py"
    for level in ("default", "full"):
        assert main(["mutate", str(parent), "-n", "3", "--verify", level, "--out",
                     str(tmp_path / level), "-q"]) == 0
    assert [p.read_bytes() for p in sorted((tmp_path / "default").rglob("*.py"))] == \
        [p.read_bytes() for p in sorted((tmp_path / "full").rglob("*.py"))]


def test_a_pickled_parent_starts_with_an_empty_cache() -> None:
    """Caches are keyed by id() of this process's objects: a parent shipped to a worker
    must not bring them along (a stale id could name another site there)."""
    import pickle

    engine = Engine(load_rules(ROOT / "rules/finlab.rules"))
    source = (ROOT / "examples/strategies/finlab/revenue_breakout.py").read_text()
    parent = engine.prepare(source)
    first = [engine.mutate(parent, seed=s).code for s in range(10)]
    assert parent.cache.conditions and parent.cache.applicable is not None
    copy = pickle.loads(pickle.dumps(parent))
    assert not copy.cache.conditions and copy.cache.applicable is None
    assert [engine.mutate(copy, seed=s).code for s in range(10)] == first
