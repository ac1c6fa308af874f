"""Rewriting one chunk, by the cheapest road that applies, always proved the same way:

1. a literal swap already proved at these spans of this parent: the fast path
   (verify/fast_path.py checks the new tokens);
2. edits that each replace a number literal or ``True``/``False``/``None``, or add a keyword
   to a call on one line: the new text is spliced in (no libcst at all), then parsed with
   ``ast`` and run through the whole pipeline;
3. anything else: libcst on the chunk wrapped to parse alone, then the whole pipeline.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence

from ..actions.edits import CstEdit, Edit, Intent, Position
from ..results import Change, Rejection
from ..text.parsing import parses
from ..verify.checks import confined, same_tree, splice
from ..verify.fast_path import literal_swap_key, swap_literals
from ..verify.pipeline import verify_statement
from ..verify.registry import Check, fast_path_allowed
from ..planning.cst import ParsedSnippet, parse_snippet, rewrite_snippet
from ..planning.job import ChunkJob

Outcome = tuple[str, list[Change], Rejection | None]


def rewrite_chunk(job: ChunkJob, checks: Sequence[Check]) -> Outcome:
    """The chunk's new text and changes, or its old text and the rejection; proved by every
    statement check of ``checks`` (the registry)."""
    cache = job.prepared.cache
    swap_key = literal_swap_key(job, checks)
    if swap_key is not None and swap_key in cache.swaps:
        return swap_literals(job, cache.swaps[swap_key], checks)
    wrapper = _wrapper(job.text)
    shift = wrapper.count("\n")
    inserting = any(e.inserted() is not None for e in job.edits)
    if inserting and not all(e.splices() for e in job.edits):
        return job.text, [], job.reject("syntax", "an insertion cannot share its statement "
                                                  "with edits that libcst must make")
    if job.splice and (swap_key is not None or _splices(job, checks)) or inserting:
        rewritten = _spliced_rewrite(job, wrapper, shift)
    else:
        rewritten = _libcst_rewrite(job, wrapper, shift)
    if isinstance(rewritten, Rejection):
        return job.text, [], rewritten
    new_wrapped, new_tree = rewritten
    if not new_wrapped.startswith(wrapper):
        return job.text, [], job.reject("confinement",
                                        "the rewrite changed the statement's indentation")
    new_chunk = new_wrapped[len(wrapper):]
    new_texts, rejection = verify_statement(job, new_chunk, new_tree, job.first - 1 - shift,
                                            checks)
    if swap_key is not None and (rejection is None or rejection.check == "ensure"):
        # Proved in full but for `ensure` (which the fast path evaluates itself): later
        # swaps at these spans only need their tokens checked.
        swapped = new_texts or _spliced_texts(new_chunk, job)
        cache.swaps[swap_key] = tuple(t.startswith("(") for t in swapped)
    if rejection is not None:
        return job.text, [], rejection
    return new_chunk, job.changes(new_texts), None


def _splices(job: ChunkJob, checks: Sequence[Check]) -> bool:
    """Spliced as number swaps are: swaps among numbers and ``True``/``False``/``None``
    (a toggle such as ``trailing_stop = False`` -> ``True``), and keywords added to a call
    on one line (``sim(close > ma, resample="M")`` gets ``, take_profit=0.1``)."""
    return fast_path_allowed(checks) and all(
        e.swaps_number() or e.swaps_keyword()
        or (not e.replaces and e.spliced(job.text[a:b], False) is not None)
        for e, (a, b) in zip(job.edits, job.spans))


def _first_line(exc: Exception) -> str:
    """libcst's messages run over several lines (the code, a caret): a rejection is one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines[:2]) if lines else type(exc).__name__


def _wrapper(text: str) -> str:
    """What goes before a chunk so that it parses alone, with its real header: an indented
    chunk is wrapped in `if True:`; an `elif` branch (a nested `If` whose line starts with
    the keyword) follows an `if` of its own indentation."""
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    found = re.search(r"\r\n|\r|\n", text)
    newline = found.group() if found else "\n"
    wrapper = f"if True:{newline}" if indent else ""
    if re.match(r"elif\b", text[len(indent):]):
        wrapper += f"{indent}if 0:{newline}{indent} pass{newline}"
    return wrapper


def _spliced_texts(new_chunk: str, job: ChunkJob) -> tuple[str, ...]:
    """The new text of each span of a chunk whose other bytes are unchanged."""
    return confined(job.text, new_chunk, job.spans).texts


def _spliced_rewrite(job: ChunkJob, wrapper: str, shift: int
                     ) -> tuple[str, ast.Module] | Rejection:
    """Literal swaps, keywords added and insertions without libcst: the new text spliced
    in."""
    def splice_tokens(parenthesize: bool) -> str | Rejection:
        texts = [e.spliced(job.text[a:b], parenthesize) for e, (a, b) in
                 zip(job.edits, job.spans)]
        made = [t for t in texts if t is not None]
        if len(made) < len(texts):
            return job.reject("syntax", "an edit cannot be made without libcst")
        return wrapper + splice(job.text, job.spans, made)

    return _until_intended(job, wrapper, shift, splice_tokens)


def _libcst_rewrite(job: ChunkJob, wrapper: str, shift: int
                    ) -> tuple[str, ast.Module] | Rejection:
    """Any edit: libcst on the wrapped chunk, each edit performed by its action kind."""
    def through_libcst(parenthesize: bool) -> str | Rejection:
        parsed = _parsed(job, wrapper + job.text)  # cached: parsed once per snippet
        if isinstance(parsed, Rejection):
            return parsed
        cst_edits = tuple(_located(job, e, parenthesize, shift) for e in job.edits)
        try:
            return rewrite_snippet(parsed, cst_edits)
        except Exception as exc:  # libcst refusing our edit is a rejected rewrite, not a crash
            return job.reject("syntax", f"libcst could not rewrite: {type(exc).__name__}: "
                                        f"{_first_line(exc)}")

    return _until_intended(job, wrapper, shift, through_libcst)


def _until_intended(job: ChunkJob, wrapper: str, shift: int,
                    rewrite: Callable[[bool], str | Rejection]
                    ) -> tuple[str, ast.Module] | Rejection:
    """Verification steps 1–2: the rewritten wrapped chunk and its ``ast``, tried bare and
    then with new code parenthesised, until it means what was intended."""
    old_tree = parses(wrapper + job.text)  # a fresh ast (cheaper than a copy) is the intent
    if isinstance(old_tree, str):
        return job.reject("syntax", f"the statement does not parse alone: {old_tree}")
    intended_tree = _substitute_at(old_tree, job.edits, job.first - 1 - shift)
    failure = ("syntax", "nothing was rewritten")
    for parenthesize in (False, True):
        new_wrapped = rewrite(parenthesize)
        if isinstance(new_wrapped, Rejection):
            return new_wrapped
        new_tree = parses(new_wrapped)
        if isinstance(new_tree, str):
            failure = ("syntax", new_tree)
            continue
        difference = same_tree(new_tree, intended_tree)
        if difference is None:
            return new_wrapped, new_tree
        failure = ("intent", difference)
    return job.reject(*failure)


def _parsed(job: ChunkJob, snippet: str) -> ParsedSnippet | Rejection:
    snippets = job.prepared.cache.snippets
    parsed = snippets.get(snippet)
    if parsed is None:
        try:
            parsed = parse_snippet(snippet)
        except Exception as exc:  # libcst failing on what ast accepts: reject, never crash
            return job.reject("syntax",
                              f"libcst cannot parse the statement: {_first_line(exc)}")
        snippets[snippet] = parsed
    return parsed


def _located(job: ChunkJob, edit: Edit, parenthesize: bool, shift: int) -> CstEdit:
    def to_snippet(node: ast.expr) -> tuple[Position, Position]:
        lines, first = job.lines, job.first
        end_line = node.end_lineno or node.lineno
        return ((node.lineno - first + 1 + shift, lines.char_col(node.lineno, node.col_offset)),
                (end_line - first + 1 + shift, lines.char_col(end_line, node.end_col_offset or 0)))

    return edit.located(to_snippet, parenthesize)


def _substitute_at(tree: ast.Module, edits: list[Edit], shift: int) -> ast.Module:
    """``tree`` (parsed from a snippet, modified in place) as each edit says it must read;
    ``shift`` is the line offset from the file to the snippet."""
    intent = Intent(shift)
    for edit in edits:
        edit.intend(intent)
    return intent.apply(tree)
