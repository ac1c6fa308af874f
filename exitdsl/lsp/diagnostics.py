"""The compiler's errors as diagnostics: its messages and spans, unchanged. An error in an
included file is shown at the ``use`` that brings it in, in the CLI's ``path:line:col:``
form, and points at its own place."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..errors import RuleError
from .analysis import Analysis
from .text import Place, place_of, utf16

SOURCE = "exitdsl"


def lsp_range(place: Place, lines: list[str]) -> types.Range:
    text = lines[place.line] if 0 <= place.line < len(lines) else ""
    return types.Range(types.Position(place.line, utf16(text, place.start)),
                       types.Position(place.line, utf16(text, place.end)))


def error_place(error: RuleError, analysis: Analysis) -> Place | None:
    """Where ``error`` is in the document; None when it is in another file."""
    span = error.span
    if span is None:
        return Place(0, 0, 0)
    if Path(span.path).resolve() != analysis.path.resolve():
        return None
    return place_of(span, analysis.lines)


def diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
    found = []
    for error in analysis.errors:
        place = error_place(error, analysis)
        message, related = error.message, None
        if place is None:
            place, message = _use_leading_to(error, analysis), error.one_line()
            related = _elsewhere(error)
        data = {"suggestion": error.suggestion} if error.suggestion else None
        found.append(types.Diagnostic(lsp_range(place, analysis.lines), message,
                                      severity=types.DiagnosticSeverity.Error, source=SOURCE,
                                      related_information=related, data=data))
    return found


def _use_leading_to(error: RuleError, analysis: Analysis) -> Place:
    """The ``use`` of the document whose include tree holds the file of ``error``."""
    uses = analysis.rule_file.uses if analysis.rule_file else ()
    target = Path(error.span.path).resolve() if error.span else None
    for use in uses:
        if (analysis.path.parent / use.path).resolve() == target:
            return place_of(use.span, analysis.lines)
    return place_of(uses[0].span, analysis.lines) if uses else Place(0, 0, 0)


def _elsewhere(error: RuleError) -> list[types.DiagnosticRelatedInformation] | None:
    span = error.span
    if span is None:
        return None
    place = place_of(span, [span.source_line] * span.line)
    where = types.Location(Path(span.path).resolve().as_uri(),
                           lsp_range(place, [span.source_line] * span.line))
    return [types.DiagnosticRelatedInformation(where, error.message)]
