"""The behavioural check's cost per child, and population throughput on executors (issue 14).

    python bench/behaviour.py [--quick] [--json out.json]

Costs are per child, parent run excluded, wall and CPU (the runs are child processes: CPU
is this process's plus its finished children's). Population throughput breeds children of
a real-world-shaped corpus (bench/realistic.py: freqtrade classes with 25+ exit sites,
finlab scripts) plus the bundled examples: in this process, on 2 local processes, and on a
Dask LocalCluster of 2 workers (cluster start-up included, reported apart).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import exitdsl  # noqa: E402
from exitdsl.behaviour.check import Baseline, baseline  # noqa: E402
from exitdsl.behaviour.isolation import boundary  # noqa: E402
from exitdsl.behaviour.sandbox import Limits, StrategyFailed, run_strategy  # noqa: E402
from exitdsl.behaviour.verdict import compare  # noqa: E402
from exitdsl.populations.executors import EnginePool  # noqa: E402
from exitdsl.populations.population import breed_all  # noqa: E402
from realistic import generate  # noqa: E402

PARENTS = {"backtesting.py": "examples/strategies/backtesting/atr_trailing.py",
           "template": "examples/strategies/template/atr_exit_long.py",
           "vectorbt": "examples/strategies/vectorbt/rsi_trailing.py",
           "freqtrade": "examples/strategies/freqtrade/bollinger_reversion.py",
           "backtrader": "examples/strategies/backtrader/bracket_orders.py",
           "jesse": "examples/strategies/jesse/trend_atr.py"}
# The adapters whose framework is an optional extra: the module that says it is installed.
OPTIONAL = {"vectorbt": "vectorbt", "freqtrade": "freqtrade", "backtrader": "backtrader",
            "jesse": "jesse"}


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def measured(into: dict[str, float], count: int) -> Iterator[None]:
    wall, used = time.perf_counter(), cpu()
    yield
    into["wall_s"] = round((time.perf_counter() - wall) / count, 3)
    into["cpu_s"] = round((cpu() - used) / count, 3)


@dataclass(frozen=True)
class Judged:
    verdict: str
    cpu_s: float


def judged(base: Baseline, name: str, code: str) -> Judged:
    """A child's verdict and the CPU its run reported that this process's rusage did not
    see. A sandboxed child used to be out of rusage's sight (a pid namespace whose init was
    bubblewrap's); since the child is the namespace's init, bubblewrap reaps it and rusage
    counts it: only what it missed is added, so neither case is counted twice."""
    if base.run is None:
        return Judged("failed", 0.0)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        run = run_strategy(base.framework, code, base.limits)
    except StrategyFailed:
        return Judged("failed", 0.0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seen = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Judged(compare(name, base.run, run).verdict, max(0.0, run.cpu_s - seen))


def behaviour_cost(engine: exitdsl.Engine, children: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, relative in PARENTS.items():
        if name in OPTIONAL and importlib.util.find_spec(OPTIONAL[name]) is None:
            report[name] = f"not installed (exitdsl[{name}])"
            continue
        source = (ROOT / relative).read_text(encoding="utf-8")
        parent = engine.prepare(source, relative)
        kids = []
        for seed in range(children * 20):
            child = engine.mutate(parent, seed=seed)
            if child.ok and child.code not in kids:
                kids.append(child.code)
            if len(kids) == children:
                break
        figures: dict[str, Any] = {"children": len(kids)}
        # Each child with the operating-system boundary, then with the in-process guard
        # only (the figures of earlier rounds): the boundary's own cost, paired.
        modes = {"boundary": True, "guard only": False} if boundary().available \
            else {"guard only": False}
        for mode, isolated in modes.items():
            limits = Limits(timeout=300, cpu_seconds=300, isolated=isolated)
            cost: dict[str, Any] = {}
            parent_cost: dict[str, float] = {}
            with measured(parent_cost, 1):
                base = baseline(source, relative, limits)
            verdicts: dict[str, int] = {}
            inside = 0.0  # CPU the children report of themselves
            with measured(cost, len(kids)):
                for number, code in enumerate(kids):
                    verdict = judged(base, str(number), code)
                    verdicts[verdict.verdict] = verdicts.get(verdict.verdict, 0) + 1
                    inside += verdict.cpu_s if isolated else 0.0
            # rusage sees a child in a pid namespace only when its direct parent reaps it
            # (bubblewrap's --as-pid-1 does): the larger figure never double counts.
            cost["cpu_s"] = round(max(cost["cpu_s"], inside / len(kids)), 3)
            cost["parent_wall_s"] = parent_cost["wall_s"]
            cost["verdicts"] = verdicts
            figures[mode] = cost
        if len(modes) == 2:
            figures["boundary / guard only"] = {
                unit: round(figures["boundary"][unit] / figures["guard only"][unit], 2)
                for unit in ("wall_s", "cpu_s")}
        else:
            figures["boundary"] = f"not available here: {boundary().missing}"
        report[name] = figures
    return report


def throughput(engine: exitdsl.Engine, paths: list[tuple[str, str]],
               children: int) -> dict[str, Any]:
    report: dict[str, Any] = {}

    def run(name: str, make: Callable[[], Any]) -> None:
        figures: dict[str, Any] = {}
        start, used = time.perf_counter(), cpu()
        with make() as executor:
            ready = time.perf_counter()
            made = sum(len(f.children) for f in breed_all(engine, paths, children, 1,
                                                           executor))
            bred = time.perf_counter()
        figures["children"] = made
        figures["children_per_s"] = round(made / (bred - ready), 1)
        figures["start_up_s"] = round(ready - start, 2)
        figures["cpu_s_per_child"] = round((cpu() - used) / made, 4)
        report[name] = figures

    @contextmanager
    def nothing() -> Iterator[None]:
        yield None

    run("1 process", nothing)
    run("2 processes (EnginePool)", lambda: EnginePool(2, engine))
    if importlib.util.find_spec("distributed") is not None:
        from exitdsl.populations.dask import dask_executor

        run("Dask LocalCluster, 2 workers", lambda: dask_executor(None, 2))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer children (smoke test)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    engine = exitdsl.Engine(exitdsl.shipped_rules(), seed=1)
    with tempfile.TemporaryDirectory() as folder:
        corpus = generate(Path(folder), 8 if args.quick else 40, seed=3, max_bytes=60_000)
        examples = sorted((ROOT / "examples/strategies").glob("*/*.py"))
        paths = [(str(p), f"r/{p.name}") for p in corpus] + \
                [(str(p), f"e/{p.parent.name}/{p.name}") for p in examples]
        report = {"behaviour cost per child": behaviour_cost(engine, 3 if args.quick else 12),
                  f"population throughput ({len(paths)} parents)":
                      throughput(engine, paths, 5 if args.quick else 20)}
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
