""""Did you mean ...?" for misspelt names: keywords, rules, functions, bounds, config keys."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or nothing."""
    near = closest(word, options)
    return f" (did you mean {near!r}?)" if near else ""
