"""Stage 5: prove a rewrite before anything is emitted.

Each check is a pure function returning ``None`` (passed) or a :class:`Rejection`
naming the check and why. The engine runs them on every rewritten statement;
``--verify full`` adds whole-file checks. See docs/verifier.md.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CHECKS = ("syntax", "intent", "confinement", "ensure", "safety", "determinism")

_BANNED_CALLS = frozenset({"exec", "eval", "compile", "__import__", "open", "breakpoint",
                           "getattr", "setattr", "delattr", "globals", "locals", "vars"})
_BANNED_MODULES = frozenset({"os", "subprocess", "sys", "shutil", "socket", "importlib",
                             "builtins", "ctypes", "pickle", "marshal"})


@dataclass(frozen=True)
class Rejection:
    """A rewrite refused by ``check``; ``detail`` says what was wrong."""

    rule: str
    line: int
    col: int
    check: str
    detail: str


def parses(code: str) -> ast.Module | str:
    """The module, or the syntax error's message."""
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


def compiles(code: str, path: str) -> str | None:
    try:
        compile(code, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"compile() rejects the result: {exc}"
    return None


def same_tree(actual: ast.AST, intended: ast.AST) -> str | None:
    """``None`` if both trees mean the same code, else a short account of the difference."""
    got, want = ast.dump(actual), ast.dump(intended)
    if got == want:
        return None
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return f"result means {got[max(0, at - 30):at + 50]!r}, intended {want[max(0, at - 30):at + 50]!r}"


def confined(old: str, new: str, spans: Sequence[tuple[int, int]]
             ) -> tuple[str | None, list[str]]:
    """Is ``new`` the ``old`` text with only the ``[start, end)`` spans replaced?

    Returns a problem (or None) and the new text of each span, in span order. The text
    outside the spans must appear unchanged and in order: anchored at both ends, and
    each gap between two spans found, leftmost, after the previous one.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # nested in (or overlapping) the previous span
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    gaps = [old[:merged[0][0]]] + [old[a[1]:b[0]] for a, b in zip(merged, merged[1:])] \
        + [old[merged[-1][1]:]]
    head, tail = gaps[0], gaps[-1]
    if not new.startswith(head):
        return _first_difference(new, head, "before"), []
    if not new.endswith(tail) or len(new) < len(head) + len(tail):
        return _first_difference(new[::-1], tail[::-1], "after"), []
    body, texts, position = new[len(head):len(new) - len(tail)], [], 0
    for gap in gaps[1:-1]:
        found = body.find(gap, position)
        if found < 0:
            return f"bytes between two targeted spans changed: {gap!r} is gone", []
        texts.append(body[position:found])
        position = found + len(gap)
    texts.append(body[position:])
    by_span = dict(zip(merged, texts))
    return None, [next(t for (a, b), t in by_span.items() if a <= s < b or (a, b) == (s, e))
                  for s, e in spans]


def _first_difference(new: str, old: str, where: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(new, old)) if a != b), min(len(new), len(old)))
    return f"bytes changed {where} the targeted spans, at offset {at} from that end"


def unsafe(new_nodes: Iterable[ast.AST], source: str, declared: str) -> str | None:
    """What a rewrite must never introduce: imports, code execution, system modules, new names."""
    known_words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", declared))
    for root in new_nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                return "introduces an import"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in _BANNED_CALLS:
                return f"introduces a call to {node.func.id}()"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in _BANNED_MODULES:
                return f"introduces access to {node.value.id}.{node.attr}"
            if isinstance(node, ast.Name) and node.id in _BANNED_MODULES | _BANNED_CALLS:
                return f"introduces the name {node.id!r}"
            if isinstance(node, ast.Name) and node.id not in known_words \
                    and re.search(rf"\b{re.escape(node.id)}\b", source) is None:
                return f"introduces the name {node.id!r}, found neither in the input nor the rule"
    return None
