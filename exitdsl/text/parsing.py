"""Strategy text parsed with CPython's ``ast``, quietly: strategies are data here."""

from __future__ import annotations

import ast
import warnings


def quiet_parse(code: str, path: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse`` without the SyntaxWarnings CPython prints for odd but valid code
    (``1()``, invalid escapes): strategies are data here, not our messages to print."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(code, filename=path, mode=mode)


def parses(code: str) -> ast.Module | str:
    """The module, or the syntax error's message."""
    try:
        tree = quiet_parse(code)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    assert isinstance(tree, ast.Module)
    return tree
