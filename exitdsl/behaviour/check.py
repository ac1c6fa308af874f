"""The behavioural check's API: run a parent once, then each child, and judge each child
against the parent. Runs are subprocesses, so children run ``jobs`` at a time on threads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from .frameworks import Framework, detect
from .sandbox import Limits, StrategyFailed, run_strategy
from .verdict import Run, Verdict, compare, failed


@dataclass(frozen=True)
class Baseline:
    """A parent's run (or why it failed), against which its children are judged."""

    framework: Framework
    run: Run | None
    error: str = ""
    limits: Limits = field(default_factory=Limits)

    def judge(self, child: str, source: str) -> Verdict:
        if self.run is None:
            return failed(child, f"the parent failed: {self.error}")
        try:
            run = run_strategy(self.framework, source, self.limits)
        except StrategyFailed as exc:
            return failed(child, str(exc))
        return replace(compare(child, self.run, run), run=run)


def baseline(source: str, path: str = "<parent>", limits: Limits = Limits()) -> Baseline:
    """Run the parent. Raises ``UsageError`` when its framework cannot run here (an extra
    to install, or no offline adapter); a parent that runs and fails is a baseline whose
    children all fail."""
    framework = detect(source, path)
    framework.require(path)
    try:
        return Baseline(framework, run_strategy(framework, source, limits), limits=limits)
    except StrategyFailed as exc:
        return Baseline(framework, None, str(exc), limits)


def behave(parent: str, children: Iterable[tuple[str, str]], *, path: str = "<parent>",
           limits: Limits = Limits(), jobs: int = 1) -> Iterator[Verdict]:
    """Verdicts of ``children`` ((name, source) pairs) against ``parent``, in order."""
    yield from judge_all(baseline(parent, path, limits), children, jobs)


def judge_all(base: Baseline, children: Iterable[tuple[str, str]],
              jobs: int = 1) -> Iterator[Verdict]:
    """Verdicts of ``children`` against a parent already run, ``jobs`` at a time, in order."""
    if jobs <= 1:
        for name, source in children:
            yield base.judge(name, source)
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(lambda child: base.judge(*child), children)
