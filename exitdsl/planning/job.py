"""One chunk being rewritten: its text, where it sits in the file, and the planned edits
that fall in it. Shared by the libcst path, the fast path and the verifier pipeline."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..actions.edits import Edit
from ..results import Change, Rejection
from ..text.lines import LineIndex
from .plan import Planned, changes_of
from .prepare import Prepared


@dataclass(slots=True)
class ChunkJob:
    text: str  # the chunk, with "\n" for lone "\r" line breaks (libcst drops those)
    first: int  # the chunk's first line in the file
    prepared: Prepared
    members: list[Planned]
    seed: int
    splice: bool = True  # number-literal swaps without libcst (False: libcst, the reference)
    # id(node) -> its new value, for every node the whole run edits (not only this chunk's)
    values: Mapping[int, ast.expr] = field(default_factory=dict)
    lines: LineIndex = field(init=False)
    edits: list[Edit] = field(init=False)  # every member's, in order
    spans: list[tuple[int, int]] = field(init=False)  # each edit's, in the chunk

    def __post_init__(self) -> None:
        assert self.prepared.lines is not None
        self.lines = lines = self.prepared.lines
        self.edits = [e for p in self.members for e in p.edits]
        start = lines.starts[self.first - 1]
        self.spans = [(a - start, b - start) for p in self.members for a, b in p.spans]

    def reject(self, check: str, detail: str, planned: Planned | None = None,
               edit: Edit | None = None) -> Rejection:
        """A rejection located at ``planned``'s site (for its rule), else at ``edit`` or the
        first edit (for the chunk's first rule)."""
        if planned is not None:
            return Rejection(planned.site.rule.id, *self.lines.position(planned.site.node),
                             check, detail)
        target = (edit or self.edits[0]).target
        return Rejection(self.members[0].site.rule.id, *self.lines.position(target), check,
                         detail)

    def changes(self, new_texts: list[str] | tuple[str, ...]) -> list[Change]:
        return changes_of(self.text, self.spans, new_texts, self.members, self.lines, self.seed)
