"""The ``exitdsl`` command line: global options, then one module per command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import RuleError
from ..io.logs import configure as configure_logging
from . import apply, check, docs, mutate, test, verify
from .common import EXIT_CODES, EXIT_USAGE

COMMANDS = (apply, check, test, verify, docs, mutate)


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
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level, args.log_format)
    try:
        status: int = args.run(args, sys.stdout, sys.stderr)
        return status
    except RuleError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("exitdsl: interrupted", file=sys.stderr)
        return 130
