"""What the commands share: exit codes, rule selection options, loading the rules."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import RuleError, UsageError
from ..io.discover import DEFAULT_EXCLUDE, Exclusions, Target
from ..io.resources import CONFIG_NAME, default_rule_files, rule_path, shipped_rule_file
from ..vocabulary.tiers import TIERS

if TYPE_CHECKING:
    from ..compiler.config import Config
    from ..compiler.ruleset import RuleSet

EXIT_OK = 0
EXIT_CHANGES = 1  # --check: something would change; verify/test: a rejection or failure
EXIT_USAGE = 2  # bad arguments or a rule file with errors
EXIT_INPUT = 3  # some strategy file could not be processed (others were)
EXIT_REJECTED = 4  # some rewrite failed verification and was not written
EXIT_INTERNAL = 70  # a bug in exitdsl (EX_SOFTWARE): reported in one line, please report it
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE, as other CLIs)

EXIT_CODES = """exit codes:
  0  success (with --check: nothing would change)
  1  --check: some file would change; test/verify: a case failed or a rewrite was rejected;
     learn: nothing general reproduces the pairs
  2  usage error or a rule file with errors (nothing was processed)
  3  some strategy file could not be read, parsed or written (reported; the others were
     processed), or an output could not be written
  4  some rewrite failed verification and was not written (reported; see docs/verifier.md)
 70  internal error in exitdsl (one line on stderr; please report it)
130  interrupted (Ctrl-C)
141  the reader of the output went away (e.g. `| head`); output stops quietly"""


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 and at most a day (``nan``,
    ``inf`` and ``1e12`` are usage errors, not internal ones)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 86_400:  # also false for nan
        raise argparse.ArgumentTypeError(f"{text}: expected seconds above 0, at most 86400")
    return value


def add_isolation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-isolation", dest="isolated", action="store_false",
                        help="UNSAFE: run strategy code without the operating-system boundary "
                             "(bubblewrap namespaces and seccomp), with the in-process guard "
                             "only, where the boundary is missing (docs/safety.md)")


def add_global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """Options every command takes, before or after its name (``default`` is SUPPRESS on
    a subcommand, so that a value given before the name is not overwritten)."""
    parser.add_argument("--log-format", choices=("text", "json"), default=default,
                        help="format of log records on stderr (default text)")
    parser.add_argument("--log-level", default=default,
                        choices=("debug", "info", "warning", "error"),
                        help="log level (default warning; info logs each mutation)")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="no progress display and no summary (warnings and errors stay)")
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="say more: -v logs the config and rules used (info), -vv debug")
    parser.add_argument("--color", "--colour", choices=("auto", "always", "never"),
                        default=default, help="colour diffs and messages: auto (default: on "
                        "a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)")


def command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
            help: str, description: str, *, exit_codes: bool = True) -> argparse.ArgumentParser:
    """A subcommand's parser, with the exit codes in its help where they apply."""
    if exit_codes:
        parser = commands.add_parser(name, help=help, description=description,
                                     epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    else:
        parser = commands.add_parser(name, help=help, description=description)
    add_global_options(parser, argparse.SUPPRESS)
    return parser


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-r", "--rules", action="append", metavar="RULES", default=[],
                        help="rule file or directory (repeatable); a bare name such as "
                             "'finlab' means the shipped rules/finlab.rules; default: all "
                             "shipped rules")
    parser.add_argument("--rule", action="append", metavar="ID", default=[],
                        help="only this rule (ruleset.rule or rule name; repeatable)")
    parser.add_argument("--tier", action="append", default=[], choices=TIERS,
                        help="only rules of this tier (repeatable)")
    parser.add_argument("--allow-include-anywhere", action="store_true",
                        help="let rule files include (`use`) .rules files outside their own "
                             "folder tree and the shipped rules")
    parser.add_argument("--config", metavar="FILE",
                        help="config file (YAML, or pyproject.toml with [tool.exitdsl]); "
                             f"default: the nearest {CONFIG_NAME}, exitdsl.yml or pyproject.toml "
                             "with [tool.exitdsl], from the first PATH upward")


def add_discovery_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                        help="leave out files and folders matching this gitignore-style "
                             "pattern, instead of the defaults (hidden folders, venv, build, "
                             "dist, ...; repeatable)")
    parser.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERN",
                        help="leave these out too, keeping the defaults (repeatable)")
    parser.add_argument("--no-ignore", action="store_true",
                        help="process files that .gitignore files ignore")


def exclusions(args: argparse.Namespace, config: Config) -> Exclusions:
    """What discovery leaves out: the options, else the config, else the defaults."""
    patterns = tuple(args.exclude) if args.exclude else (
        config.exclude if config.exclude is not None else DEFAULT_EXCLUDE)
    return Exclusions(patterns, config.respect_gitignore and not args.no_ignore).extended(
        (*config.extend_exclude, *args.extend_exclude))


def resolve_rule_paths(names: Sequence[str]) -> list[Path]:
    """Rule arguments as paths; no argument means every shipped rule file. A local path
    named like a shipped rule set wins, with a warning (a `finlab/` folder in a finlab
    project would otherwise silently replace the shipped rules)."""
    if not names:
        return default_rule_files()
    paths = []
    for name in names:
        path = rule_path(name)
        if path == Path(name) and shipped_rule_file(name) is not None:
            logging.getLogger("exitdsl").warning(
                "-r %s is the local path %s, not the shipped %s rules", name, path, name)
        paths.append(path)
    return paths


def project_rule_paths(names: Sequence[str]) -> list[Path]:
    """Rule arguments as paths; none means the project's rules (the ``rules`` of the config
    found from the working directory), else every shipped rule file."""
    if names:
        return resolve_rule_paths(names)
    from ..compiler.config import find_config

    config = find_config(None)
    if config.rules:
        logging.getLogger("exitdsl").info("rules: the config's (%s)", config.path)
    return config_rule_paths(config, anywhere=None)


def config_rule_paths(config: Config, anywhere: bool | None) -> list[Path]:
    """The config's ``rules`` as paths (every shipped rule file when it names none); an
    entry that leads out of the config's folder is refused unless ``anywhere`` (None: the
    command has no --allow-include-anywhere to offer)."""
    if config.rules_outside and not anywhere:
        name, span = config.rules_outside[0]
        hint = "" if anywhere is None else " (--allow-include-anywhere to allow it)"
        raise RuleError(f"the config's rules entry {name!r} leads out of the config's "
                        f"folder{hint}", span)
    return resolve_rule_paths(list(config.rules))


def load_selected(args: argparse.Namespace) -> RuleSet:
    """The rules a command runs: ``-r`` (else the config's ``rules``, else every shipped
    rule file), narrowed by ``--rule`` and ``--tier`` (else the config's ``tiers``)."""
    from ..compiler.config import find_config
    from ..compiler.ruleset import load_rules

    paths_given = [p for p in getattr(args, "paths", None) or [] if p != "-"]
    config = find_config(args.config, Path(paths_given[0]) if paths_given else None)
    log = logging.getLogger("exitdsl")
    log.info("config: %s", config.path or "none found (defaults)")
    paths = resolve_rule_paths(args.rules) if args.rules else \
        config_rule_paths(config, args.allow_include_anywhere)
    rules = load_rules(paths, config, include_anywhere=args.allow_include_anywhere)
    log.info("rules: %d from %s", len(rules.rules), ", ".join(map(str, paths)))
    if not rules.rules:
        raise UsageError(f"no rule loaded from {', '.join(map(str, paths))}")
    unknown = [r for r in args.rule if not any(r in (x.id, x.source.name) for x in rules.rules)]
    if unknown:
        from ..language.suggest import did_you_mean

        names = sorted({x.id for x in rules.rules} | {x.source.name for x in rules.rules})
        hint = did_you_mean(unknown[0], names).strip()[1:-1]  # without its parentheses
        raise RuleError(f"no rule named {unknown[0]!r} ({hint + '; ' if hint else ''}"
                        "see `exitdsl check`)")
    selected = rules.select(args.rule, args.tier or list(config.tiers))
    if not selected.rules:
        raise UsageError("no rule is both named by --rule and of a --tier given")
    return selected


def run_seed(args: argparse.Namespace, rules: RuleSet) -> int:
    """``--seed``, else the config's seed, else 0."""
    return int(args.seed) if args.seed is not None else (rules.config.seed or 0)


def out_beside_inputs(out: Path, paths: Sequence[str]) -> None:
    """Refuse an output folder that holds an input: writing there would replace the input
    without the in-place safeguards (locks, link and owner checks)."""
    home = out.resolve()
    for path in paths:
        if path != "-" and Path(path).resolve().is_relative_to(home):
            raise UsageError(f"--out {out} holds the input {path}; use --in-place to rewrite "
                             "files where they are")


def outside(out: Path | None, found: Iterable[Target | str], err: TextIO
            ) -> tuple[list[Target], int]:
    """The discovered files that are not under ``out`` (an output folder inside an input
    tree must not feed a re-run), and how many problems were reported on ``err``."""
    home = out.resolve() if out is not None else None
    targets, problems = [], 0
    for target in found:
        if isinstance(target, str):
            print(f"exitdsl: {target}", file=err)
            problems += 1
        elif home is None or not target.path.resolve().is_relative_to(home):
            targets.append(target)
    return targets, problems


def colliding(targets: Sequence[Target], destination: Callable[[Target], Path]) -> None:
    """Refuse a run where two inputs would be written to one output."""
    taken: dict[Path, Target] = {}
    for target in targets:
        where = destination(target)
        if where in taken:
            raise UsageError(f"{taken[where].path} and {target.path} would both be written to "
                             f"{where} under the output folder; give them separately")
        taken[where] = target
