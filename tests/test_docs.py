"""Every example in docs/dsl.md runs: its `test` blocks pass, its error examples fail as shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exitdsl import RuleError, load_rules
from exitdsl.ruletest.blocks import run_tests

from .conftest import ROOT

DSL_DOC = ROOT / "docs" / "dsl.md"
BLOCK = re.compile(r"^(````|```)(rules|rules-error|text)\n(.*?)^\1$", re.S | re.M)


def doc_blocks() -> list[tuple[str, str]]:
    return [(m.group(2), m.group(3)) for m in BLOCK.finditer(DSL_DOC.read_text("utf-8"))]


def test_the_reference_has_examples() -> None:
    assert sum(kind == "rules" for kind, _ in doc_blocks()) >= 9


def test_every_rules_example_passes_its_tests(tmp_path: Path) -> None:
    blocks = [text for kind, text in doc_blocks() if kind == "rules"]
    for number, text in enumerate(blocks):
        named = re.match(r"# file: (\S+)\n", text)
        path = tmp_path / (named.group(1) if named else f"example_{number}.rules")
        path.write_text(text, encoding="utf-8")
        rules = load_rules(path)
        if not rules.rules:
            continue  # a file other examples include
        results = run_tests(rules)
        failures = [f"{r.name}: {r.problem}" for r in results if not r.passed]
        assert not failures, f"docs/dsl.md example {number}:\n" + "\n".join(failures)
        assert any(t.after is not None for _, t, _ in rules.tests), f"example {number}"
        assert any(t.after is None for _, t, _ in rules.tests), f"example {number}"
        untested = {r.id for r in rules.rules} - {rule_id for rule_id, _, _ in rules.tests}
        assert not untested, f"example {number} has rules without a test: {untested}"


def test_error_examples_fail_as_documented(tmp_path: Path) -> None:
    blocks = doc_blocks()
    pairs = [(text, blocks[i + 1][1]) for i, (kind, text) in enumerate(blocks)
             if kind == "rules-error"]
    assert pairs
    for text, expected in pairs:
        path = tmp_path / "error.rules"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RuleError) as info:
            load_rules(path)
        assert info.value.one_line() == f"{path}:{expected.strip()}"
