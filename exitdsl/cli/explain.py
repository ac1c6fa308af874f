"""``exitdsl explain``: why one rule did or did not rewrite each place in one file."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..io.emit import dumps, record
from ..text.printable import printable
from .common import EXIT_OK, add_rule_options, command, load_selected


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    explain = command(commands, "explain", "show what a rule matched in a file and why",
                      "For one rule and one file (or one line of it): every match of each "
                      "of the rule's patterns, its captured values, and what became of it: "
                      "rewritten (old -> new), left alone (the `where` part that is false, "
                      "with the values; an `# exitdsl: ignore` comment), refused by a check, "
                      "or not a site (its `inside`/`within` context or an `unless` clause).",
                      exit_codes=False)
    explain.add_argument("rule_id", metavar="RULE-ID",
                         help="a rule's id (finlab.stop_loss.jitter) or its own name")
    explain.add_argument("target", metavar="FILE[:LINE]", help="a strategy file, or one line")
    add_rule_options(explain)
    explain.add_argument("--seed", type=int, default=0, help="the seed of the run (default 0)")
    explain.add_argument("--json", action="store_true",
                         help="one JSON record per match (docs/json-schema.md)")
    explain.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..io.sourcefile import read_source  # lazily: see cli/apply.py
    from ..ruletest.explain import explain

    path, line = _target(args.target)
    args.paths = [str(path)]  # the config is found from the file, as for apply
    wanted, args.rule = args.rule_id, []
    rules = load_selected(args)
    try:
        rule = rules.get(wanted) if "." in wanted and any(r.id == wanted for r in rules.rules) \
            else rules.select([wanted]).rules[0]
    except (KeyError, ValueError) as exc:
        files = ", ".join(printable(f) for f in rules.files)
        raise UsageError(f"{str(exc).strip(chr(34))}; the rules loaded are {files} (-r names "
                         "others)") from None
    source = read_source(path).text
    total = source.count("\n") + (not source.endswith("\n"))
    if line is not None and not 1 <= line <= total:
        raise UsageError(f"{printable(str(path))}:{line}: the file has lines 1 to {total}")
    found = explain(rules, rule, source, str(path), line, args.seed)
    if args.json:
        for item in found:
            print(dumps(record("match", rule=rule.id, file=str(path), **item.as_json())),
                  file=out)
        return EXIT_OK
    print(f"{rule.id} in {printable(str(path))}{'' if line is None else f':{line}'}: "
          f"{len(found)} match(es) of {len(rule.matches)} pattern(s)", file=out)
    for item in found:
        print(f"{item.line}:{item.col}  `{printable(item.code)}`", file=out)
        if item.captures:
            values = ", ".join(f"{k} = {v}" for k, v in item.captures.items())
            print(f"    captures: {printable(values)}", file=out)
        print(f"    {item.outcome}: {printable(item.detail)}", file=out)
    return EXIT_OK


def _target(text: str) -> tuple[Path, int | None]:
    """``FILE`` or ``FILE:LINE`` (a file whose own name ends in ``:N`` wins)."""
    found = re.fullmatch(r"(.+):(\d+)", text)
    if found and not Path(text).exists():
        return Path(found[1]), int(found[2])
    return Path(text), None
