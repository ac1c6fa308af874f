"""``exitdsl check``: compile rule files and list their rules, or their errors."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import RuleError
from .common import EXIT_OK, EXIT_USAGE, command, project_rule_paths
from ..text.printable import printable


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = command(commands, "check", "compile rule files and report errors",
                    "Parse and compile rule files; print every rule's id, or the first error "
                    "of each file with its location.", exit_codes=False)
    check.add_argument("rules", nargs="*", metavar="RULES",
                       help="rule files or directories (default: the rules of the project's "
                            "config, found from the working directory, else the shipped rules)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..compiler.ruleset import load_rules  # lazily: see cli/apply.py

    status = EXIT_OK
    for path in project_rule_paths(args.rules):
        try:
            rules = load_rules([path])
        except RuleError as exc:
            print(exc.render(), file=err)
            status = EXIT_USAGE
            continue
        for rule in rules.rules:
            print(f"{rule.id}  [{rule.tier}, weight {rule.weight:g}]  {printable(rule.source.description)}",
                  file=out)
    return status
