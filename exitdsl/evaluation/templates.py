"""From a rule's templates and a site's captures to new code: as an ``ast`` (the intent the
verifier checks against) and as text (what libcst is given), and back to the site's nodes."""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable

from ..errors import SiteSkipped
from ..language.patterns import Pattern, capture_name
from ..matching.captures import Captured, Captures
from ..matching.match import follow, match, path_to
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


_CAPTURE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*|0)")


def template_text(template: Pattern, captures: Captures, lines: LineIndex) -> str:
    """The template's text with each ``$x`` (``$0``: the whole match) replaced by the
    captured code as written, parenthesised only where precedence needs it: a capture
    keeps parentheses only if the text without them would parse to another tree than
    the template means (``$a <= $b`` with ``stop_level * 0.9`` needs none)."""
    text = template.text.strip()
    slots = list(_CAPTURE.finditer(text))
    written: list[str] = []
    bare: list[bool] = []
    for slot in slots:
        value = captures[slot.group(1)]
        code = value if isinstance(value, str) else lines.segment(value)
        written.append(code)
        bare.append(isinstance(value, str) or atomic(code) or isinstance(
            value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)))
    intended = ast.dump(substitute(template, captures), include_attributes=False)
    if all(bare):
        filled = _filled(text, slots, written, bare)
        if _means(filled) == intended:
            return filled
        # `$a.real` with 1: a literal needs its parentheses before an attribute
        bare = [isinstance(captures[s.group(1)], (str, ast.Name)) for s in slots]
    for i, needed in enumerate(bare):
        if needed:
            continue
        bare[i] = True  # try this capture bare; keep it so if the meaning holds
        bare[i] = _means(_filled(text, slots, written, bare)) == intended
    return _filled(text, slots, written, bare)


def _means(code: str) -> str:
    """The ``ast`` of an expression's text, dumped ("" when it does not parse)."""
    try:
        return ast.dump(parse_expression(code))
    except (SyntaxError, ValueError, RecursionError):
        return ""


def _filled(text: str, slots: list[re.Match[str]], written: list[str], bare: list[bool]) -> str:
    pieces, position = [], 0
    for slot, code, plain in zip(slots, written, bare):
        pieces += [text[position:slot.start()], code if plain else f"({code})"]
        position = slot.end()
    return "".join(pieces) + text[position:]


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
