"""What every rule test does: rewrite twice with the same seed, and compare."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..engine import Engine
from ..results import FileResult, Rejection


@dataclass(frozen=True)
class Run:
    result: FileResult
    deterministic: bool  # a second rewrite with the same seed gave the same text


def run_twice(engine: Engine, text: str, path: str) -> Run:
    """Rewrite ``text`` twice; raises :class:`StrategyError` if it is not valid Python."""
    result = engine.rewrite(text, path)
    again = engine.rewrite(text, path)
    return Run(result, again.new_source == result.new_source)


def rejected(rejections: Iterable[Rejection]) -> str:
    """``rewrite rejected (check: detail; ...)``."""
    return "rewrite rejected (" + "; ".join(f"{r.check}: {r.detail}" for r in rejections) + ")"


NOT_DETERMINISTIC = "determinism: two runs with the same seed gave different output"
