"""The two loops over the verifier's registry (verify/registry.py, verify/checklist.py):
every statement check on a chunk the full path rewrote, and the fast path's own proof of
each on a literal swap. The whole-file checks run in rewriting/rewriter.py, over the same
registry. docs/verifier.md lists the checks in their order.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from ..planning.job import ChunkJob
from ..results import Rejection
from .checks import confined
from .registry import Check, Problem, StatementView, statement_checks


def verify_statement(job: ChunkJob, new_chunk: str, new_tree: ast.Module, shift: int,
                     checks: Sequence[Check]) -> tuple[tuple[str, ...], Rejection | None]:
    """Every statement check of the registry, in order, on a chunk libcst (or the splice)
    rewrote and that already parses and means the intent: the new text of each targeted
    span, or the first rejection."""
    confinement = confined(job.text, new_chunk, job.spans)
    spans = _new_spans(job.spans, confinement.texts) if confinement.changed_at is None else []
    view = StatementView(job, new_chunk, new_tree, shift, confinement.texts, spans,
                         confinement.changed_at)
    for check in statement_checks(checks):
        assert check.run_statement is not None
        problem = check.run_statement(view)
        if problem is not None:
            return (), _rejection(job, check.name, problem)
    return confinement.texts, None


def verify_swap(job: ChunkJob, new_chunk: str, texts: tuple[str, ...],
                checks: Sequence[Check]) -> Rejection | None:
    """The fast path: each check proved its own way there (the registry's ``fast``), in
    order; a check the fast path cannot prove keeps every rewrite off it (registry.
    fast_path_allowed), so none is skipped here."""
    view = StatementView(job, new_chunk, None, 0, texts)
    for check in checks:
        if check.looks_at == "statement" and callable(check.fast):
            problem = check.fast(view)
            if problem is not None:
                return _rejection(job, check.name, problem)
    return None


def _rejection(job: ChunkJob, name: str, problem: Problem) -> Rejection:
    edit = job.edits[problem.edit_index] if problem.edit_index is not None else None
    return job.reject(name, problem.detail, problem.planned, edit)


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
