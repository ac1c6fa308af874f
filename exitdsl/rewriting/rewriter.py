"""The pipeline for one parent: plan the chosen sites, cut chunks, rewrite and verify each,
splice the new chunks between the untouched bytes of the input."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Literal

from ..compiler.ruleset import RuleSet
from ..errors import StrategyError, span_in
from ..matching.words import RuleWords
from ..planning.chunks import chunks
from ..planning.job import ChunkJob
from ..planning.plan import Planned, plan_sites
from ..planning.prepare import IndexedSite, Prepared, prepare, where_holds
from ..results import Change, FileResult, Rejection, Skip
from ..verify import checklist
from ..verify.registry import Check, FileView, file_checks
from .statement import rewrite_chunk

VerifyLevel = Literal["default", "full"]


class Rewriter:
    """Rewrites prepared parents with a :class:`RuleSet`, deterministically for a seed."""

    def __init__(self, rules: RuleSet, *, verify: VerifyLevel = "default",
                 only: Sequence[str] = (), splice_literals: bool = True,
                 checks: Sequence[Check] | None = None) -> None:
        self.rules = rules
        self.words = RuleWords.of(rules.rules)  # what files are searched for: once per set
        self.verify = verify
        # The verifier's registry, read when the rewriter is made (a test may extend it).
        self.checks = tuple(checklist.CHECKS if checks is None else checks)
        self.file_checks = file_checks(self.checks)
        self.only = frozenset(only)  # stable site ids: rewrite just these sites
        # False sends number-literal swaps through libcst too: the reference the tests
        # compare the splice against.
        self.splice_literals = splice_literals

    def prepare(self, source: str, path: str = "<string>") -> Prepared:
        return prepare(self.words, source, path)

    def rewrite(self, prepared: Prepared, seed: int,
                sites: Sequence[IndexedSite] | None = None) -> FileResult:
        """Rewrite every site of every rule (or only ``sites``) of ``prepared``."""
        try:
            return self._rewrite(prepared, seed, sites)
        except RecursionError:
            raise StrategyError("nested too deeply to rewrite",
                                span_in(prepared.path, prepared.source, 1, 1)) from None

    def applicable(self, prepared: Prepared) -> list[IndexedSite]:
        """The sites whose ``where`` clauses hold: the candidates of a mutation."""
        module, cache = prepared.module, prepared.cache
        if module is None:
            return []
        if cache.applicable is None:  # conditions draw nothing: decided once per parent
            cache.applicable = [item for item in prepared.sites
                                if where_holds(item.site, module, cache)]
        return cache.applicable

    def _rewrite(self, prepared: Prepared, seed: int,
                 sites: Sequence[IndexedSite] | None) -> FileResult:
        chosen = prepared.sites if sites is None else sites
        if self.only:
            chosen = [item for item in chosen if item.site_id in self.only]
        if prepared.module is None or not chosen:
            return FileResult(prepared.path, prepared.source, prepared.source,
                              sites=len(chosen))
        planned, skips = plan_sites(prepared, chosen, seed)
        return self._splice(prepared, planned, skips, seed, len(chosen))

    def _splice(self, prepared: Prepared, planned: list[Planned], skips: list[Skip],
                seed: int, sites: int) -> FileResult:
        source, path, lines = prepared.source, prepared.path, prepared.lines
        assert lines is not None
        pieces: list[str] = []
        changes: list[Change] = []
        rejections: list[Rejection] = []
        placed: list[tuple[int, int, list[Planned], int]] = []  # each chunk, new offsets
        position = size = 0
        # What the run gives every node it edits: a site's `ensure` reads a context capture
        # (the trailing_stop_positive its offset must exceed) as the run leaves it.
        values = {id(e.target): e.intended for p in planned for e in p.edits}
        for first, last, members in chunks(planned, lines, prepared.cache, prepared.module):
            start = lines.starts[first - 1]
            end = lines.starts[last] if last < len(lines.starts) else len(source)
            new_chunk, chunk_changes, rejection = _rewrite_lines(
                source[start:end], first, prepared, members, seed, self.splice_literals,
                self.checks, values)
            pieces.append(source[position:start])
            size += start - position
            if rejection is not None:
                rejections.append(rejection)
                new_chunk = source[start:end]
            else:
                changes.extend(chunk_changes)
                placed.append((size, size + len(new_chunk), members, first))
            pieces.append(new_chunk)
            size += len(new_chunk)
            position = end
        pieces.append(source[position:])
        new_source = "".join(pieces)
        kept = [p for _, _, members, _ in placed for p in members]
        structural = bool(changes) and _structural(kept)
        # A file of literal swaps skips the checks only a structural edit can fail (the
        # warm mutation path), unless --verify full asks for them.
        checks = [c for c in self.file_checks if structural or self.verify == "full"
                  or not c.structural_only] if changes else []
        view = FileView(prepared, kept, new_source, structural, self.verify == "full",
                        placed) if checks else None
        for check in checks:
            assert check.run_file is not None and view is not None
            culprits = check.run_file(view)
            if culprits:  # leave those sites out, say why, and splice the rest again
                left_out = {id(p) for p, _ in culprits}
                result = self._splice(prepared, [p for p in planned if id(p) not in left_out],
                                      skips, seed, sites)
                return replace(result, rejections=result.rejections + tuple(
                    _file_rejection(prepared, p, check.name, detail) for p, detail in culprits))
        return FileResult(path, source, new_source, tuple(changes), tuple(skips),
                          tuple(rejections), sites)


def _structural(planned: list[Planned]) -> bool:
    """Is some edit more than a literal swapped for another (a number, True/False/None)?
    A constant in place of a constant binds, reads and declares nothing, and compiles where
    the old one did, except as a key of a `case {...}` pattern: `case {1: a, 2: b}` with
    2 -> 1 parses, but a mapping pattern may not repeat a key."""
    return not all((e.swaps_number() or e.swaps_keyword())
                   and not _in_case_pattern(e.target, (*p.site.ancestors, p.site.statement))
                   for p in planned for e in p.edits)


def _in_case_pattern(node: ast.AST, statements: tuple[ast.stmt, ...]) -> bool:
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return any(
        (case.pattern.lineno, case.pattern.col_offset) <= start
        <= (case.pattern.end_lineno or 0, case.pattern.end_col_offset or 0)
        for statement in statements if isinstance(statement, ast.Match)
        for case in statement.cases)


def _file_rejection(prepared: Prepared, planned: Planned, check: str, detail: str
                    ) -> Rejection:
    line, col = prepared.lines.position(planned.site.node) if prepared.lines else (1, 1)
    return Rejection(planned.site.rule.id, line, col, check, detail)


def _rewrite_lines(chunk: str, first: int, prepared: Prepared, members: list[Planned],
                   seed: int, splice: bool, checks: Sequence[Check],
                   values: Mapping[int, ast.expr]) -> tuple[str, list[Change], Rejection | None]:
    # libcst drops a final lone "\r" (classic Mac line endings): rewrite such a chunk with
    # "\n" and put the "\r"s back; both are the same line break to Python.
    lone_cr = "\r" in chunk and "\n" not in chunk
    job = ChunkJob(chunk.replace("\r", "\n") if lone_cr else chunk, first, prepared, members,
                   seed, splice, values)
    new_chunk, changes, rejection = rewrite_chunk(job, checks)
    return (new_chunk.replace("\n", "\r") if lone_cr else new_chunk), changes, rejection
