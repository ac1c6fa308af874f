"""The ``exitdsl`` command line: apply, check, test, verify."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .audit import audit, format_table
from .compile import RuleSet, load_rules
from .config import CONFIG_NAME, find_config
from .discover import Target, discover
from .emit import (change_record, dumps, error_record, rejection_record, skip_record,
                   unified_diff)
from .engine import Engine, FileResult
from .logs import configure as configure_logging
from .mutate import MutationStats
from .population import breed_all, write_family
from .errors import ExitdslError, RuleError
from .parse import parse_rules
from .resources import shipped_rules_dir
from .ruledoc import generate as generate_docs
from .sourcefile import SourceFile, decode, read_bytes, read_source, write_atomic
from .testing import SNAPSHOT, load_case, run_file_case, run_tests, update_case, update_expectations

EXIT_OK = 0
EXIT_CHANGES = 1  # --check: something would change; verify/test: a rejection or failure
EXIT_USAGE = 2  # bad arguments or a rule file with errors
EXIT_INPUT = 3  # some strategy file could not be processed (others were)
EXIT_REJECTED = 4  # some rewrite failed verification and was not written

EXIT_CODES = """exit codes:
  0  success (with --check: nothing would change)
  1  --check: some file would change; test/verify: a case failed or a rewrite was rejected
  2  usage error or a rule file with errors (nothing was processed)
  3  some strategy file could not be read or parsed (reported; the others were processed)
  4  some rewrite failed verification and was not written (reported; see docs/verifier.md)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exitdsl",
        description="Declarative, verified exit mutations for trading-strategy source code.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"exitdsl {__version__}")
    parser.add_argument("--log-format", choices=("text", "json"), default="text",
                        help="format of log records on stderr (default text)")
    parser.add_argument("--log-level", default="warning",
                        choices=("debug", "info", "warning", "error"),
                        help="log level (default warning; info logs each mutation)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    apply = commands.add_parser(
        "apply", help="rewrite strategy files with rules",
        description="Apply rules to strategy files. Without an output flag, print a unified "
                    "diff and write nothing.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_rule_options(apply)
    apply.add_argument("--seed", type=int, default=None,
                       help="run seed (default: the config's seed, else 0); the same seed "
                            "gives byte-identical output")
    output = apply.add_mutually_exclusive_group()
    output.add_argument("--diff", action="store_true", help="print a unified diff (default)")
    output.add_argument("--in-place", action="store_true",
                        help="rewrite files in place (atomically)")
    output.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if some file would change")
    output.add_argument("--out", metavar="DIR", type=Path,
                        help="write each changed file under DIR, at its path relative to "
                             "the PATH it was found under")
    apply.add_argument("--json", action="store_true",
                       help="print one JSON record per line: changed sites, skipped sites, "
                            "rejections and errors")
    apply.add_argument("--show-skipped", action="store_true",
                       help="also list on stderr the sites a rule matched but deliberately "
                            "left alone (always in --json)")
    apply.add_argument("--verify", choices=("default", "full"), default="default",
                       help="'full' also re-parses and compiles each whole rewritten file")
    apply.add_argument("--only", metavar="ID", action="append", default=[],
                       help="only the site with this stable id (from --json or a lineage "
                            "record); with the same --seed it replays that mutation exactly")
    apply.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    apply.add_argument("paths", nargs="+", metavar="PATH",
                       help="strategy files, directories (searched for *.py), or - for stdin")

    check = commands.add_parser(
        "check", help="compile rule files and report errors",
        description="Parse and compile rule files; print every rule's id, or the first error "
                    "of each file with its location.")
    check.add_argument("rules", nargs="+", metavar="RULES", help="rule files or directories")

    test = commands.add_parser(
        "test", help="run the test blocks of rule files",
        description="Run every `test` block of the rule files (default: the shipped rules). "
                    "A failing case shows a diff; --update rewrites `after` blocks in place.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    test.add_argument("rules", nargs="*", metavar="RULES", help="rule files or directories")
    test.add_argument("--update", action="store_true",
                      help="rewrite `after` blocks with the current output (review the diff!)")

    verify = commands.add_parser(
        "verify", help="verify every rule at every site of a corpus (writes nothing)",
        description="Run each rule alone on every site of the files, with full verification, "
                    "for seeds 0..N-1, and print per rule: sites matched, rewrites, verified, "
                    "rejected (by check) and skipped.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_rule_options(verify)
    verify.add_argument("--seeds", type=int, default=1, metavar="N",
                        help="seeds per rule and file (default 1)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("paths", nargs="+", metavar="PATH", help="strategy files or directories")

    docs = commands.add_parser(
        "docs", help="write docs/rules/<ruleset>.md tables from rule files",
        description="Generate one Markdown page per rule file: its domains with their sources "
                    "and a table of its rules (id, tier, weight, what it changes, domains).")
    docs.add_argument("rules", nargs="*", metavar="RULES",
                      help="rule files or directories (default: the shipped rules)")
    docs.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")

    mutate = commands.add_parser(
        "mutate", help="write N distinct verified mutated children per strategy",
        description="For each strategy file, write up to N distinct children, each one random "
                    "verified exit mutation, to DIR/<stem>/<stem>.<k>.py, and append a lineage "
                    "record per child to DIR/lineage.jsonl. The same seed gives the same "
                    "children and lineage whatever -j.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_rule_options(mutate)
    mutate.add_argument("-n", type=int, default=1, metavar="N", help="children per parent")
    mutate.add_argument("--seed", type=int, default=None, help="run seed (default: config, else 0)")
    mutate.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    mutate.add_argument("-j", "--jobs", type=int, default=1, metavar="J",
                        help="worker processes (default 1)")
    mutate.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    mutate.add_argument("--stats", action="store_true",
                        help="print attempt/success/rejection statistics as JSON at the end")
    mutate.add_argument("paths", nargs="+", metavar="PATH", help="strategy files or directories")
    return parser


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--rules", action="append", metavar="RULES", default=[],
                        help="rule file or directory (repeatable); a bare name such as "
                             "'finlab' means the shipped rules/finlab.rules; default: all "
                             "shipped rules")
    parser.add_argument("--rule", action="append", metavar="ID", default=[],
                        help="only this rule (ruleset.rule or rule name; repeatable)")
    parser.add_argument("--tier", action="append", default=[],
                        choices=("parametric", "relational", "structural"),
                        help="only rules of this tier (repeatable)")
    parser.add_argument("--config", metavar="FILE",
                        help="YAML overrides of bounds, choices, tier weights and the seed "
                             f"(default: ./{CONFIG_NAME} when present)")


def resolve_rule_paths(names: Sequence[str]) -> list[Path]:
    if not names:
        return [shipped_rules_dir()]
    paths = []
    for name in names:
        path = Path(name)
        shipped = shipped_rules_dir() / f"{name}.rules"
        paths.append(shipped if not path.exists() and shipped.is_file() else path)
    return paths


def load_selected(args: argparse.Namespace) -> RuleSet:
    rules = load_rules(resolve_rule_paths(args.rules), find_config(args.config))
    selected = rules.select(args.rule, args.tier)
    unknown = [r for r in args.rule if not any(r in (x.id, x.source.name) for x in rules.rules)]
    if unknown:
        raise RuleError(f"no rule named {unknown[0]!r} (see `exitdsl check`)")
    return selected


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level, args.log_format)
    try:
        if args.command == "check":
            return run_check(args, sys.stdout)
        if args.command == "test":
            return run_test(args, sys.stdout)
        if args.command == "verify":
            return run_verify(args, sys.stdout, sys.stderr)
        if args.command == "mutate":
            return run_mutate(args, sys.stdout, sys.stderr)
        if args.command == "docs":
            return run_docs(args, sys.stdout)
        return run_apply(args, sys.stdout, sys.stderr)
    except RuleError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("exitdsl: interrupted", file=sys.stderr)
        return 130


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    status = EXIT_OK
    for name in args.rules:
        try:
            rules = load_rules(resolve_rule_paths([name]))
        except RuleError as exc:
            print(exc.render(), file=sys.stderr)
            status = EXIT_USAGE
            continue
        for rule in rules.rules:
            print(f"{rule.id}  [{rule.tier}, weight {rule.weight:g}]  {rule.source.description}",
                  file=out)
    return status


def run_test(args: argparse.Namespace, out: TextIO) -> int:
    paths = resolve_rule_paths(args.rules)
    rule_files = [f for p in paths for f in (sorted(p.rglob("*.rules")) if p.is_dir() else [p])]
    cases = [load_case(c) for p in paths if p.is_dir() for c in sorted(p.rglob("case.yaml"))]
    if args.update:
        for path in rule_files:
            count = update_expectations(path)
            if count:
                print(f"{path}: updated {count} `after` block(s)", file=out)
        for case in cases:
            if update_case(case):
                print(f"{case.directory}: updated {SNAPSHOT}", file=out)
    results = run_tests(load_rules(rule_files)) if rule_files else []
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


def run_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rules = load_selected(args)
    problems: list[str] = []

    def sources() -> Iterator[tuple[str, str]]:
        for target in discover(args.paths):
            if isinstance(target, str):
                problems.append(f"exitdsl: {target}")
                continue
            try:
                yield str(target.path), read_source(target.path).text
            except ExitdslError as exc:
                problems.append(exc.one_line())

    report = audit(rules, sources(), max(1, args.seeds))
    problems.extend(report.errors)
    if args.json:
        print(json.dumps({"files": report.files, "rules": [r.as_json() for r in
                                                            report.rules.values()],
                          "errors": problems}, indent=2), file=out)
    else:
        print(format_table(report), file=out)
        for problem in problems:
            print(problem, file=err)
    if problems:
        return EXIT_INPUT
    return EXIT_CHANGES if report.rejected else EXIT_OK


def run_docs(args: argparse.Namespace, out: TextIO) -> int:
    paths = resolve_rule_paths(args.rules)
    files = [f for p in paths for f in (sorted(p.rglob("*.rules")) if p.is_dir() else [p])]
    rules = load_rules(files)
    parsed = [parse_rules(f.read_text(encoding="utf-8"), str(f)) for f in files]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in generate_docs(rules, parsed).items():
        write_atomic(args.out / name, text.encode("utf-8"))
        print(args.out / name, file=out)
    return EXIT_OK


def run_mutate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.n < 1 or args.jobs < 1:
        print("exitdsl: -n and -j must be at least 1", file=err)
        return EXIT_USAGE
    rules = load_selected(args)
    seed = args.seed if args.seed is not None else (rules.config.seed or 0)
    engine = Engine(rules, seed=seed)
    paths: list[str] = []
    problems = 0
    for target in discover(args.paths):
        if isinstance(target, str):
            print(f"exitdsl: {target}", file=err)
            problems += 1
        else:
            paths.append(str(target.path))
    args.out.mkdir(parents=True, exist_ok=True)
    lineage_path = args.out / "lineage.jsonl"
    progress = Progress(len(paths), err, enabled=not args.quiet and err.isatty())
    stats = MutationStats()
    total = 0
    with lineage_path.open("a", encoding="utf-8") as lineage:
        for family in breed_all(engine, paths, args.n, seed, args.jobs):
            progress.step(family.parent)
            stats.merge(family.stats)
            if family.error is not None:
                print(family.error, file=err)
                problems += 1
                continue
            write_family(family, args.out, lambda line: print(line, file=lineage))
            total += len(family.children)
            if not family.children:
                print(f"{family.parent}: no applicable rule; no children", file=err)
            elif len(family.children) < family.wanted:
                print(f"{family.parent}: only {len(family.children)} distinct children "
                      f"(of {family.wanted} asked)", file=err)
    progress.done()
    if args.stats:
        print(stats.as_json(), file=out)
    if not args.quiet:
        print(f"exitdsl: {len(paths)} parent(s), {total} child(ren) written to {args.out}",
              file=err)
    return EXIT_INPUT if problems else EXIT_OK


class Progress:
    """A one-line progress counter on a terminal; silent otherwise."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled, self.count = total, stream, enabled, 0

    def step(self, label: str) -> None:
        self.count += 1
        if self.enabled:
            width = 30
            filled = width * self.count // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.count}/{self.total} {label[-40:]:<40}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def run_apply(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rules = load_selected(args)
    seed = args.seed if args.seed is not None else (rules.config.seed or 0)
    engine = Engine(rules, seed=seed, verify=args.verify, only=tuple(args.only))
    stats = {"files": 0, "changed": 0, "sites": 0, "errors": 0, "rejected": 0}

    def report(result: FileResult) -> None:
        stats["files"] += 1
        stats["sites"] += len(result.changes)
        stats["rejected"] += len(result.rejections)
        stats["changed"] += result.changed
        if args.json:
            for change in result.changes:
                print(dumps(change_record(result.path, change)), file=out)
            for skip in result.skips:
                print(dumps(skip_record(result.path, skip)), file=out)
            for rejection in result.rejections:
                print(dumps(rejection_record(result.path, rejection)), file=out)
        else:
            if args.show_skipped:
                for skip in result.skips:
                    print(f"{result.path}:{skip.line}:{skip.col}: skipped by {skip.rule}: "
                          f"{skip.reason}", file=err)
            for rejection in result.rejections:
                print(f"{result.path}:{rejection.line}:{rejection.col}: rewrite by "
                      f"{rejection.rule} rejected ({rejection.check}): {rejection.detail}",
                      file=err)

    def fail(path: str, message: str) -> None:
        stats["errors"] += 1
        print(message, file=err)
        if args.json:
            print(dumps(error_record(path, message)), file=out)

    for argument in args.paths:
        if argument == "-":
            _apply_stdin(engine, args, out, report, fail)
            continue
        for target in discover([argument]):
            if isinstance(target, str):
                fail(argument, f"exitdsl: {target}")
                continue
            _apply_file(engine, args, target, out, report, fail)

    if not args.quiet and not args.json:
        verb = "would change" if args.check or not (args.in_place or args.out) else "changed"
        print(f"exitdsl: {stats['files']} file(s), {stats['sites']} site(s) rewritten, "
              f"{stats['changed']} file(s) {verb}, {stats['rejected']} rejected, "
              f"{stats['errors']} error(s)", file=err)
    if stats["errors"]:
        return EXIT_INPUT
    if stats["rejected"]:
        return EXIT_REJECTED
    if args.check and stats["changed"]:
        return EXIT_CHANGES
    return EXIT_OK


Report = Callable[[FileResult], None]
Fail = Callable[[str, str], None]


def _apply_stdin(engine: Engine, args: argparse.Namespace, out: TextIO, report: Report,
                 fail: Fail) -> None:
    try:
        source = decode(sys.stdin.buffer.read(), "<stdin>")
        result = engine.rewrite(source.text, "<stdin>")
    except ExitdslError as exc:
        fail("<stdin>", exc.one_line())
        return
    report(result)
    if args.diff:
        out.write(unified_diff(result))
    elif not (args.check or args.json):
        out.write(result.new_source)


def _apply_file(engine: Engine, args: argparse.Namespace, target: Target, out: TextIO,
                report: Report, fail: Fail) -> None:
    shown = str(target.path)
    try:
        original = read_bytes(target.path, shown)
        source: SourceFile = decode(original, shown)
        result = engine.rewrite(source.text, shown)
    except ExitdslError as exc:
        fail(shown, exc.one_line())
        return
    report(result)
    if not result.changed:
        return
    try:
        if args.in_place:
            # Write through a symbolic link to its target, and never over a file that changed
            # since it was read (another process is editing it: its edit wins).
            real = Path(os.path.realpath(target.path))
            if real.read_bytes() != original:
                fail(shown, f"{shown}: changed while exitdsl was running; not written")
                return
            write_atomic(real, source.encode(result.new_source))
        elif args.out is not None:
            write_atomic(args.out / target.relative, source.encode(result.new_source))
        elif not (args.check or args.json):
            out.write(unified_diff(result))
    except (OSError, UnicodeEncodeError) as exc:
        fail(shown, f"{shown}: cannot write: {exc}")
