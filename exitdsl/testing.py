"""Rule regression tests: the ``test`` blocks of ``.rules`` files.

Used by ``exitdsl test`` and by the pytest plugin, which reports each block as
its own test item. ``update_expectations`` rewrites ``after`` blocks in place,
leaving every other byte of the rule file as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from . import ir
from .compile import RuleSet, load_rules
from .engine import Engine
import yaml

from .errors import RuleError, Span, StrategyError
from .sourcefile import read_source, write_atomic


@dataclass(frozen=True)
class CaseResult:
    rule: str
    path: str
    test: ir.RuleTest
    actual: str  # the rewritten ``before`` block (or the error message)
    problem: str | None  # None: passed

    @property
    def passed(self) -> bool:
        return self.problem is None

    @property
    def name(self) -> str:
        seed = f" seed {self.test.seed}" if self.test.seed is not None else ""
        return f"{self.rule}{seed} (line {self.test.span.line})"


def run_case(rules: RuleSet, rule_id: str, test: ir.RuleTest, path: str) -> CaseResult:
    """Run one test block: the rule alone, on ``before``, with the block's seed."""
    engine = Engine(rules.select([rule_id]), seed=test.seed or 0)
    expected = test.after.text if test.after is not None else test.before.text
    try:
        result = engine.rewrite(test.before.text, path)
        again = engine.rewrite(test.before.text, path)
    except StrategyError as exc:
        # The block's code starts on the line after its opening fence.
        line = test.before.span.line + (exc.span.line if exc.span else 1)
        return CaseResult(rule_id, path, test, exc.one_line(),
                          f"{path}:{line}: `before` is not valid Python: {exc.message}")
    actual = result.new_source
    if result.rejections:
        reasons = "; ".join(f"{r.check}: {r.detail}" for r in result.rejections)
        return CaseResult(rule_id, path, test, actual, f"rewrite rejected ({reasons})")
    if again.new_source != actual:
        return CaseResult(rule_id, path, test, actual, "determinism: two runs with the same "
                                                       "seed gave different output")
    if actual != expected:
        what = "expected no change" if test.after is None else "output differs from `after`"
        return CaseResult(rule_id, path, test, actual, f"{what}:\n{diff(expected, actual)}")
    if test.after is not None and test.after.text == test.before.text:
        return CaseResult(rule_id, path, test, actual,
                          "`after` equals `before`: write `unchanged` instead")
    return CaseResult(rule_id, path, test, actual, None)


def run_tests(rules: RuleSet) -> list[CaseResult]:
    return [run_case(rules, rule_id, test, path) for rule_id, test, path in rules.tests]


def diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(keepends=True),
                                 actual.splitlines(keepends=True), "expected", "actual")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def update_expectations(path: Path) -> int:
    """Rewrite the ``after`` blocks of ``path`` with what the rules now produce.

    Returns how many blocks changed. ``unchanged`` tests are never rewritten.
    """
    rules = load_rules(path)
    text = path.read_text(encoding="utf-8")
    own = [(rule_id, test, p) for rule_id, test, p in rules.tests if Path(p) == path]
    edits: list[tuple[int, int, str]] = []
    for rule_id, test, test_path in own:
        if test.after is None:
            continue
        result = run_case(rules, rule_id, test, test_path)
        if result.actual != test.after.text:
            edits.append((test.after.start, test.after.end, _fence(result.actual, text,
                                                                   test.after)))
    for start, end, block in sorted(edits, reverse=True):
        text = text[:start] + block + text[end:]
    if edits:
        write_atomic(path, text.encode("utf-8"))
    return len(edits)


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
    from .resources import shipped_rules_dir

    data = yaml.safe_load(case_yaml.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "rules" not in data:
        raise RuleError("case.yaml needs `rules:` (a name or a list)", Span(str(case_yaml), 1, 1))
    names = data["rules"] if isinstance(data["rules"], list) else [data["rules"]]
    paths = []
    for name in names:
        local = case_yaml.parent / str(name)
        shipped = shipped_rules_dir() / f"{name}.rules"
        paths.append(local if local.exists() or not shipped.exists() else shipped)
    ids = data.get("rule", [])
    verify = str(data.get("verify", "default"))
    if verify not in ("default", "full"):
        raise RuleError("verify: must be default or full", Span(str(case_yaml), 1, 1))
    source = case_yaml.parent / str(data.get("input", "input.py"))
    return FileCase(case_yaml.parent, source, tuple(paths),
                    tuple(ids if isinstance(ids, list) else [ids]), int(data.get("seed", 0)),
                    verify)


SNAPSHOT = "expected.diff"


def case_diff(case: FileCase, before: str, after: str) -> str:
    """The snapshot of a case: the unified diff from its input to the output (empty when
    the rules leave the input alone). Line endings inside lines are kept as they are."""
    name = case.input.name
    lines = difflib.unified_diff(before.splitlines(keepends=True),
                                 after.splitlines(keepends=True), f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of "
                   "file\n" for line in lines)


def run_file_case(case: FileCase) -> tuple[str, str | None]:
    """The case's snapshot as the rules now produce it, and the problem (None: it matches)."""
    rules = load_rules(case.rules).select(case.rule_ids)
    engine = Engine(rules, seed=case.seed, verify="full" if case.verify == "full" else "default")
    source = read_source(case.input)
    result = engine.rewrite(source.text, str(case.input))
    actual = case_diff(case, source.text, result.new_source)
    if result.rejections:
        return actual, "rewrite rejected (" + "; ".join(
            f"{r.check}: {r.detail}" for r in result.rejections) + ")"
    if engine.rewrite(source.text).new_source != result.new_source:
        return actual, "determinism: two runs with the same seed gave different output"
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


def _fence(code: str, text: str, old: ir.CodeBlock) -> str:
    """A fenced block holding ``code``, laid out like the block it replaces."""
    original = text[old.start:old.end]
    newline = "\r\n" if original.startswith("```\r\n") else "\n"
    return f"```{newline}{code}```"
