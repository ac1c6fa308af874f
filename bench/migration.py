"""The freqtrade v2 -> v3 migration (rules/migrations/freqtrade_v3.rules) on a v2 corpus,
and freqtrade's own strategy-updater on the same files when freqtrade is installed.

    python bench/migration.py [CORPUS_DIR] [--json out.json] [--no-updater]

Only the files that hold a v2 construct are measured.

Per tool: files fully converted (no v2 construct left, by the AST scan below), files that
compile, lines changed, comments moved (comment texts and columns aligned old -> new; a
comment that lost its place or its text counts), lines changed beyond the lines holding a
renamed token (+1 per inserted INTERFACE_VERSION), whether a second run changes anything,
and CPU seconds.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import json
import resource
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples/migration/freqtrade_v2"

V2_METHODS = {"populate_buy_trend", "populate_sell_trend", "custom_sell", "check_buy_timeout",
              "check_sell_timeout"}
V2_SETTINGS = {"ticker_interval", "use_sell_signal", "sell_profit_only", "sell_profit_offset",
               "ignore_roi_if_buy_signal", "forcebuy_enable"}
V2_ATTRIBUTES = V2_SETTINGS | {"nr_of_successful_buys", "nr_of_successful_sells"}
V2_COLUMNS = {"buy", "sell", "buy_tag"}
V2_ORDER_KEYS = {"buy", "sell", "emergencysell", "forcesell", "forcebuy"}
V2_REASONS = {"sell_signal", "force_sell", "emergency_sell", "custom_sell"}
FRAMES = {"dataframe", "df", "data", "informative"}


def v2_left(source: str) -> list[str]:
    """Every v2 construct still in ``source`` (empty: fully converted)."""
    tree = ast.parse(source)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):  # methods only: a nested def is a local name
            found += [f"def {m.name}" for m in node.body
                      if isinstance(m, ast.FunctionDef) and m.name in V2_METHODS]
        if isinstance(node, ast.Name) and node.id in V2_SETTINGS:
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in V2_ATTRIBUTES:
            found.append(f".{node.attr}")
        elif isinstance(node, ast.arg) and node.arg == "sell_reason":
            found.append("sell_reason parameter")
        elif isinstance(node, ast.keyword) and node.arg == "sell_reason":
            found.append("sell_reason=")
        elif isinstance(node, ast.Subscript) and _frame(node.value):
            found += [f"column {k}" for k in _keys(node.slice) if k in V2_COLUMNS]
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("order_types", "order_time_in_force",
                                                      "unfilledtimeout") for t in node.targets):
            if isinstance(node.value, ast.Dict):
                found += [f"key {k.value}" for k in node.value.keys
                          if isinstance(k, ast.Constant) and k.value in V2_ORDER_KEYS]
        elif isinstance(node, ast.Compare):
            found += [f"reason {c}" for c in _keys(node.left) + [
                k for c in node.comparators for k in _keys(c)] if c in V2_REASONS]
        elif isinstance(node, ast.Return) and node.value is not None:
            found += [f"reason {k} returned" for k in _keys(node.value) if k in V2_REASONS]
        elif isinstance(node, ast.Attribute) and node.attr in V2_METHODS:
            found.append(f".{node.attr}")  # a call to (or a reference of) a renamed method
        elif isinstance(node, ast.Name) and node.id == "sell_reason":
            found.append("sell_reason")
        elif isinstance(node, ast.Attribute) and node.attr in ("NaN", "NAN"):
            found.append(f"np.{node.attr}")
        elif isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", "") == "IStrategy" for b in node.bases):
            versions = [s.value.value for s in node.body if isinstance(s, ast.Assign)
                        and any(getattr(t, "id", "") == "INTERFACE_VERSION" for t in s.targets)
                        and isinstance(s.value, ast.Constant)]
            if versions != [3]:
                found.append(f"INTERFACE_VERSION {versions or 'missing'}")
    return found


def _frame(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in FRAMES
    return isinstance(node, ast.Attribute) and node.attr == "loc" and _frame(node.value)


def _keys(node: ast.AST) -> list[object]:
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [k for element in node.elts for k in _keys(element)]
    return []


def comments(source: str) -> list[tuple[str, int, int]]:
    """(text, indentation of a comment on its own line or -1 after code, line) each."""
    lines = source.splitlines()
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            own = not lines[row - 1][:col].strip()
            found.append((token.string, col if own else -1, row))
    return found


def comments_moved(old: str, new: str) -> int:
    """Comments whose text or own-line indentation changed, that were merged or dropped,
    or that moved to another line (other than by the lines inserted above them)."""
    before, after = comments(old), comments(new)
    matcher = difflib.SequenceMatcher(None, [c[:2] for c in before], [c[:2] for c in after],
                                      autojunk=False)
    shift = _line_shift(old, new)
    moved = len(before)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            old_line, new_line = before[block.a + k][2], after[block.b + k][2]
            moved -= new_line == old_line + shift(old_line)
    return moved


def _line_shift(old: str, new: str) -> Callable[[int], int]:
    """How many lines were inserted above each old line (where the lines still align)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    opcodes = matcher.get_opcodes()

    def shift(line: int) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= line - 1 < i2 or (tag == "insert" and i1 > line - 1):
                return j1 - i1 if tag != "insert" else 0
        return 0
    return shift


def lines_changed(old: str, new: str) -> tuple[int, int, int]:
    """(old lines replaced or removed, new lines added, of which pure insertions)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    removed = added = inserted = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
        if tag == "insert":
            inserted += j2 - j1
    return removed, added, inserted


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, convert: Callable[[str, str], tuple[str, set[int] | None]],
            files: list[Path]) -> dict[str, Any]:
    figures: dict[str, Any] = {"tool": name, "files": len(files), "converted": 0,
                               "compile": 0, "old_lines": 0, "lines_removed_or_changed": 0,
                               "lines_added": 0, "comments": 0, "comments_moved": 0,
                               "extra_lines": 0, "second_run_changes": 0, "left": {}}
    start = cpu()
    for path in files:
        old = path.read_text(encoding="utf-8")
        try:
            new, renamed_lines = convert(old, str(path))
        except Exception as exc:  # a tool failing on a file is a figure, not a crash
            figures["left"][path.name] = [f"failed: {type(exc).__name__}: {exc}"[:200]]
            continue
        left = v2_left(new)
        figures["converted"] += not left
        if left:
            figures["left"][path.name] = left
        try:
            compile(new, str(path), "exec")
            figures["compile"] += 1
        except SyntaxError:
            pass
        removed, added, inserted = lines_changed(old, new)
        figures["old_lines"] += old.count("\n")
        figures["lines_removed_or_changed"] += removed
        figures["lines_added"] += added
        figures["comments"] += len(comments(old))
        figures["comments_moved"] += comments_moved(old, new)
        if renamed_lines is not None:  # lines changed beyond the renamed tokens' lines
            figures["extra_lines"] += removed - len(renamed_lines) + (added - removed - inserted)
        again, _ = convert(new, str(path))
        figures["second_run_changes"] += again != new
    figures["cpu_seconds"] = round(cpu() - start, 2)
    return figures


def exitdsl_converter() -> Callable[[str, str], tuple[str, set[int] | None]]:
    sys.path.insert(0, str(ROOT))
    from exitdsl import Engine, load_rules

    engine = Engine(load_rules("freqtrade_v3"))

    def convert(source: str, path: str) -> tuple[str, set[int] | None]:
        result = engine.rewrite(source, path)
        if result.rejections:
            raise RuntimeError("; ".join(f"{r.line}: {r.check}: {r.detail}"
                                         for r in result.rejections))
        lines = {c.line + k for c in result.changes for k in range(c.old.count("\n") + 1)
                 if c.old}
        return result.new_source, lines
    return convert


def updater_converter() -> Callable[[str, str], tuple[str, set[int] | None]] | None:
    try:
        from freqtrade.strategy.strategyupdater import StrategyUpdater  # type: ignore
    except ImportError:
        return None
    updater = StrategyUpdater()
    return lambda source, path: (updater.update_code(source), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-updater", action="store_true",
                        help="leave freqtrade's own updater out (it takes minutes on the "
                             "largest NostalgiaForInfinity files)")
    args = parser.parse_args()
    # Only files written for v2: a v3 file has nothing to convert and would flatter the rate.
    files = [p for p in sorted(args.corpus.rglob("*.py")) if p.is_file() and any(
        not left.startswith("INTERFACE_VERSION")
        for left in v2_left(p.read_text(encoding="utf-8")))]
    report = [measure("exitdsl -r freqtrade_v3", exitdsl_converter(), files)]
    updater = None if args.no_updater else updater_converter()
    if updater is not None:
        report.append(measure("freqtrade strategy-updater", updater, files))
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
