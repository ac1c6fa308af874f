"""Reading a ``mutate`` output folder's ``lineage.jsonl`` back: which rule made a child,
and what it changed, for messages and reports about children given by path."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..io.files import FileProblem, read_regular

LINEAGE = "lineage.jsonl"
_MAX_BYTES = 100_000_000  # a lineage of a million children; a larger one is not read
_DEPTH = 4  # folders above a child searched for its lineage (DIR/<path>/<stem>.<k>.py)


@dataclass(frozen=True)
class Origin:
    """How a child was made."""

    rule: str
    old: str
    new: str

    @property
    def change(self) -> str:
        return f"{self.rule}: {self.old} -> {self.new}"


def origins(children: Iterable[str]) -> dict[str, Origin]:
    """The origin of each child path found in a lineage file of a folder above it (each
    lineage read once; a missing, unreadable or malformed one gives no origins)."""
    read: dict[Path, dict[Path, Origin]] = {}
    found: dict[str, Origin] = {}
    for child in children:
        path = Path(child).resolve()
        for folder in list(path.parents)[:_DEPTH]:
            if folder not in read:
                read[folder] = _read(folder / LINEAGE)
            origin = read[folder].get(path)
            if origin is not None:
                found[child] = origin
                break
    return found


def _read(lineage: Path) -> dict[Path, Origin]:
    try:
        data = read_regular(lineage, _MAX_BYTES)[0]
    except (FileProblem, OSError):
        return {}
    known: dict[Path, Origin] = {}
    for line in data.splitlines():
        try:
            entry = json.loads(line)
            child, rule, old, new = entry["child"], entry["rule"], entry["old"], entry["new"]
        except (ValueError, KeyError, TypeError):
            continue
        if all(isinstance(v, str) for v in (child, rule, old, new)):
            known[(lineage.parent / child).resolve()] = Origin(rule, old, new)
    return known
