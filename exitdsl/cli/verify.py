"""``exitdsl verify``: audit every rule at every site of a corpus (writes nothing)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TextIO

from ..errors import ExitdslError
from ..io.discover import discover
from ..io.emit import dumps, record, summary_record
from ..io.progress import Progress
from ..io.sourcefile import read_source
from .common import (EXIT_CHANGES, EXIT_INPUT, EXIT_OK, add_discovery_options,
                     add_rule_options, command, exclusions, load_selected)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = command(commands, "verify",
                     "verify every rule at every site of a corpus (writes nothing)",
                     "Run each rule alone on every site of the files, with full verification, "
                     "for seeds 0..N-1, and print per rule: sites matched, rewrites, verified, "
                     "rejected (by check) and skipped.")
    add_rule_options(verify)
    add_discovery_options(verify)
    verify.add_argument("--seeds", type=int, default=1, metavar="N",
                        help="seeds per rule and file (default 1)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("paths", nargs="+", metavar="PATH", help="strategy files or directories")
    verify.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..ruletest.audit import audit, format_table  # lazily: see cli/apply.py

    rules = load_selected(args)
    problems: list[str] = []

    targets = list(discover(args.paths, exclusions=exclusions(args, rules.config)))

    def sources(progress: Progress) -> Iterator[tuple[str, str]]:
        for target in targets:
            if isinstance(target, str):
                problems.append(f"exitdsl: {target}")
                continue
            try:
                yield str(target.path), read_source(target.path).text
            except ExitdslError as exc:
                problems.append(exc.one_line())
            progress.step(str(target.path))

    with Progress(len(targets), err, not args.quiet) as progress:
        report = audit(rules, sources(progress), max(1, args.seeds))
    problems.extend(report.errors)
    if args.json:
        for rule in report.rules.values():
            print(dumps(record("rule", **rule.as_json())), file=out)
        print(dumps(summary_record(files=report.files, rejected=report.rejected,
                                   errors=problems)), file=out)
    else:
        print(format_table(report), file=out)
        for problem in problems:
            print(problem, file=err)
    if problems:
        return EXIT_INPUT
    return EXIT_CHANGES if report.rejected else EXIT_OK
