"""The libcst driver: parse a snippet once, and perform located edits on it.

The snippet is the smallest run of whole lines holding the statements that change (see
chunks.py); each edit names an expression by its code range, and its action kind performs
it (exitdsl/actions/). Every other node is left as it is, so libcst regenerates every
other byte verbatim. libcst is imported lazily: files with nothing to change never load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from ..actions.edits import CstEdit, Range


@dataclass(frozen=True)
class ParsedSnippet:
    """A snippet parsed by libcst once, with each node's code range: libcst nodes are
    immutable, so one parse serves any number of rewrites (warm mutation)."""

    module: Any  # libcst.Module
    ranges: Mapping[Any, Range]  # libcst node -> its code range


def parse_snippet(snippet: str) -> ParsedSnippet:
    import libcst as cst

    module = cst.parse_module(snippet)
    return ParsedSnippet(module, {node: ((r.start.line, r.start.column), (r.end.line, r.end.column))
                                  for node, r in _positions(module).items()})


def _positions(module: Any) -> Mapping[Any, Any]:
    """Each node's code range, as ``MetadataWrapper.resolve(PositionProvider)`` computes it.

    The wrapper also runs a batched visit of the whole tree for batchable providers, none
    here, which costs a third of the parse; so the provider's own pass is called directly,
    and the public road is taken if a libcst release moves it (the test suite checks both
    give the same ranges).
    """
    from libcst.metadata import PositionProvider

    try:
        provider = PositionProvider()
        provider._gen_impl(module)
        return cast(Mapping[Any, Any], provider._computed)
    except Exception:  # a libcst whose internals moved
        return public_positions(module)


def public_positions(module: Any) -> Mapping[Any, Any]:
    """Each node's code range through libcst's public metadata API."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    return cast(Mapping[Any, Any],
                MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def rewrite_snippet(snippet: str | ParsedSnippet, edits: tuple[CstEdit, ...]) -> str:
    """Apply ``edits`` to ``snippet`` (valid Python) and return the new text.

    Raises ``LookupError`` if an edit's range does not name an expression node.
    """
    parsed = parse_snippet(snippet) if isinstance(snippet, str) else snippet
    by_range: dict[Range, list[CstEdit]] = {}
    for edit in edits:
        by_range.setdefault(edit.span, []).append(edit)
    transformer = _transformer_class()(by_range, parsed.ranges)
    new_module: Any = parsed.module.visit(transformer)
    missing = [e for e in edits if e.span not in transformer.applied]
    if missing:
        raise LookupError(f"no expression at {missing[0].span}")
    code: str = new_module.code
    return code


@lru_cache(maxsize=1)
def _transformer_class() -> type[Any]:
    """The transformer class, built once (libcst is imported only when first needed)."""
    import libcst as cst

    _OPEN_RANGES = (cst.FunctionDef, cst.ClassDef, cst.Param)

    class EditTransformer(cst.CSTTransformer):
        """Performs the edits at their ranges; leaves every other node as is."""

        def __init__(self, by_range: dict[Range, list[CstEdit]],
                     ranges: Mapping[Any, Range]) -> None:
            super().__init__()
            self.by_range = by_range
            self.ranges = ranges
            self.applied: set[Range] = set()

        def on_visit(self, node: cst.CSTNode) -> bool:
            # Only descend into nodes that hold an edit: the rest of the snippet is kept as is.
            # A def's or class's range starts at its keyword, below its decorators, and a
            # parameter's covers its name alone (not its annotation or default): always
            # look inside those.
            span = self.ranges.get(node)
            return span is None or isinstance(node, _OPEN_RANGES) \
                or any(span[0] <= start and end <= span[1] for start, end in self.by_range)

        def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
            if not isinstance(original_node, cst.BaseExpression):
                return updated_node
            key = self.ranges.get(original_node)
            if key is None or key not in self.by_range or key in self.applied:
                return updated_node
            self.applied.add(key)
            node: Any = updated_node
            for edit in self.by_range[key]:
                node = edit.kind.apply(edit, original_node, node, self.ranges.get)
            return node

    return EditTransformer
