"""Number-literal swaps are spliced without libcst (rewriting/statement.py); libcst stays
the reference: on every example, rule test block and file case, both give the same bytes."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from exitdsl import load_rules
from exitdsl.io.sourcefile import read_source
from exitdsl.compiler.ruleset import RuleSet
from exitdsl.rewriting.rewriter import Rewriter
from exitdsl.ruletest.cases import load_case

from .conftest import ROOT

SHIPPED = load_rules(ROOT / "rules")


def both(rules: RuleSet, text: str, seed: int, verify: str = "default") -> tuple[str, str, int]:
    """The spliced and the reference output, and how many sites changed."""
    results = []
    for splice in (True, False):
        rewriter = Rewriter(rules, verify="full" if verify == "full" else "default",
                            splice_literals=splice)
        results.append(rewriter.rewrite(rewriter.prepare(text), seed))
    spliced, reference = results
    assert spliced.rejections == reference.rejections
    return spliced.new_source, reference.new_source, len(reference.changes)


def examples() -> Iterator[Path]:
    yield from sorted((ROOT / "examples").rglob("*.py"))


@pytest.mark.parametrize("path", list(examples()), ids=lambda p: p.name)
def test_examples_are_the_same_spliced_or_through_libcst(path: Path) -> None:
    text = read_source(path).text
    for seed in range(4):
        spliced, reference, _ = both(SHIPPED, text, seed)
        assert spliced == reference


def test_rule_test_blocks_are_the_same_spliced_or_through_libcst() -> None:
    changed = 0
    for rule_id, test, _ in SHIPPED.tests:
        spliced, reference, count = both(SHIPPED.select([rule_id]), test.before.text,
                                         test.seed or 0)
        assert spliced == reference, rule_id
        changed += count
    assert changed > 50  # the comparison is not vacuous


@pytest.mark.parametrize("case_yaml", sorted((ROOT / "tests/cases").rglob("case.yaml")),
                         ids=lambda p: p.parent.name)
def test_file_cases_are_the_same_spliced_or_through_libcst(case_yaml: Path) -> None:
    case = load_case(case_yaml)
    rules = load_rules(case.rules).select(case.rule_ids)
    spliced, reference, _ = both(rules, read_source(case.input).text, case.seed, case.verify)
    assert spliced == reference


def test_a_sign_that_needs_parentheses_gets_them_spliced_too(tmp_path: Path) -> None:
    path = tmp_path / "r.rules"
    path.write_text("rule neg { match `risk = $b ** $e` set $b = -2 }\n")
    spliced, reference, count = both(load_rules(path), "risk = 3 ** exponent\n", 0)
    assert spliced == reference == "risk = (-2) ** exponent\n" and count == 1


TAKE_PROFIT = """\
ruleset probe

rule tp.add {
  "Give a finlab sim() call a take profit."
  match `sim(...)`
  add take_profit = 0.12
}
"""

CALLS = [  # (the call as written, spliced without libcst?)
    ('sim(position, resample="M")', True),
    ("sim(position,resample='M')", True),
    ("sim(position ,  resample='M' )", True),
    ("sim(position, stop_loss = 0.08)", True),  # the `=` is laid out like the call's own
    ('sim(position, name="吳Peter策略選股", upload=False)', True),  # columns are bytes
    ("sim(*signals, **options)", True),
    ("sim(position)", True),
    ("sim(position, (fee))", False),  # a parenthesised last argument
    ("sim(position, resample='M',)", False),  # a trailing comma
    ("sim(position, stop_loss=(0.08))", False),  # the first keyword's value in parentheses
    ("sim(\n    position,\n    resample='M',\n)", False),  # one argument per line
    ("sim(p for p in positions)", False),
]


@pytest.mark.parametrize("call, spliced", CALLS, ids=[c for c, _ in CALLS])
def test_an_added_keyword_is_spliced_as_libcst_lays_it_out(
        tmp_path: Path, call: str, spliced: bool) -> None:
    from exitdsl.actions.add_keyword import keyword_added

    rules_path = tmp_path / "tp.rules"
    rules_path.write_text(TAKE_PROFIT, encoding="utf-8")
    text = f"from finlab.backtest import sim\n\nreport = {call}\n"
    node = ast.parse(text).body[1].value  # type: ignore[attr-defined]
    old = ast.get_source_segment(text, node)
    assert old is not None
    assert (keyword_added(node, old, "take_profit", "0.12") is not None) == spliced
    new, reference, changed = both(load_rules(rules_path), text, 1)
    assert new == reference and changed == (0 if call.startswith("sim(p for") else 1)
