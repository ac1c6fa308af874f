"""`exitdsl apply` end to end, on realistic finlab and template code (issue 2 acceptance)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.cli import main

from .conftest import FIXTURES, ROOT, changed_ranges

MULTILINE = (FIXTURES / "finlab_multiline.py").read_text(encoding="utf-8")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_jitter_changes_exactly_the_stop_loss_literal(sketch_rules: Path) -> None:
    engine = Engine(load_rules(sketch_rules).select(["stop_loss.jitter"]), seed=7)
    result = engine.rewrite(MULTILINE, "finlab_multiline.py")
    expected = MULTILINE.replace("stop_loss =   0.08,", "stop_loss =   0.0906,")
    assert result.new_source == expected
    literal = MULTILINE.index("0.08,")
    ranges = changed_ranges(MULTILINE, result.new_source)
    assert ranges and all(literal <= a and b <= literal + len("0.08") for a, b in ranges)
    [change] = result.changes
    assert (change.line, change.col, change.old, change.new) == (16, 19, "0.08", "0.0906")


def test_cli_prints_diff_and_writes_nothing(sketch_rules: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    strategy = tmp_path / "breakout.py"
    strategy.write_text(MULTILINE, encoding="utf-8")
    code, out, err = run(["apply", "-r", str(sketch_rules), "--seed", "7", str(strategy)], capsys)
    assert code == 0
    assert strategy.read_text(encoding="utf-8") == MULTILINE
    name = str(strategy).lstrip("/")
    assert out == (
        f"--- a/{name}\n+++ b/{name}\n@@ -13,7 +13,7 @@\n"
        " report = backtest.sim(\n     entry.is_largest(10),\n     resample = 'W' ,\n"
        "-    stop_loss =   0.08,      # hard stop, fraction of entry\n"
        "+    stop_loss =   0.0906,      # hard stop, fraction of entry\n"
        "     take_profit=0.25 ,\n     name='breakout',\n )\n")
    assert err == ("exitdsl: 1 file(s), 1 site(s) rewritten, 1 file(s) would change, "
                   "0 rejected, 0 error(s)\n")


def test_same_seed_same_bytes_whatever_the_directory_and_order(
        sketch_rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = (ROOT / "examples/strategies/template/atr_exit.py").read_text(encoding="utf-8")
    outputs = []
    for name, order in (("first", ("a.py", "b.py")), ("second", ("b.py", "a.py"))):
        directory = tmp_path / name
        directory.mkdir()
        (directory / "a.py").write_text(MULTILINE, encoding="utf-8")
        (directory / "b.py").write_text(template, encoding="utf-8")
        out = tmp_path / f"out-{name}"
        paths = [str(directory / f) for f in order]
        assert main(["apply", "-r", str(sketch_rules), "--seed", "7", "--out", str(out),
                     *paths]) == 0
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    capsys.readouterr()
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"a.py", "b.py"}
    assert outputs[0]["a.py"] != MULTILINE.encode()


@pytest.mark.parametrize("quote", ["'", '"'])
def test_params_get_matches_either_quote_style(quote: str, tmp_path: Path) -> None:
    rules = tmp_path / "t.rules"
    rules.write_text('choices stop_atr_mult = [1.5, 2.0, 2.5, 3.0]\n'
                     'rule up {\n  match `params.get("stop_atr_mult", $d)`\n'
                     '  set $d = step($d, stop_atr_mult, 1)\n}\n')
    source = f"stop_mult = params.get({quote}stop_atr_mult{quote}, 2.0)  # ATR multiples\n"
    result = Engine(load_rules(rules)).rewrite(source)
    assert result.new_source == source.replace("2.0", "2.5")


BOUNDS_RULES = """\
bound stop_loss = [0.01, 0.20]
bound stoploss = [-0.35, -0.02]
choices hold = [20, 30, 40, 60]
rule widen { match `sim(..., stop_loss=$sl, ...)`  set $sl = $sl * 10 }
rule widen_clamped { match `sim(..., stop_loss=$sl, ...)`  set $sl = clamp($sl * 10, stop_loss) }
rule hold_jitter { match `max_hold_days = $v`  set $v = $v * gauss(1, 0.2) }
rule hold_up { match `max_hold_days = $v`  set $v = step($v, hold, 1) }
rule neg { match `stoploss = $v`  set $v = round(clamp($v * 0.5, stoploss), 3) }
"""


@pytest.mark.parametrize("rule, source, expected", [
    ("widen_clamped", "r = sim(p, stop_loss=0.08)\n", "r = sim(p, stop_loss=0.2)\n"),
    ("widen", "r = sim(p, stop_loss=0.08)\n", "r = sim(p, stop_loss=0.8)\n"),
    ("hold_jitter", "max_hold_days = 30\n", "max_hold_days = 20\n"),
    ("hold_up", "max_hold_days = 30\n", "max_hold_days = 40\n"),
    ("neg", "stoploss = -0.345\n", "stoploss = -0.172\n"),
    ("neg", "stoploss = -0.01\n", "stoploss = -0.02\n"),
])
def test_values_clamp_keep_ints_and_signs(rule: str, source: str, expected: str,
                                          tmp_path: Path) -> None:
    rules = tmp_path / "b.rules"
    rules.write_text(BOUNDS_RULES)
    result = Engine(load_rules(rules).select([rule]), seed=3).rewrite(source)
    assert result.new_source == expected


def test_check_exits_one_when_something_would_change(
        sketch_rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = tmp_path / "changed.py"
    changed.write_text("report = sim(position, stop_loss=0.08)\n")
    clean = tmp_path / "clean.py"
    clean.write_text("report = sim(position)\n")
    assert run(["apply", "-r", str(sketch_rules), "--check", str(clean)], capsys)[0] == 0
    code, out, _ = run(["apply", "-r", str(sketch_rules), "--check", str(tmp_path)], capsys)
    assert (code, out) == (1, "")
    assert changed.read_text() == "report = sim(position, stop_loss=0.08)\n"


def test_in_place_rewrites_and_keeps_permissions(sketch_rules: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    strategy = tmp_path / "s.py"
    strategy.write_text("report = sim(position, stop_loss=0.08)\n")
    strategy.chmod(0o640)
    assert run(["apply", "-r", str(sketch_rules), "--seed", "7", "--in-place", str(strategy)],
               capsys)[0] == 0
    assert strategy.read_text() == "report = sim(position, stop_loss=0.0847)\n"
    assert strategy.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["s.py"]  # no temp file left behind


def test_out_dir_mirrors_paths_under_each_argument(sketch_rules: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "strategies"
    (tree / "finlab").mkdir(parents=True)
    (tree / "finlab" / "a.py").write_text("report = sim(position, stop_loss=0.08)\n")
    (tree / "untouched.py").write_text("x = 1\n")
    single = tmp_path / "single.py"
    single.write_text("report = sim(position, stop_loss=0.1)\n")
    out = tmp_path / "out"
    assert run(["apply", "-r", str(sketch_rules), "--out", str(out), str(tree), str(single)],
               capsys)[0] == 0
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.py"))
    assert written == ["finlab/a.py", "single.py"]


def test_json_records_one_per_changed_site(sketch_rules: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    strategy = tmp_path / "s.py"
    strategy.write_text("time_exit = days > 30\nany_exit = stop_exit | profit_exit\n"
                        "report = sim(position, stop_loss=0.08)\n")
    code, out, _ = run(["apply", "-r", str(sketch_rules), "--seed", "7", "--json",
                        str(strategy)], capsys)
    *records, summary = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert summary == {"schema": 1, "kind": "summary", "files": 1, "changed": 1, "sites": 2,
                       "errors": 0, "rejected": 0}
    assert [(r["rule"], r["line"], r["col"], r["old"], r["new"]) for r in records] == [
        ("finlab.any_exit.add_time", 2, 12, "stop_exit | profit_exit",
         "stop_exit | profit_exit | time_exit"),
        ("finlab.stop_loss.jitter", 3, 34, "0.08", "0.0816"),
    ]
    assert records[1]["site"].startswith("finlab.stop_loss.jitter@<module>#")
    assert all(r["kind"] == "change" and r["seed"] == 7 and r["file"] == str(strategy)
               and r["schema"] == 1 for r in records)
    # The site id does not depend on line numbers: code added above keeps it.
    strategy.write_text("# a new comment\n\n" + strategy.read_text())
    _, moved, _ = run(["apply", "-r", str(sketch_rules), "--seed", "7", "--json",
                       str(strategy)], capsys)
    assert [json.loads(line)["site"] for line in moved.splitlines()[:-1]] == \
        [r["site"] for r in records]


def test_stdin_to_stdout(sketch_rules: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = "report = sim(position, stop_loss=0.08)  # keep me\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode())))
    code, out, _ = run(["apply", "-r", str(sketch_rules), "--seed", "7", "-q", "-"], capsys)
    assert (code, out) == (0, "report = sim(position, stop_loss=0.0676)  # keep me\n")


def test_unparseable_file_is_reported_and_skipped(sketch_rules: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "a_broken.py"
    broken.write_text("report = sim(position, stop_loss=0.08\nx = 1\n")
    good = tmp_path / "b_good.py"
    good.write_text("report = sim(position, stop_loss=0.08)\n")
    code, _, err = run(["apply", "-r", str(sketch_rules), "--seed", "7", "--in-place",
                        str(tmp_path)], capsys)
    assert code == 3
    assert err.splitlines()[0] == f"{broken}:1:13: not valid Python: '(' was never closed"
    assert broken.read_text() == "report = sim(position, stop_loss=0.08\nx = 1\n"
    assert good.read_text() == "report = sim(position, stop_loss=0.0847)\n"


def test_missing_path_is_an_input_error(sketch_rules: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["apply", "-r", str(sketch_rules), str(tmp_path / "nope.py")], capsys)
    assert code == 3
    assert err.splitlines()[0] == f"exitdsl: {tmp_path / 'nope.py'}: no such file or directory"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to export the checkout")
def test_installed_wheel_finds_grammar_and_rules_from_any_directory(tmp_path: Path) -> None:
    """`pip install .` (not editable) ships grammar/ and rules/ inside the package."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    assert (target / "exitdsl/_data/grammar/exitdsl.lark").is_file()
    assert (target / "exitdsl/_data/rules/finlab.rules").is_file()
    examples = shutil.copytree(ROOT / "examples", tmp_path / "examples")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "exitdsl", "apply", "-r", "finlab", str(examples), "--seed", "1"],
        cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(target)})
    assert result.returncode == 0, result.stderr
    assert "+report = sim(position, resample='Q', stop_loss=" in result.stdout


@pytest.mark.parametrize("mode", [[], ["--json"], ["--check"]])
def test_two_workers_print_the_same_bytes_as_one(mode: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = str(Path(sys.executable).parent / "exitdsl")
    runs = [subprocess.run([exe, "apply", "examples/", "--seed", "3", "-j", jobs, *mode],
                           cwd=ROOT, capture_output=True, timeout=300)
            for jobs in ("1", "2")]
    assert runs[0].returncode == runs[1].returncode
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert len(runs[0].stdout) > 1000 or mode == ["--check"]


def test_two_workers_rewrite_in_place_like_one(tmp_path: Path) -> None:
    trees = []
    for jobs in ("1", "2"):
        tree = tmp_path / f"j{jobs}"
        shutil.copytree(ROOT / "examples", tree)
        assert main(["apply", str(tree), "--in-place", "--seed", "5", "-j", jobs, "-q"]) == 0
        trees.append({p.relative_to(tree): p.read_bytes() for p in sorted(tree.rglob("*.py"))})
    assert trees[0] == trees[1]
