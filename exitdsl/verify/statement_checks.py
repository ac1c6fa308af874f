"""The checks of one rewritten statement (the registry's ``statement`` checks): each a
function of the rewritten chunk's view, returning a :class:`Problem` or None."""

from __future__ import annotations

import ast

from ..planning.job import ChunkJob
from ..policy.safety import (by_position, introduced, modules_imported, names_used,
                             post_order, renamed_import, unsafe)
from ..vocabulary.numbers import literal_number, number_token
from .checks import comments_kept, compiles_expressions
from .ensure import column_shifts, ensure_after, ensure_holds, nodes_by_position
from .registry import Problem, StatementView


def confinement(view: StatementView) -> Problem | None:
    """Outside the targeted spans not one byte changed, and every comment still follows
    the code it followed."""
    job = view.job
    if view.changed_at is not None:
        lines = job.lines
        offset = lines.starts[job.first - 1] + view.changed_at
        line = lines.line_of(offset)
        col = offset - lines.starts[line - 1] + 1
        return Problem(f"bytes outside the targeted spans changed, at line {line}, col {col}")
    replaced = [i for i, e in enumerate(job.edits) if e.replaces]
    inserted = [view.new_spans[i] for i, e in enumerate(job.edits) if e.inserted() is not None]
    moved = comments_kept(job.text, view.new_chunk, [job.spans[i] for i in replaced],
                          [view.new_spans[i] for i in replaced], inserted)
    return None if moved is None else Problem(moved)


def expressions_compile(view: StatementView) -> Problem | None:
    """Each new expression compiles alone (``f(a=1, a=2)`` parses but cannot run)."""
    problem = compiles_expressions(e.intended for e in view.job.edits)
    return None if problem is None else Problem(problem)


def safety(view: StatementView) -> Problem | None:
    """The code the edits introduce (not copied from the site) passes the allowlist."""
    job = view.job
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
    new = [n for e in job.edits for n in introduced(e.intended, e.target, captured)]
    # An inserted statement is new code from end to end (its target included).
    new += [n for e in job.edits if (statement := e.inserted()) is not None
            for child in ast.iter_child_nodes(statement)
            for n in post_order(child, lambda _: False)]
    problem = unsafe(new, is_known)
    if problem is None:
        problem = _import_renamed(job)
    return None if problem is None else Problem(problem)


def _import_renamed(job: ChunkJob) -> str | None:
    renames = [renamed for e in job.edits if (renamed := e.renames()) is not None]
    if not renames or job.prepared.module is None:
        return None
    imported = modules_imported(job.prepared.module)
    for holder, field, new in renames:
        problem = renamed_import(holder, field, new, imported)
        if problem is not None:
            return problem
    return None


def ensure(view: StatementView) -> Problem | None:
    """Each rule's postconditions hold on the site matched again in the new statement."""
    job = view.job
    assert view.new_tree is not None
    edited = {id(e.target) for e in job.edits}
    moved = column_shifts([
        (e.target.end_lineno or e.target.lineno, e.target.end_col_offset or 0,
         len(view.new_chunk[a:b].encode()) - len(job.text[old_a:old_b].encode()))
        for e, (old_a, old_b), (a, b) in zip(job.edits, job.spans, view.new_spans)])
    nodes = nodes_by_position(view.new_tree)
    for planned in job.members:
        problem = ensure_after(planned, nodes, view.shift, edited, job.values, moved)
        if problem is not None:
            return Problem(problem, planned)
    return None


def ensure_on_new_values(view: StatementView) -> Problem | None:
    """The fast path's ``ensure``: the clauses evaluated on the captures with the new
    values (nothing is parsed there)."""
    for planned in view.job.members:
        swapped = {**view.job.values, **{id(e.target): e.intended for e in planned.edits}}
        captures = {name: swapped.get(id(node), node)
                    for name, node in planned.site.captures.items()}
        problem = ensure_holds(planned.site.rule, captures)
        if problem is not None:
            return Problem(problem, planned)
    return None


def tokens_mean_the_intent(view: StatementView) -> Problem | None:
    """The fast path's ``intent``: each new token, read back, is the intended number."""
    for index, (edit, text) in enumerate(zip(view.job.edits, view.texts)):
        token, intended = number_token(text), literal_number(edit.intended)
        if type(token) is not type(intended) or token != intended:
            return Problem(f"the token {text!r} does not mean the value intended",
                           edit_index=index)
    return None
