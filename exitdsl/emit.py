"""Stage 6: what a run shows — unified diffs and machine-readable records."""

from __future__ import annotations

import difflib
import json
from typing import Any

from .engine import Change, FileResult, Skip
from .verify import Rejection


def unified_diff(result: FileResult) -> str:
    """A ``diff -u`` of the file, marking a missing final newline like git does."""
    old = result.source.splitlines(keepends=True)
    new = result.new_source.splitlines(keepends=True)
    name = result.path.lstrip("/")
    lines = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
    out = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


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
