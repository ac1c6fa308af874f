"""``exitdsl mutate``: N distinct verified children per strategy, with lineage records."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import replace
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import UsageError
from ..io.discover import discover
from ..io.progress import Progress
from .common import (EXIT_INPUT, EXIT_OK, add_discovery_options, add_isolation_option,
                     add_rule_options, colliding, command, exclusions, load_selected, out_beside_inputs, outside, run_seed,
                     seconds)

if TYPE_CHECKING:
    from ..behaviour.report import Section
    from ..engine import Engine
    from ..populations.population import BehaviourCheck, Family


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mutate = command(commands, "mutate", "write N distinct verified mutated children per strategy",
                     "For each strategy file, write up to N distinct children, each one random "
                     "verified exit mutation, to DIR/<stem>/<stem>.<k>.py, and append a lineage "
                     "record per child to DIR/lineage.jsonl. The same seed gives the same "
                     "children and lineage whatever -j.")
    add_rule_options(mutate)
    add_discovery_options(mutate)
    mutate.add_argument("-n", type=int, default=1, metavar="N", help="children per parent")
    mutate.add_argument("--seed", type=int, default=None, help="run seed (default: config, else 0)")
    mutate.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    mutate.add_argument("-j", "--jobs", type=int, default=1, metavar="J",
                        help="worker processes (default 1; with --executor dask and no "
                             "address, the local cluster's workers, default 2)")
    mutate.add_argument("--executor", metavar="KIND", default=None,
                        help="'processes' (J local processes) or 'dask[:ADDRESS]' (a Dask "
                             "scheduler at ADDRESS, or a local cluster); same children")
    mutate.add_argument("--behaviour", "--behavior", action="store_true",
                        help="run each child and its parent on bundled data (in a sandboxed "
                             "child process) and record the verdict in the lineage")
    mutate.add_argument("--require-effect", action="store_true",
                        help="keep only children whose exits change what the strategy does "
                             "(implies --behaviour; redraws a bounded number of times)")
    mutate.add_argument("--timeout", type=seconds, default=60.0, metavar="S",
                        help="wall-clock seconds per behavioural run (default 60)")
    mutate.add_argument("--report", type=Path, metavar="FILE.html",
                        help="with --behaviour: also write one self-contained HTML page with "
                             "each parent's and child's equity curve and the verdict rates "
                             "per rule")
    add_isolation_option(mutate)
    mutate.add_argument("--append", action="store_true",
                        help="add to a non-empty --out DIR (its lineage.jsonl grows)")
    mutate.add_argument("--verify", choices=("default", "full"), default="default",
                        help="'full' also re-parses and compiles each whole child")
    mutate.add_argument("--stats", action="store_true",
                        help="print attempt/success/rejection statistics as JSON at the end")
    mutate.add_argument("paths", nargs="+", metavar="PATH", help="strategy files or directories")
    mutate.set_defaults(run=run)


def behaviour_check(args: argparse.Namespace) -> BehaviourCheck | None:
    if not (args.behaviour or args.require_effect):
        return None
    from ..behaviour.isolation import require
    from ..behaviour.sandbox import Limits
    from ..populations.population import BehaviourCheck

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    require(args.isolated)
    return BehaviourCheck(Limits(timeout=args.timeout, cpu_seconds=max(1, int(args.timeout)),
                                 isolated=args.isolated), args.require_effect)


@contextlib.contextmanager
def executor_for(kind: str, address: str, jobs: int, engine: Engine) -> Iterator[Executor | None]:
    """No executor (breed here), our process pool, or Dask's."""
    if kind == "dask":
        from ..populations.dask import dask_executor

        where = f"the Dask scheduler at {address}" if address else "a local Dask cluster"
        with contextlib.ExitStack() as stack:
            try:
                executor = stack.enter_context(dask_executor(address or None,
                                                             jobs if jobs > 1 else 2))
            except OSError as exc:  # before any parent is bred: nothing written yet
                raise UsageError(f"cannot reach {where}: {exc}; no parent was bred and "
                                 "nothing was written") from None
            yield executor
    elif jobs > 1:
        from ..populations.executors import EnginePool

        with EnginePool(jobs, engine) as pool:
            yield pool
    else:
        yield None


def check_options(args: argparse.Namespace) -> tuple[str, str]:
    """Usage errors found before anything is read; the executor's kind and address."""
    if args.n < 1 or args.jobs < 1:
        raise UsageError("-n and -j must be at least 1")
    kind, _, address = (args.executor or "").partition(":")
    if kind not in ("", "processes", "dask") or (address and kind != "dask"):
        raise UsageError(f"--executor {args.executor}: expected 'processes' or "
                         "'dask[:ADDRESS]'")
    out_beside_inputs(args.out, args.paths)
    if args.out.is_dir() and not args.append and any(
            p.name != "lineage.jsonl" or p.stat().st_size for p in args.out.iterdir()):
        raise UsageError(f"--out {args.out} is not empty: an earlier run's children and "
                         "lineage would mix with these (use --append to add to it)")
    if args.report and not (args.behaviour or args.require_effect):
        raise UsageError("--report draws the behavioural check: add --behaviour")
    if args.report:
        from ..io.files import check_output_path

        check_output_path("--report", args.report)
    return kind, address


def report_section(family: Family, written: list[Path]) -> Section:
    """A parent's part of the report, its children named by the files written."""
    from ..behaviour.report import Section  # lazily: bokeh only when a report is asked

    verdicts = tuple(replace(v, child=str(path)) for v, path in zip(family.verdicts, written))
    made = {str(path): (c.rule or "", c.old or "", c.new or "")
            for c, path in zip(family.children, written)}
    return Section(family.parent, family.baseline, verdicts, made)


def shortfall(family: Family, require_effect: bool) -> str:
    """What to say about a parent that did not give all the children asked."""
    if family.error is not None:
        return family.error
    if not family.children:
        return f"{family.parent}: no applicable rule; no children"
    if len(family.children) < family.wanted:
        kind = "effective" if require_effect else "distinct"
        return (f"{family.parent}: only {len(family.children)} {kind} children "
                f"(of {family.wanted} asked)")
    return ""


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here, lazily: see cli/apply.py.
    from ..engine import Engine
    from ..populations.population import breed_all, write_family
    from ..evolve.stats import MutationStats

    kind, address = check_options(args)
    rules = load_selected(args)
    seed = run_seed(args, rules)
    found = discover(args.paths, exclusions=exclusions(args, rules.config))
    targets, problems = outside(args.out, found, err)
    if not targets and not problems:
        raise UsageError(f"no Python files found in {', '.join(args.paths)}")
    colliding(targets, lambda t: Path(t.relative).with_suffix(""))
    reserved = [t for t in targets if Path(t.relative).with_suffix("") == Path("lineage.jsonl")]
    if reserved:
        raise UsageError(f"{reserved[0].path}: its children would go to a folder named "
                         "lineage.jsonl, the lineage file's name (rename the parent or leave "
                         "it out with --extend-exclude)")
    stats = MutationStats()
    total = 0
    engine = Engine(rules, seed=seed, verify=args.verify)
    work = [(str(t.path), str(t.relative)) for t in targets]
    behaviour = behaviour_check(args)
    sections: list[Section] = []
    # The executor first: a scheduler that cannot be reached leaves no output folder behind.
    with executor_for(kind, address, args.jobs, engine) as executor:
        args.out.mkdir(parents=True, exist_ok=True)
        with (args.out / "lineage.jsonl").open("a", encoding="utf-8") as lineage, \
                Progress(len(targets), err, not args.quiet, unit="parent") as progress:
            for family in breed_all(engine, work, args.n, seed, executor, behaviour):
                progress.step(family.parent)
                stats.merge(family.stats)
                if family.error is None:
                    written = write_family(family, args.out, lineage)
                    total += len(written)
                    if args.report and family.verdicts:
                        sections.append(report_section(family, written))
                problems += family.error is not None
                message = shortfall(family, args.require_effect)
                if message:
                    progress.say(message)
    if args.report:
        from ..behaviour.report import write_report

        write_report(args.report, sections, f"exitdsl mutate --behaviour ({len(sections)} "
                     "parents)")
    if args.stats:
        print(stats.as_json(), file=out)
    if not args.quiet:
        print(f"exitdsl: {len(targets)} parent(s), {total} child(ren) written to {args.out}",
              file=err)
    return EXIT_INPUT if problems else EXIT_OK
