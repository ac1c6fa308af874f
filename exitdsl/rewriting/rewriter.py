"""The pipeline for one parent: plan the chosen sites, cut chunks, rewrite and verify each,
splice the new chunks between the untouched bytes of the input."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from ..actions.base import Edit
from ..errors import StrategyError, span_in
from ..compiler.ruleset import RuleSet
from ..results import Change, FileResult, Rejection, Skip
from ..policy.bindings import newly_unbound
from ..text.parsing import parses
from ..verify.pipeline import verify_whole
from ..planning.chunks import chunks
from ..planning.prepare import where_holds
from ..planning.job import ChunkJob
from ..planning.plan import Planned, plan_sites
from ..planning.prepare import IndexedSite, Prepared, prepare
from .statement import rewrite_chunk

VerifyLevel = Literal["default", "full"]


class Rewriter:
    """Rewrites prepared parents with a :class:`RuleSet`, deterministically for a seed."""

    def __init__(self, rules: RuleSet, *, verify: VerifyLevel = "default",
                 only: Sequence[str] = (), splice_literals: bool = True) -> None:
        self.rules = rules
        self.verify = verify
        self.only = frozenset(only)  # stable site ids: rewrite just these sites
        # False sends number-literal swaps through libcst too: the reference the tests
        # compare the splice against.
        self.splice_literals = splice_literals

    def prepare(self, source: str, path: str = "<string>") -> Prepared:
        return prepare(self.rules.rules, source, path)

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
        position = 0
        for first, last, members in chunks(planned, lines, prepared.cache):
            start = lines.starts[first - 1]
            end = lines.starts[last] if last < len(lines.starts) else len(source)
            new_chunk, chunk_changes, rejection = _rewrite_lines(
                source[start:end], first, prepared, members, seed, self.splice_literals)
            pieces.append(source[position:start])
            if rejection is not None:
                rejections.append(rejection)
                pieces.append(source[start:end])
            else:
                pieces.append(new_chunk)
                changes.extend(chunk_changes)
            position = end
        pieces.append(source[position:])
        new_source = "".join(pieces)
        culprits = _left_unbound(prepared, planned, new_source) if changes else []
        if culprits:  # leave those renames out, say why, and splice the rest again
            left_out = {id(p) for p, _ in culprits}
            result = self._splice(prepared, [p for p in planned if id(p) not in left_out],
                                  skips, seed, sites)
            return replace(result, rejections=result.rejections + tuple(
                _binding_rejection(prepared, p, name) for p, name in culprits))
        if self.verify == "full" and changes:
            problem = verify_whole(new_source, path)
            if problem is not None:
                rejections.append(Rejection(changes[0].rule, changes[0].line, changes[0].col,
                                            *problem))
                return FileResult(path, source, source, (), tuple(skips), tuple(rejections),
                                  sites)
        return FileResult(path, source, new_source, tuple(changes), tuple(skips),
                          tuple(rejections), sites)


def _left_unbound(prepared: Prepared, planned: list[Planned], new_source: str
                  ) -> list[tuple[Planned, str]]:
    """The sites whose rename left a name used but unbound in ``new_source``, with the
    name (policy/bindings.py); only parsed again when some edit renames a plain name."""
    renames = [(p, e) for p in planned for e in p.edits if _renames_a_name(e)]
    if not renames or prepared.module is None:
        return []
    new_tree = parses(new_source)
    if isinstance(new_tree, str):
        return []  # the chunks were each proved; a file that does not parse is verify_whole's
    names = newly_unbound(prepared.module, new_tree)
    culprits = []
    for planned_site, edit in renames:
        for name in (getattr(edit.target, "id", ""), getattr(edit.intended, "id", "")):
            if name in names:  # the binding renamed away, or a use renamed to nothing
                culprits.append((planned_site, name))
                break
    return culprits


_BINDERS = (ast.arg, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias)


def _renames_a_name(edit: Edit) -> bool:
    """Does ``edit`` rename a variable (a name read or bound, a parameter, a def or class,
    an import)? Keyword and attribute names are not variables."""
    if edit.holder is not None:
        return isinstance(edit.holder[0], _BINDERS)
    return isinstance(edit.target, ast.Name)


def _binding_rejection(prepared: Prepared, planned: Planned, name: str) -> Rejection:
    line, col = prepared.lines.position(planned.site.node) if prepared.lines else (1, 1)
    return Rejection(planned.site.rule.id, line, col, "bindings",
                     f"{name!r} is no longer bound by anything in the file, but is still used "
                     "(rename its uses too, or the binding with them)")


def _rewrite_lines(chunk: str, first: int, prepared: Prepared, members: list[Planned],
                   seed: int, splice: bool) -> tuple[str, list[Change], Rejection | None]:
    # libcst drops a final lone "\r" (classic Mac line endings): rewrite such a chunk with
    # "\n" and put the "\r"s back; both are the same line break to Python.
    lone_cr = "\r" in chunk and "\n" not in chunk
    job = ChunkJob(chunk.replace("\r", "\n") if lone_cr else chunk, first, prepared, members,
                   seed, splice)
    new_chunk, changes, rejection = rewrite_chunk(job)
    return (new_chunk.replace("\n", "\r") if lone_cr else new_chunk), changes, rejection
