"""From a rule's templates and a site's captures to new code: as an ``ast`` (the intent the
verifier checks against) and as text (what libcst is given), and back to the site's nodes."""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable

from ..errors import SiteSkipped
from ..language.patterns import Pattern, capture_name
from ..matching.match import Captured, Captures, follow, match, path_to
from ..matching.sites import Site
from ..text.parsing import quiet_parse
from ..text.lines import LineIndex


def expression(node: Captured, name: str) -> ast.expr:
    """The captured node as an expression, or a skip: identifiers cannot be rewritten."""
    if not isinstance(node, ast.expr):
        raise SiteSkipped(f"${name} is a name, not an expression")
    return node


def atomic(text: str) -> bool:
    """Is ``text`` a name, a dotted name or a number: never in need of parentheses?"""
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*|\d[\d_.eE]*", text.strip()) is not None


def parse_expression(text: str) -> ast.expr:
    tree = quiet_parse(text, mode="eval")
    assert isinstance(tree, ast.Expression)
    return tree.body


class _Fill(ast.NodeTransformer):
    def __init__(self, captures: Captures) -> None:
        self.captures = captures

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name = capture_name(node.id)
        if name is None:
            return node
        value = self.captures[name]
        return ast.Name(value, ast.Load()) if isinstance(value, str) else copy.deepcopy(value)


def substitute(template: Pattern, captures: Captures) -> ast.expr:
    """The template's ``ast`` with each ``$x`` replaced by a copy of what ``$x`` captured."""
    result = _Fill(captures).visit(copy.deepcopy(template.node))
    assert isinstance(result, ast.expr)
    return result


def template_text(template: str, captures: Captures, lines: LineIndex) -> str:
    """The template's text with each ``$x`` replaced by the captured code as written
    (parenthesised unless it is atomic or binds tighter than any operator)."""
    def fill(m: re.Match[str]) -> str:
        value = captures[m.group(1)]
        if isinstance(value, str):
            return value
        text = lines.segment(value)
        return text if atomic(text) or isinstance(value, (ast.Name, ast.Attribute, ast.Call,
                                                          ast.Subscript, ast.Constant)) \
            else f"({text})"

    return re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", fill, template.strip())


def corresponding(site: Site, find: Callable[[ast.AST], ast.AST | None], what: str) -> ast.expr:
    """The node of the site's code that sits where ``find`` points in the matching pattern."""
    for pattern in site.rule.matches:
        wanted = find(pattern.node)
        if wanted is None or not match(pattern.node, site.node, {}):
            continue
        path = path_to(pattern.node, wanted)
        found = follow(pattern.node, site.node, path) if path is not None else None
        if isinstance(found, ast.expr):
            return found
    raise SiteSkipped(f"cannot locate the {what} of this site")
