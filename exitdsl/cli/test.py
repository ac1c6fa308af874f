"""``exitdsl test``: run the ``test`` blocks and file cases of rule files."""

from __future__ import annotations

import argparse
from typing import TextIO

from .common import EXIT_CHANGES, EXIT_OK, command, resolve_rule_paths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    test = command(commands, "test", "run the test blocks of rule files",
                   "Run every `test` block of the rule files (default: the shipped rules). "
                   "A failing case shows a diff; --update rewrites `after` blocks in place.")
    test.add_argument("rules", nargs="*", metavar="RULES", help="rule files or directories")
    test.add_argument("--update", action="store_true",
                      help="rewrite `after` blocks with the current output (review the diff!)")
    test.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here, lazily: see cli/apply.py.
    from ..language.ruleset import load_rules, rule_files
    from ..ruletest.blocks import run_tests, update_expectations
    from ..ruletest.cases import SNAPSHOT, load_case, run_file_case, update_case

    paths = resolve_rule_paths(args.rules)
    files = rule_files(paths)
    cases = [load_case(c) for p in paths if p.is_dir() for c in sorted(p.rglob("case.yaml"))]
    if args.update:
        for path in files:
            count = update_expectations(path)
            if count:
                print(f"{path}: updated {count} `after` block(s)", file=out)
        for case in cases:
            if update_case(case):
                print(f"{case.directory}: updated {SNAPSHOT}", file=out)
    results = run_tests(load_rules(files)) if files else []
    failed = [f"FAIL {r.path}:{r.test.span.line}: {r.name}\n{r.problem}"
              for r in results if not r.passed]
    for case in cases:
        _, problem = run_file_case(case)
        if problem is not None:
            failed.append(f"FAIL {case.directory}: {problem}")
    for failure in failed:
        print(failure, file=out)
    total = len(results) + len(cases)
    print(f"{total - len(failed)} passed, {len(failed)} failed", file=out)
    return EXIT_CHANGES if failed else EXIT_OK
