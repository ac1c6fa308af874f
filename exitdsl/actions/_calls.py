"""What ``add`` and ``remove`` share: the call a pattern edits, found in rule and code."""

from __future__ import annotations

import ast

from ..errors import RuleError
from ..language.patterns import Pattern
from ..evaluation.templates import corresponding
from ..matching.sites import Site


def call_site(node: ast.AST) -> ast.Call | None:
    """The pattern's first call (the one ``add``/``remove`` edit), outside captures."""
    return next((sub for sub in ast.walk(node) if isinstance(sub, ast.Call)), None)


def require_calls(matches: tuple[Pattern, ...], verb: str, name: str) -> None:
    """Every match alternative must hold a call for the keyword to go into or out of."""
    for pattern in matches:
        if call_site(pattern.node) is None:
            raise RuleError(f"`{verb} {name}` needs a pattern with a call, such as `sim(...)`",
                            pattern.span)


def site_call(site: Site) -> ast.Call:
    """The call of the site's code that the pattern's first call matched."""
    call = corresponding(site, call_site, "call")
    assert isinstance(call, ast.Call)
    return call
