"""The README's commands must keep working (no drift); its example output is run with the
other pages' examples by tests/test_doc_examples.py."""

from __future__ import annotations

import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) == 2, "README keeps exactly two set-up commands"
    assert "pytest" in blocks[1]
    assert blocks[1] in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_readme_rule_is_the_shipped_rule() -> None:
    block = re.search(r"A rule \(from `rules/finlab.rules`.*?\n```\n(.*?)```", README, re.S)
    assert block is not None
    shipped = (ROOT / "rules/finlab.rules").read_text(encoding="utf-8")
    for line in block.group(1).splitlines():
        assert line in shipped.splitlines() or not line, line
