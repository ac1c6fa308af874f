"""``exitdsl test``: run the ``test`` blocks and file cases of rule files."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..io.emit import dumps, record, summary_record
from .common import EXIT_CHANGES, EXIT_OK, command, project_rule_paths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    test = command(commands, "test", "run the test blocks of rule files",
                   "Run every `test` block of the rule files (default: the rules of the project's "
                   "config, found from the working directory, else the shipped rules). "
                   "A failing case shows a diff; --update rewrites `after` blocks in place.")
    test.add_argument("rules", nargs="*", metavar="RULES", help="rule files or directories")
    test.add_argument("--json", action="store_true",
                      help="one JSON record per test and file case, then a summary "
                           "(docs/json-schema.md)")
    test.add_argument("--update", action="store_true",
                      help="rewrite `after` blocks with the current output (review the diff!)")
    test.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here, lazily: see cli/apply.py.
    from ..compiler.ruleset import load_rules, rule_files
    from ..ruletest.blocks import run_tests, update_expectations
    from ..ruletest.cases import SNAPSHOT, load_case, run_file_case, update_case

    paths = project_rule_paths(args.rules)
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
    records = [record("test", file=str(r.path), line=r.test.span.line, name=r.label,
                      passed=r.passed, problem=r.problem or None) for r in results]
    for case in cases:
        _, problem = run_file_case(case)
        records.append(record("case", file=str(case.directory), name=case.directory.name,
                              passed=problem is None, problem=problem))
    failed = [r for r in records if not r["passed"]]
    summary = summary_record(passed=len(records) - len(failed), failed=len(failed))
    if args.json:
        for line in (*records, summary):
            print(dumps(line), file=out)
    else:
        for r in failed:
            where = f"{r['file']}:{r['line']}: {r['name']}\n" if r["kind"] == "test" \
                else f"{r['file']}: "
            print(f"FAIL {where}{r['problem']}", file=out)
        print(f"{summary['passed']} passed, {summary['failed']} failed", file=out)
    return EXIT_CHANGES if failed else EXIT_OK
