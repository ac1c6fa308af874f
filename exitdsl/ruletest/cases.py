"""File cases: a strategy file, rules and a snapshot of the diff they make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..engine import Engine
from ..errors import RuleError, Span
from ..text.diff import unified_diff
from ..io.resources import rule_path
from ..io.files import write_atomic
from ..io.sourcefile import read_source
from ..compiler.ruleset import load_rules
from .blocks import diff
from .runs import NOT_DETERMINISTIC, rejected, run_twice


@dataclass(frozen=True)
class FileCase:
    """A larger test as files: ``<dir>/{case.yaml, input.py, expected.diff}``; the snapshot
    is the unified diff from the input to the output, so a reviewer reads only the change.

    case.yaml: ``rules`` (shipped names or paths relative to the case), optional ``rule``
    (ids), ``seed`` (default 0), ``verify`` (default or full) and ``input`` (a path relative
    to the case, e.g. an example strategy, instead of a copy in ``input.py``).
    """

    directory: Path
    input: Path
    rules: tuple[Path, ...]
    rule_ids: tuple[str, ...]
    seed: int
    verify: str

    @property
    def name(self) -> str:
        return f"{self.directory.parent.name}/{self.directory.name}"


def load_case(case_yaml: Path) -> FileCase:
    data = yaml.safe_load(case_yaml.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "rules" not in data:
        raise RuleError("case.yaml needs `rules:` (a name or a list)", Span(str(case_yaml), 1, 1))
    names = data["rules"] if isinstance(data["rules"], list) else [data["rules"]]
    paths = [rule_path(str(name), case_yaml.parent) for name in names]
    ids = data.get("rule", [])
    verify = str(data.get("verify", "default"))
    if verify not in ("default", "full"):
        raise RuleError("verify: must be default or full", Span(str(case_yaml), 1, 1))
    source = case_yaml.parent / str(data.get("input", "input.py"))
    return FileCase(case_yaml.parent, source, tuple(paths),
                    tuple(ids if isinstance(ids, list) else [ids]), int(data.get("seed", 0)),
                    verify)


SNAPSHOT = "expected.diff"


def run_file_case(case: FileCase) -> tuple[str, str | None]:
    """The case's snapshot as the rules now produce it, and the problem (None: it matches)."""
    rules = load_rules(case.rules).select(case.rule_ids)
    engine = Engine(rules, seed=case.seed, verify="full" if case.verify == "full" else "default")
    source = read_source(case.input)
    run = run_twice(engine, source.text, str(case.input))
    # The snapshot is the unified diff from the input to the output (empty when the rules
    # leave the input alone), so a reviewer reads only the change.
    actual = unified_diff(case.input.name, source.text, run.result.new_source)
    if run.result.rejections:
        return actual, rejected(run.result.rejections)
    if not run.deterministic:
        return actual, NOT_DETERMINISTIC
    snapshot = case.directory / SNAPSHOT
    if not snapshot.exists():
        return actual, f"{SNAPSHOT} is missing (exitdsl test --update writes it)"
    expected = snapshot.read_bytes().decode("utf-8")
    if expected != actual:
        return actual, f"the output's diff differs from {SNAPSHOT}:\n{diff(expected, actual)}"
    return actual, None


def update_case(case: FileCase) -> bool:
    """Write the case's snapshot from the current output; True if it changed."""
    actual, _ = run_file_case(case)
    snapshot = case.directory / SNAPSHOT
    new = actual.encode("utf-8")
    if snapshot.exists() and snapshot.read_bytes() == new:
        return False
    write_atomic(snapshot, new)
    return True


