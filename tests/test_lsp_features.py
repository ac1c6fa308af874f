"""Each feature of the language server on the shipped rule files and small realistic ones,
called in-process (tests/test_lsp.py drives the same code through a real client)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from exitdsl.cli import main
from exitdsl.language.syntax_errors import RULE_ITEMS, TOP_LEVEL
from exitdsl.lsp.actions import code_actions
from exitdsl.lsp.analysis import Analysis, analyse
from exitdsl.lsp.completion import completions
from exitdsl.lsp.diagnostics import diagnostics
from exitdsl.lsp.hover import hover
from exitdsl.lsp.keywords import keywords
from exitdsl.lsp.navigation import definition, references
from exitdsl.vocabulary.tiers import TIERS

from .conftest import ROOT
from .lsp_client import span

BACKTESTING = ROOT / "rules" / "backtesting.rules"
FREQTRADE_V3 = ROOT / "rules" / "migrations" / "freqtrade_v3.rules"


def shipped(path: Path) -> Analysis:
    return analyse(path, path.read_text(encoding="utf-8"), {})


def at(analysis: Analysis, needle: str, offset: int = 0) -> tuple[int, int]:
    index = analysis.text.index(needle) + offset
    return analysis.text.count("\n", 0, index), index - (analysis.text.rfind("\n", 0, index) + 1)


def labels(items: list[types.CompletionItem]) -> list[str]:
    return [i.label for i in items]


# --- diagnostics ----------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.rules")), ids=lambda p: p.name)
def test_a_shipped_rule_file_has_no_diagnostic(path: Path) -> None:
    assert diagnostics(shipped(path)) == []


def test_syntax_errors_each_cover_the_misspelt_word_with_its_fix(tmp_path: Path) -> None:
    text = ("rule a {\n  matches `f($x)`\n  set $x = 1\n}\n\n"
            "rule b {\n  match `g($y)`\n  sett $y = 2\n}\n")
    analysis = analyse(tmp_path / "typos.rules", text, {})
    found = diagnostics(analysis)
    assert [(d.range, d.data) for d in found] == [
        (span(1, 2, 9), {"suggestion": "match"}), (span(7, 2, 6), {"suggestion": "set"})]
    assert found[1].message == ("unknown rule item 'sett' (did you mean 'set'?); expected one "
                                "of " + ", ".join(RULE_ITEMS))
    fixes = code_actions(analysis, "file:///typos.rules", span(7, 0, 0))
    assert [(a.title, a.edit.changes) for a in fixes if a.edit] == [
        ("Change 'sett' to 'set'", {"file:///typos.rules": [types.TextEdit(span(7, 2, 6), "set")]})]


def test_a_misspelt_capture_is_fixed_with_its_dollar(tmp_path: Path) -> None:
    text = "rule a {\n  match `sim(..., stop_loss=$stop, ...)`\n  set $stp = 0.1\n}\n"
    analysis = analyse(tmp_path / "capture.rules", text, {})
    [fix] = code_actions(analysis, "file:///c.rules", span(2, 7, 7))
    assert fix.edit is not None and fix.edit.changes == {
        "file:///c.rules": [types.TextEdit(span(2, 6, 10), "$stop")]}


def test_includes_are_read_from_open_buffers_before_the_disk(tmp_path: Path) -> None:
    (tmp_path / "common.rules").write_text("ruleset common\n")  # saved: no bound yet
    text = ('ruleset uses\nuse "common.rules"\n\nrule sl.cap {\n'
            "  match `sim(..., stop_loss=$sl, ...)`\n  set $sl = clamp($sl * 3, stop_loss)\n}\n")
    document = tmp_path / "uses.rules"
    [error] = diagnostics(analyse(document, text, {}))
    assert error.message == "unknown bound 'stop_loss'"
    buffer = {(tmp_path / "common.rules").resolve(): "ruleset common\nbound stop_loss = [0.01, 0.2]\n"}
    assert diagnostics(analyse(document, text, buffer)) == []


def test_an_error_in_an_included_file_shows_at_its_use(tmp_path: Path) -> None:
    common = tmp_path / "common.rules"
    common.write_text("ruleset common\nbound stop_loss = [0.2, 0.01]\n")
    [error] = diagnostics(analyse(tmp_path / "uses.rules", 'ruleset uses\nuse "common.rules"\n', {}))
    assert (error.range, error.message) == (
        span(1, 4, 18), f"{common}:2:7: bound 'stop_loss' is empty: 0.2 > 0.01")
    assert error.related_information is not None
    assert error.related_information[0].location == types.Location(
        common.resolve().as_uri(), span(1, 6, 15))


# --- completion -------------------------------------------------------------------------

def test_keywords_come_from_the_grammar() -> None:
    """The grammar's items are the ones the syntax errors list (a hand-kept table there)."""
    assert [k.word for k in keywords("rule")] == list(RULE_ITEMS)
    assert sorted(k.word for k in keywords("top")) == sorted(TOP_LEVEL)
    assert [k.word for k in keywords("test")] == ["before", "seed", "after", "unchanged",
                                                 "rejected"]
    rename = next(k for k in keywords("rule") if k.word == "rename")
    assert rename.forms == ("rename $capture to NAME", "rename $capture to NAME throughout",
                            "rename $capture using NAME")
    assert rename.doc.startswith("``rename $x to NAME [throughout]``: a captured plain name")


def test_completion_by_place() -> None:
    analysis = shipped(BACKTESTING)
    line, _ = at(analysis, "  ensure $m < 1")
    assert labels(completions(analysis, line, 2)) == list(RULE_ITEMS)
    assert labels(completions(analysis, line, 10)) == ["$m", "$p", "$self"]
    assert labels(completions(analysis, 0, 0))[:3] == ["ruleset", "use", "bound"]
    line, col = at(analysis, "  tier parametric", 7)
    assert labels(completions(analysis, line, col)) == list(TIERS)
    line, col = at(analysis, "$m in long_sl", 6)
    assert labels(completions(analysis, line, col)) == [
        "long_sl", "long_tp", "short_sl", "short_tp", "n_atr", "trailing_pct", "fraction",
        "atr_mult"]
    line, _ = at(analysis, "  after ```\nself.buy(sl=price * 0.961")
    assert labels(completions(analysis, line, 2)) == ["before", "seed", "after", "unchanged",
                                                      "rejected"]


def test_using_completes_maps_only() -> None:
    analysis = shipped(FREQTRADE_V3)
    line, col = at(analysis, "using methods", 6)
    assert labels(completions(analysis, line, col)) == [
        "methods", "settings", "trade_attributes", "signal_columns", "order_keys", "side_keys",
        "exit_reasons"]


def test_use_completes_rule_files_of_the_folder_and_the_shipped_ones(tmp_path: Path) -> None:
    (tmp_path / "common.rules").write_text("ruleset common\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "stops.rules").write_text("ruleset stops\n")
    analysis = analyse(tmp_path / "main.rules", 'use "', {})
    items = completions(analysis, 0, 5)
    assert labels(items)[:2] == ["common.rules", "lib/stops.rules"]
    finlab = next(i for i in items if i.detail == "shipped rule set finlab")
    assert (tmp_path / finlab.label).resolve() == (ROOT / "rules" / "finlab.rules").resolve()
    assert labels(completions(analyse(tmp_path / "main.rules", 'use "li', {}), 0, 7)) == [
        "lib/stops.rules"]


# --- hover --------------------------------------------------------------------------------

def hovered(analysis: Analysis, needle: str, offset: int = 0) -> str:
    result = hover(analysis, *at(analysis, needle, offset))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


def test_hovering_a_bound_shows_its_range_and_source() -> None:
    assert hovered(shipped(BACKTESTING), "$m in long_sl", 8) == (
        "```exitdsl\nbound long_sl = [0.8, 0.999]\n```\n\n"
        "sl multiplier of a long: below the entry price")


def test_hovering_a_predicate_an_action_and_a_map() -> None:
    analysis = shipped(BACKTESTING)
    assert hovered(analysis, "number($m)") == (
        "```exitdsl\nnumber(capture)\n```\n\n`$x` is a number literal (`-0.3` counts)")
    assert hovered(analysis, "  set $m = round", 3) == (
        "```exitdsl\nset $capture = VALUE\nset op = `pattern`\n```\n\n"
        "``set $x = VALUE`` (a number expression) and ``set $x = `CODE``` (a template).\n\n"
        "``set op = `<=```: replace the operator of the pattern's first operation.")
    assert hovered(shipped(FREQTRADE_V3), "using order_keys", 7).startswith(
        "```exitdsl\nmap order_keys = {buy: entry, sell: exit, ")


# --- navigation ---------------------------------------------------------------------------

def test_references_of_a_bound_across_the_file() -> None:
    analysis = shipped(BACKTESTING)
    line, col = at(analysis, "bound long_sl", 7)
    found = references(analysis, line, col, declaration=True)
    uri = BACKTESTING.resolve().as_uri()
    where, _ = at(analysis, "where number($m) and $m in long_sl")
    assert [(r.uri, r.range) for r in found] == [
        (uri, span(line, 6, 13)), (uri, span(where, 29, 36)), (uri, span(where + 1, 44, 51))]
    assert references(analysis, line, col, declaration=False) == found[1:]


def test_a_captures_definition_is_where_its_patterns_bind_it() -> None:
    analysis = shipped(BACKTESTING)
    line, col = at(analysis, "set $m = round(clamp($m * gauss(1, 0.1), atr_mult), 2)", 5)
    first, _ = at(analysis, "match `$self.buy(..., sl=$p - $atr * $m, ...)`")
    assert [r.range.start.line for r in definition(analysis, line, col)] == [
        first, first + 1, first + 2, first + 3]
    uses = references(analysis, line, col, declaration=False)
    assert [(r.range.start.line, r.range.start.character) for r in uses] == [
        (first + 4, 15), (first + 4, 23), (first + 5, 6), (first + 5, 23), (first + 6, 9)]


def test_definition_of_a_use_file_and_of_a_tested_rule(tmp_path: Path) -> None:
    (tmp_path / "common.rules").write_text("ruleset common\nbound stop_loss = [0.01, 0.2]\n")
    text = ('use "common.rules"\nrule sl.cap {\n  match `sim(stop_loss=$sl)`\n'
            "  set $sl = clamp($sl * 3, stop_loss)\n}\n"
            "test sl.cap {\n  before ```\nsim(stop_loss=0.1)\n```\n  unchanged\n}\n")
    analysis = analyse(tmp_path / "main.rules", text, {})
    common = (tmp_path / "common.rules").resolve().as_uri()
    assert definition(analysis, 0, 8) == [types.Location(common, span(0, 0, 0))]
    assert definition(analysis, 3, 29) == [types.Location(common, span(1, 6, 15))]
    main_uri = (tmp_path / "main.rules").resolve().as_uri()
    assert definition(analysis, 5, 7) == [types.Location(main_uri, span(1, 5, 11))]


# --- code actions: a test's after -----------------------------------------------------------

def test_running_a_test_block_updates_its_after(tmp_path: Path) -> None:
    text = BACKTESTING.read_text(encoding="utf-8").replace(
        "self.buy(sl=price * 0.961, tp=price * 1.10)", "self.buy(sl=price * 0.9, tp=price * 1.10)")
    analysis = analyse(tmp_path / "backtesting.rules", text, {})
    line, _ = at(analysis, "self.buy(sl=price * 0.9, ")
    [action] = code_actions(analysis, "file:///b.rules", span(line, 0, 0))
    assert action.title == "Run test buy_sl.jitter and update its `after`"
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes["file:///b.rules"]
    assert edit == types.TextEdit(
        types.Range(types.Position(line - 1, 8), types.Position(line + 1, 3)),
        "```\nself.buy(sl=price * 0.961, tp=price * 1.10)\n```")
    passing, _ = at(analysis, "self.buy(size=0.5, sl=price * 0.95, tp=price * 1.101)")
    assert code_actions(analysis, "file:///b.rules", span(passing, 0, 0)) == []


# --- the command --------------------------------------------------------------------------

def test_without_pygls_the_command_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pygls" else real(name, *a))
    assert main(["lsp"]) == 2
    assert capsys.readouterr().err == (
        "exitdsl lsp: pygls is not installed; pip install 'exitdsl[lsp]'\n")
