"""The regexes of ``$x ~ /…/``: RE2, linear in the text by construction.

Python's ``re`` backtracks, and no pattern check can catch every catastrophic case
(``/^((a)+)+$/``, ``/^(a|a)+$/``). RE2 (the ``google-re2`` binding) matches in time linear
in the text whatever the pattern; what it lacks (back-references, look-around) is refused
when the rule compiles, never run on Python's engine instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information


class RegexError(ValueError):
    """A pattern RE2 does not accept; the message says why."""


@lru_cache(maxsize=256)
def compile_regex(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False  # errors are ours to report, located, not RE2's to print
    try:
        return re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise RegexError(text) from None


def search(pattern: str, text: str) -> bool:
    """Does ``pattern`` (already accepted by :func:`compile_regex`) occur in ``text``?"""
    return compile_regex(pattern).search(text) is not None
