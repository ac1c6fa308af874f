"""Found by attacking the spliced `add NAME = VALUE` (commit 9a07aae): the splice gives the
bytes, changes and rejections the libcst road gives (Rewriter(splice_literals=False)), or
leaves the edit to libcst; and where libcst cannot locate the call, the splice is right."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitdsl import load_rules
from exitdsl.results import FileResult
from exitdsl.rewriting.rewriter import Rewriter


def _rules(tmp_path: Path, text: str):
    path = tmp_path / "probe.rules"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


def _roads(tmp_path: Path, rules_text: str, source: str, seed: int = 0
           ) -> tuple[FileResult, FileResult]:
    rules = _rules(tmp_path, rules_text)
    results = []
    for splice in (True, False):
        rewriter = Rewriter(rules, splice_literals=splice)
        results.append(rewriter.rewrite(rewriter.prepare(source), seed))
    return results[0], results[1]


ADD_TP = """\
ruleset probe

rule tp.add {
  match `sim(...)`
  add take_profit = 0.1
}
"""


# --- 1. a first keyword whose name NFKC-normalises to another length (ﬁ -> fi, Ⅸ -> IX) ---
# The `=` is laid out from the name as written, not from ast's normalised name.

@pytest.mark.parametrize("call, added", [
    ("sim(a, ﬁ = 2, k=1)", "sim(a, ﬁ = 2, k=1, take_profit = 0.1)"),
    ("sim(a, ﬁ =1)", "sim(a, ﬁ =1, take_profit =0.1)"),
    ("sim(a, Ⅸ = 1)", "sim(a, Ⅸ = 1, take_profit = 0.1)"),
])
def test_a_keyword_name_python_normalises_keeps_its_equal_layout(
        tmp_path: Path, call: str, added: str) -> None:
    source = f"from finlab.backtest import sim\nreport = {call}\n"
    spliced, reference = _roads(tmp_path, ADD_TP, source)
    assert spliced.new_source == reference.new_source == source.replace(call, added)


# --- 2. a value written across lines: LF spliced into a CRLF file, no re-indentation --------

MULTILINE_TEMPLATE = """\
ruleset probe

rule tp.add {
  match `sim($p, ...)`
  add tp_stop = `(
$p
)`
}
"""


def test_multiline_template_in_crlf_file_keeps_crlf(tmp_path: Path) -> None:
    source = "report = sim(a)\r\n"
    spliced, reference = _roads(tmp_path, MULTILINE_TEMPLATE, source)
    expected = "report = sim(a, tp_stop=(\r\na\r\n))\r\n"
    assert reference.new_source == expected
    assert spliced.new_source == expected  # spliced: "(\na\n))\r\n", mixed line endings


def test_multiline_template_in_indented_block(tmp_path: Path) -> None:
    source = "if x:\n    report = sim(a)(b)\n"
    spliced, reference = _roads(tmp_path, MULTILINE_TEMPLATE, source)
    expected = "if x:\n    report = sim(a, tp_stop=(\n    a\n    ))(b)\n"
    assert reference.new_source == expected
    assert spliced.new_source == expected  # spliced: "(\na\n))(b)"


MULTILINE_CAPTURE = """\
ruleset probe

rule tp.add {
  match `$r = sim($p, ...) + $q`
  add tp_stop = `$q`
}
"""


def test_multiline_capture_in_indented_block(tmp_path: Path) -> None:
    source = "if x:\n    report = sim(a) + (b +\n        c)\n"
    spliced, reference = _roads(tmp_path, MULTILINE_CAPTURE, source)
    expected = "if x:\n    report = sim(a, tp_stop=(b +\n            c)) + (b +\n        c)\n"
    assert reference.new_source == expected
    assert spliced.new_source == expected  # spliced keeps "\n        c))"


# --- 3. a template ending in a comment: rejected spliced, rewritten through libcst ---------

COMMENT_TEMPLATE = """\
ruleset probe

rule tp.add {
  match `sim($p, ...)`
  add tp_stop = `$p # c`
}
"""


def test_template_with_comment_same_outcome_both_roads(tmp_path: Path) -> None:
    source = "report = sim(a)\n"
    spliced, reference = _roads(tmp_path, COMMENT_TEMPLATE, source)
    assert reference.new_source == "report = sim(a, tp_stop=a)\n"
    assert reference.rejections == ()
    # spliced: unchanged, syntax rejection "'(' was never closed"
    assert (spliced.new_source, spliced.rejections) == (reference.new_source,
                                                         reference.rejections)


# --- 4. a starred capture: both reject, with different rejections ----------------------------

STARRED = """\
ruleset probe

rule tp.add {
  match `sim($p, ...)`
  add tp_stop = `$p * 2`
}
"""


def test_starred_capture_rejected_alike(tmp_path: Path) -> None:
    source = "report = sim(*a, b)\n"
    spliced, reference = _roads(tmp_path, STARRED, source)
    assert spliced.new_source == reference.new_source == source
    assert spliced.rejections == reference.rejections


# --- 5. calls in decorators, annotations, after a form feed. libcst's range of a def starts
# below its decorators and a parameter's covers its name alone, so the libcst road did not
# look inside them ("LookupError: no expression at ..."). A top-level line that starts with
# a form feed still differs: libcst's columns there leave the whitespace out; the splice
# rewrites it, the libcst road still rejects it (left alone). -------------------------------

@pytest.mark.parametrize("code, expected", [
    ("@sim(a, b)\ndef f(): pass\n", "@sim(a, b, take_profit=0.1)\ndef f(): pass\n"),
    ("@sim(\n    a,\n    b,\n)\ndef f(): pass\n",
     "@sim(\n    a,\n    b,\n    take_profit=0.1,\n)\ndef f(): pass\n"),
    ("def f(x: sim(a), y=sim(c)) -> sim(b): pass\n",
     "def f(x: sim(a, take_profit=0.1), y=sim(c, take_profit=0.1)) -> sim(b, take_profit=0.1): "
     "pass\n"),
])
def test_calls_in_decorators_and_signatures_get_their_keyword_both_roads(
        tmp_path: Path, code: str, expected: str) -> None:
    head = "from finlab.backtest import sim\n\n"
    spliced, reference = _roads(tmp_path, ADD_TP, head + code)
    assert spliced.new_source == reference.new_source == head + expected


def test_a_call_after_a_form_feed_gets_its_keyword_spliced(tmp_path: Path) -> None:
    source = "from finlab.backtest import sim\n\n\x0creport = sim(a, b)\n"
    spliced, reference = _roads(tmp_path, ADD_TP, source)
    expected = "from finlab.backtest import sim\n\n\x0creport = sim(a, b, take_profit=0.1)\n"
    assert spliced.new_source == expected
    assert reference.new_source == source
