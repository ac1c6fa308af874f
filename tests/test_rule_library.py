"""The shipped rule library (issue 5): tests per rule, generated docs, framework invariants."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.cli import main
from exitdsl.compiler.parse import parse_rules

from .conftest import ROOT

RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "strategies"
FRAMEWORKS = ["finlab", "freqtrade", "backtesting", "vectorbt", "backtrader", "jesse", "template"]


def test_every_shipped_rule_has_a_positive_and_an_unchanged_test() -> None:
    rules = load_rules(RULES)
    for rule in rules.rules:
        tests = [t for rule_id, t, _ in rules.tests if rule_id == rule.id]
        assert any(t.after is not None for t in tests), f"{rule.id}: no positive test"
        assert any(t.after is None for t in tests), f"{rule.id}: no unchanged test"


def test_every_rule_has_a_description_and_every_domain_a_source() -> None:
    for path in sorted(RULES.glob("*.rules")):
        rule_file = parse_rules(path.read_text("utf-8"), str(path))
        assert rule_file.doc, path
        for rule in rule_file.rules:
            assert rule.description, f"{path}: {rule.name}"
        for domain in (*rule_file.bounds, *rule_file.choices):
            assert "#" in domain.span.source_line, f"{path}: {domain.name} cites no source"


def test_rule_docs_are_generated_from_the_rules(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    generated = {p.name: p.read_text("utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text("utf-8") for p in (ROOT / "docs/rules").glob("*.md")}
    assert generated == committed, "docs/rules is stale: run `exitdsl docs --out docs/rules`"
    assert set(generated) == {f"{name}.md" for name in FRAMEWORKS}


def test_each_framework_has_three_example_strategies() -> None:
    for framework in FRAMEWORKS:
        assert len(list((EXAMPLES / framework).glob("*.py"))) >= 3, framework
    assert any(not p.read_bytes().endswith(b"\n") for p in EXAMPLES.rglob("*.py"))


# --- framework invariants over many seeded mutations of the examples ----------------------


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _number(node: ast.expr | None) -> float | None:
    try:
        value = ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _multiplier(node: ast.expr | None) -> float | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _number(node.right)
    return None


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == name)
        or (isinstance(n.func, ast.Attribute) and n.func.attr == name))]


def check_finlab(tree: ast.Module) -> None:
    for call in _calls(tree, "sim"):
        sl, tp = _number(_keyword(call, "stop_loss")), _number(_keyword(call, "take_profit"))
        if sl is not None:
            assert 0.01 <= sl <= 0.20
        if sl is not None and tp is not None:
            assert tp > sl


def check_freqtrade(tree: ast.Module) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                name, value = stmt.targets[0].id, stmt.value
                if name == "stoploss":
                    number = _number(value)
                    assert number is not None and number < 0
                    assert -0.35 <= number <= -0.02 or number == -0.99
                if name == "minimal_roi":
                    assert isinstance(value, ast.Dict)
                    values = [_number(v) for v in value.values]
                    assert values == sorted(values, reverse=True), values


def check_backtesting(tree: ast.Module) -> None:
    for side, below, above in (("buy", "sl", "tp"), ("sell", "tp", "sl")):
        for call in _calls(tree, side):
            low, high = _multiplier(_keyword(call, below)), _multiplier(_keyword(call, above))
            if low is not None:
                assert low < 1
            if high is not None:
                assert high > 1


def check_vectorbt(tree: ast.Module) -> None:
    for call in _calls(tree, "from_signals"):
        for name in ("sl_stop", "tp_stop"):
            value = _number(_keyword(call, name))
            if value is not None:
                assert 0.005 <= value <= 0.5


def check_backtrader(tree: ast.Module) -> None:
    for call in _calls(tree, "buy_bracket"):
        stop, limit = _multiplier(_keyword(call, "stopprice")), \
            _multiplier(_keyword(call, "limitprice"))
        assert stop is None or stop < 1
        assert limit is None or limit > 1
    for name in ("sell", "buy", "close"):
        for call in _calls(tree, name):
            value = _number(_keyword(call, "trailpercent"))
            assert value is None or 0.005 <= value <= 0.2


def check_jesse(tree: ast.Module) -> None:
    """A long's stop below the price and target above it (the reverse for a short);
    hyperparameter defaults inside their own min/max."""
    for method in ast.walk(tree):
        if not isinstance(method, ast.FunctionDef) or method.name not in ("go_long", "go_short"):
            continue
        long = method.name == "go_long"
        for stmt in ast.walk(method):
            if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Attribute)):
                continue
            orders = stmt.value.elts if isinstance(stmt.value, ast.List) else [stmt.value]
            for order in orders:
                price = order.elts[1] if isinstance(order, ast.Tuple) else None
                ratio = _multiplier(price)
                if ratio is None:
                    continue
                below = (stmt.targets[0].attr == "stop_loss") == long
                assert (ratio < 1) if below else (ratio > 1), ast.unparse(stmt)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and {"name", "min", "max", "default"} <= {
                k.value for k in node.keys if isinstance(k, ast.Constant)}:
            entry = {k.value: _number(v) for k, v in zip(node.keys, node.values)
                     if isinstance(k, ast.Constant)}
            assert entry["min"] <= entry["default"] <= entry["max"], ast.unparse(node)


def check_template(tree: ast.Module) -> None:
    allowed = {"stop_atr_mult": {1.5, 2.0, 2.5, 3.0}, "profit_atr_mult": {2.0, 3.0, 4.0, 5.0},
               "max_hold_days": {20, 30, 40, 60}, "atr_period": {10, 14, 20, 30}}
    for call in _calls(tree, "get"):
        if len(call.args) == 2 and isinstance(call.args[0], ast.Constant):
            name, value = call.args[0].value, _number(call.args[1])
            if name in allowed and value is not None:
                assert value in allowed[name], (name, value)


CHECKS = {"finlab": check_finlab, "freqtrade": check_freqtrade,
          "backtesting": check_backtesting, "vectorbt": check_vectorbt,
          "backtrader": check_backtrader, "jesse": check_jesse, "template": check_template}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_mutations_keep_the_framework_invariants(framework: str) -> None:
    engine = Engine(load_rules(RULES / f"{framework}.rules"))
    rules_seen: set[str] = set()
    for path in sorted((EXAMPLES / framework).glob("*.py")):
        source = path.read_text("utf-8")
        CHECKS[framework](ast.parse(source))
        parent = engine.prepare(source, str(path))
        for seed in range(150):
            child = engine.mutate(parent, seed=seed)
            assert child.status in ("mutated", "no_applicable_rule"), child.rejections
            if child.ok:
                rules_seen.add(str(child.rule))
                CHECKS[framework](ast.parse(child.code))
    assert rules_seen, framework


def test_skipped_sites_are_listed_with_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = EXAMPLES / "vectorbt" / "stop_grid.py"
    assert main(["apply", "-r", "vectorbt", "--json", str(path)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    skips = [r for r in records if r["kind"] == "skip"]
    assert {(r["rule"], r["line"], r["reason"]) for r in skips} >= {
        ("vectorbt.sl_stop.jitter", 9,  # a grid of stops, not one: the part that fails
         "left alone: where number($s) is false ($s = np.arange(0.01, 0.11, 0.01))"),
    }


def test_the_pytest_plugin_collects_only_where_a_project_opts_in(tmp_path: Path) -> None:
    """A udev rule file in a project that has exitdsl installed is not exitdsl's business."""
    import subprocess
    import sys

    (tmp_path / "99-usb.rules").write_text('SUBSYSTEM=="usb", ATTR{idVendor}=="0bda"\n')
    (tmp_path / "test_x.py").write_text("def test_x():\n    assert True\n")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    quiet = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0 and "1 passed" in quiet.stdout
    opted = subprocess.run([*command, "-p", "exitdsl"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert opted.returncode == 2 and "ERROR 99-usb.rules" in opted.stdout


def test_roi_entries_moved_together_keep_the_table_non_increasing() -> None:
    """Every entry of a ROI table is jittered in one run; each is clamped between its
    neighbours' *new* values, so the table stays ordered and no statement is rejected
    (before: `ensure` failed against neighbours that had moved too, and the whole table
    was lost)."""
    table = [0.29, 0.281, 0.272, 0.254, 0.25, 0.21, 0.2, 0.133, 0.12, 0.05, 0.049, 0.01]
    minutes = [0, 22, 63, 64, 90, 150, 240, 300, 480, 600, 900, 1440]
    body = "".join(f'        "{m}": {v},\n' for m, v in zip(minutes, table))
    source = ("class Hyper(IStrategy):\n    minimal_roi = {\n" + body + "    }\n"
              "    stoploss = -0.1\n")
    rules = load_rules(ROOT / "rules/freqtrade.rules").select(tiers=["parametric"])
    for seed in range(10):
        result = Engine(rules, seed=seed).rewrite(source)
        assert not result.rejections, (seed, result.rejections)
        roi = ast.literal_eval(result.new_source.split("minimal_roi = ")[1].split("}")[0] + "}")
        values = list(roi.values())
        assert values == sorted(values, reverse=True), (seed, values)
        assert sum(c.rule.startswith("freqtrade.roi.") for c in result.changes) >= 10
