"""``exitdsl lsp``: the language server for ``.rules`` files, on stdin and stdout."""

from __future__ import annotations

import argparse
import importlib.util
from typing import TextIO

from .common import EXIT_OK, EXIT_USAGE, command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lsp = command(commands, "lsp", "run the language server for .rules files (stdio)",
                  "Serve the Language Server Protocol on stdin/stdout for .rules files, for an "
                  "editor to start: diagnostics as you type (the messages of `exitdsl check`), "
                  "completion, hover, go to definition, references, and quick fixes (a "
                  "did-you-mean; a test block's `after` updated as `exitdsl test --update` "
                  "would). Needs the lsp extra: pip install 'exitdsl[lsp]'. Set-up for VS "
                  "Code and Neovim: docs/editor.md.", exit_codes=False)
    lsp.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if importlib.util.find_spec("pygls") is None:
        print("exitdsl lsp: pygls is not installed; pip install 'exitdsl[lsp]'", file=err)
        return EXIT_USAGE
    from ..lsp.server import serve  # lazily: pygls is an optional dependency

    try:
        serve()
    except (OverflowError, ValueError) as exc:  # a header pygls cannot frame (found by attack:
        # `Content-Length: 99999999999999999999`): the stream cannot be trusted any more.
        print(f"exitdsl lsp: the client sent a message that cannot be framed ({exc}); "
              "stopping", file=err)
        return EXIT_USAGE
    return EXIT_OK
