"""What one pair changed: a token diff of the two texts, then, for each changed run of
tokens, the smallest enclosing node that explains it (a call whose keyword changed, was
added or removed; a comparison whose operator changed; a ``NAME = number`` assignment).

One tokenisation and one ``ast`` walk per text, a diff of lines and one of the tokens of
the lines that differ: nothing here grows with the code around the change beyond that.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import ExitdslError, Span
from ..text.lines import LineIndex
from ..vocabulary.operators import BY_AST
from .pairs import Pair, PairError

_SKIPPED = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}


class Unexplained(ExitdslError):
    """A change that no action of the language explains: nothing can be learnt from it."""


@dataclass(frozen=True)
class Context:
    """What encloses a changed node: the ``NAME =`` it is the whole value of, the function
    and the class it is in."""

    target: str = ""
    function: str = ""
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One explained change of one pair."""

    pair: int
    kind: str  # "keyword" (a value set), "add", "remove", "op", "assign"
    key: str  # the keyword, the assigned name, or "OLD NEW" operators
    old: str  # the text that changed ("" for an added keyword)
    new: str  # what it became ("" for a removed keyword)
    call: str = ""  # the called function as ast.unparse writes it
    positional: tuple[str, ...] = ()
    keywords: tuple[tuple[str, str], ...] = ()  # the call's other keywords, before the change
    operands: tuple[str, str] = ("", "")
    context: Context = Context()
    # Where a test block may come from, smallest first: ([start, end) in the before text,
    # the same in the after text) of the lines of an enclosing statement.
    regions: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()

    @property
    def signature(self) -> tuple[str, str, str]:
        """Changes with one signature may share a transformation."""
        return self.kind, self.key, self.call.rpartition(".")[2]


@dataclass(frozen=True)
class _Tokens:
    texts: list[str]
    starts: list[int]
    ends: list[int]
    lines: list[tuple[str, ...]]  # the tokens of each line that holds some
    first: list[int]  # the index of each such line's first token, then len(texts)


def changes(pair: Pair, number: int) -> list[Change]:
    """Every change of ``pair``, each at the node explaining it, in source order."""
    old, new = _tokens(pair.before.text, pair.before.label), _tokens(pair.after.text,
                                                                     pair.after.label)
    if not old.texts or not new.texts:
        raise Unexplained(f"pair {number + 1}: one of its files holds no code",
                          Span(pair.before.label, 1, 1))
    before, after = LineIndex(pair.before.text), LineIndex(pair.after.text)
    found: dict[Change, None] = {}  # one node explains every run of tokens it holds
    for i1, i2, j1, j2 in _changed_runs(old, new):
        # An insertion has no tokens of its own: the tokens either side must be enclosed.
        low, high = old.starts[max(i1 - 1, 0)] if i1 == i2 else old.starts[i1], \
            old.ends[min(i2, len(old.ends) - 1)] if i1 == i2 else old.ends[i2 - 1]
        change = _explain(pair, number, (low, high), before, after)
        if change is None:
            line = before.line_of(low)
            raise Unexplained(f"pair {number + 1}: cannot explain the change here as a "
                              "keyword value, an added or removed keyword, a comparison "
                              "operator or an assigned number",
                              Span(pair.before.label, line, low - before.starts[line - 1] + 1))
        found.setdefault(change)
    if not found:  # the texts differ (paired() saw to it), but not in a token
        raise Unexplained(f"pair {number + 1}: changes only spacing or line breaks, which "
                          "no rule says", Span(pair.before.label, 1, 1))
    return list(found)


def differing(old: Sequence[Hashable], new: Sequence[Hashable]
              ) -> Iterator[tuple[int, int, int, int]]:
    """The runs that differ, as (i1, i2, j1, j2). What both start and end with is set aside
    first: a pair's edit is small, and difflib on the whole of two long texts is not."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(None, old[head:len(old) - tail],
                                      new[head:len(new) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            yield head + i1, head + i2, head + j1, head + j2


def _changed_runs(old: _Tokens, new: _Tokens) -> Iterator[tuple[int, int, int, int]]:
    """The token runs that differ, as (i1, i2, j1, j2): lines are aligned first, and
    tokens only within lines that differ. A token diff of whole files is quadratic in
    their length (``(``, ``self`` and ``.`` repeat everywhere); lines rarely repeat."""
    for a1, a2, b1, b2 in differing(old.lines, new.lines):
        i1, i2 = old.first[a1], old.first[a2]
        j1, j2 = new.first[b1], new.first[b2]
        tokens = difflib.SequenceMatcher(None, old.texts[i1:i2], new.texts[j1:j2],
                                         autojunk=False)
        for kind, k1, k2, l1, l2 in tokens.get_opcodes():
            if kind != "equal":
                yield i1 + k1, i1 + k2, j1 + l1, j1 + l2


def _tokens(text: str, label: str) -> _Tokens:
    index = LineIndex(text)
    texts, starts, ends, rows = [], [], [], []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _SKIPPED:
                continue
            texts.append(token.string)
            starts.append(index.starts[token.start[0] - 1] + token.start[1])
            ends.append(index.starts[token.end[0] - 1] + token.end[1])
            rows.append(token.start[0])
    except (tokenize.TokenError, SyntaxError) as exc:
        raise PairError(f"cannot tokenise: {exc}", Span(label, 1, 1)) from None
    first = [i for i, row in enumerate(rows) if i == 0 or row != rows[i - 1]]
    bounds = first + [len(texts)]
    lines = [tuple(texts[a:b]) for a, b in zip(bounds, bounds[1:])]
    return _Tokens(texts, starts, ends, lines, bounds)


def _path(tree: ast.AST, index: LineIndex, low: int, high: int) -> list[ast.AST]:
    """The nodes enclosing ``[low, high)``, outermost first."""
    path, node = [tree], tree
    while True:
        for child in ast.iter_child_nodes(node):
            if hasattr(child, "end_lineno"):
                start, end = index.span(child)
                if start <= low and high <= end:
                    path.append(child)
                    node = child
                    break
        else:
            return path


def _explain(pair: Pair, number: int, where: tuple[int, int], before: LineIndex,
             after: LineIndex) -> Change | None:
    path = _path(pair.before.tree, before, *where)
    for depth in range(len(path) - 1, 0, -1):
        node = path[depth]
        if not isinstance(node, (ast.Call, ast.Compare, ast.Assign)):
            continue
        try:
            twin = _follow(pair.after.tree, path[:depth + 1])
        except (AttributeError, IndexError, StopIteration):
            continue
        change = _classify(node, twin, before, after, number)
        if change is not None:
            return _placed(change, path[:depth + 1], before, after, pair)
    return None


def _classify(old: ast.AST, new: ast.AST, before: LineIndex, after: LineIndex,
              number: int) -> Change | None:
    if isinstance(old, ast.Call) and isinstance(new, ast.Call):
        return _call_change(old, new, before, after, number)
    if isinstance(old, ast.Compare) and isinstance(new, ast.Compare):
        if len(old.ops) != 1 or len(new.ops) != 1 or type(old.ops[0]) is type(new.ops[0]) \
                or _dump(old.left) != _dump(new.left) \
                or _dump(old.comparators[0]) != _dump(new.comparators[0]):
            return None
        ops = BY_AST[type(old.ops[0])].token, BY_AST[type(new.ops[0])].token
        return Change(number, "op", " ".join(ops), ops[0], ops[1],
                      operands=(before.segment(old.left), before.segment(old.comparators[0])))
    if isinstance(old, ast.Assign) and isinstance(new, ast.Assign):
        if len(old.targets) != 1 or not isinstance(old.targets[0], ast.Name) \
                or _dump(old.targets[0]) != _dump(new.targets[0]) \
                or not (_number(old.value) and _number(new.value)):
            return None
        return Change(number, "assign", old.targets[0].id, before.segment(old.value),
                      after.segment(new.value))
    return None


def _call_change(old: ast.Call, new: ast.Call, before: LineIndex, after: LineIndex,
                 number: int) -> Change | None:
    if _dump(old.func) != _dump(new.func) or [_dump(a) for a in old.args] != \
            [_dump(a) for a in new.args]:
        return None
    was = {k.arg: k for k in old.keywords}
    now = {k.arg: k for k in new.keywords}
    if None in was or None in now:  # **kwargs: what the call passes is not written here
        return None
    differ = [name for name in was.keys() & now.keys()
              if _dump(was[name].value) != _dump(now[name].value)]
    added, removed = now.keys() - was.keys(), was.keys() - now.keys()
    common = dict(call=ast.unparse(old.func),
                  positional=tuple(before.segment(a) for a in old.args))
    if len(differ) == 1 and not added and not removed:
        name = str(differ[0])
        if not (_number(was[name].value) and _number(now[name].value)):
            return None
        return Change(number, "keyword", name, before.segment(was[name].value),
                      after.segment(now[name].value), **common,  # type: ignore[arg-type]
                      keywords=_others(was, before, name))
    if len(added) == 1 and not differ and not removed:
        name = str(next(iter(added)))
        return Change(number, "add", name, "", after.segment(now[name].value),
                      **common, keywords=_others(was, before, name))  # type: ignore[arg-type]
    if len(removed) == 1 and not differ and not added:
        name = str(next(iter(removed)))
        return Change(number, "remove", name, before.segment(was[name].value), "",
                      **common, keywords=_others(was, before, name))  # type: ignore[arg-type]
    return None


def _others(keywords: dict[str | None, ast.keyword], index: LineIndex,
            name: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), index.segment(v.value)) for k, v in keywords.items() if k != name)


def _placed(change: Change, outer: list[ast.AST], before: LineIndex, after: LineIndex,
            pair: Pair) -> Change:
    """``change`` with its context and the lines of its statements in both texts."""
    target = ""
    parent = outer[-2]
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name) and change.kind != "assign":
        target = parent.targets[0].id
    function = next((n.name for n in reversed(outer)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), "")
    bases = next((tuple(ast.unparse(b) for b in n.bases) for n in reversed(outer)
                  if isinstance(n, ast.ClassDef)), ())
    statements = [n for n in outer if isinstance(n, ast.stmt)]
    regions = []
    # The innermost statement first: the smallest test block that may still pass.
    for node in (statements[-1], statements[0]) if len(statements) > 1 else statements:
        twin = _follow(pair.after.tree, outer[:outer.index(node) + 1])
        regions.append((_lines(before, node), _lines(after, twin)))
    return Change(**{**change.__dict__, "context": Context(target, function, bases),
                     "regions": tuple(regions)})


def _follow(tree: ast.AST, path: list[ast.AST]) -> ast.AST:
    """The node of ``tree`` at the place ``path`` leads to in its own tree (the changes
    learnt here never move a statement, so the place is the same in both)."""
    node = tree
    for parent, child in zip(path, path[1:]):
        field, at = next((f, i) for f, v in ast.iter_fields(parent)
                         for i, item in enumerate(v if isinstance(v, list) else [v])
                         if item is child)
        value = getattr(node, field)
        node = value[at] if isinstance(value, list) else value
    return node


def _lines(index: LineIndex, node: ast.AST) -> tuple[int, int]:
    """The ``[start, end)`` offsets of the whole lines holding ``node``."""
    start, end = index.span(node)
    if isinstance(node, ast.stmt):
        start = index.starts[index.first_line(node) - 1]
    low = index.source.rfind("\n", 0, start) + 1
    high = index.source.find("\n", end)
    return low, len(index.source) if high < 0 else high + 1


def _number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _dump(node: ast.AST) -> str:
    return ast.dump(node)
