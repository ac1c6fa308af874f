"""What the behavioural tests share: judging children against a parent, and editing one
unique piece of a strategy."""

from __future__ import annotations

from exitdsl.behaviour.check import behave
from exitdsl.behaviour.sandbox import Limits
from exitdsl.behaviour.verdict import Verdict


def judge(parent: str, *children: str, limits: Limits = Limits()) -> list[Verdict]:
    """The verdicts of ``children`` (named child1.py, child2.py, ...), two at a time."""
    named = [(f"child{n}.py", child) for n, child in enumerate(children, start=1)]
    return list(behave(parent, named, limits=limits, jobs=2))


def edit(source: str, old: str, new: str) -> str:
    """``source`` with its one ``old`` replaced (a test edit must not hit twice)."""
    assert source.count(old) == 1
    return source.replace(old, new)
