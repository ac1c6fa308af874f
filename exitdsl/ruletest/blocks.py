"""Rule regression tests: the ``test`` blocks of ``.rules`` files.

Used by ``exitdsl test`` and by the pytest plugin, which reports each block as
its own test item. ``update_expectations`` rewrites ``after`` blocks in place,
leaving every other byte of the rule file as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..engine import Engine
from ..errors import StrategyError
from ..io.files import MAX_RULE_FILE_BYTES, read_regular, write_atomic
from ..language import ir
from ..compiler.ruleset import RuleSet, load_rules
from .runs import NOT_DETERMINISTIC, rejected, run_twice


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
    def label(self) -> str:
        """The rule, and the seed when the block sets one."""
        seed = f" seed {self.test.seed}" if self.test.seed is not None else ""
        return f"{self.rule}{seed}"

    @property
    def name(self) -> str:  # unique within a file: pytest's item name
        return f"{self.label} (line {self.test.span.line})"


def run_case(rules: RuleSet, rule_id: str, test: ir.RuleTest, path: str) -> CaseResult:
    """Run one test block: the rule alone, on ``before``, with the block's seed."""
    engine = Engine(rules.select([rule_id]), seed=test.seed or 0)
    expected = test.after.text if test.after is not None else test.before.text
    try:
        run = run_twice(engine, test.before.text, path)
    except StrategyError as exc:
        # The block's code starts on the line after its opening fence.
        line = test.before.span.line + (exc.span.line if exc.span else 1)
        reason = exc.message.removeprefix("not valid Python: ")
        return CaseResult(rule_id, path, test, exc.one_line(),
                          f"{path}:{line}: `before` is not valid Python: {reason}")
    actual = run.result.new_source
    if test.rejected is not None:
        checks = sorted({r.check for r in run.result.rejections})
        problem = None if test.rejected in checks else (
            f"expected the rewrite to be rejected by {test.rejected!r}; "
            + (f"it was rejected by {', '.join(checks)}" if checks else "it was not rejected"))
        return CaseResult(rule_id, path, test, actual, problem)
    if run.result.rejections:
        return CaseResult(rule_id, path, test, actual, rejected(run.result.rejections))
    if not run.deterministic:
        return CaseResult(rule_id, path, test, actual, NOT_DETERMINISTIC)
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
    # As the loader read it (line endings kept), so the blocks' offsets hold.
    text = read_regular(path, MAX_RULE_FILE_BYTES)[0].decode("utf-8")
    edits = expectation_edits(rules, text, path)
    for start, end, block in sorted(edits, reverse=True):
        text = text[:start] + block + text[end:]
    if edits:
        write_atomic(path, text.encode("utf-8"))
    return len(edits)


def expectation_edits(rules: RuleSet, text: str, path: Path, line: int | None = None
                      ) -> list[tuple[int, int, str]]:
    """The ``after`` blocks of ``path`` (whose text, as loaded, is ``text``) that the rules
    no longer produce, as (start, end, new block) offsets into ``text``; with ``line``, only
    the test block starting on that line. ``unchanged`` tests are never rewritten."""
    own = [(rule_id, test, p) for rule_id, test, p in rules.tests if Path(p) == path
           and (line is None or test.span.line == line)]
    edits: list[tuple[int, int, str]] = []
    for rule_id, test, test_path in own:
        if test.after is None:  # unchanged, or rejected
            continue
        result = run_case(rules, rule_id, test, test_path)
        if result.actual != test.after.text:
            # An empty block, written to be filled, is laid out like its ``before``.
            layout = test.after if test.after.text.strip() else test.before
            edits.append((test.after.start, test.after.end, _fence(result.actual, text,
                                                                   layout)))
    return edits


def _fence(code: str, text: str, old: ir.CodeBlock) -> str:
    """A fenced block holding ``code``, laid out like the block it replaces (line ending,
    and the indentation of an indented block and of its closing fence)."""
    original = text[old.start:old.end]
    newline = "\r\n" if original.startswith("```\r\n") else "\n"
    body = "".join(old.indent + line if line.strip() else line
                   for line in code.splitlines(keepends=True))
    closing = old.indent if old.indent and original[:-3].endswith("\n" + old.indent) else ""
    return f"```{newline}{body}{closing}```"
