"""The checks that prove a rewrite, each a pure function of texts and trees.

Each returns ``None`` (passed) or what is wrong; :mod:`.pipeline` runs them in order on
every rewritten statement and turns a failure into a :class:`~exitdsl.results.Rejection`
naming the check. See docs/verifier.md.
"""

from __future__ import annotations

import ast
import bisect
import copy
import difflib
import io
import re
import tokenize
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def compiles_expressions(nodes: Iterable[ast.expr]) -> str | None:
    """``compile()`` each new expression alone: catches what parses but cannot run, such as
    ``f(a=1, a=2)``. Expressions holding ``yield``/``await`` need their function: checked
    only by ``--verify full``."""
    for node in nodes:
        if any(isinstance(sub, (ast.Yield, ast.YieldFrom, ast.Await)) for sub in ast.walk(node)):
            continue
        expression = ast.fix_missing_locations(ast.Expression(body=copy.deepcopy(node)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                compile(expression, "<rewrite>", "eval", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            return f"compile() rejects the new code: {getattr(exc, 'msg', exc)}"
    return None


def same_tree(actual: ast.AST, intended: ast.AST) -> str | None:
    """``None`` if both trees mean the same code, else a short account of the difference.
    A string's ``u`` prefix (``kind``) means nothing: ``u'buy'`` and ``'buy'`` are one
    string."""
    if _alike(actual, intended):  # what ast.dump would find, without writing both out
        return None
    got, want = ast.dump(actual), ast.dump(intended)
    if got != want and "kind='u'" in got + want:
        got, want = got.replace(", kind='u'", ""), want.replace(", kind='u'", "")
    if got == want:
        return None
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return f"result means {got[max(0, at - 30):at + 50]!r}, intended {want[max(0, at - 30):at + 50]!r}"


def _alike(a: object, b: object) -> bool:
    """Equal ``ast.dump`` texts: fields compared (positions not), leaves by type and repr
    (``1`` is not ``1.0``), a ``u`` prefix ignored."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.AST):
        for field in a._fields:
            x, y = getattr(a, field, None), getattr(b, field, None)
            if field == "kind" and isinstance(a, ast.Constant):
                x, y = (None if x == "u" else x), (None if y == "u" else y)
            if not _alike(x, y):
                return False
        return True
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b))
    if type(a) in _BY_VALUE:
        return a == b
    return repr(a) == repr(b)  # floats: -0.0 is not 0.0, and nan is nan


_BY_VALUE = (str, int, bool, bytes, type(None))


@dataclass(frozen=True)
class Confinement:
    """The outcome of :func:`confined`: where (in the old text) an unexpected change
    starts, or the new text of each span."""

    changed_at: int | None
    texts: tuple[str, ...] = ()


def confined(old: str, new: str, spans: Sequence[tuple[int, int]]) -> Confinement:
    """Is ``new`` the ``old`` text with only the ``[start, end)`` spans replaced?

    The text outside the spans must appear unchanged and in order: anchored at both
    ends, and each gap between two spans found, leftmost, after the previous one.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # nested in (or overlapping) the previous span
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    head, tail = old[:merged[0][0]], old[merged[-1][1]:]
    if not new.startswith(head):
        return Confinement(_common_prefix(new, head))
    if not new.endswith(tail) or len(new) < len(head) + len(tail):
        return Confinement(len(old) - _common_prefix(new[::-1], tail[::-1]) - 1)
    body, texts, position = new[len(head):len(new) - len(tail)], [], 0
    for previous, (start, _) in zip(merged, merged[1:]):
        gap = old[previous[1]:start]
        found = body.find(gap, position)
        if found < 0:
            return Confinement(previous[1])
        texts.append(body[position:found])
        position = found + len(gap)
    texts.append(body[position:])
    by_span = list(zip(merged, texts))
    return Confinement(None, tuple(next(t for (a, b), t in by_span if a <= s < b or a == s)
                                   for s, _ in spans))


def splice(text: str, spans: Sequence[tuple[int, int]], texts: Sequence[str]) -> str:
    """``text`` with each (non-overlapping) ``[start, end)`` span replaced by its new text."""
    out, position = [], 0
    for (start, end), new in sorted(zip(spans, texts)):
        out += [text[position:start], new]
        position = end
    return "".join(out) + text[position:]


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def comments_kept(old: str, new: str, old_spans: Sequence[tuple[int, int]] = (),
                  new_spans: Sequence[tuple[int, int]] = (),
                  inserted: Sequence[tuple[int, int]] = ()) -> str | None:
    """Does every comment still follow the same code as before? ``None`` if so.

    Each comment is anchored to the code token before it (commas aside, since adding an
    argument adds one). The old and new tokens are aligned; a comment must follow the
    token its old anchor became, or, if that token was removed (a dropped operand), the
    nearest earlier one that survived. A token inside a span a rewrite replaced whole
    (``old_spans``, and the same spans in the new text, ``new_spans``) counts as that span,
    whatever it became. Tokens of inserted statements (``inserted``, spans of the new
    text) are not code a comment could have followed. This catches a layout that hands one
    argument's comment to another, which the intent check cannot see (comments are not in
    the ``ast``) and confinement does not look inside a rewritten call for.
    """
    if "#" not in old:
        return None
    before, after = _tokens(old, old_spans), _tokens(new, new_spans, inserted)
    if before is None or after is None:
        return None
    (old_words, old_comments), (new_words, new_comments) = before, after
    if old_words == new_words:  # replacements only: each token is where it was
        image: dict[int, int] | None = None
    else:  # tokens added or removed: align them (difflib is quadratic at worst)
        image = {-1: -1}  # old token index -> new token index
        matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
        for block in matcher.get_matching_blocks():
            image.update((block.a + k, block.b + k) for k in range(block.size))
    remaining = Counter(new_comments)
    for anchor, comment in old_comments:
        if image is not None:
            while anchor not in image:
                anchor -= 1
            anchor = image[anchor]
        if remaining[(anchor, comment)] == 0:
            return f"the comment {comment!r} no longer follows the code it followed"
        remaining[(anchor, comment)] -= 1
    return None


def _tokens(text: str, spans: Sequence[tuple[int, int]],
            skipped: Sequence[tuple[int, int]] = ()
            ) -> tuple[list[str], list[tuple[int, str]]] | None:
    """The code tokens of ``text`` and (index of the token before it, text) per comment;
    None if ``text`` does not tokenize."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    words: list[str] = []
    comments: list[tuple[int, str]] = []
    replaced = _SpanIndex(spans)
    skip = _SpanIndex(skipped)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments.append((len(words) - 1, token.string))
            elif token.type not in _LAYOUT and token.string != ",":
                offset = starts[token.start[0] - 1] + token.start[1]
                if skip.holding(offset) is not None:
                    continue
                index = replaced.holding(offset)
                words.append(token.string if index is None else f"<replaced {index}>")
    except (tokenize.TokenError, SyntaxError, IndexError):
        return None
    return words, comments


class _SpanIndex:
    """Which of a list of disjoint spans holds an offset (its index in the list), by
    bisection: a chunk with hundreds of renamed tokens is tokenized once, not per span."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        order = sorted(range(len(spans)), key=lambda i: spans[i])
        self.starts = [spans[i][0] for i in order]
        self.ends = [spans[i][1] for i in order]
        self.order = order

    def holding(self, offset: int) -> int | None:
        at = bisect.bisect_right(self.starts, offset) - 1
        if at >= 0 and offset < self.ends[at]:
            return self.order[at]
        return None


_LAYOUT = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                     tokenize.ENDMARKER})
