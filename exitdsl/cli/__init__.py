"""The command line: :func:`main` (entry point ``exitdsl``), one module per command."""

from .app import main

__all__ = ["main"]
