"""Go to definition and find references: bounds, choices and maps (across includes), a
rule's captures (bound by its match and context patterns), the file of a ``use``, and the
rule a test names."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..errors import Span
from ..language import ir
from .analysis import Analysis
from .diagnostics import lsp_range
from .symbols import Occurrence, captures, declarations, item_at, uses_of
from .text import Place, place_of, word_at


def definition(analysis: Analysis, line: int, col: int) -> list[types.Location]:
    target = _target(analysis, line, col)
    if target is None:
        return []
    kind, name = target
    if kind == "use":
        path = (analysis.path.parent / name).resolve()
        return [types.Location(path.as_uri(), lsp_range(Place(0, 0, 0), [""]))] \
            if path.is_file() else []
    if kind == "capture":
        return [_here(analysis, o.place) for o in _captures(analysis, line)
                if o.name == name and o.binds]
    if kind == "rule" and analysis.rule_file is not None:
        return [_at(analysis, analysis.path, r.span) for r in analysis.rule_file.rules
                if r.name == name]
    return [_at(analysis, d.path, d.span) for d in declarations(analysis.files) if d.name == name]


def references(analysis: Analysis, line: int, col: int, declaration: bool
               ) -> list[types.Location]:
    target = _target(analysis, line, col)
    if target is None:
        return []
    kind, name = target
    if kind == "capture":
        return [_here(analysis, o.place) for o in _captures(analysis, line)
                if o.name == name and (declaration or not o.binds)]
    if kind != "name":
        return []
    found = [_at(analysis, d.path, d.span) for d in declarations(analysis.files)
             if d.name == name] if declaration else []
    for path, rule_file in analysis.files.items():
        found += [_at(analysis, path, span) for span in uses_of(rule_file, name)]
    return found


def _target(analysis: Analysis, line: int, col: int) -> tuple[str, str] | None:
    """What is at the cursor: a ``use`` path, a capture, a tested rule or a name."""
    if analysis.rule_file is None:
        return None
    for use in analysis.rule_file.uses:
        place = place_of(use.span, analysis.lines)
        if place.line == line and place.start <= col <= place.end:
            return ("use", use.path)
    found = word_at(analysis.lines[line] if line < len(analysis.lines) else "", col)
    if found is None:
        return None
    word = found[2]
    if word.startswith("$"):
        return ("capture", word[1:])
    item = item_at(analysis.rule_file, line)
    if isinstance(item, ir.RuleTest) and item.span.line - 1 == line:
        return ("rule", word)
    return ("name", word)


def _captures(analysis: Analysis, line: int) -> list[Occurrence]:
    assert analysis.rule_file is not None
    item = item_at(analysis.rule_file, line)
    return captures(item, analysis.text) if isinstance(item, (ir.Rule, ir.Invariant)) else []


def _here(analysis: Analysis, place: Place) -> types.Location:
    return types.Location(analysis.path.resolve().as_uri(), lsp_range(place, analysis.lines))


def _at(analysis: Analysis, path: Path, span: Span) -> types.Location:
    rule_file = analysis.files.get(path.resolve())
    lines = (rule_file.text if rule_file is not None else analysis.text).split("\n")
    return types.Location(path.resolve().as_uri(), lsp_range(place_of(span, lines), lines))
