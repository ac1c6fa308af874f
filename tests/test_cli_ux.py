"""What a user of ruff or black expects and would otherwise miss (issue 15): no silent
no-ops, global options anywhere, short reprs and helpful errors in the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import exitdsl
from exitdsl.cli import main

from .conftest import ROOT


def test_version_has_a_short_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["-V"])
    assert info.value.code == 0 and capsys.readouterr().out == f"exitdsl {exitdsl.__version__}\n"


def test_global_options_work_before_and_after_the_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    rules = str(ROOT / "rules/finlab.rules")
    assert main(["--log-level", "error", "check", rules]) == 0
    first = capsys.readouterr().out
    assert main(["check", rules, "--log-level", "error", "--log-format", "json"]) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("argv, message", [
    (["apply", "--tier", "structural", "--rule", "stop_loss.jitter", "examples/"],
     "no rule is both named by --rule and of a --tier given\n"),
    (["apply", "-r", "{empty}", "examples/"], "no rule loaded from {empty}\n"),
    (["apply", "{empty}"], "no Python files found in {empty}\n"),
])
def test_runs_that_would_do_nothing_say_so(argv: list[str], message: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([a.format(empty=empty) for a in argv]) == 2
    assert capsys.readouterr().err == message.format(empty=empty)


def test_a_local_folder_shadowing_a_shipped_rule_set_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "finlab").mkdir()
    (tmp_path / "finlab" / "mine.rules").write_text(
        "rule r { match `sim(..., stop_loss=$v, ...)` set $v = 0.1 }\n")
    (tmp_path / "s.py").write_text("report = sim(position, stop_loss=0.05)\n")
    monkeypatch.chdir(tmp_path)
    assert main(["apply", "-r", "finlab", "s.py", "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "WARNING exitdsl: -r finlab is the local path finlab, not the " \
                           "shipped finlab rules\n"
    assert "+report = sim(position, stop_loss=0.1)" in captured.out


def test_the_api_finds_shipped_rules_by_name() -> None:
    by_name = exitdsl.load_rules("finlab")
    assert by_name.rules and all(r.id.startswith("finlab.") for r in by_name.rules)
    everything = exitdsl.shipped_rules()
    assert {r.id for r in by_name.rules} < {r.id for r in everything.rules}


def test_api_errors_name_the_mistake() -> None:
    rules = exitdsl.load_rules("finlab")
    with pytest.raises(ValueError, match="unknown tier 'parametrc' \\(did you mean "
                                         "'parametric'\\?\\); tiers are parametric, relational, "
                                         "structural"):
        rules.select(tiers=["parametrc"])
    with pytest.raises(TypeError, match="not a single string"):
        rules.select(tiers="parametric")
    with pytest.raises(KeyError, match="no rule 'finlab.stop_los.jitter' \\(did you mean "
                                       "'finlab.stop_loss.jitter'\\?\\)"):
        exitdsl.Engine(rules).apply("x = 1\n", rule="finlab.stop_los.jitter")
    with pytest.raises(TypeError, match="Engine needs a RuleSet"):
        exitdsl.Engine("rules/finlab.rules")  # type: ignore[arg-type]


def test_reprs_are_short() -> None:
    rules = exitdsl.load_rules("finlab")
    assert repr(rules) == f"<RuleSet: {len(rules.rules)} rules from 1 file(s)>"
    engine = exitdsl.Engine(rules)
    source = (ROOT / "examples/strategies/finlab/revenue_breakout.py").read_text()
    parent = engine.prepare(source, "rb.py")
    assert repr(parent) == f"<Prepared rb.py: {len(parent.sites)} site(s)>"
    child = engine.mutate(parent, seed=1)
    assert repr(child) == (f"<Mutation rb.py:{child.line}:{child.col} {child.rule}: "
                           f"{child.old!r} -> {child.new!r}, seed {child.seed}>")
    result = engine.rewrite(parent)
    assert repr(result) == (f"<FileResult rb.py: {len(result.changes)} change(s), "
                            f"{len(result.skips)} skip(s), 0 rejection(s)>")


def test_every_site_is_accounted_for_and_skips_can_be_summarised(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A site whose value is pinned at its bound gets a skip record with the reason;
    --skips reasons folds skip records into counts; the summary stays on stderr."""
    rules = tmp_path / "r.rules"
    rules.write_text("bound sl = [0.01, 0.2]\n"
                     "rule up { match `sim(..., stop_loss=$v, ...)` set $v = clamp($v * 2, sl) }\n")
    strategy = tmp_path / "s.py"
    strategy.write_text("a = sim(p, stop_loss=0.2)\nb = sim(p, stop_loss=0.2)\n"
                        "c = sim(p, stop_loss=0.05)\n")
    assert main(["apply", "-r", str(rules), "--json", str(strategy)]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    # In source order, then the summary.
    assert [(r["kind"], r.get("line")) for r in records] == [
        ("skip", 1), ("skip", 2), ("change", 3), ("summary", None)]
    assert records[0]["reason"] == (
        "its actions change nothing here (a value already at its bound or rounded back to "
        "itself in 3 draws, or nothing to remove)")
    assert err == ("exitdsl: 1 file(s), 1 site(s) rewritten, 1 file(s) would change, "
                   "0 rejected, 0 error(s)\n")
    assert main(["apply", "-r", str(rules), "--json", "--skips", "reasons", "-q",
                 str(strategy)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["kind"] for r in records] == ["change", "skips", "summary"]
    assert (records[1]["rule"], records[1]["count"]) == ("r.up", 2)
    assert main(["apply", "-r", str(rules), "--json", "--skips", "none", "-q",
                 str(strategy)]) == 0
    assert [json.loads(line)["kind"] for line in capsys.readouterr().out.splitlines()] == \
        ["change", "summary"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e12", "0", "-3", "soon"])
def test_a_timeout_that_is_not_a_sane_number_is_a_usage_error(
        value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by attack: --timeout nan|inf|1e12 ended with an internal error (exit 70)."""
    from exitdsl.cli import main

    parent = str(ROOT / "examples/strategies/backtesting/sma_cross.py")
    with pytest.raises(SystemExit) as info:
        main(["behave", parent, parent, "--timeout", value])
    assert info.value.code == 2
    assert "argument --timeout" in capsys.readouterr().err


def test_a_misspelt_shipped_rule_set_gets_a_suggestion(
        capsys: pytest.CaptureFixture[str]) -> None:
    from exitdsl import RuleError, load_rules
    from exitdsl.cli import main

    assert main(["apply", "-r", "finlb", str(ROOT / "examples")]) == 2
    assert capsys.readouterr().err == ("rule file 'finlb': cannot read: No such file or "
                                       "directory (did you mean 'finlab'?)\n")
    with pytest.raises(RuleError, match=r"\(did you mean 'finlab'\?\)"):
        load_rules("finlb")
