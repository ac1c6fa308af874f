"""The command line: :func:`main` (entry point ``exitdsl``), one module per command."""

from .main import main

__all__ = ["main"]
