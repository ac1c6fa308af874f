"""pytest plugin (entry point ``exitdsl``): every ``test`` block of a ``.rules`` file
is collected as its own test item, so a plain ``pytest`` runs every rule test.

Opt in with ``exitdsl = true`` under ``[tool.pytest.ini_options]`` (or ``-p exitdsl``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..errors import RuleError
from ..language import ir
from ..compiler.ruleset import RuleSet, load_rules
from .blocks import run_case
from .cases import load_case, run_file_case


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("exitdsl", type="bool", default=False,
                  help="collect the test blocks of *.rules files and exitdsl case.yaml cases")


def _enabled(config: pytest.Config) -> bool:
    """Opt-in, as plugins should be: a project where exitdsl is merely installed may hold
    unrelated files named *.rules (udev's) or case.yaml."""
    requested = getattr(config.option, "plugins", None) or []
    return bool(config.getini("exitdsl")) or "exitdsl" in requested


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not _enabled(parent.config):
        return None
    if file_path.suffix == ".rules":
        return RulesFile.from_parent(parent, path=file_path)
    if file_path.name == "case.yaml":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield CaseItem.from_parent(self, name=self.path.parent.name)


class CaseItem(pytest.Item):
    def runtest(self) -> None:
        _, problem = run_file_case(load_case(self.path))
        if problem is not None:
            raise RuleTestFailure(problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, (RuleTestFailure, RuleError)):
            return f"{self.path.parent}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case {self.path.parent.name}"


class RulesFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            rules = load_rules(self.path)
        except RuleError as exc:
            raise RulesFileError(exc.render()) from None
        for rule_id, test, path in rules.tests:
            if Path(path).resolve() == self.path.resolve():
                yield RuleTestItem.from_parent(self, name=f"{rule_id}:{test.span.line}",
                                               rules=rules, rule_id=rule_id, test=test)


class RulesFileError(Exception):
    pass


class RuleTestItem(pytest.Item):
    def __init__(self, *, rules: RuleSet, rule_id: str, test: ir.RuleTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = rules
        self.rule_id = rule_id
        self.test = test

    def runtest(self) -> None:
        result = run_case(self.rules, self.rule_id, self.test, str(self.path))
        if result.problem is not None:
            raise RuleTestFailure(result.problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, RuleTestFailure):
            return f"{self.path}:{self.test.span.line}: {self.rule_id}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.test.span.line - 1, f"rule test {self.rule_id}"


class RuleTestFailure(Exception):
    pass
