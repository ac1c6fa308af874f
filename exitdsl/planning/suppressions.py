"""Inline suppression: ``# exitdsl: ignore`` keeps a line out of every rule,
``# exitdsl: ignore[finlab.stop_loss.jitter, take_profit.jitter]`` out of the rules named
(a full id, a rule's own name, or an id's leading part: ``finlab`` for the whole rule set).
Like ruff's ``# noqa``: the comment stands on a line of the site, or on the first line of its
statement. A suppressed site is reported as skipped, with the comment's line."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Mapping

from ..language.compiled import CompiledRule
from ..matching.sites import Site

# `ignore` then the end, a space or `[ids]`: `ignore-this` or an unclosed `ignore[x` is no
# suppression (a typo must not silence every rule).
_COMMENT = re.compile(r"#\s*exitdsl:\s*ignore(?:\[([^\]]*)\])?(?=\s|$)")

Table = Mapping[int, "frozenset[str] | None"]  # line -> the rules named (None: all)


def suppressions(source: str) -> Table:
    """The suppression comments of ``source`` by line; only comments count, never text in
    a string (most files have none: one substring test decides)."""
    if "exitdsl:" not in source:
        return {}
    table: dict[int, frozenset[str] | None] = {}
    try:
        # CR-only line breaks are line breaks to the parser, not to readline.
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found = _COMMENT.search(token.string)
                if found:
                    named = found[1]
                    table[token.start[0]] = None if named is None else frozenset(
                        n.strip() for n in named.split(",") if n.strip())
    except (tokenize.TokenError, SyntaxError):  # the parser has accepted it: not expected
        return table
    return table


def suppressed(site: Site, table: Table) -> str | None:
    """Why ``site`` is left alone by a comment, or None."""
    node, statement = site.node, site.statement
    first = getattr(node, "lineno", statement.lineno)
    last = getattr(node, "end_lineno", None) or first
    for line in (statement.lineno, *range(first, last + 1)):
        if line in table:
            named = table[line]
            if named is None:
                return f"suppressed by `# exitdsl: ignore` on line {line}"
            if _names(site.rule, named):
                return f"suppressed by `# exitdsl: ignore[...]` on line {line}"
    return None


def _names(rule: CompiledRule, named: frozenset[str]) -> bool:
    return rule.source.name in named or any(
        rule.id == name or rule.id.startswith(name + ".") for name in named)
