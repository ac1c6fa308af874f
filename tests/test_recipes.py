"""docs/architecture.md's "How to add" recipes, followed once each in a temporary copy of
the project: touch exactly the files a recipe lists, and the new construct works. A recipe
that lists fewer files than a change needs fails here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT

STRATEGY = textwrap.dedent("""\
    from finlab.backtest import sim

    report = sim(position, resample="M", stop_loss=0.1)  # monthly
    """)


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for part in ("exitdsl", "grammar", "rules"):
        shutil.copytree(ROOT / part, copy / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (copy / "s.py").write_text(STRATEGY, encoding="utf-8")
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the recipe's anchor moved in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _apply(copy: Path, rules: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (copy / "r.rules").write_text(textwrap.dedent(rules), encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(copy), "EXITDSL_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "exitdsl", "apply", "-r", "r.rules", "s.py",
                           *extra], cwd=copy, env=environment, capture_output=True, text=True,
                          timeout=120)


def test_a_verifier_check_is_one_function_and_one_registry_entry(tmp_path: Path) -> None:
    """"A verifier check. Touch: verify/statement_checks.py (...), verify/checklist.py (its
    Check entry ...)" — and apply runs it."""
    copy = _copy(tmp_path)
    _edit(copy / "exitdsl/verify/statement_checks.py", "def ensure(view", textwrap.dedent('''\
        def no_nines(view: StatementView) -> Problem | None:
            """A new value may not hold the digit 9 (the recipe's example)."""
            for text in view.texts:
                if "9" in text:
                    return Problem(f"{text!r} holds a 9")
            return None


        def ensure(view'''))
    _edit(copy / "exitdsl/verify/checklist.py", '    Check("ensure", "statement",',
          '    Check("nines", "statement", "no new value holds a 9",\n'
          '          run_statement=statement_checks.no_nines, fast=statement_checks.no_nines),\n'
          '    Check("ensure", "statement",')
    done = _apply(copy, """\
        rule nine { match `sim(..., stop_loss=$sl, ...)` set $sl = 0.09 }
        """, "--json")
    assert '"check": "nines"' in done.stdout, done.stdout + done.stderr
    assert "'0.09' holds a 9" in done.stdout


def test_a_value_function_is_one_entry_in_the_vocabulary(tmp_path: Path) -> None:
    """"A function of the value language. Touch: vocabulary/functions.py (one Function
    entry ...)" — the checker and the evaluator both read it."""
    copy = _copy(tmp_path)
    _edit(copy / "exitdsl/vocabulary/functions.py",
          '    Function("abs", (("num",),), False, False,',
          '    Function("halve", (("num",),), False, False, lambda a, env: env.number(a[0]) / 2),\n'
          '    Function("abs", (("num",),), False, False,')
    done = _apply(copy, """\
        rule half { match `sim(..., stop_loss=$sl, ...)` set $sl = halve($sl) }
        """)
    assert "-report = sim(position, resample=\"M\", stop_loss=0.1)  # monthly" \
        in done.stdout, done.stdout + done.stderr
    assert "+report = sim(position, resample=\"M\", stop_loss=0.05)  # monthly" in done.stdout


def test_a_misspelt_function_is_still_refused_in_the_copy(tmp_path: Path) -> None:
    """The copy is a real project: what the recipe did not add stays unknown."""
    copy = _copy(tmp_path)
    done = _apply(copy, """\
        rule half { match `sim(..., stop_loss=$sl, ...)` set $sl = halve($sl) }
        """)
    assert done.returncode != 0 and "halve" in done.stderr


@pytest.mark.parametrize("recipe", ["A verifier check.", "A function of the value language."])
def test_the_recipes_name_the_files_these_tests_touch(recipe: str) -> None:
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    start = doc.index(f"**{recipe}**")
    text = doc[start:doc.index("\n\n", start)]
    expected = {"A verifier check.": ["verify/statement_checks.py", "verify/checklist.py"],
                "A function of the value language.": ["vocabulary/functions.py"]}[recipe]
    assert all(name in text for name in expected)
