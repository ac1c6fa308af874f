"""``exitdsl behave``: run a parent and its children on bundled data and say, per child,
whether it changed the strategy's exits (and only its exits)."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..errors import ExitdslError, UsageError
from ..io.emit import dumps, record, summary_record
from ..io.sourcefile import read_source
from ..text.printable import printable
from .common import EXIT_CHANGES, EXIT_INPUT, EXIT_OK, add_isolation_option, command, seconds

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
    add_isolation_option(behave)
    behave.add_argument("parent", metavar="PARENT", help="the parent strategy file")
    behave.add_argument("children", nargs="+", metavar="CHILD", help="child strategy files")
    behave.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..behaviour.check import behave  # lazily: see cli/apply.py
    from ..behaviour.isolation import require
    from ..behaviour.sandbox import Limits

    if args.jobs < 1 or args.timeout <= 0 or args.memory_mb < 64:
        raise UsageError("-j must be at least 1, --timeout positive, --memory-mb at least 64")
    require(args.isolated)
    limits = Limits(timeout=args.timeout, cpu_seconds=max(1, int(args.timeout)),
                    memory_mb=args.memory_mb, isolated=args.isolated)
    parent = read_source(Path(args.parent)).text
    problems: list[str] = []

    def children() -> Iterator[tuple[str, str]]:
        for name in args.children:
            try:
                yield name, read_source(Path(name)).text
            except ExitdslError as exc:
                problems.append(exc.one_line())

    counts: Counter[str] = Counter()
    for verdict in behave(parent, children(), path=args.parent, limits=limits, jobs=args.jobs):
        counts[verdict.verdict] += 1
        if args.json:
            print(dumps(record("verdict", parent=args.parent, **verdict.as_json())), file=out,
                  flush=True)
        else:
            # A child's error is its own text: escaped, so it cannot paint the terminal.
            print(printable(f"{verdict.child}: {verdict.summary}"), file=out, flush=True)
    if args.json:
        print(dumps(summary_record(children=sum(counts.values()), verdicts=dict(counts),
                                   errors=problems)), file=out)
    for problem in problems:
        print(problem, file=err)
    if problems:
        return EXIT_INPUT
    return EXIT_OK if counts["effective"] == sum(counts.values()) else EXIT_CHANGES
