"""Hover: a function's forms and description (the registry's, as docs/dsl.md says it), a
bound's range (a choices' values, a map's table) with its line's comment, a keyword's
forms from the grammar and an action's description from its module."""

from __future__ import annotations

from lsprotocol import types

from ..vocabulary.functions import FUNCTIONS, PREDICATES
from .analysis import Analysis
from .completion import enclosing, forms, function_doc
from .diagnostics import lsp_range
from .keywords import keywords
from .symbols import declarations, note, summary
from .text import Place, word_at


def hover(analysis: Analysis, line: int, col: int) -> types.Hover | None:
    text = analysis.lines[line] if line < len(analysis.lines) else ""
    found = word_at(text, col)
    if found is None:
        return None
    start, end, word = found
    value = _about(analysis, word, text[end:].lstrip().startswith("("), line)
    if value is None:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, value),
                       lsp_range(Place(line, start, end), analysis.lines))


def _about(analysis: Analysis, word: str, called: bool, line: int) -> str | None:
    if called and word in {*FUNCTIONS, *PREDICATES}:
        return _block(forms(word)) + function_doc(word)
    for declaration in declarations(analysis.files):
        if declaration.name == word:
            comment = note(declaration)
            return _block([summary(declaration)]) + comment
    place = enclosing(analysis.lines, line) or "top"
    for keyword in keywords(place):
        if keyword.word == word:
            return _block(list(keyword.forms)) + keyword.doc
    return None


def _block(lines: list[str]) -> str:
    return "```exitdsl\n" + "\n".join(lines) + "\n```\n\n"
