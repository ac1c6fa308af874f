"""The checks of a whole new file (the registry's ``file`` checks), run once every chunk
is spliced: each returns the sites to leave out, with why; the rewriter splices the rest
again and checks again."""

from __future__ import annotations

import ast
import bisect
import warnings
from collections.abc import Sequence

from ..actions.edits import Edit
from ..planning.plan import Planned
from ..policy.bindings import unbound
from ..text.lines import line_starts
from ..text.parsing import parses
from .registry import FileView

_BINDERS = (ast.arg, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias)


def bindings(view: FileView) -> list[tuple[Planned, str]]:
    """The sites whose rename left a name used but unbound (policy/bindings.py); the new
    file is parsed only when some edit renames a plain name."""
    renames = [(p, e) for p in view.planned for e in p.edits if _renames_a_name(e)]
    module = view.prepared.module
    if not renames or module is None:
        return []
    new_tree = parses(view.new_source)
    if isinstance(new_tree, str):
        return []  # the chunks were each proved; a file that does not parse is `compiles`'
    cache = view.prepared.cache
    if cache.unbound is None:  # the parent's own, once per parent
        cache.unbound = frozenset(unbound(module))
    names = unbound(new_tree) - cache.unbound
    culprits = []
    for planned, edit in renames:
        for name in (getattr(edit.target, "id", ""), getattr(edit.intended, "id", "")):
            if name in names:  # the binding renamed away, or a use renamed to nothing
                culprits.append((planned, f"{name!r} is no longer bound by anything in the "
                                          "file, but is still used (rename its uses too, or "
                                          "the binding with them)"))
                break
    return culprits


def compiles(view: FileView) -> list[tuple[Planned, str]]:
    """Structural edits compiled in their real context: ``f(b=1, b=2)`` from a keyword
    rename, a duplicate parameter, an assignment moved above its ``global``. Number swaps
    cannot make such errors, so a file of swaps alone is not compiled (unless --verify
    full). The site whose statement, innermost, holds the error is left out (every site
    of the chunk when none does; every structural site of the file when the error stands
    outside the rewritten chunks). An input that does not compile itself (a snippet with
    a bare ``return``) cannot be judged so."""
    error = _compile_error(view.new_source, view.prepared.path)
    if error is None or not _input_compiles(view):
        return []
    detail = f"compile() rejects the result: {error.msg} (line {error.lineno})"
    starts = line_starts(view.new_source)
    line = error.lineno or 0
    for start, end, members, old_first in view.chunks:
        if 0 < line <= len(starts) and start <= starts[line - 1] < end:
            blamed = _innermost(members, _old_line(members, line, starts, start, old_first))
            return [(p, detail) for p in blamed or members]
    return [(p, detail) for p in view.planned]


def _old_line(members: Sequence[Planned], line: int, starts: list[int], start: int,
              old_first: int) -> int:
    """Where new ``line`` of a chunk stood in the input: the chunk moved by the lines
    inserted above it, and the lines inserted inside it above ``line`` came from nothing."""
    first = bisect.bisect_right(starts, start)
    old = line - (first - old_first)
    inserted = sorted((e.target.lineno, e.text.count("\n")) for p in members
                      for e in p.edits if e.inserted() is not None)
    for at, count in inserted:
        if at <= old - count:
            old -= count
    return old


def _innermost(members: Sequence[Planned], line: int) -> list[Planned]:
    """The sites whose statement holds ``line``, if they share the innermost one."""
    holding = [p for p in members
               if p.site.statement.lineno <= line <= (p.site.statement.end_lineno or 0)]
    if not holding:
        return []
    inner = max(holding, key=lambda p: (p.site.statement.lineno,
                                        -(p.site.statement.end_lineno or 0)))
    return [p for p in holding if p.site.statement is inner.site.statement]


def _compile_error(source: str, path: str) -> SyntaxError | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except ValueError as exc:  # null bytes and the like
        return SyntaxError(str(exc))
    return None


def _input_compiles(view: FileView) -> bool:
    """Asked once per parent, and only when a result fails to compile."""
    cache = view.prepared.cache
    if cache.input_compiles is None:
        cache.input_compiles = _compile_error(view.prepared.source, view.prepared.path) is None
    return cache.input_compiles


def _renames_a_name(edit: Edit) -> bool:
    """Does ``edit`` rename a variable (a name read or bound, a parameter, a def or class,
    an import)? Keyword and attribute names are not variables."""
    renamed = edit.renames()
    if renamed is not None:
        return isinstance(renamed[0], _BINDERS)
    return edit.replaces and isinstance(edit.target, ast.Name)


def attributes(view: FileView) -> list[tuple[Planned, str]]:
    """A class attribute renamed where it is assigned (``stop = 0.1`` in a class body)
    while its methods still read ``self.stop``/``cls.stop``, and nothing in the class
    assigns the old name any more: the reads would fail with an AttributeError (or find a
    base class's value). Left out with the reason, unless the same run renames the reads."""
    renamed = [(p, e) for p in view.planned for e in p.edits
               if isinstance(p.site.scope, ast.ClassDef) and isinstance(e.target, ast.Name)
               and isinstance(e.target.ctx, ast.Store)]
    if not renamed:
        return []
    new_tree = parses(view.new_source)
    if isinstance(new_tree, str):
        return []
    classes = {node.lineno: node for node in ast.walk(new_tree) if isinstance(node, ast.ClassDef)}
    culprits = []
    for planned, edit in renamed:
        assert isinstance(edit.target, ast.Name)
        old, cls = edit.target.id, classes.get(getattr(planned.site.scope, "lineno", 0))
        if cls is None or old in _assigned_in(cls):
            continue
        reads = sorted(node.lineno for node in ast.walk(cls)
                       if isinstance(node, ast.Attribute) and node.attr == old
                       and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        if reads:
            culprits.append((planned, f"the class attribute {old!r} is renamed but still "
                                      f"read as self.{old} (line {reads[0]}): rename the "
                                      "reads too"))
    return culprits


def _assigned_in(cls: ast.ClassDef) -> set[str]:
    return {target.id for stmt in cls.body
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else
                           [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign))
                           else [])
            if isinstance(target, ast.Name)}
