"""How long `exitdsl learn` takes on 3 pairs of ~200-line strategy files, per family.

    python bench/learn.py [--rounds 5]

The pairs are tests/learn/<family>/ (each AFTER made by its edit in tests/learn/edits.json)
with unrelated helper code appended to both files of
each pair (the same code, so the change is where it was), to reach ~200 lines. CPU time
(time.process_time) and wall time of `learn()` in this process: the first call (cold:
imports, the grammar, libcst where the engine needs it) and the median of the next rounds.
Target: < 2 s CPU for 3 pairs. Never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exitdsl.learn.learner import learn  # noqa: E402
from exitdsl.learn.pairs import Pair, paired, parsed  # noqa: E402

FAMILIES = {"finlab": "a", "backtesting": "b", "vectorbt": "c"}
TARGET_LINES = 200


def filler(lines: int) -> str:
    """Unrelated helpers, as research scripts accumulate them: no call or comparison a
    learnt rule targets."""
    blocks = []
    number = 0
    while sum(b.count("\n") for b in blocks) < lines:
        blocks.append(f'''

def rolling_stat_{number}(series, window={10 + number}):
    """A helper the strategy no longer uses ({number})."""
    mean = series.rolling(window).mean()
    spread = series.rolling(window).std()
    scaled = (series - mean) / spread
    return scaled.clip(-3, 3).fillna(0)
''')
        number += 1
    return "".join(blocks)


def before_and_after(name: str) -> tuple[str, str]:
    """A pair of tests/learn: a variant of its family's first file, and that with its edit
    (tests/learn/edits.json, as tests/test_learn.py makes them)."""
    fixtures = json.loads((ROOT / "tests/learn/edits.json").read_text("utf-8"))
    variant = fixtures["variants"].get(name, {"from": name, "replace": []})
    before = (ROOT / "tests/learn" / f"{variant['from']}_before.py").read_text("utf-8")
    for old, new in variant["replace"]:
        before = before.replace(old, new)
    edit = fixtures["edits"][name]
    return before, before.replace(edit["old"], edit["new"])


def pairs(family: str) -> list[Pair]:
    found = []
    for n in (1, 2, 3):
        before, after = before_and_after(f"{family}/{FAMILIES[family]}{n}")
        extra = filler(TARGET_LINES - before.count("\n"))
        found.append(paired(parsed(f"{family}{n}_before.py", before + extra),
                            parsed(f"{family}{n}_after.py", after + extra)))
    return found


def timed(family: str) -> tuple[float, float]:
    chosen = pairs(family)
    cpu, wall = time.process_time(), time.perf_counter()
    learn(chosen)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| family | lines per file | cold CPU s | cold wall s | median CPU s | median wall s |")
    print("|---|---|---|---|---|---|")
    for family in FAMILIES:
        lines = statistics.mean(p.before.text.count("\n") for p in pairs(family))
        cold = timed(family)
        warm = [timed(family) for _ in range(args.rounds)]
        print(f"| {family} | {lines:.0f} | {cold[0]:.3f} | {cold[1]:.3f} | "
              f"{statistics.median(c for c, _ in warm):.3f} | "
              f"{statistics.median(w for _, w in warm):.3f} |")


if __name__ == "__main__":
    main()
