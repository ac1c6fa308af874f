"""Baseline (d) over a whole folder, as one process: ast-grep-py doing the job of three
exitdsl rules (finlab `stop_loss`, freqtrade `stoploss` and `trailing_stop_positive`),
each edit a Gaussian step, each file validated by ast.parse. Run by bench/run.py.

`sim($$$A, stop_loss=$SL, $$$B)` needs an argument after `stop_loss`; the patterns below
also cover it as the last argument (the fix issue 16 asked for), and matches are
deduplicated by position.

    python bench/astgrep_apply.py DIR
"""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path

from ast_grep_py import SgRoot

PATTERNS = (
    ("SL", "sim($$$A, stop_loss=$SL, $$$B)"), ("SL", "sim($$$A, stop_loss=$SL)"),
    ("SL", "$M.sim($$$A, stop_loss=$SL, $$$B)"), ("SL", "$M.sim($$$A, stop_loss=$SL)"),
    ("V", "stoploss = $V"), ("V", "trailing_stop_positive = $V"),
)


def rewrite(source: str, rng: random.Random) -> str | None:
    root = SgRoot(source, "python").root()
    edits, seen = [], set()
    for name, pattern in PATTERNS:
        for node in root.find_all(pattern=pattern):
            value = node.get_match(name)
            if value is None:
                continue
            where = (value.range().start.index, value.range().end.index)
            try:
                number = float(value.text())
            except ValueError:
                continue
            if where in seen:
                continue
            seen.add(where)
            edits.append(value.replace(repr(round(number * rng.gauss(1, 0.15), 4))))
    if not edits:
        return None
    out: str = root.commit_edits(edits)
    ast.parse(out)
    return out


def main() -> None:
    rng = random.Random(0)
    changed = 0
    for path in sorted(Path(sys.argv[1]).rglob("*.py")):
        changed += rewrite(path.read_text(encoding="utf-8"), rng) is not None
    print(changed)


if __name__ == "__main__":
    main()
