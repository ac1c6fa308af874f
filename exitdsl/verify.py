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


@dataclass(frozen=True)
class Replacement:
    """The byte-for-byte expectation of one edit: ``[start, end)`` of the old text → ``text``."""

    start: int
    end: int
    text: str


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


def confined(old: str, new: str, replacements: Sequence[Replacement]) -> str | None:
    """The new text must be the old one with exactly ``replacements`` applied."""
    expected = splice(old, replacements)
    if expected == new:
        return None
    at = next((i for i, (a, b) in enumerate(zip(new, expected)) if a != b),
              min(len(new), len(expected)))
    return f"bytes changed outside the targeted spans near offset {at}: {new[at:at + 40]!r}"


def splice(text: str, replacements: Sequence[Replacement]) -> str:
    """Apply non-overlapping replacements; one contained in another is covered by the outer."""
    out: list[str] = []
    position = 0
    for rep in sorted(replacements, key=lambda r: (r.start, -r.end)):
        if rep.start < position:
            continue  # nested inside the previous replacement, whose text already includes it
        out.append(text[position:rep.start])
        out.append(rep.text)
        position = rep.end
    out.append(text[position:])
    return "".join(out)


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
