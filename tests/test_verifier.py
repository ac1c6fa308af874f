"""Hand-built bad rules and broken rewriters are caught, each by the right check (issue 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exitdsl import Engine, RuleError, load_rules
from exitdsl.rewriting import statement as statement_module
from exitdsl.cli import main
from exitdsl.actions.edits import CstEdit
from exitdsl.planning.cst import rewrite_snippet

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


@pytest.mark.parametrize("template, problem", [
    ('__import__("os").getpid()', "introduces the dunder '__import__'"),
    ('os.system("rm -rf /")', "introduces the name 'os'"),
    ('eval("1") or $sl', "introduces the name 'eval'"),
    # The attacks of issue 12: each walked around the old denylist.
    ("""print.__self__.eval("__import__('os').system('touch PWNED')") or $sl""",
     "introduces the dunder '__self__'"),
    ('__builtins__["ev" "al"]("1")', "introduces the dunder '__builtins__'"),
    ("().__class__.__base__.__subclasses__()", "introduces a Tuple node, which rewrites may not"),
    ('__loader__.load_module("o"+"s")', "introduces the dunder '__loader__'"),
    ("(yield $sl)", "introduces yield, which rewrites may not"),
    ("(await $sl)", "introduces await, which rewrites may not"),
    ("(lambda: 0)()", "introduces a lambda, which rewrites may not"),
    ("(x := $sl)", "introduces an assignment expression (:=), which rewrites may not"),
    ('f"{stop}"', "introduces an f-string, which rewrites may not"),
    ("max(*$sl)", "introduces a starred argument, which rewrites may not"),
    ("[i for i in $sl][0]", "introduces a comprehension, which rewrites may not"),
])
def test_unsafe_templates_are_refused_when_the_rule_compiles(template: str, problem: str,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "bad.rules"
    path.write_text(f"rule evil {{ match `sim(..., stop_loss=$sl, ...)` set $sl = `{template}` }}",
                    encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.message == f"unsafe template: it {problem}"
    assert (info.value.span.line, info.value.span.col) == (1, 61)


def test_a_template_naming_what_the_input_does_not_use_is_rejected_by_safety(
        tmp_path: Path) -> None:
    engine = engine_for(tmp_path, 'rule evil { match `sim(..., stop_loss=$sl, ...)` '
                                  'set $sl = `secrets.token_hex(8) and $sl` }')
    check, detail = only_rejection(engine.rewrite(SOURCE))
    assert (check, detail) == ("safety", "introduces the name 'secrets', which the input does "
                                         "not use and the rule set does not allow "
                                         "(allow names [...])")


def test_allow_names_lets_a_rule_set_introduce_declared_names(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, 'allow names [np, clip]\n'
                                  'rule r { match `sim(..., stop_loss=$sl, ...)` '
                                  'set $sl = `np.clip($sl, 0.01, 0.2)` }')
    result = engine.rewrite(SOURCE)
    assert not result.rejections
    assert "stop_loss=np.clip(0.08, 0.01, 0.2)" in result.new_source


def test_code_copied_from_the_site_is_not_new_code(tmp_path: Path) -> None:
    """Only what a rewrite introduces is checked: the call's own arguments may be anything."""
    source = "report = sim(position, resample='M', fee=lambda x: x * 2)\n"
    engine = engine_for(tmp_path, "rule r { match `sim($p, ...)` add stop_loss = 0.1 }")
    result = engine.rewrite(source)
    assert not result.rejections
    assert result.new_source == ("report = sim(position, resample='M', fee=lambda x: x * 2, "
                                 "stop_loss=0.1)\n")


def test_ensure_that_fails_for_some_seeds_is_rejected_for_those(tmp_path: Path) -> None:
    rules = ("bound sl = [0.05, 0.10]\nrule wide { match `sim(..., stop_loss=$sl, ...)` "
             "set $sl = round($sl * gauss(1, 0.5), 4) ensure $sl in sl }")
    outcomes = {}
    for seed in range(12):
        result = engine_for(tmp_path, rules, seed).rewrite(SOURCE)
        if result.rejections:
            assert result.rejections[0].check == "ensure"
            # The failing clause, with the value the rewrite gave (one per seed):
            assert re.fullmatch(r"ensure does not hold after the rewrite: ensure \$sl in sl "
                                r"is false \(\$sl = -?[0-9.]+\)", result.rejections[0].detail)
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
    # A template, not a number: number swaps are spliced without libcst.
    engine = engine_for(tmp_path, "rule j { match `sim(..., stop_loss=$sl, ...)` "
                                  "set $sl = `profit_exit` }")
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
                     "rule evil { match `sim(..., stop_loss=$sl, ...)` set $sl = `token` }\n")
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
        f"    {strategy}:2:48: (safety) introduces the name 'token', which the input does not "
        "use and the rule set does not allow (allow names [...])\n"
        f"    {strategy}:2:48: (safety) introduces the name 'token', which the input does not "
        "use and the rule set does not allow (allow names [...])\n"
        "1 file(s), 2 rejection(s), 0 unreadable file(s)\n")
    assert main(["verify", "-r", str(rules), str(strategy), "--json"]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["kind"], r["rule"], r["verified"], r["rejected"]) for r in records[:-1]] == [
        ("rule", "mixed.good", 1, {}), ("rule", "mixed.evil", 0, {"safety": 1})]
    assert records[-1] == {"schema": 1, "kind": "summary", "files": 1, "rejected": 1,
                           "errors": []}


def test_shipped_rules_verify_cleanly_on_the_examples(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    assert main(["verify", "examples/", "--seeds", "2"]) == 0
    assert capsys.readouterr().out.endswith("0 rejection(s), 0 unreadable file(s)\n")


def test_apply_never_writes_a_rejected_rewrite(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "evil.rules"
    rules.write_text("rule evil { match `sim(..., stop_loss=$sl, ...)` set $sl = `exfil(1)` }\n")
    strategy = tmp_path / "s.py"
    strategy.write_text(SOURCE)
    assert main(["apply", "-r", str(rules), "--in-place", str(strategy)]) == 4
    assert strategy.read_text() == SOURCE
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{strategy}:2:48: rewrite by evil.evil rejected (safety): introduces the name 'exfil', "
        "which the input does not use and the rule set does not allow (allow names [...])")


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

    from exitdsl.planning.cst import _positions, public_positions

    module = libcst.parse_module(SOURCE)
    fast, public = _positions(module), public_positions(module)
    assert len(fast) > 50
    assert {node: (r.start, r.end) for node, r in fast.items()} == \
        {node: (r.start, r.end) for node, r in public.items()}


def test_add_keeps_each_comment_on_the_argument_it_followed(tmp_path: Path) -> None:
    """Seen in real finlab scripts: the new keyword took the last argument's comment."""
    engine = engine_for(tmp_path, "rule add { match `sim($p, ...)` "
                                  "unless `sim(..., take_profit=$_, ...)` add take_profit = 0.63 }")
    source = ('report = sim(\n    position,\n    resample="Q",  # quarterly\n'
              '    upload=False   # no upload\n)\n'
              'r2 = sim(\n    position,\n    resample="Q",  # quarterly\n)\n')
    result = engine.rewrite(source)
    assert not result.rejections
    assert result.new_source == (
        'report = sim(\n    position,\n    resample="Q",  # quarterly\n'
        '    upload=False,   # no upload\n    take_profit=0.63\n)\n'
        'r2 = sim(\n    position,\n    resample="Q",  # quarterly\n    take_profit=0.63,\n)\n')


def test_a_rewrite_that_moves_a_comment_is_rejected_by_confinement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def shuffled(snippet: str, edits: tuple[CstEdit, ...]) -> str:
        out = rewrite_snippet(snippet, edits)
        return out.replace("  # quarterly", "").replace("0.63", "0.63  # quarterly")

    monkeypatch.setattr(statement_module, "rewrite_snippet", shuffled)
    engine = engine_for(tmp_path, "rule add { match `sim($p, ...)` add take_profit = 0.63 }")
    source = 'report = sim(\n    position,\n    resample="Q",  # quarterly\n)\n'
    check, detail = only_rejection(engine.rewrite(source))
    assert (check, detail) == ("confinement", "the comment '# quarterly' no longer follows the "
                                              "code it followed")


def test_ensure_reads_a_context_capture_as_the_run_leaves_it() -> None:
    """Found on real code: the offset's `ensure $v > $pos` read trailing_stop_positive as
    the parent had it (0.29846) although the same run lowered it (to 0.276): a sound rewrite
    (offset 0.28) was rejected. The context capture is now read with the run's value."""
    source = ("class TemaScalp(IStrategy):\n"
              "    trailing_stop = True\n"
              "    trailing_stop_positive = 0.29846\n"
              "    trailing_stop_positive_offset = 0.30425\n")
    rules = load_rules("freqtrade").select(["trailing_stop_positive.jitter",
                                            "trailing_stop_positive_offset.jitter"])
    result = Engine(rules, seed=0).rewrite(source)
    assert result.rejections == ()
    assert result.new_source == source.replace("0.29846", "0.265").replace("0.30425", "0.266")


def test_ensure_finds_its_site_after_an_edit_earlier_on_the_line(tmp_path: Path) -> None:
    """Found on real code (a backtesting.py exit test): `-0.02` -> `-0.0207` moved the
    ratio two columns on, and the ratio rule's `ensure` looked for its site where it had
    been, then rejected a sound rewrite as one that "no longer matches"."""
    path = tmp_path / "t.rules"
    path.write_text('''
rule threshold {
  match `$a < $n`
  where number($n)
  set $n = $n * 1.035
}
rule ratio {
  match `$a < $f * $b`
  where number($f)
  set $f = 0.9954
  ensure $f < 1
}
''', encoding="utf-8")
    rules = load_rules(path)
    source = "exit_now = m < -0.02 or y < 0.995 * s or z < 0.5 * s\n"
    result = Engine(rules, seed=0).rewrite(source)
    assert result.rejections == ()
    assert result.new_source == "exit_now = m < -0.0207 or y < 0.9954 * s or z < 0.9954 * s\n"


def test_ensure_is_checked_with_the_alternative_that_found_the_site(tmp_path: Path) -> None:
    """Found by attack: the site came from `f(..., b=$x)`, the re-match took the first
    alternative, `f(a=$x, ...)`, and checked `ensure $x < 0` on a = -50: b = 93 was
    written."""
    path = tmp_path / "alt.rules"
    path.write_text('''
rule leg {
  match `f(a=$x, ...)`
  match `f(..., b=$x)`
  where $x < 0 and $x > -10
  set $x = $x + 100
  ensure $x < 0
}
''', encoding="utf-8")
    result = Engine(load_rules(path), seed=0).rewrite("f(a=-50, b=-7)\n")
    assert result.new_source == "f(a=-50, b=-7)\n"
    assert [(r.check, r.detail) for r in result.rejections] == [
        ("ensure", "ensure does not hold after the rewrite: ensure $x < 0 is false ($x = 93)")]
