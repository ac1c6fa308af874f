"""Unified diffs of plain text, as ``diff -u`` and git print them."""

from __future__ import annotations

import difflib

from .printable import quoted_path


def unified_diff(path: str, old: str, new: str) -> str:
    """A ``diff -u`` from ``old`` to ``new`` with git's ``a/``, ``b/`` names, marking a
    missing final newline like git does. Line endings inside lines are kept as they are; a
    name with a control character, a quote or a backslash is quoted as git quotes it."""
    name = path.lstrip("/")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 quoted_path(f"a/{name}"), quoted_path(f"b/{name}"))
    return "".join(line if line.endswith(("\n", "\r"))
                   else line + "\n\\ No newline at end of file\n" for line in lines)
