"""The literal-swap fast path, and what it may prove differently from the full path.

A statement whose edits only swap number literals, at spans where libcst already rewrote
and the full pipeline already proved literals of the same signs (remembered per prepared
parent), is rewritten by splicing the new tokens into the old text. Each check of the
full path still holds, proved as :data:`PROOFS` says.
"""

from __future__ import annotations

from ..actions.base import Edit
from ..results import Change, Rejection
from ..planning.job import ChunkJob
from ..vocabulary.numbers import literal_number, number_token
from .checks import splice
from .ensure import ensure_holds

# For each check the full path runs, how the fast path proves it instead. This table is
# the one place that says which checks the fast path may run differently.
PROOFS = {
    "syntax": "the same spans of the same statement held literals of the same sign and "
              "parenthesisation in a result that parsed and compiled; a number token in "
              "place of a number token parses and compiles alike",
    "intent": "each new token is read back (number_token) and must equal the intended value",
    "confinement": "the output is the input with only the spans replaced (a splice)",
    "ensure": "evaluated, as on the full path, on the captures with the new values",
    "safety": "a number literal introduces no name, call or import",
}


def literal_swap_key(job: ChunkJob) -> tuple[object, ...] | None:
    """The cache key of a rewrite that only swaps number literals, else None. Within one
    prepared parent, (first line, length) names the statement's text."""
    edits = job.edits
    if not all(_swaps_literal(e) for e in edits):
        return None
    return ((job.first, len(job.text)), tuple(job.spans),
            tuple(e.text.startswith("-") for e in edits))


def _swaps_literal(edit: Edit) -> bool:
    return (edit.replaces and literal_number(edit.target) is not None
            and literal_number(edit.intended) is not None)


def swap_literals(job: ChunkJob, parenthesized: tuple[bool, ...]
                  ) -> tuple[str, list[Change], Rejection | None]:
    """Splice the new literals in; prove each token's meaning and the ``ensure`` clauses."""
    edits = job.edits
    texts = [f"({e.text})" if paren else e.text for e, paren in zip(edits, parenthesized)]
    for edit, text in zip(edits, texts):
        token, intended = number_token(text), literal_number(edit.intended)
        if type(token) is not type(intended) or token != intended:
            return job.text, [], job.reject(
                "intent", f"the token {text!r} does not mean the value intended", edit=edit)
    for planned in job.members:
        swapped = {id(e.target): e.intended for e in planned.edits}
        captures = {name: swapped.get(id(node), node)
                    for name, node in planned.site.captures.items()}
        problem = ensure_holds(planned.site.rule, captures)
        if problem is not None:
            return job.text, [], job.reject("ensure", problem, planned)
    return splice(job.text, job.spans, texts), job.changes(texts), None
