"""The rule file's text: a header, one rule per cluster, a test block per change."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .antiunify import Pattern
from .fit import Action


def header(name: str, pairs: int) -> str:
    return (f"# Learnt by `exitdsl learn` from {pairs} before/after pair(s): review before use.\n"
            f"ruleset {name}\n")


def rule(rule_id: str, description: str, tier: str, pattern: Pattern, action: Action) -> str:
    lines = [f"rule {rule_id} {{", f'  "{_quoted(description)}"', f"  tier {tier}"]
    lines += [f"  match `{m}`" for m in pattern.matches]
    lines += [f"  {c}" for c in pattern.clauses]
    lines += [f"  {a}" for a in action.lines]
    return "\n".join(lines) + "\n}\n"


def test(rule_id: str, before: str, after: str) -> str:
    return (f"test {rule_id} {{\n  before ```\n{_block(before)}```\n"
            f"  after ```\n{_block(after)}```\n}}\n")


def unchanged(rule_id: str, before: str) -> str:
    return f"test {rule_id} {{\n  before ```\n{_block(before)}```\n  unchanged\n}}\n"


def snippet(text: str, span: tuple[int, int]) -> str:
    """Whole lines of ``text``, without their common indentation (as a test block reads
    them)."""
    return textwrap.dedent(text[span[0]:span[1]])


def document(name: str, pairs: int, blocks: Sequence[str]) -> str:
    return "\n".join([header(name, pairs), *blocks])


def _block(code: str) -> str:
    return code if code.endswith("\n") else code + "\n"


def _quoted(text: str) -> str:
    return text.replace("\\", "/").replace('"', "'").replace("\n", " ")
