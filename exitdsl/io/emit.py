"""What exitdsl shows machines: JSON records, one per line, in one versioned schema
(docs/json-schema.md, docs/exitdsl.schema.json). Every record carries ``"schema"`` and a
``"kind"``; a run's last record is its ``summary``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..results import Change, Rejection, Skip

SCHEMA = 1
# Records of one file come in source order; at one position a change before a skip before
# a rejection.
_KIND_ORDER = {"change": 0, "skip": 1, "rejection": 2}


def record(kind: str, **fields: Any) -> dict[str, Any]:
    return {"schema": SCHEMA, "kind": kind, **fields}


def change_record(path: str, change: Change) -> dict[str, Any]:
    return record("change", file=path, rule=change.rule, site=change.site,
                  line=change.line, col=change.col, old=change.old, new=change.new,
                  seed=change.seed)


def skip_record(path: str, skip: Skip) -> dict[str, Any]:
    return record("skip", file=path, rule=skip.rule, line=skip.line, col=skip.col,
                  reason=skip.reason)


def rejection_record(path: str, rejection: Rejection) -> dict[str, Any]:
    return record("rejection", file=path, rule=rejection.rule, line=rejection.line,
                  col=rejection.col, check=rejection.check, detail=rejection.detail)


def error_record(path: str, message: str) -> dict[str, Any]:
    return record("error", file=path, message=message)


def summary_record(**counts: Any) -> dict[str, Any]:
    return record("summary", **counts)


def in_source_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One file's records by position (a stable sort: equal positions keep rule order)."""
    return sorted(records, key=lambda r: (r.get("line", 0), r.get("col", 0),
                                          _KIND_ORDER.get(r["kind"], 3)))


def dumps(data: dict[str, Any]) -> str:
    """One JSON record, always valid UTF-8: an undecodable byte of a file name (held as a
    surrogate) is written as its escape, ``\\xff``, never raw."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return text if text.isascii() or not _has_surrogate(text) else json.dumps(
        _valid_text(data), ensure_ascii=False, sort_keys=False)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _valid_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _has_surrogate(value) else value
    if isinstance(value, dict):
        return {_valid_text(k): _valid_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_valid_text(v) for v in value]
    return value
