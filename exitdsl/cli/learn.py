"""``exitdsl learn``: a tested, general rule file from before/after pairs (docs/learn.md)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import UsageError
from ..io.discover import discover
from ..io.emit import dumps, record, summary_record
from ..io.files import check_output_path
from ..learn.pairs import shown
from .common import EXIT_INPUT, EXIT_OK, EXIT_USAGE, command

if TYPE_CHECKING:
    from ..learn.learner import Outcome

EXIT_NOTHING_LEARNT = 1  # the pairs share no transformation the language can say
_RULESET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    learn = command(commands, "learn", "learn a rule file from before/after pairs",
                    "Learn a tested, general rule from pairs of strategy files (before, "
                    "after): the changed code is generalised across the pairs, the simplest "
                    "action reproducing every pair byte for byte is fitted, and each rule "
                    "gets a test block per pair. Exit 1 when nothing general reproduces "
                    "the pairs (the reason is printed).")
    learn.add_argument("files", nargs="*", metavar="BEFORE AFTER",
                       help="pairs of files: before, then after (repeatable)")
    learn.add_argument("--from-lineage", metavar="LINEAGE",
                       help="the pairs an `exitdsl mutate` lineage.jsonl records (parent, child)")
    learn.add_argument("--git", nargs=2, metavar=("REV..REV", "PATH"),
                       help="the edits the commits of a range made to PATH (git show)")
    learn.add_argument("--out", metavar="FILE",
                       help="write the rules to FILE, atomically (default, or -: stdout)")
    learn.add_argument("--name", default="learnt", metavar="RULESET",
                       help="the rule set's name (default learnt)")
    learn.add_argument("--holdout", metavar="DIR",
                       help="report per rule which files of DIR (*.py) it would change")
    learn.add_argument("--json", action="store_true",
                       help="one JSON record per rule learnt or refused, then a summary "
                            "(docs/json-schema.md); needs --out FILE")
    learn.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here, lazily: see cli/apply.py.
    from ..learn.difference import Unexplained
    from ..learn.learner import Outcome, Refusal, learn
    from ..learn.pairs import PairError

    to_stdout = args.out in (None, "-")
    if args.json and to_stdout:
        raise UsageError("--json prints records on stdout: write the rules with --out FILE")
    if not _RULESET.fullmatch(args.name):
        raise UsageError(f"--name {args.name!r}: a rule set's name is a word (letters, digits, _)")
    holdout = _holdout_files(args.holdout)
    if not to_stdout:
        check_output_path("--out", Path(args.out))
    try:
        pairs = _pairs(args)
        if not to_stdout:
            _not_an_input(Path(args.out), [*args.files, args.from_lineage or "",
                                           *(p.before.label for p in pairs),
                                           *(p.after.label for p in pairs)])
        outcome = learn(pairs, args.name)
    except PairError as exc:
        print(f"exitdsl: {exc.one_line()}", file=err)
        return EXIT_USAGE
    except (Refusal, Unexplained) as exc:
        if args.json and isinstance(exc, Refusal):
            for line in _records(Outcome((), exc.refused, ""), {}, None):
                print(dumps(line), file=out)
        print(f"exitdsl: {exc.one_line()}", file=err)
        return EXIT_NOTHING_LEARNT
    changed = _judge_holdout(outcome, args.name, holdout) if args.holdout else {}
    if to_stdout:
        out.write(outcome.text)
    else:
        from ..io.files import FileProblem, write_atomic

        try:
            write_atomic(Path(args.out), outcome.text.encode("utf-8"))
        except (FileProblem, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(f"exitdsl: {shown(args.out)}: cannot write: {reason}", file=err)
            return EXIT_INPUT
    if args.json:
        for line in _records(outcome, changed, args.holdout):
            print(dumps(line), file=out)
    elif not args.quiet:
        _report(outcome, changed, holdout, err if to_stdout else out)
    return EXIT_OK


def _pairs(args: argparse.Namespace) -> list[Any]:
    from ..learn import pairs

    found = pairs.from_files(args.files) if args.files else []
    if args.from_lineage:
        found += pairs.from_lineage(args.from_lineage)
    if args.git:
        found += pairs.from_git(*args.git)
    if not found:
        raise pairs.PairError("nothing to learn from: give BEFORE AFTER files, "
                              "--from-lineage or --git")
    return found


def _holdout_files(folder: str | None) -> list[Path]:
    """The Python files of the folder, walked as `apply` walks one (hidden folders,
    virtual environments and build output left out; links to folders not followed)."""
    if folder is None:
        return []
    try:
        is_folder = Path(folder).is_dir()
    except (OSError, ValueError):
        is_folder = False
    if not is_folder:
        raise UsageError(f"--holdout {shown(folder)}: not a folder")
    return [t.path for t in discover([folder]) if not isinstance(t, str)]


def _not_an_input(out: Path, inputs: list[str]) -> None:
    """--out must not name a file the pairs come from: writing the rules would destroy it."""
    target = os.path.realpath(out)
    for path in inputs:
        if path and os.path.realpath(path) == target:
            raise UsageError(f"--out {shown(str(out))} is one of the inputs ({shown(path)}); "
                             "it would be overwritten")


def _judge_holdout(outcome: Outcome, name: str, files: list[Path]) -> dict[str, list[str]]:
    from ..learn.check import changed_files, compiled

    rules = compiled(outcome.text)
    assert rules is not None  # the learner compiled and tested it
    return {r.rule_id: changed_files(rules.select([f"{name}.{r.rule_id}"]), files)
            for r in outcome.learnt}


def _records(outcome: Outcome, changed: dict[str, list[str]],
             holdout: str | None) -> list[dict[str, Any]]:
    records = []
    for rule in outcome.learnt:
        extra = {"holdout": changed[rule.rule_id]} if holdout else {}
        records.append(record("learn", rule=rule.rule_id, pairs=list(rule.pairs),
                              match=list(rule.pattern.matches),
                              actions=list(rule.action.lines), refused=None, **extra))
    for refused in outcome.refused:
        records.append(record("learn", rule=None, pairs=list(refused.pairs), match=[],
                              actions=[], refused=f"{refused.what}: {refused.reason}"))
    records.append(summary_record(rules=len(outcome.learnt), refused=len(outcome.refused)))
    return records


def _report(outcome: Outcome, changed: dict[str, list[str]], holdout: list[Path],
            stream: TextIO) -> None:
    for rule in outcome.learnt:
        print(f"learnt {rule.rule_id} from {len(rule.pairs)} pair(s)", file=stream)
        if rule.rule_id in changed:
            files = changed[rule.rule_id]
            print(f"  holdout: changes {len(files)} of {len(holdout)} file(s)"
                  + "".join(f"\n    {f}" for f in files), file=stream)
    for refused in outcome.refused:
        print(f"not learnt: {refused.what} ({'; '.join(refused.pairs)}): {refused.reason}",
              file=stream)
