"""Hand-built bad rules and broken rewriters are caught, each by the right check (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.rewriting import statement as statement_module
from exitdsl.cli import main
from exitdsl.actions.base import CstEdit
from exitdsl.rewriting.cst import rewrite_snippet

SOURCE = """\
# breakout with a hard stop
report = sim(position, resample='M', stop_loss=0.08)  # keep
any_exit = stop_exit | profit_exit
"""


def engine_for(tmp_path: Path, text: str, seed: int = 0) -> Engine:
    path = tmp_path / "bad.rules"
    path.write_text(text)
    return Engine(load_rules(path), seed=seed)


def only_rejection(result: object) -> tuple[str, str]:
    rejections = getattr(result, "rejections")
    assert len(rejections) == 1, rejections
    assert getattr(result, "new_source") == getattr(result, "source")  # nothing written
    return rejections[0].check, rejections[0].detail


def test_template_that_imports_is_rejected_by_safety(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, 'rule evil { match `sim(..., stop_loss=$sl, ...)` '
                                  'set $sl = `__import__("os").getpid()` }')
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert (check, detail) == ("safety", "introduces a call to __import__()")


def test_template_reaching_for_os_is_rejected_by_safety(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, 'rule evil { match `sim(..., stop_loss=$sl, ...)` '
                                  'set $sl = `os.system("rm -rf /")` }')
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert (check, detail) == ("safety", "introduces access to os.system")


def test_ensure_that_fails_for_some_seeds_is_rejected_for_those(tmp_path: Path) -> None:
    rules = ("bound sl = [0.05, 0.10]\nrule wide { match `sim(..., stop_loss=$sl, ...)` "
             "set $sl = round($sl * gauss(1, 0.5), 4) ensure $sl in sl }")
    outcomes = {}
    for seed in range(12):
        result = engine_for(tmp_path, rules, seed).rewrite(SOURCE)
        if result.rejections:
            assert result.rejections[0].check == "ensure"
            assert result.rejections[0].detail == (
                "ensure does not hold after the rewrite: rule wide { match "
                "`sim(..., stop_loss=$sl, ...)` set $sl = round($sl * gauss(1, 0.5), 4) "
                "ensure $sl in sl }")
            assert result.new_source == SOURCE
            outcomes[seed] = "rejected"
        else:
            outcomes[seed] = "verified"
    assert set(outcomes.values()) == {"rejected", "verified"}


def test_code_that_compile_rejects_is_rejected_by_syntax(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, "rule dup { match `sim(..., stop_loss=$sl, ...)` "
                                  "set $sl = `pick(a=1, a=2)` }")
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert (check, detail) == ("syntax", "compile() rejects the new code: keyword argument "
                                         "repeated: a")


def test_a_transformer_that_edits_outside_its_target_is_rejected_by_confinement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def sloppy(snippet: str, edits: tuple[CstEdit, ...]) -> str:
        return rewrite_snippet(snippet, edits).replace("'M'", '"M"')  # same AST, other bytes

    monkeypatch.setattr(statement_module, "rewrite_snippet", sloppy)
    engine = engine_for(tmp_path, "rule j { match `sim(..., stop_loss=$sl, ...)` "
                                  "set $sl = 0.05 }")
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert check == "confinement"
    assert detail == "bytes outside the targeted spans changed, at line 2, col 33"


def test_a_transformer_that_drops_parentheses_is_rejected_by_intent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def careless(snippet: str, edits: tuple[CstEdit, ...]) -> str:
        return rewrite_snippet(snippet, edits).replace("(close < ema)", "close < ema")

    monkeypatch.setattr(statement_module, "rewrite_snippet", careless)
    engine = engine_for(tmp_path, "rule a { match `any_exit = $c` append `close < ema` to $c }")
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert check == "intent"
    assert detail.startswith("result means ")


def test_verify_command_reports_rejections_per_rule(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "mixed.rules"
    rules.write_text("ruleset mixed\n"
                     "rule good { match `sim(..., stop_loss=$sl, ...)` set $sl = 0.05 }\n"
                     "rule evil { match `sim(..., stop_loss=$sl, ...)` set $sl = `eval('1')` }\n")
    strategy = tmp_path / "s.py"
    strategy.write_text(SOURCE)
    assert main(["verify", "-r", str(rules), str(strategy), "--seeds", "2"]) == 1
    out = capsys.readouterr().out
    assert out == (
        "rule           sites  rewrites  verified  rejected   skipped\n"
        "mixed.good         2         2         2         0         0\n"
        "mixed.evil         2         2         0         2         0\n"
        "total              4         4         2         2         0\n"
        "  mixed.evil: 2 rejected by safety\n"
        f"    {strategy}:2:48: (safety) introduces a call to eval()\n"
        f"    {strategy}:2:48: (safety) introduces a call to eval()\n"
        "1 file(s), 2 rejection(s), 0 unreadable file(s)\n")
    assert main(["verify", "-r", str(rules), str(strategy), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(r["rule"], r["verified"], r["rejected"]) for r in report["rules"]] == [
        ("mixed.good", 1, {}), ("mixed.evil", 0, {"safety": 1})]


def test_shipped_rules_verify_cleanly_on_the_examples(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    assert main(["verify", "examples/", "--seeds", "2"]) == 0
    assert capsys.readouterr().out.endswith("0 rejection(s), 0 unreadable file(s)\n")


def test_apply_never_writes_a_rejected_rewrite(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "evil.rules"
    rules.write_text("rule evil { match `sim(..., stop_loss=$sl, ...)` set $sl = `exec('x')` }\n")
    strategy = tmp_path / "s.py"
    strategy.write_text(SOURCE)
    assert main(["apply", "-r", str(rules), "--in-place", str(strategy)]) == 4
    assert strategy.read_text() == SOURCE
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{strategy}:2:48: rewrite by evil.evil rejected (safety): introduces a call to exec()")


def test_verifier_doc_table_is_real_output(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from .conftest import ROOT

    doc = (ROOT / "docs/verifier.md").read_text(encoding="utf-8")
    command = re.search(r"real output of\n`exitdsl (.*?)`", doc)
    table = re.search(r"<!-- verify-table -->\n```\n(.*?)```", doc, re.S)
    assert command and table
    monkeypatch.chdir(ROOT)
    main(command.group(1).split())
    assert capsys.readouterr().out == table.group(1)


def test_the_fast_position_pass_matches_libcsts_public_metadata() -> None:
    """rewriting/cst.py calls PositionProvider's own pass to skip an empty batched visit;
    it must give exactly what the public MetadataWrapper API gives."""
    import libcst

    from exitdsl.rewriting.cst import _positions, public_positions

    module = libcst.parse_module(SOURCE)
    fast, public = _positions(module), public_positions(module)
    assert len(fast) > 50
    assert {node: (r.start, r.end) for node, r in fast.items()} == \
        {node: (r.start, r.end) for node, r in public.items()}
