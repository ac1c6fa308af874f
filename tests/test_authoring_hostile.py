"""An attack on the session's new surfaces (explain, ignore comments, project configs, the
report path), each finding with its exact outcome now: located one-line errors, exit 2,
nothing replaced, nothing silently ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exitdsl.cli import main

from .conftest import ROOT

TEMPLATE = str(ROOT / "examples/strategies/template/atr_exit_long.py")


def test_explain_on_a_file_no_rule_word_reaches_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.py").write_text("def f(:\n  pass\n", encoding="utf-8")
    assert main(["explain", "finlab.stop_loss.jitter", "bad.py"]) == 2
    assert capsys.readouterr().err == "bad.py:1:7: not valid Python: invalid syntax\n" \
                                      "    def f(:\n          ^\n"


def test_explain_counts_columns_in_characters_and_checks_the_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("u.py").write_text("from finlab.backtest import sim\n"
                            "名稱 = 2; report = sim(position, stop_loss=0.5)\n", encoding="utf-8")
    assert main(["explain", "finlab.stop_loss.jitter", "u.py"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "2:18  `sim(position, stop_loss=0.5)`", "    captures: $sl = 0.5",
        "    left alone: where $sl in stop_loss is false ($sl = 0.5)"]
    for line in ("0", "9"):
        assert main(["explain", "finlab.stop_loss.jitter", f"u.py:{line}"]) == 2
        assert capsys.readouterr().err == f"u.py:{line}: the file has lines 1 to 2\n"


@pytest.mark.parametrize("name, make", [
    ("p.fifo", lambda p: os.mkfifo(p)),
    ("link.html", lambda p: os.symlink("target.txt", p)),
    ("folder", lambda p: os.mkdir(p)),
])
def test_a_report_path_that_is_no_regular_file_is_refused_before_any_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        name: str, make: object) -> None:
    monkeypatch.chdir(tmp_path)
    make(name)  # type: ignore[operator]
    before = os.lstat(name)
    assert main(["behave", "--no-isolation", "--report", name, TEMPLATE, TEMPLATE]) == 2
    assert capsys.readouterr().err == (f"--report {name}: not a regular file (a folder, link, "
                                       "device or FIFO is never replaced)\n")
    assert os.lstat(name).st_mode == before.st_mode and os.lstat(name).st_ino == before.st_ino
    assert main(["behave", "--report", "nope/r.html", TEMPLATE, TEMPLATE]) == 2
    assert capsys.readouterr().err == "--report nope/r.html: no folder nope\n"


@pytest.mark.parametrize("text, error", [
    ("{[a]: 1}\n", "1:2: a key of the config must be a name"),
    ("seed: !!int abc\n", "1:7: expected a number"),
    ("seed: !!python/name:os.system x\n", "1:7: expected a number"),
    ("choices: {[a]: [1]}\n", "1:11: a key of choices must be a name"),
    ("seed: 1\x07\n", "1:1: config is not valid YAML: unacceptable character #x0007: "
                      "special characters are not allowed"),
    ("rules: [./nothere.rules]\n", "1:9: no rule file or folder './nothere.rules' (paths are "
                                   "read from the config's folder)"),
    ("tier_weights: {parametric: .inf}\n", "1:28: expected a finite number"),
    ("bounds: {stop_loss: [.nan, .nan]}\n", "1:22: expected a finite number"),
])
def test_hostile_configs_are_located_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch, text: str,
                                            error: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("exitdsl.yaml").write_text(text, encoding="utf-8")
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == f"{tmp_path}/exitdsl.yaml:{error}"


def test_a_pyproject_that_is_not_utf8_is_an_error_not_ignored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_bytes(b'[tool.exitdsl]\nrules = ["fin\xfflab"]\n')
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{tmp_path}/pyproject.toml:2:14: config is not UTF-8: byte 0xff cannot be decoded")


def test_a_toml_config_nested_past_the_stack_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text("seed = " + "[" * 50_000 + "\n[tool.exitdsl]\n",
                                      encoding="utf-8")
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (f"{tmp_path}/pyproject.toml:1:1: config cannot be "
                                       "read: maximum recursion depth exceeded\n")


def test_only_well_formed_ignore_comments_suppress(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    strategy = tmp_path / "s.py"
    strategy.write_bytes(b"r1 = sim(p, stop_loss=0.08)  # exitdsl: ignore\r"  # CR-only lines
                         b"r2 = sim(p, stop_loss=0.08)  # exitdsl: ignore[finlab.stop_loss\r"
                         b"r3 = sim(p, stop_loss=0.08)  # exitdsl: ignore-this\r")
    assert main(["apply", "-r", "finlab", "--rule", "stop_loss.jitter", "--show-skipped", "-q",
                 str(strategy)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (f"{strategy}:1:6: skipped by finlab.stop_loss.jitter: left alone: "
                            "suppressed by `# exitdsl: ignore` on line 1\n")
    # A typo (an unclosed bracket, `ignore-this`) silences nothing: r2 and r3 are rewritten.
    added = [line for line in captured.out.replace("\r", "\n").splitlines()
             if line.startswith("+r")]
    assert [line.split(" = ")[0] for line in added] == ["+r2", "+r3"]


def test_the_language_server_stops_with_one_line_on_a_header_it_cannot_frame() -> None:
    import subprocess
    import sys

    pytest.importorskip("pygls", reason="the lsp extra")
    done = subprocess.run([sys.executable, "-m", "exitdsl", "lsp"],
                          input=b"Content-Length: 99999999999999999999\r\n\r\n{}",
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "exitdsl lsp: the client sent a message that cannot be framed (cannot fit 'int' into "
        "an index-sized integer); stopping\n")
