"""The ``exitdsl`` command line: global options, then one module per command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import ExitdslError
from ..io.colour import enabled as colour_enabled
from ..io.colour import problem
from ..io.logs import configure as configure_logging
from . import (apply, behave, check, completion, docs, explain, learn, lsp, mutate, rules,
               test, verify)
from .common import (EXIT_BROKEN_PIPE, EXIT_CODES, EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE,
                     add_global_options)

COMMANDS = (apply, check, test, verify, explain, docs, rules, mutate, behave, learn, lsp,
            completion)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exitdsl",
        description="Declarative, verified exit mutations for trading-strategy source code.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-V", "--version", action="version", version=f"exitdsl {__version__}")
    add_global_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(commands)
    parser.set_defaults(build_parser=build_parser)  # for `completion`, without an import cycle
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure ends as one line on stderr and a documented code."""
    _never_fail_to_print()
    args = build_parser().parse_args(argv)
    configure_logging(log_level(args), args.log_format or "text",
                      colour_enabled(args.color, sys.stderr))
    try:
        status: int = args.run(args, sys.stdout, sys.stderr)
        return status
    except ExitdslError as exc:  # a rule file, config or usage problem found before any work
        rendered = exc.render()
        if colour_enabled(args.color, sys.stderr):
            first, _, rest = rendered.partition("\n")
            rendered = problem(first) + ("\n" + rest if rest else "")
        print(rendered, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("exitdsl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`exitdsl apply | head`): stop quietly, as other CLIs do.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # an output that cannot be written (a file where a folder goes)
        print(f"exitdsl: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a bug: one line, never a traceback
        print(f"exitdsl: internal error: {type(exc).__name__}: {exc} (please report this, "
              "with the command and input that caused it)", file=sys.stderr)
        return EXIT_INTERNAL


def log_level(args: argparse.Namespace) -> str:
    """``--log-level`` if given, else what ``-v`` / ``-vv`` say, else warning (``-q``
    keeps warnings: they say why a run did less than asked)."""
    if args.log_level:
        return str(args.log_level)
    return {None: "warning", 0: "warning", 1: "info"}.get(args.verbose, "debug")


def _never_fail_to_print() -> None:
    """A terminal or pipe that cannot encode a character (``PYTHONIOENCODING=ascii``) gets
    an escape for it, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") \
                not in ("utf8", "utf8sig"):
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush does not fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
