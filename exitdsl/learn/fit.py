"""The simplest value reproducing every pair's new number: the same constant, the same
ratio, or the same offset, rounded so that each pair's new literal comes out exactly.

A fit is judged on values here; the engine then judges the bytes (check.py).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

_RATIO_DIGITS = (1, 2, 3, 4)  # a ratio or offset said with few digits reads as intended


@dataclass(frozen=True)
class Action:
    """The action lines of a rule, and the keyword (if any) whose value the pattern must
    capture for them (``add tp_stop = round($sl_stop * 2, 2)`` reads ``$sl_stop``)."""

    lines: tuple[str, ...]
    reads: str = ""
    how: str = ""  # for the description: "set to 0.05", "scaled by 0.8", ...


def value(text: str) -> int | float | None:
    """A number literal's value (``-0.1`` counts), else None."""
    try:
        found = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return found if type(found) in (int, float) else None


def decimals(text: str) -> int | None:
    """The digits after the point (None for an exponent, which no rounding spells)."""
    lowered = text.lower()
    if "e" in lowered or "j" in lowered or "_" in lowered:
        return None
    return len(lowered.partition(".")[2])


def expressions(olds: Sequence[str], news: Sequence[str], capture: str) -> list[tuple[str, str]]:
    """Value expressions of ``capture`` giving each new number from its old one, simplest
    first, each with what it does in words."""
    found: list[tuple[str, str]] = []
    if len(set(news)) == 1 and value(news[0]) is not None:
        found.append((news[0], f"set to {news[0]}"))
    pairs = [(value(o), value(n)) for o, n in zip(olds, news)]
    places = [decimals(n) for n in news]
    if any(o is None or n is None for o, n in pairs) or None in places:
        return found
    numbers = [(float(o), float(n)) for o, n in pairs if o is not None and n is not None]
    digits = max(p for p in places if p is not None)
    # As many decimals as the old values have too, where that still gives each new
    # literal: 0.1 -> 0.2 and 0.05 -> 0.1 say `round($x * 2, 2)`, and 0.02 then gives 0.04
    # rather than 0.0.
    finer = max([digits] + [p for p in (decimals(o) for o in olds) if p is not None])
    for ratio in _candidates([n / o for o, n in numbers if o]):
        places_used = next((d for d in (finer, digits) if all(o for o, _ in numbers) and all(
            round(o * ratio, d) == n for o, n in numbers)), None)
        if places_used is not None:
            found.append((_rounded(f"{capture} * {_text(ratio)}", places_used),
                          f"scaled by {_text(ratio)}"))
            break
    for offset in _candidates([n - o for o, n in numbers]):
        places_used = next((d for d in (finer, digits) if offset and all(
            round(o + offset, d) == n for o, n in numbers)), None)
        if places_used is not None:
            sign = "+" if offset > 0 else "-"
            found.append((_rounded(f"{capture} {sign} {_text(abs(offset))}", places_used),
                          f"moved by {_text(offset)}"))
            break
    return found


def _candidates(estimates: list[float]) -> list[float]:
    """The first estimate said with 1, 2, 3 and 4 digits after the point (as many
    distinct values, none of them 0 or the identity)."""
    if not estimates:
        return []
    seen: list[float] = []
    for digits in _RATIO_DIGITS:
        guess = round(estimates[0], digits)
        if guess not in seen and guess not in (0, 1):
            seen.append(guess)
    return seen


def _rounded(expression: str, digits: int) -> str:
    return f"round({expression}, {digits})" if digits else f"round({expression})"


def _text(number: float) -> str:
    return repr(int(number)) if number == int(number) else repr(number)
