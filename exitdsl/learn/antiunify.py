"""Anti-unification of a cluster's changes: what all of them share stays literal in the
pattern, what differs becomes a capture or ``...``; what encloses them (the ``NAME =`` a
node is the value of, the function, the class) becomes a clause only as far as all share
it. ``ladder`` lists the patterns from the most general to the most specific: the first
that reproduces every pair wins (learner.py).
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from .difference import Change

# The ways a pattern can be made more specific, in the order they are tried alone; then
# they are added up in this order.
FEATURES = ("positional", "target", "function", "bases", "operands", "literal_call", "old")


@dataclass(frozen=True)
class Pattern:
    matches: tuple[str, ...]
    clauses: tuple[str, ...]  # within / where / unless lines


# The learner's own captures; a keyword spelt like one of them gets another name.
_OWN = frozenset({"_", "a", "b", "v", "mod", "name"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def word(name: str) -> str:
    """``name`` as a capture or a rule id can spell it: itself when it is a plain ASCII
    word that is not one of the learner's own captures, else a stable stand-in
    (``損切り`` -> ``kw_1f0e5a3c``)."""
    if _WORD.fullmatch(name) and name not in _OWN:
        return name
    return f"kw_{zlib.crc32(name.encode('utf-8')):08x}"


def capture(name: str) -> str:
    return "$" + word(name)


def ladder(changes: Sequence[Change], reads: str = "") -> list[Pattern]:
    """The cluster's patterns, most general first, without repeats."""
    usable = [f for f in FEATURES if _shared(changes, f)]
    # `$a < $b` alone says "every comparison of the file": a comparison keeps at least one
    # thing its examples share (the name it is assigned to, an operand, the function).
    bare = [] if changes[0].kind == "op" and usable else [frozenset[str]()]
    chosen: list[frozenset[str]] = list(bare)
    chosen += [frozenset([f]) for f in usable]
    chosen += [frozenset(usable[:n]) for n in range(2, len(usable) + 1)]
    found: list[Pattern] = []
    for features in chosen:
        pattern = build(changes, features, reads)
        if pattern not in found:
            found.append(pattern)
    return found


def build(changes: Sequence[Change], features: frozenset[str], reads: str = "") -> Pattern:
    first = changes[0]
    where: list[str] = []
    if first.kind == "op":
        core = _comparison(changes, "operands" in features)
    elif first.kind == "assign":
        core = [f"{first.key} = $v"]
        where.append("where number($v)")
    else:
        core = _calls(changes, features, reads)
        if first.kind == "keyword":
            where.append(f"where number({capture(first.key)})")
        if reads:
            where.append(f"where number({capture(reads)})")
    matches = list(core)
    if "target" in features and first.kind != "assign":
        name, guard = _target(changes)
        matches = [f"{name} = {m}" for m in core]
        where += guard
    if "old" in features:
        subject = "$v" if first.kind == "assign" else capture(first.key)
        where.append(f"where {subject} == {first.old}")
    clauses = _contexts(changes, features) + where
    if first.kind == "add":
        clauses.append(f"unless `$_(..., {first.key}=$_, ...)`")
    return Pattern(tuple(matches), tuple(clauses))


def _shared(changes: Sequence[Change], feature: str) -> bool:
    """Can ``feature`` be said of every change of the cluster?"""
    first = changes[0]
    if feature == "target":
        return first.kind != "assign" and all(c.context.target for c in changes) and (
            len({c.context.target for c in changes}) == 1 or bool(_affixes(changes)))
    if feature == "function":
        return bool(first.context.function) and _same(c.context.function for c in changes)
    if feature == "bases":
        return bool(first.context.bases) and _same(c.context.bases[:1] for c in changes)
    if feature == "positional":
        return first.kind not in ("op", "assign") and bool(_prefix(changes))
    if feature == "operands":
        return first.kind == "op" and (_same(c.operands[0] for c in changes)
                                       or _same(c.operands[1] for c in changes))
    if feature == "literal_call":
        return first.kind not in ("op", "assign") and _call_forms(changes) != sorted(
            {c.call for c in changes})
    return feature == "old" and first.kind in ("keyword", "assign", "remove") \
        and _same(c.old for c in changes)


def _same(values: Iterable[Hashable]) -> bool:
    return len(set(values)) == 1


def _calls(changes: Sequence[Change], features: frozenset[str], reads: str) -> list[str]:
    first = changes[0]
    forms = sorted({c.call for c in changes}) if "literal_call" in features \
        else _call_forms(changes)
    parts = list(_prefix(changes)) if "positional" in features else []
    parts.append("...")
    if first.kind in ("keyword", "remove"):
        value = capture(first.key) if first.kind == "keyword" else "$_"
        parts += [f"{first.key}={value}", "..."]
    if reads:
        parts += [f"{reads}={capture(reads)}", "..."]
    return [f"{form}({', '.join(parts)})" for form in forms]


def _call_forms(changes: Sequence[Change]) -> list[str]:
    """The called functions, general: one spelling if all agree, else ``name`` for bare
    calls and ``$mod.name`` for qualified ones."""
    calls = {c.call for c in changes}
    if len(calls) == 1:
        return sorted(calls)
    return sorted({c.rpartition(".")[2] if "." not in c else
                   f"$mod.{c.rpartition('.')[2]}" for c in calls})


def _prefix(changes: Sequence[Change]) -> tuple[str, ...]:
    """The positional arguments every call starts with, spelt alike."""
    shared: list[str] = []
    for column in zip(*(c.positional for c in changes)):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    return tuple(shared)


def _comparison(changes: Sequence[Change], literal: bool) -> list[str]:
    first = changes[0]
    left = first.operands[0] if literal and _same(c.operands[0] for c in changes) else "$a"
    right = first.operands[1] if literal and _same(c.operands[1] for c in changes) else "$b"
    return [f"{left} {first.old} {right}"]


def _target(changes: Sequence[Change]) -> tuple[str, list[str]]:
    names = {c.context.target for c in changes}
    if len(names) == 1:
        return names.pop(), []
    return "$name", [f"where $name ~ /{_affixes(changes)}/"]


def _affixes(changes: Sequence[Change]) -> str:
    """A regex of the prefix and suffix all target names share ("" when none does)."""
    names = [c.context.target for c in changes]
    prefix = os.path.commonprefix(names)
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    regex = ("^" + prefix if len(prefix) > 1 else "") + (".*" if len(prefix) > 1 and len(
        suffix) > 1 else "") + (suffix + "$" if len(suffix) > 1 else "")
    return regex


def _contexts(changes: Sequence[Change], features: frozenset[str]) -> list[str]:
    first = changes[0]
    clauses = []
    if "bases" in features:
        clauses.append(f"within `class $_({first.context.bases[0]}): ...`")
    if "function" in features:
        clauses.append(f"within `def {first.context.function}(...): ...`")
    return clauses
