"""``exitdsl apply``: rewrite strategy files with rules (a diff by default)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import ExitdslError, UsageError
from ..io import colour
from ..text.diff import unified_diff
from ..io.discover import Target, discover
from ..io.emit import (change_record, dumps, error_record, in_source_order, record,
                       rejection_record, skip_record, summary_record)
from ..io.progress import Progress
from ..io.sourcefile import decode
from ..results import FileResult
from .apply_work import FileOutcome, outcomes
from .common import (EXIT_CHANGES, EXIT_INPUT, EXIT_OK, EXIT_REJECTED, EXIT_USAGE,
                     add_discovery_options, add_rule_options, colliding, command, exclusions,
                     load_selected, out_beside_inputs, run_seed)

log = logging.getLogger("exitdsl")

# Heavy modules (the engine: lark, PyYAML, ...) are imported in run(), in every command:
# `exitdsl --help` must not load them; start-up is paid on every call of a CLI tool.
if TYPE_CHECKING:
    from ..engine import Engine

Report = Callable[[FileResult], None]
Fail = Callable[[str, str], None]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    apply = command(commands, "apply", "rewrite strategy files with rules",
                    "Apply rules to strategy files. Without an output flag, print a unified "
                    "diff and write nothing.")
    add_rule_options(apply)
    add_discovery_options(apply)
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
    apply.add_argument("--skips", choices=("none", "reasons", "all"), default="all",
                       help="with --json: no skip records, one record per rule and reason "
                            "with a count (at the end), or every skip record (default)")
    apply.add_argument("--show-skipped", action="store_true",
                       help="also list on stderr the sites a rule matched but deliberately "
                            "left alone (always in --json)")
    apply.add_argument("--verify", choices=("default", "full"), default="default",
                       help="'full' also re-parses and compiles each whole rewritten file")
    apply.add_argument("--only", metavar="ID", action="append", default=[],
                       help="only the site with this stable id (from --json or a lineage "
                            "record); with the same --seed it replays that mutation exactly")
    apply.add_argument("--force", action="store_true",
                       help="with --in-place, also rewrite read-only and hard-linked files")
    apply.add_argument("-j", "--jobs", type=int, default=1, metavar="J",
                       help="worker processes (default 1); the output is the same bytes "
                            "in the same order whatever J")
    apply.add_argument("paths", nargs="+", metavar="PATH",
                       help="strategy files, directories (searched for *.py), or - for stdin")
    apply.set_defaults(run=run)


class _Tally:
    """What a run reports: per-file records as they come, and the summary's counts."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args, self.out, self.err = args, out, err
        self.colour_out = colour.enabled(args.color, out) and not args.json
        self.colour_err = colour.enabled(args.color, err)
        self.say: Callable[[str], None] = lambda message: print(message, file=err)
        self.counts = {"files": 0, "changed": 0, "sites": 0, "errors": 0, "rejected": 0}
        self.reasons: Counter[tuple[str, str]] = Counter()  # --skips reasons
        self.rewritten: set[str] = set()  # site ids changed, for --only

    def report(self, result: FileResult) -> None:
        counts = self.counts
        counts["files"] += 1
        counts["sites"] += len(result.changes)
        counts["rejected"] += len(result.rejections)
        counts["changed"] += result.changed
        self.rewritten.update(change.site for change in result.changes)
        if self.args.json:
            skips = result.skips if self.args.skips == "all" else ()
            if self.args.skips == "reasons":
                self.reasons.update((s.rule, s.reason) for s in result.skips)
            records = in_source_order([
                *(change_record(result.path, c) for c in result.changes),
                *(skip_record(result.path, s) for s in skips),
                *(rejection_record(result.path, r) for r in result.rejections)])
            for record in records:
                print(dumps(record), file=self.out)
            return
        if self.args.show_skipped:
            for skip in result.skips:
                self.say(f"{result.path}:{skip.line}:{skip.col}: skipped by {skip.rule}: "
                         f"{skip.reason}")
        for rejection in result.rejections:
            self.problem(f"{result.path}:{rejection.line}:{rejection.col}: rewrite by "
                         f"{rejection.rule} rejected ({rejection.check}): {rejection.detail}")

    def take(self, outcome: FileOutcome) -> None:
        """One file's outcome, reported as it would have been without workers."""
        if outcome.result is not None:
            self.report(outcome.result)
        if outcome.failure is not None:
            self.fail(outcome.shown, outcome.failure)
        if outcome.diff:
            self.out.write(colour.diff(outcome.diff) if self.colour_out else outcome.diff)

    def problem(self, message: str) -> None:
        self.say(colour.problem(message) if self.colour_err else message)

    def fail(self, path: str, message: str) -> None:
        self.counts["errors"] += 1
        self.problem(message)
        if self.args.json:
            print(dumps(error_record(path, message)), file=self.out)

    def summary(self) -> str:
        args, counts = self.args, self.counts
        verb = "would change" if args.check or not (args.in_place or args.out) else "changed"
        return (f"exitdsl: {counts['files']} file(s), {counts['sites']} site(s) rewritten, "
                f"{counts['changed']} file(s) {verb}, {counts['rejected']} rejected, "
                f"{counts['errors']} error(s)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    if "-" in args.paths and (args.in_place or args.out is not None):
        raise UsageError("`-` (stdin) is written to stdout; it cannot go with --in-place or "
                         "--out")
    if args.out is not None:
        out_beside_inputs(args.out, args.paths)
    from ..engine import Engine

    rules = load_selected(args)
    engine = Engine(rules, seed=run_seed(args, rules), verify=args.verify,
                    only=tuple(args.only))
    tally = _Tally(args, out, err)
    seen: set[object] = set()
    leave_out = exclusions(args, rules.config)
    # Every file is identified before any is rewritten: an in-place rewrite gives a file a
    # new identity, and a second path to it must still count as the same file.
    work = [(argument, ["-"] if argument == "-" else list(discover([argument], seen, leave_out)))
            for argument in args.paths]
    if args.out is not None:  # never read what a run writes; never write two files as one
        home = args.out.resolve()
        work = [(argument, [t for t in targets if not isinstance(t, Target)
                            or not t.path.resolve().is_relative_to(home)])
                for argument, targets in work]
        colliding([t for _, targets in work for t in targets if isinstance(t, Target)],
                  lambda t: t.relative)
    files = [t for _, targets in work for t in targets if isinstance(t, Target)]
    if not any(targets for _, targets in work):
        raise UsageError(f"no Python files found in {', '.join(args.paths)}")
    done = outcomes(engine, args, files, args.jobs)
    with Progress(len(files), err, not args.quiet) as progress:
        tally.say = progress.say
        for argument, targets in work:
            for target in targets:
                if target == "-":
                    _apply_stdin(engine, args, out, tally.report, tally.fail)
                elif isinstance(target, str):
                    tally.fail(argument, f"exitdsl: {target}")
                else:
                    tally.take(next(done))
                    progress.step(str(target.path))
    return _finish(args, tally, out, err)


def _finish(args: argparse.Namespace, tally: _Tally, out: TextIO, err: TextIO) -> int:
    """The closing records and summary, the --only warnings, and the exit code."""
    if args.json:
        for (rule, reason), count in sorted(tally.reasons.items()):
            print(dumps(record("skips", rule=rule, reason=reason, count=count)), file=out)
        print(dumps(summary_record(**tally.counts)), file=out)
    if not args.quiet:  # on stderr: a --json consumer reads stdout only
        print(tally.summary(), file=err)
    unmatched = [site for site in args.only if site not in tally.rewritten]
    for site in unmatched:
        log.warning("--only %s: no site with this id was rewritten (not in these files, or "
                    "the code it names has changed since the id was recorded)", site)
    if tally.counts["errors"]:
        return EXIT_INPUT
    if tally.counts["rejected"]:
        return EXIT_REJECTED
    if args.check and tally.counts["changed"]:
        return EXIT_CHANGES
    if unmatched and len(unmatched) == len(set(args.only)):
        return EXIT_USAGE  # nothing that was asked for was done
    return EXIT_OK


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
        out.write(unified_diff(result.path, result.source, result.new_source))
    elif not (args.check or args.json):
        _write_bytes(out, source.encode(result.new_source))


def _write_bytes(out: TextIO, data: bytes) -> None:
    """The rewritten source in its own encoding (and BOM), as it came in."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text-only stream (tests): no bytes to keep
        out.write(data.decode("utf-8", "replace"))
        return
    out.flush()
    buffer.write(data)
    buffer.flush()
