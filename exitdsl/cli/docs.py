"""``exitdsl docs``: generate docs/rules/<ruleset>.md from rule files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..io.files import write_atomic
from .common import EXIT_OK, command, resolve_rule_paths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    docs = command(commands, "docs", "write docs/rules/<ruleset>.md tables from rule files",
                   "Generate one Markdown page per rule file: its domains with their sources "
                   "and a table of its rules (id, tier, weight, what it changes, domains).",
                   exit_codes=False)
    docs.add_argument("rules", nargs="*", metavar="RULES",
                      help="rule files or directories (default: the shipped rules)")
    docs.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    docs.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here, lazily: see cli/apply.py.
    from ..compiler.parse import parse_rules
    from ..compiler.ruleset import load_rules, rule_files
    from ..ruletest.ruledoc import generate

    files = rule_files(resolve_rule_paths(args.rules))
    rules = load_rules(files)
    parsed = [parse_rules(f.read_text(encoding="utf-8"), str(f)) for f in files]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in generate(rules, parsed).items():
        write_atomic(args.out / name, text.encode("utf-8"))
        print(args.out / name, file=out)
    return EXIT_OK
