"""rules/migrations/freqtrade_v3.rules on the v2 corpus (examples/migration/freqtrade_v2):
every file fully converted (the AST scan of bench/migration.py), compiling, no comment
moved, only the lines holding a renamed token changed (+1 per inserted INTERFACE_VERSION),
and a second run changing nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.cli import main

from .conftest import ROOT

CORPUS = sorted((ROOT / "examples/migration/freqtrade_v2").glob("*.py"))
_spec = importlib.util.spec_from_file_location("migration_bench", ROOT / "bench/migration.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["migration_bench"] = bench
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules("freqtrade_v3"))


def test_the_corpus_has_the_shapes_the_issue_names() -> None:
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    assert len(CORPUS) >= 15
    assert all(bench.v2_left(t) for t in texts)
    assert sum("INTERFACE_VERSION = 2" in t for t in texts) >= 3
    assert sum("INTERFACE_VERSION" not in t for t in texts) >= 3
    assert sum("['buy', 'buy_tag']" in t or '["buy", "buy_tag"]' in t for t in texts) >= 2
    assert sum("def custom_sell" in t for t in texts) >= 3
    assert sum("def check_buy_timeout" in t for t in texts) >= 3


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_v2_strategy_is_fully_converted_and_nothing_else_moves(engine: Engine,
                                                                    path: Path) -> None:
    old = path.read_text(encoding="utf-8")
    result = engine.rewrite(old, str(path))
    new = result.new_source
    assert not result.rejections, result.rejections
    assert bench.v2_left(new) == []
    compile(new, str(path), "exec")
    assert bench.comments_moved(old, new) == 0
    removed, added, inserted = bench.lines_changed(old, new)
    renamed_lines = {c.line for c in result.changes if c.old}
    assert removed == len(renamed_lines) and added - removed == inserted
    assert inserted == ("INTERFACE_VERSION" not in old)
    assert engine.rewrite(new, str(path)).new_source == new  # idempotent
    assert "== 'buy'" not in old or "== 'buy'" in new  # order sides stay buy/sell


def test_apply_in_place_twice_changes_nothing_the_second_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "strategies"
    tree.mkdir()
    for path in CORPUS[:4]:
        (tree / path.name).write_bytes(path.read_bytes())
    assert main(["apply", "-r", "freqtrade_v3", "--in-place", "-q", str(tree)]) == 0
    once = {p.name: p.read_bytes() for p in tree.iterdir()}
    assert main(["apply", "-r", "freqtrade_v3", "--check", str(tree)]) == 0
    assert capsys.readouterr().err.endswith(
        "0 site(s) rewritten, 0 file(s) would change, 0 rejected, 0 error(s)\n")
    assert once == {p.name: p.read_bytes() for p in tree.iterdir()}


def test_the_migration_runs_only_when_named() -> None:
    from exitdsl import shipped_rules

    assert not any(r.id.startswith("freqtrade_v3.") for r in shipped_rules().rules)
