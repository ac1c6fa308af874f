"""The literal-swap fast path, and what it may prove differently from the full path.

A statement whose edits only swap number literals, at spans where libcst already rewrote
and the full pipeline already proved literals of the same signs (remembered per prepared
parent), is rewritten by splicing the new tokens into the old text. Each check of the
full path still holds, proved as its registry entry's ``fast`` says (verify/checklist.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..actions.edits import Edit
from ..planning.job import ChunkJob
from ..results import Change, Rejection
from .checks import splice
from .pipeline import verify_swap
from .registry import Check, fast_path_allowed

def literal_swap_key(job: ChunkJob, checks: Sequence[Check]) -> tuple[object, ...] | None:
    """The cache key of a rewrite that only swaps number literals, else None (also when a
    registered check cannot be proved on the fast path). Within one prepared parent,
    (first line, length) names the statement's text."""
    edits = job.edits
    if not all(_swaps_literal(e) for e in edits) or not fast_path_allowed(checks):
        return None
    return ((job.first, len(job.text)), tuple(job.spans),
            tuple(e.text.startswith("-") for e in edits))


def _swaps_literal(edit: Edit) -> bool:
    return edit.swaps_number()


def swap_literals(job: ChunkJob, parenthesized: tuple[bool, ...], checks: Sequence[Check]
                  ) -> tuple[str, list[Change], Rejection | None]:
    """Splice the new literals in; each check of the registry proved the fast path's way."""
    texts = tuple(f"({e.text})" if paren else e.text
                  for e, paren in zip(job.edits, parenthesized))
    new_chunk = splice(job.text, job.spans, list(texts))
    rejection = verify_swap(job, new_chunk, texts, checks)
    if rejection is not None:
        return job.text, [], rejection
    return new_chunk, job.changes(texts), None
