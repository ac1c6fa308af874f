"""`test` blocks: full rule ids, indented code, `rejected CHECK`, headers without repeats,
--update keeping a block's indentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitdsl.cli import main

RULES = '''rule cap {
  match `sim(..., stop_loss=$v, ...)`
  set $v = 0.1
}
rule scale {
  match `sim(..., stop_loss=$v, ...)`
  set $v = `$v * leverage`
}
test t.cap {
  before ```
    report = sim(position, stop_loss=0.05)
    ```
  after ```
    report = sim(position, stop_loss=0.2)
    ```
}
test scale {
  before ```
  report = sim(position, stop_loss=0.05)
  ```
  rejected safety
}
test cap {
  before ```
  report = sim(position, stop_loss=0.05)
  ```
  rejected confinement
}
'''


def test_blocks_name_rules_by_full_id_dedent_code_and_expect_rejections(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.rules"
    path.write_text(RULES, encoding="utf-8")
    assert main(["test", str(path)]) == 1
    assert capsys.readouterr().out == (
        f"FAIL {path}:9: t.cap\noutput differs from `after`:\n--- expected\n+++ actual\n"
        "@@ -1 +1 @@\n-report = sim(position, stop_loss=0.2)\n"
        "+report = sim(position, stop_loss=0.1)\n\n"
        f"FAIL {path}:23: t.cap\nexpected the rewrite to be rejected by 'confinement'; it was "
        "not rejected\n1 passed, 2 failed\n")
    assert main(["test", "--update", str(path)]) == 1  # the `rejected` block still fails
    updated = path.read_text(encoding="utf-8")
    assert updated == RULES.replace("  after ```\n    report = sim(position, stop_loss=0.2)\n",
                                    "  after ```\n    report = sim(position, stop_loss=0.1)\n")


def test_not_python_is_said_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.rules"
    path.write_text("rule cap {\n  match `f($v)`\n  set $v = 1\n}\n"
                    "test cap {\n  before ```\nx = f(2\n```\n  unchanged\n}\n", encoding="utf-8")
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count("not valid Python") == 1, out


def test_update_fills_an_empty_after_laid_out_like_its_before(tmp_path: Path) -> None:
    # Writing `after ``` ```` empty and running --update is how a seeded block is begun.
    path = tmp_path / "t.rules"
    text = ("rule cap {\n  match `sim(..., stop_loss=$v, ...)`\n  set $v = 0.1\n}\n"
            "test cap {\n  before ```\n    if go:\n        report = sim(position, stop_loss=0.05)"
            "\n    ```\n  after ```\n    ```\n}\n")
    path.write_text(text, encoding="utf-8")
    assert main(["test", "--update", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text.replace(
        "  after ```\n    ```", "  after ```\n    if go:\n        report = sim(position, "
        "stop_loss=0.1)\n    ```")
