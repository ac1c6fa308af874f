"""``exitdsl completion bash|zsh|tcsh``: a shell completion script, generated from the
command-line parser itself (by shtab), so it always knows every command and option."""

from __future__ import annotations

import argparse
from typing import TextIO

from .common import EXIT_OK, command

SHELLS = ("bash", "zsh", "tcsh")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    completion = command(commands, "completion", "print a shell completion script",
                         "Print a completion script for SHELL. bash: `exitdsl completion bash "
                         "> ~/.local/share/bash-completion/completions/exitdsl`; zsh: "
                         "`exitdsl completion zsh > \"${fpath[1]}/_exitdsl\"`.",
                         exit_codes=False)
    completion.add_argument("shell", choices=SHELLS, metavar="SHELL",
                            help=f"one of {', '.join(SHELLS)}")
    completion.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import shtab

    out.write(shtab.complete(args.build_parser(), shell=args.shell))
    return EXIT_OK
