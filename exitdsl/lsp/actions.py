"""Code actions: apply the did-you-mean an error carries (``RuleError.suggestion``), and run
a test block and rewrite its ``after`` with the rule's output (what ``exitdsl test
--update`` computes, for that block alone, on the unsaved text)."""

from __future__ import annotations

from lsprotocol import types

from ..language import ir
from ..ruletest.blocks import expectation_edits
from .analysis import Analysis
from .diagnostics import SOURCE, error_place, lsp_range
from .symbols import item_at
from .text import utf16


def code_actions(analysis: Analysis, uri: str, wanted: types.Range) -> list[types.CodeAction]:
    return [*_suggestions(analysis, uri, wanted), *_update_after(analysis, uri, wanted)]


def _suggestions(analysis: Analysis, uri: str, wanted: types.Range) -> list[types.CodeAction]:
    found = []
    for error in analysis.errors:
        place = error_place(error, analysis)
        if error.suggestion is None or place is None \
                or not wanted.start.line <= place.line <= wanted.end.line:
            continue
        where = lsp_range(place, analysis.lines)
        old = analysis.lines[place.line][place.start:place.end]
        diagnostic = types.Diagnostic(where, error.message, types.DiagnosticSeverity.Error,
                                      source=SOURCE)
        found.append(types.CodeAction(
            f"Change '{old}' to '{error.suggestion}'", kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic], is_preferred=True,
            edit=types.WorkspaceEdit({uri: [types.TextEdit(where, error.suggestion)]})))
    return found


def _update_after(analysis: Analysis, uri: str, wanted: types.Range) -> list[types.CodeAction]:
    item = item_at(analysis.rule_file, wanted.start.line) if analysis.rule_file else None
    if not isinstance(item, ir.RuleTest) or item.after is None or analysis.rules is None:
        return []
    edits = expectation_edits(analysis.rules, analysis.text, analysis.path, item.span.line)
    return [types.CodeAction(
        f"Run test {item.rule} and update its `after`", kind=types.CodeActionKind.QuickFix,
        edit=types.WorkspaceEdit({uri: [types.TextEdit(_range(analysis.text, start, end), block)
                                        for start, end, block in edits]}))] if edits else []


def _range(text: str, start: int, end: int) -> types.Range:
    return types.Range(_position(text, start), _position(text, end))


def _position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    line_text = text[line_start:text.find("\n", offset) if "\n" in text[offset:] else len(text)]
    return types.Position(line, utf16(line_text, offset - line_start))

