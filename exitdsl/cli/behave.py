"""``exitdsl behave``: run a parent and its children on bundled data and say, per child,
whether it changed the strategy's exits (and only its exits)."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import ExitdslError, UsageError
from ..io.emit import dumps, record, summary_record
from ..io.sourcefile import read_source
from ..text.printable import printable
from .common import EXIT_CHANGES, EXIT_INPUT, EXIT_OK, add_isolation_option, command, seconds

if TYPE_CHECKING:
    from ..behaviour.verdict import Verdict
    from ..populations.lineage import Origin

EXIT_CODES = """exit codes:
  0  every child is effective
  1  some child is not: no effect, entries changed (a rule defect) or failed
  2  usage error, or the parent's framework cannot run here (the message names the extra
     to install, or why it cannot run offline)
  3  some child file could not be read (reported; the others were judged)"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    behave = command(commands, "behave", "judge children by running them against their parent",
                     "Run PARENT and each CHILD on bundled price data, each in its own limited "
                     "process (docs/safety.md), and print one verdict per child: effective "
                     "(exits changed, entries identical up to the first exit that changed), "
                     "no effect (same trades), entries changed (the mutation reached entry "
                     "logic: a rule defect) or failed (with the error). This runs strategy "
                     "code; nothing else in exitdsl does.", exit_codes=False)
    behave.epilog = EXIT_CODES
    behave.formatter_class = argparse.RawDescriptionHelpFormatter
    behave.add_argument("--json", action="store_true",
                        help="one JSON record per child (JSON Lines; docs/behaviour.md)")
    behave.add_argument("-j", "--jobs", type=int, default=1, metavar="J",
                        help="children run at a time (default 1)")
    behave.add_argument("--timeout", type=seconds, default=60.0, metavar="S",
                        help="wall-clock seconds per run; CPU seconds too (default 60)")
    behave.add_argument("--memory-mb", type=int, default=3072, metavar="MB",
                        help="address-space limit per run (default 3072)")
    behave.add_argument("--report", type=Path, metavar="FILE.html",
                        help="also write one self-contained HTML page: equity curves of the "
                             "parent and each child, trades, first divergences, verdicts")
    add_isolation_option(behave)
    behave.add_argument("parent", metavar="PARENT", help="the parent strategy file")
    behave.add_argument("children", nargs="+", metavar="CHILD", help="child strategy files")
    behave.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..behaviour.check import baseline, judge_all  # lazily: see cli/apply.py
    from ..behaviour.isolation import require
    from ..behaviour.report import Section, write_report
    from ..io.files import check_output_path
    from ..behaviour.sandbox import Limits
    from ..behaviour.verdict import VERDICTS
    from ..populations.lineage import origins

    if args.jobs < 1 or args.timeout <= 0 or args.memory_mb < 64:
        raise UsageError("-j must be at least 1, --timeout positive, --memory-mb at least 64")
    require(args.isolated)
    if args.report:
        check_output_path("--report", args.report)
    limits = Limits(timeout=args.timeout, cpu_seconds=max(1, int(args.timeout)),
                    memory_mb=args.memory_mb, isolated=args.isolated)
    parent = read_source(Path(args.parent)).text
    problems: list[str] = []
    names = sorted(args.children, key=natural)  # child.2 before child.10
    made = origins(names)

    def children() -> Iterator[tuple[str, str]]:
        for name in names:
            try:
                yield name, read_source(Path(name)).text
            except ExitdslError as exc:
                problems.append(exc.one_line())

    counts: Counter[str] = Counter()
    verdicts: list[Verdict] = []
    base = baseline(parent, args.parent, limits)
    for verdict in judge_all(base, children(), args.jobs):
        counts[verdict.verdict] += 1
        verdicts.append(verdict)
        show(verdict, made.get(verdict.child), args, out)
    if args.json:
        print(dumps(summary_record(children=sum(counts.values()), verdicts=dict(counts),
                                   errors=problems)), file=out)
    if args.report:
        write_report(args.report, [Section(args.parent, base.run, tuple(verdicts), {
            k: (o.rule, o.old, o.new) for k, o in made.items()})], f"exitdsl behave {args.parent}")
    for problem in problems:
        print(problem, file=err)
    if not args.json and not args.quiet:
        told = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v]) or "none judged"
        print(f"exitdsl: {sum(counts.values())} child(ren): {told}", file=err)
    if problems:
        return EXIT_INPUT
    return EXIT_OK if counts["effective"] == sum(counts.values()) else EXIT_CHANGES


def show(verdict: Verdict, origin: Origin | None, args: argparse.Namespace,
         out: TextIO) -> None:
    """One child's verdict, as a JSON record or a line."""
    if args.json:
        extra = {"rule": origin.rule, "old": origin.old, "new": origin.new} if origin else {}
        print(dumps(record("verdict", parent=args.parent, **verdict.as_json(), **extra)),
              file=out, flush=True)
    else:
        change = f" [{origin.change}]" if origin else ""
        # A child's error is its own text: escaped, so it cannot paint the terminal.
        print(printable(f"{verdict.child}{change}: {verdict.summary}"), file=out, flush=True)


def natural(name: str) -> list[object]:
    """A sort key that orders the digits in a name by value: ``a.2.py`` before ``a.10.py``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
