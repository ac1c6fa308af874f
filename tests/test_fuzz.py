"""Property-based fuzzing (issue 8). CI runs a small fixed budget;
EXITDSL_FUZZ_EXAMPLES=N runs N examples per property locally."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitdsl import Engine, RuleError, StrategyError, load_rules

from .conftest import ROOT

EXAMPLES = int(os.environ.get("EXITDSL_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get(
    "EXITDSL_FUZZ_EXAMPLES"), suppress_health_check=list(HealthCheck))
SHIPPED = load_rules(ROOT / "rules")
ENGINE = Engine(SHIPPED)
RULE_TEXTS = [p.read_text("utf-8") for p in sorted((ROOT / "rules").glob("*.rules"))]


def _compile(text: str, tmp: Path) -> None:
    path = tmp / "fuzz.rules"
    path.write_text(text, encoding="utf-8")
    try:
        load_rules(path)
    except RuleError as exc:
        assert exc.span is None or exc.span.line >= 1
        assert "\n" not in exc.one_line()


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_random_text_is_a_rule_error_or_a_rule_set(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _compile(text, tmp_path_factory.mktemp("r"))


@FUZZ
@given(data=st.data())
def test_mutated_rule_files_are_a_rule_error_or_a_rule_set(
        data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    text = data.draw(st.sampled_from(RULE_TEXTS))
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(st.sampled_from(["", "{", "}", "`", "$", "(", ")", "/", "```", "\n",
                                            "rule x {", "match `f($x)`", "set $x = 1", "and",
                                            "0.5", "-", "in", "# c\n", '"', "ensure"]))
        text = text[:start] + insert + text[end:]
    _compile(text, tmp_path_factory.mktemp("r"))


@FUZZ
@given(source=hypothesmith.from_grammar(), seed=st.integers(0, 2**32))
def test_generated_modules_never_crash_the_rewriter(source: str, seed: int) -> None:
    try:
        first = ENGINE.rewrite(source, "gen.py", seed=seed)
    except StrategyError:
        return  # not Python to the running interpreter: reported, never rewritten
    assert not first.rejections
    if first.changed:
        ast.parse(first.new_source)
    assert ENGINE.rewrite(source, "gen.py", seed=seed).new_source == first.new_source


NUMBERS = st.sampled_from(["0.08", "0.1", "-0.05", "1e-2", "0.0_5", "(0.07)", "((0.12))",
                           "3", "0", "-0.0", "None", "True", "params['sl']", "sl * 2", "0x1f",
                           ".5", "5.", "-(0.1)", "+0.1"])
KEYWORDS = st.sampled_from(["stop_loss", "take_profit", "trail_stop", "touched_exit",
                            "resample", "name"])
GAPS = st.sampled_from([" ", "", "  ", "\n    ", "  # note\n    ", " \\\n    ", "\n\t", "\n"])


@st.composite
def sim_calls(draw: st.DrawFn) -> str:
    keywords = draw(st.lists(KEYWORDS, unique=True, max_size=5))
    args = ["position"] + [f"{k}{draw(st.sampled_from(['=', ' = ']))}{draw(NUMBERS)}"
                           for k in keywords]
    gaps = [draw(GAPS) for _ in args]
    body = "".join(f"{gap}{arg}," for gap, arg in zip(gaps, args))
    if not draw(st.booleans()):
        body = body[:-1]
    func = draw(st.sampled_from(["sim", "backtest.sim", "finlab.backtest.sim"]))
    return f"{func}({body}{draw(GAPS)})"


@st.composite
def strategies_with_exits(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["", "from finlab.backtest import sim\n", "# -*- coding: utf-8 -*-\n",
                                 "def run(position):\n    pass\n"]))
    indent = draw(st.sampled_from(["", "    "]))
    call = draw(sim_calls()).replace("\n", "\n" + indent)
    lead = "def f():\n" if indent else ""
    tail = draw(st.sampled_from(["", "\n", "  # end\n", "\nprint(report)\n"]))
    stmt = draw(st.sampled_from([f"report = {call}", f"{call}", f"r = [{call}]",
                                 f"x = 1; report = {call}", f"if ok: report = {call}"]))
    return f"{head}{lead}{indent}{stmt}{tail}"


@FUZZ
@given(source=strategies_with_exits(), seed=st.integers(0, 2**32))
def test_generated_strategies_rewrite_verified_or_untouched(source: str, seed: int) -> None:
    try:
        ast.parse(source)
    except SyntaxError:
        return
    result = ENGINE.rewrite(source, "s.py", seed=seed)
    assert not result.rejections, result.rejections
    ast.parse(result.new_source)
    child = ENGINE.mutate(source, seed=seed)
    assert child.status in ("mutated", "no_applicable_rule", "exhausted")
    assert not child.rejections, child.rejections
    ast.parse(child.code)
