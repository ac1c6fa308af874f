"""Malformed rule files: each gives `path:line:col: message`, the line and a caret, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitdsl import RuleError, load_rules
from exitdsl.cli import main

CASES = {
    "unknown_capture": (
        "rule a {\n  match `sim(..., stop_loss=$sl, ...)`\n  set $tp = 0.1\n}\n",
        "3:7: unknown capture $tp (captured by every match: $sl)"),
    "unknown_bound": (
        "rule a {\n  match `sim(..., stop_loss=$sl, ...)`\n  set $sl = clamp($sl, stop_los)\n}\n",
        "3:24: unknown bound 'stop_los'"),
    "unclosed_brace": (
        "bound sl = [0.01, 0.2]\nrule a {\n  match `sim(stop_loss=$sl)`\n  set $sl = 0.1\n",
        "2:8: this '{' is never closed (missing '}' before the end of the file)"),
    "bad_regex": (
        "rule a {\n  match `$n = $v`\n  where $n ~ /(unclosed/\n  set $v = 1\n}\n",
        "3:14: bad regex /(unclosed/: missing ): (unclosed (regexes are RE2: no "
        "back-references or look-around)"),
    "backreference": (
        "rule a {\n  match `$n = $v`\n  where $n ~ /(a)\\1/\n  set $v = 1\n}\n",
        "3:14: bad regex /(a)\\1/: invalid escape sequence: \\1 (regexes are RE2: no "
        "back-references or look-around)"),
    "string_for_number": (
        'rule a {\n  match `f($x)`\n  set $x = round("0.1", 2)\n}\n',
        '3:18: a string ("0.1") cannot be used here; expected a number'),
    "pattern_not_python": (
        "rule a {\n  match `sim(stop_loss=$sl`\n  set $sl = 1\n}\n",
        "2:13: pattern is not valid Python: '(' was never closed"),
    "unknown_tier": (
        "rule a {\n  tier parametrik\n  match `f($x)`\n  set $x = 1\n}\n",
        "2:8: unknown tier 'parametrik' (did you mean 'parametric'?); expected one of "
        "parametric, relational, structural"),
    "unknown_action": (
        "rule a {\n  match `sim(..., stop_loss=$sl, ...)`\n  replace $sl = 0.1\n}\n",
        "3:3: unknown rule item 'replace' (did you mean 'rename'?); expected one of tier, "
        "weight, match, inside, within, unless, where, ensure, set, add, remove, append, drop, "
        "rename, flip, insert"),
    "keyword_with_a_tail": (
        "rule a {\n  matches `f($x)`\n  set $x = 1\n}\n",
        "2:3: unknown rule item 'matches' (did you mean 'match'?); expected one of tier, "
        "weight, match, inside, within, unless, where, ensure, set, add, remove, append, drop, "
        "rename, flip, insert"),
    "unknown_declaration": (
        "rules a {\n  match `f($x)`\n  set $x = 1\n}\n",
        "1:1: unknown declaration 'rules' (did you mean 'rule'?); expected one of ruleset, use, "
        "allow, bound, choices, map, base, invariant, rule, test"),
    "second_tier": (
        "rule a {\n  tier parametric\n  match `f($x)`\n  tier relational\n  set $x = 1\n}\n",
        "4:8: a second `tier` in rule 'a' (a rule has one)"),
    "unknown_function_near": (
        "rule a {\n  match `f($x)`\n  set $x = clmp($x, 0, 1)\n}\n",
        "3:12: unknown function 'clmp' (did you mean 'clamp'?) (known: abs, choice, clamp, "
        "constant, contains, defined, gauss, guards, in_file, in_test_of, int, local, max, min, name, number, "
        "pow, read_in, round, step, string, uniform)"),
    "wrong_arity": (
        "rule a {\n  match `f($x)`\n  set $x = gauss(1)\n}\n",
        "3:12: gauss() takes (number, number), got 1 argument(s)"),
    "set_op_without_operator": (
        "rule a {\n  match `f($x)`\n  set op = `<=`\n}\n",
        "2:10: `set op` needs a pattern with an operator (a comparison, `and`/`or` or a "
        "binary operator)"),
    "unknown_function": (
        "rule a {\n  match `f($x)`\n  set $x = frobnicate($x)\n}\n",
        "3:12: unknown function 'frobnicate' (known: abs, choice, clamp, constant, contains, "
        "defined, gauss, guards, in_file, in_test_of, int, local, max, min, name, number, pow, read_in, round, "
        "step, string, uniform)"),
    "empty_bound": ("bound b = [0.5, 0.1]\n", "1:7: bound 'b' is empty: 0.5 > 0.1"),
    "invariant_without_ensure": ("invariant order {\n  match `a = $v`\n}\n",
                                 "1:11: invariant 'order' needs a `match` and an `ensure`"),
    "invariant_unknown_capture": (
        "invariant order {\n  match `a = $v`\n  ensure $w > 0\n}\n",
        "3:10: unknown capture $w (captured by every match: $v)"),
    "number_as_condition": (
        "rule a {\n  match `f($x)`\n  where $x\n  set $x = 1\n}\n",
        "3:9: expected a condition here, found a number"),
    "dangling_operator": (
        "rule a {\n  match `f($x)`\n  set $x = 1 +\n}\n",
        "4:1: unexpected '}'; expected '(', '+', '-', a $capture, a name, a number"),
    "no_action": ("rule a {\n  match `f($x)`\n}\n", "1:6: rule 'a' has no action (set, add, "
                                                   "remove, append, ...)"),
    "include_cycle": ('use "include_cycle.rules"\n',
                      "1:5: include cycle: include_cycle.rules -> include_cycle.rules"),
    "test_of_unknown_rule": ("test nope {\n  before ```\nx = 1\n```\n  unchanged\n}\n",
                             "1:6: test names unknown rule 'nope'"),
    "bad_multiline_pattern": (
        "rule a {\n  match `sim(\n    stop_loss=$sl,,\n  )`\n  set $sl = 1\n}\n",
        "3:19: pattern is not valid Python: invalid syntax"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_error_is_located(name: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    text, expected = CASES[name]
    path = tmp_path / f"{name}.rules"
    path.write_text(text)
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.one_line() == f"{path}:{expected}"

    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}:{expected}"
    line, col = (int(x) for x in expected.split(":")[:2])
    assert err[1] == "    " + text.splitlines()[line - 1]
    assert err[2].index("^") == 4 + col - 1  # the caret sits under the reported column


def test_apply_with_bad_rules_touches_nothing(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "bad.rules"
    rules.write_text(CASES["unknown_capture"][0])
    strategy = tmp_path / "s.py"
    strategy.write_text("report = sim(position, stop_loss=0.08)\n")
    assert main(["apply", "-r", str(rules), "--in-place", str(strategy)]) == 2
    assert strategy.read_text() == "report = sim(position, stop_loss=0.08)\n"
    assert "Traceback" not in capsys.readouterr().err


def test_every_error_of_a_file_is_reported_each_with_its_caret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.rules"
    path.write_text("rule a {\n  matches `f($x)`\n  set $x = 1\n}\n"
                    "rule b {\n  match `g($y)`\n  sett $y = 2\n}\n"
                    "rule c {\n  match `h($z)`\n  set $z = 3\n}\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:2:3: unknown rule item 'matches' (did you mean 'match'?); expected one of "
        "tier, weight, match, inside, within, unless, where, ensure, set, add, remove, append, "
        "drop, rename, flip, insert\n      matches `f($x)`\n      ^\n"
        f"{path}:7:3: unknown rule item 'sett' (did you mean 'set'?); expected one of "
        "tier, weight, match, inside, within, unless, where, ensure, set, add, remove, append, "
        "drop, rename, flip, insert\n      sett $y = 2\n      ^\n2 errors\n")
    path.write_text("rule a {\n  match `f($x)`\n  set $x = clamp($x, q)\n}\n"
                    "rule b {\n  match `g($y)`\n  set $z = 2\n}\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:3:22: unknown bound 'q'\n      set $x = clamp($x, q)\n"
        "                         ^\n"
        f"{path}:7:7: unknown capture $z (captured by every match: $y)\n      set $z = 2\n"
        "          ^^\n2 errors\n")


SUGGESTIONS = {  # a case whose message says "did you mean X" -> X, as the error's data
    "unknown_tier": "parametric", "unknown_action": "rename", "keyword_with_a_tail": "match",
    "unknown_declaration": "rule", "unknown_function_near": "clamp",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_did_you_mean_is_also_the_errors_suggestion(name: str, tmp_path: Path) -> None:
    """An editor's quick fix reads the suggestion from the error, never from its text."""
    path = tmp_path / f"{name}.rules"
    path.write_text(CASES[name][0])
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.suggestion == SUGGESTIONS.get(name)
    if name in SUGGESTIONS:
        assert f"(did you mean {SUGGESTIONS[name]!r}?)" in info.value.message


@pytest.mark.parametrize(("text", "suggestion"), [
    ("bound stop_loss = [0.01, 0.2]\nrule a {\n  match `f($x)`\n"
     "  set $x = clamp($x, stop_los)\n}\n", "stop_loss"),
    ("bound stop_loss = [0.01, 0.2]\nrule a {\n  match `f($x)`\n  where $x in stop_los\n"
     "  set $x = 1\n}\n", "stop_loss"),
    ("rule a {\n  match `f($stop)`\n  set $stp = 1\n}\n", "$stop"),
    ("rule sl.cap {\n  match `f($x)`\n  set $x = 1\n}\ntest sl.cp {\n  before ```\nf(2)\n```\n"
     "  unchanged\n}\n", "sl.cap"),
])
def test_suggestions_of_names_declared_in_the_file(text: str, suggestion: str,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "near.rules"
    path.write_text(text)
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.suggestion == suggestion
