"""The README's commands and example output must keep working (no drift)."""

from __future__ import annotations

import re
import shlex

import pytest

from exitdsl.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) == 2, "README keeps exactly two set-up commands"
    assert "pytest" in blocks[1]
    assert blocks[1] in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_readme_example_output_is_real(capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    command = re.search(r"real output of\n`exitdsl (.*?)`", README, re.S)
    assert command is not None
    shown = re.search(r"```diff\n(.*?)```", README, re.S)
    assert shown is not None
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command.group(1))) == 0
    captured = capsys.readouterr()
    assert captured.out + captured.err == shown.group(1)


def test_readme_rule_is_the_shipped_rule() -> None:
    block = re.search(r"A rule \(from `rules/finlab.rules`.*?\n```\n(.*?)```", README, re.S)
    assert block is not None
    shipped = (ROOT / "rules/finlab.rules").read_text(encoding="utf-8")
    for line in block.group(1).splitlines():
        assert line in shipped.splitlines() or not line, line
