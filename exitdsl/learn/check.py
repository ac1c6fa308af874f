"""Candidates judged by the real engine: a rule's text is compiled as ``exitdsl test``
would compile it, and run on each pair's before text; the bytes must be the after text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..compiler.ruleset import RuleSet, load_rules
from ..engine import Engine
from ..errors import ExitdslError, RuleError
from ..io.sourcefile import read_source
from ..ruletest.blocks import run_tests

# The rule text never touches the disk: the loader reads it from ``sources`` by this name.
RULES_PATH = Path("learnt.rules")


def compiled(text: str) -> RuleSet | None:
    """The rule file ``text`` compiled, or None when the language refuses it."""
    try:
        return load_rules(RULES_PATH, sources={RULES_PATH.resolve(): text})
    except RuleError:
        return None


def output(rules: RuleSet, text: str, label: str) -> str | None:
    """What ``rules`` make of ``text``, or None when a rewrite was rejected."""
    try:
        result = Engine(rules).rewrite(text, label)
    except ExitdslError:
        return None
    return None if result.rejections else result.new_source


def reproduces(rules: RuleSet, expected: Sequence[tuple[str, str, str]]) -> bool:
    """Does every (label, before, after) come out byte for byte?"""
    return all(output(rules, before, label) == after for label, before, after in expected)


def failing_tests(text: str) -> list[str]:
    """The problems of the file's test blocks, as ``exitdsl test`` reports them."""
    rules = compiled(text)
    if rules is None:
        return ["the emitted rules do not compile"]
    return [f"{r.name}: {r.problem}" for r in run_tests(rules) if r.problem]


def changed_files(rules: RuleSet, files: Sequence[Path]) -> list[str]:
    """The files that ``rules`` would change (unreadable or invalid ones are skipped)."""
    changed = []
    for path in files:
        try:
            source = read_source(path)
        except ExitdslError:
            continue
        new = output(rules, source.text, str(path))
        if new is not None and new != source.text:
            changed.append(str(path))
    return changed
