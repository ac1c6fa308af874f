"""The alternatives a user would pick instead of exitdsl, re-implemented from their
descriptions, each doing the same job: jitter sim()'s stop_loss literal and validate.

(a) the predecessor's regex mutator (regex find, Gaussian step, clamp, substitute,
    ast.parse), with its own pattern and with the pattern adapted to the real site;
(b) the predecessor's first design: stdlib ast edit + ast.unparse;
(c) a naive libcst codemod: parse, CSTTransformer, .code, ast.parse;
(d) ast-grep's Python binding (optional: pip install ast-grep-py).
"""

from __future__ import annotations

import ast
import difflib
import io
import random
import re
import tokenize
from dataclasses import dataclass
from typing import Any

PREDECESSOR_PATTERN = re.compile(r"stop_loss_pct\s*=\s*([0-9.]+)")
ADAPTED_PATTERN = re.compile(r"stop_loss\s*=\s*([0-9.]+)")
LOW, HIGH = 0.01, 0.20


def _step(value: float, rng: random.Random) -> float:
    return round(min(max(value * rng.gauss(1, 0.15), LOW), HIGH), 4)


def regex_mutate(source: str, rng: random.Random, pattern: re.Pattern[str] = ADAPTED_PATTERN
                 ) -> str | None:
    """(a): one random match of ``pattern``, stepped, substituted, validated by ast.parse."""
    matches = list(pattern.finditer(source))
    if not matches:
        return None
    m = rng.choice(matches)
    try:
        new = repr(_step(float(m.group(1)), rng))
    except ValueError:
        return None
    out = source[:m.start(1)] + new + source[m.end(1):]
    try:
        ast.parse(out)
    except SyntaxError:
        return None
    return out


@dataclass
class RegexScore:
    matches: int = 0
    correct: int = 0
    in_comment_or_string: int = 0
    wrong_variable: int = 0


def score_regex(source: str, pattern: re.Pattern[str] = ADAPTED_PATTERN) -> RegexScore:
    """Classify every match: sim()'s keyword, text in a comment or string, or another name."""
    score = RegexScore()
    opaque: list[tuple[int, int]] = []
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.STRING):
            opaque.append((starts[tok.start[0] - 1] + tok.start[1],
                           starts[tok.end[0] - 1] + tok.end[1]))
    for m in pattern.finditer(source):
        score.matches += 1
        if any(a <= m.start() < b for a, b in opaque):
            score.in_comment_or_string += 1
        elif m.start() > 0 and (source[m.start() - 1].isalnum() or source[m.start() - 1] == "_"):
            score.wrong_variable += 1
        else:
            score.correct += 1
    return score


def _is_sim(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "sim") or (
        isinstance(func, ast.Attribute) and func.attr == "sim")


def ast_mutate(source: str, rng: random.Random) -> str | None:
    """(b): edit the ast, regenerate the whole file with ast.unparse."""
    tree = ast.parse(source)
    changed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_sim(node.func):
            for kw in node.keywords:
                if kw.arg == "stop_loss" and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, float):
                    kw.value = ast.Constant(_step(kw.value.value, rng))
                    changed = True
    if not changed:
        return None
    out = ast.unparse(tree)
    ast.parse(out)
    return out


@dataclass
class UnparseScore:
    lines_reformatted: int = 0
    comments_deleted: int = 0


def score_unparse(source: str, out: str) -> UnparseScore:
    def comments(text: str) -> int:
        return sum(t.type == tokenize.COMMENT
                   for t in tokenize.generate_tokens(io.StringIO(text).readline))

    old, new = source.splitlines(), out.splitlines()
    changed = sum(i2 - i1 for tag, i1, i2, _, _ in
                  difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                  if tag != "equal")
    return UnparseScore(max(0, changed - 1), comments(source) - comments(out))


def libcst_mutate(source: str, rng: random.Random) -> str | None:
    """(c): a textbook libcst codemod over the whole file."""
    import libcst as cst

    class Jitter(cst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.changed = False

        def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
            func = updated.func
            name = func.value if isinstance(func, cst.Name) else (
                func.attr.value if isinstance(func, cst.Attribute) else "")
            if name != "sim":
                return updated
            args = []
            for arg in updated.args:
                if arg.keyword is not None and arg.keyword.value == "stop_loss" \
                        and isinstance(arg.value, cst.Float):
                    new = repr(_step(float(arg.value.value), rng))
                    arg = arg.with_changes(value=cst.Float(new))
                    self.changed = True
                args.append(arg)
            return updated.with_changes(args=args)

    transformer = Jitter()
    out = cst.parse_module(source).visit(transformer).code
    if not transformer.changed:
        return None
    ast.parse(out)
    return out


def astgrep_available() -> bool:
    try:
        import ast_grep_py  # noqa: F401
    except ImportError:
        return False
    return True


def astgrep_mutate(source: str, rng: random.Random) -> str | None:
    """(d): ast-grep's structural search and rewrite, validated by ast.parse."""
    from ast_grep_py import SgRoot

    root = SgRoot(source, "python").root()
    edits: list[Any] = []
    for pattern in ("sim($$$A, stop_loss=$SL, $$$B)", "$M.sim($$$A, stop_loss=$SL, $$$B)"):
        for node in root.find_all(pattern=pattern):
            value = node.get_match("SL")
            if value is None or value.kind() != "float":
                continue
            edits.append(value.replace(repr(_step(float(value.text()), rng))))
    if not edits:
        return None
    out: str = root.commit_edits(edits)
    ast.parse(out)
    return out
