"""What a run shows machines: one JSON record per change, skip, rejection or error."""

from __future__ import annotations

import json
from typing import Any

from ..results import Change, Rejection, Skip


def change_record(path: str, change: Change) -> dict[str, Any]:
    return {"kind": "change", "file": path, "rule": change.rule, "site": change.site_id,
            "line": change.line, "col": change.col, "old": change.old, "new": change.new,
            "seed": change.seed}


def skip_record(path: str, skip: Skip) -> dict[str, Any]:
    return {"kind": "skip", "file": path, "rule": skip.rule, "line": skip.line,
            "col": skip.col, "reason": skip.reason}


def rejection_record(path: str, rejection: Rejection) -> dict[str, Any]:
    return {"kind": "rejection", "file": path, "rule": rejection.rule, "line": rejection.line,
            "col": rejection.col, "check": rejection.check, "detail": rejection.detail}


def error_record(path: str, message: str) -> dict[str, Any]:
    return {"kind": "error", "file": path, "message": message}


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)
