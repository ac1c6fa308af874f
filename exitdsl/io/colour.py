"""Colour on terminals: whether to use it (``--color``, ``NO_COLOR``, ``FORCE_COLOR``) and
the few styles exitdsl uses (diffs as git shows them, locations in bold, problems in red)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TextIO

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
CYAN = "\x1b[36m"

_LOCATION = re.compile(r"^([^\s:][^:\n]*:\d+:\d+:)")


def enabled(choice: str | None, stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """``always``/``never`` as said; ``auto``: ``FORCE_COLOR`` (non-empty) forces colour,
    ``NO_COLOR`` (non-empty, no-color.org) refuses it, else a terminal that is not dumb."""
    if choice in ("always", "never"):
        return choice == "always"
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("TERM") != "dumb"


def paint(text: str, style: str) -> str:
    return f"{style}{text}{RESET}"


def diff(text: str) -> str:
    """A unified diff with headers bold, hunk marks cyan, removals red, additions green."""
    styled = []
    for line in text.splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith(("--- ", "+++ ")):
            body = paint(body, BOLD)
        elif line.startswith("@@"):
            body = paint(body, CYAN)
        elif line.startswith("-"):
            body = paint(body, RED)
        elif line.startswith("+"):
            body = paint(body, GREEN)
        styled.append(body + end)
    return "".join(styled)


def problem(message: str) -> str:
    """A ``path:line:col: message`` line with its location in bold and the rest in red."""
    found = _LOCATION.match(message)
    if found is None:
        return paint(message, RED)
    return paint(found[1], BOLD) + paint(message[found.end():], RED)
