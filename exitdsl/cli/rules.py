"""``exitdsl rules``: the shipped rule sets, their rule ids, tiers and descriptions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..errors import RuleError
from ..io.emit import dumps, record
from ..io.resources import MIGRATIONS, shipped_rule_file, shipped_rule_names
from ..language.suggest import did_you_mean
from ..text.printable import printable
from .common import EXIT_OK, command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = command(commands, "rules", "list the shipped rule sets and their rules",
                    "List the rule sets exitdsl ships (the names `-r NAME`, `use \"NAME\"` "
                    "and a config's `rules` accept), each with its rules: id, tier, weight "
                    "and description. Migrations run only when named.", exit_codes=False)
    rules.add_argument("names", nargs="*", metavar="NAME",
                       help="only these rule sets (default: all)")
    rules.add_argument("--json", action="store_true",
                       help="one JSON record per rule set (docs/json-schema.md)")
    rules.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..compiler.ruleset import load_rules  # lazily: see cli/apply.py

    known = shipped_rule_names()
    for name in args.names:
        if name not in known:
            raise RuleError(f"no shipped rule set {name!r}{did_you_mean(name, known)}; "
                            f"they are {', '.join(known)}")
    for name in dict.fromkeys(args.names) or known:  # each named set once, in order
        path = shipped_rule_file(name)
        assert path is not None  # a shipped name
        listed = [{"id": r.id, "tier": r.tier, "weight": r.weight,
                   "description": r.source.description} for r in load_rules([path]).rules]
        migration = path.parent.name == MIGRATIONS
        if args.json:
            print(dumps(record("ruleset", name=name, file=_shown(path), migration=migration,
                               rules=listed)), file=out)
        else:
            _print_text(name, migration, listed, out)
    return EXIT_OK


def _shown(path: Path) -> str:
    """The file as the source tree names it (``rules/finlab.rules``), wherever installed."""
    return "/".join(("rules", *path.parts[path.parts.index("rules") + 1:])) \
        if "rules" in path.parts else str(path)


def _print_text(name: str, migration: bool, rules: list[dict[str, Any]], out: TextIO) -> None:
    note = ", a migration: runs only when named" if migration else ""
    print(f"{name} ({len(rules)} rules{note})", file=out)
    width = max((len(r["id"]) for r in rules), default=0)
    for rule in rules:
        print(f"  {rule['id']:<{width}}  {rule['tier']:<10}  {printable(rule['description'])}",
              file=out)
