"""The regexes of ``$x ~ /…/``: RE2, linear in the text by construction.

Python's ``re`` backtracks, and no pattern check can catch every catastrophic case
(``/^((a)+)+$/``, ``/^(a|a)+$/``). RE2 (the ``google-re2`` binding) matches in time linear
in the text whatever the pattern; what it lacks (back-references, look-around) is refused
when the rule compiles, never run on Python's engine instead.
"""

from __future__ import annotations

import re
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


def required_words(pattern: str) -> frozenset[str]:
    """Words (3+ identifier characters) that every text ``pattern`` matches contains:
    for skipping files and lines the way a pattern's own words do. Conservative: nothing
    for a pattern with an alternation or inline flags; only runs outside groups and
    classes, less a last character that a quantifier makes optional."""
    if "|" in pattern or "(?" in pattern:
        return frozenset()
    words: set[str] = set()
    run, depth, i = "", 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char.isalnum() or char == "_":
            run += char
            i += 1
            continue
        if char in "?*{":
            run = run[:-1]  # `abc?`: the c may be absent
        if depth == 0 and len(run) >= 3:
            words.add(run)
        run = ""
        if char == "\\":
            i += 2  # an escape (`\d`, `\.`) is not a word character of the text
            continue
        if char == "[":
            end = pattern.find("]", i + 2)
            i = len(pattern) if end < 0 else end + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
    if depth == 0 and len(run) >= 3:
        words.add(run)
    return frozenset(words)


_ALTERNATION = re.compile(r"\^?\(?((?:\w+\|)+\w+)\)?\$?")


def one_of_words(pattern: str) -> frozenset[str]:
    """The words of a pattern that is one alternation of plain words, anchored or not
    (``^(sl_stop|tp_stop)$``): every text it matches holds one of them. Empty when any
    alternative is shorter than 3 characters or the pattern is anything else."""
    found = _ALTERNATION.fullmatch(pattern)
    if found is None:
        return frozenset()
    words = found.group(1).split("|")
    return frozenset(words) if all(len(w) >= 3 for w in words) else frozenset()
