"""Every check of the verifier, in one registry, in the order they run.

A check says what it looks at (a rewritten ``statement``, or the whole new ``file`` after
all its chunks are spliced), how it runs, and how the literal-swap fast path proves the
same fact: a function the fast path runs too, a reason the fact holds there by
construction, or nothing, which sends every rewrite down the full path. ``apply``,
``mutate`` (cold and warm), ``test`` and ``verify`` all reach rewriting through the same
two loops over this registry (verify/pipeline.py for statements, rewriting/rewriter.py for
files), so a check added here runs on every road. docs/verifier.md's table is checked
against it.

``syntax`` and ``intent`` are made while the rewrite is produced (rewriting/statement.py
retries with parentheses until the new text parses and means the intent); they are listed
so that the order is complete, and have no ``run`` of their own.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..planning.job import ChunkJob
from ..planning.plan import Planned

if TYPE_CHECKING:
    from ..planning.prepare import Prepared


@dataclass(frozen=True)
class Problem:
    """What a check found: the detail, and the site (or edit) it is about."""

    detail: str
    planned: Planned | None = None
    edit_index: int | None = None  # an edit of the chunk, when no site is named


@dataclass
class StatementView:
    """A rewritten chunk as the statement checks see it."""

    job: ChunkJob
    new_chunk: str
    new_tree: ast.Module | None  # None on the fast path (nothing was parsed)
    shift: int  # line offset from the file to new_tree
    texts: tuple[str, ...]  # each span's new text
    new_spans: list[tuple[int, int]] = field(default_factory=list)
    changed_at: int | None = None  # the first byte changed outside the spans (confinement)


@dataclass(frozen=True)
class FileView:
    """A file's new text once every chunk is spliced."""

    prepared: Prepared
    planned: Sequence[Planned]
    new_source: str
    structural: bool  # some edit is more than a literal swap (a number, True/False/None)
    full: bool  # --verify full
    # each rewritten chunk: its offsets in the new text, its sites, its first line in the input
    chunks: Sequence[tuple[int, int, Sequence[Planned], int]]


StatementRun = Callable[[StatementView], "Problem | None"]
FileRun = Callable[[FileView], "list[tuple[Planned, str]]"]


@dataclass(frozen=True)
class Check:
    """One check: ``name`` is what a rejection reports (results.CHECKS)."""

    name: str
    looks_at: Literal["statement", "file"]
    proves: str
    run_statement: StatementRun | None = None
    run_file: FileRun | None = None
    # The fast path: a function it runs too, why the fact holds there (a string), or None
    # (a rewrite must take the full path while this check is registered).
    fast: StatementRun | str | None = None
    # A file check that only a structural edit (more than a literal swapped for another)
    # can fail is not run on a file of swaps (but with --verify full).
    structural_only: bool = False


def statement_checks(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if c.looks_at == "statement" and c.run_statement is not None]


def file_checks(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if c.looks_at == "file" and c.run_file is not None]


def fast_path_allowed(checks: Sequence[Check]) -> bool:
    """May literal swaps take the fast path? Only when every statement check says how it is
    proved there."""
    return all(c.fast is not None for c in checks if c.looks_at == "statement")
