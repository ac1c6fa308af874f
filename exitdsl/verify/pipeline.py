"""The order in which a rewritten statement is proved, and the whole-file checks.

On the libcst path (rewriting/statement.py) a statement passes, in this order:

1. ``syntax``: the snippet parses before and after (and libcst accepts it);
2. ``intent``: the new statement's ``ast`` equals the planned intent (``ast`` of the old
   statement with each target replaced by its edit's intended tree);
3. ``confinement``: outside the targeted spans, not one byte changed, and every comment
   still follows the code it followed (inside a rewritten call too);
4. ``syntax``: each new expression compiles alone (``f(a=1, a=2)`` parses but cannot run);
5. ``safety``: nothing unsafe was introduced;
6. ``ensure``: each rule's postconditions hold on the re-matched site.

When an edit renames a plain name, the whole new file is then checked for ``bindings``
(bindings.py): no name is left used but bound by nothing.

The fast path (fast_path.py) proves the same facts differently, as its ``PROOFS`` say.
``--verify full`` adds :func:`verify_whole` on the new file.
"""

from __future__ import annotations

import ast

from ..results import Rejection
from ..planning.job import ChunkJob
from ..text.parsing import parses
from .checks import comments_kept, compiles, compiles_expressions, confined
from .ensure import ensure_after
from ..policy.safety import by_position, introduced, names_used, unsafe


def verify_statement(job: ChunkJob, new_chunk: str, new_tree: ast.Module, shift: int
                     ) -> tuple[tuple[str, ...], Rejection | None]:
    """Steps 3–6 for a chunk libcst rewrote (steps 1–2 passed): the new text of each
    targeted span, or the first rejection."""
    confinement = confined(job.text, new_chunk, job.spans)
    if confinement.changed_at is not None:
        lines = job.lines
        offset = lines.starts[job.first - 1] + confinement.changed_at
        line = lines.line_of(offset)
        col = offset - lines.starts[line - 1] + 1
        return (), job.reject("confinement", f"bytes outside the targeted spans changed, at "
                                             f"line {line}, col {col}")
    replaced = [i for i, e in enumerate(job.edits) if e.replaces]
    new_spans = _new_spans(job.spans, confinement.texts)
    inserted = [new_spans[i] for i, e in enumerate(job.edits) if e.inserts is not None]
    moved = comments_kept(job.text, new_chunk, [job.spans[i] for i in replaced],
                          [new_spans[i] for i in replaced], inserted)
    if moved is not None:
        return (), job.reject("confinement", moved)
    edits = job.edits
    problem = compiles_expressions(e.intended for e in edits)
    if problem is not None:
        return (), job.reject("syntax", problem)
    problem = _safety(job)
    if problem is not None:
        return (), job.reject("safety", problem)

    edited = {id(e.target) for e in edits}
    for planned in job.members:
        problem = ensure_after(planned, new_tree, shift, edited)
        if problem is not None:
            return (), job.reject("ensure", problem, planned)
    return confinement.texts, None


def _safety(job: ChunkJob) -> str | None:
    """The code the edits introduce (not copied from the site) passes the allowlist."""
    prepared = job.prepared
    allowed = frozenset().union(*(p.site.rule.allowed_names for p in job.members))

    def is_known(word: str) -> bool:
        if word in allowed:
            return True
        if word not in prepared.source:  # cheap: most new words are found, or not, here
            return False
        if prepared.cache.names is None:  # one walk of the parent, only when needed
            assert prepared.module is not None
            prepared.cache.names = names_used(prepared.module)
        return word in prepared.cache.names

    # Templates substitute whole captured expressions (statements cannot be substituted).
    captured = by_position(node for p in job.members for node in p.site.captures.values()
                           if isinstance(node, ast.expr))
    new = (n for e in job.edits for n in introduced(e.intended, e.target, captured))
    return unsafe(new, is_known)


def _new_spans(spans: list[tuple[int, int]], texts: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each span's new text stands in the new chunk (spans are disjoint, in order of
    position once sorted; ``texts`` follows ``spans``)."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    shift, result = 0, [(0, 0)] * len(spans)
    for i in order:
        start, end = spans[i]
        result[i] = (start + shift, start + shift + len(texts[i]))
        shift += len(texts[i]) - (end - start)
    return result


def verify_whole(new_source: str, path: str) -> tuple[str, str] | None:
    """``--verify full``: the whole new file parses and compiles (check, detail) or None."""
    tree = parses(new_source)
    if isinstance(tree, str):
        return ("syntax", tree)
    problem = compiles(new_source, path)
    return ("syntax", problem) if problem else None
