"""Terminal output: colour (--color, NO_COLOR, FORCE_COLOR) with exact escape codes, and
the progress display (rate, ETA, messages above it, never on a pipe or with -q)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from exitdsl.cli import main
from exitdsl.io import colour, progress
from exitdsl.io.progress import Progress

STRATEGY = "report = sim(position, stop_loss=0.05)\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("choice", "environ", "tty", "expected"), [
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset (no-color.org)
    ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"TERM": "dumb"}, True, False),
    (None, {}, True, True),
])
def test_when_colour_is_used(choice: str | None, environ: dict[str, str], tty: bool,
                             expected: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert colour.enabled(choice, stream, environ) is expected


def test_a_coloured_diff_and_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.py").write_text(STRATEGY, encoding="utf-8")
    assert main(["apply", "--color", "always", "-q", "--rule", "finlab.stop_loss.jitter",
                 "s.py"]) == 0
    assert capsys.readouterr().out == (
        "\x1b[1m--- a/s.py\x1b[0m\n\x1b[1m+++ b/s.py\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n"
        "\x1b[31m-report = sim(position, stop_loss=0.05)\x1b[0m\n"
        "\x1b[32m+report = sim(position, stop_loss=0.0522)\x1b[0m\n")
    Path("bad.py").write_text("report = sim(position, stop_loss=0.05\n", encoding="utf-8")
    assert main(["apply", "--color", "always", "-q", "bad.py"]) == 3
    assert capsys.readouterr().err == "\x1b[1mbad.py:1:13:\x1b[0m\x1b[31m not valid Python: '(' was never closed\x1b[0m\n"
    assert main(["apply", "--color", "always", "--rule", "stop_loss.jiter", "s.py"]) == 2
    assert capsys.readouterr().err == (
        "\x1b[31mno rule named 'stop_loss.jiter' (did you mean 'stop_loss.jitter'?; "
        "see `exitdsl check`)\x1b[0m\n")


def test_no_colour_on_a_pipe_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    Path("s.py").write_text(STRATEGY, encoding="utf-8")
    assert main(["apply", "-q", "--rule", "finlab.stop_loss.jitter", "s.py"]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def test_the_progress_display_shows_rate_and_eta_and_keeps_messages_off_its_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0)
    screen = Terminal()
    with Progress(4, screen, True) as shown:
        shown.step("a.py")
        shown.say("a.py:3:1: rewrite by r rejected (parses): invalid syntax")
        shown.step("b.py")
    lines = re.split(r"[\r\n]", screen.getvalue())
    assert "a.py:3:1: rewrite by r rejected (parses): invalid syntax" in lines
    bars = [line for line in lines if "/4" in line]
    # e.g. " 25%|##5       | 1/4 [00:00<00:00, 14614.30file/s, a.py]": done/total, elapsed<ETA,
    # rate, the file last done (later redraws are rate-limited)
    assert any(re.fullmatch(r" 25%\|##5 +\| 1/4 \[\d\d:\d\d<\d\d:\d\d, +[\d.]+file/s, a\.py\]",
                            bar) for bar in bars), bars


def test_no_progress_display_on_a_pipe_or_when_quiet() -> None:
    pipe = io.StringIO()
    with Progress(2, pipe, True) as shown:
        shown.step("a.py")
        shown.say("message")
    assert pipe.getvalue() == "message\n"
    screen = Terminal()
    with Progress(2, screen, False) as shown:
        shown.step("a.py")
    assert screen.getvalue() == ""


def test_only_ids_that_rewrite_nothing_are_named(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.py").write_text(STRATEGY, encoding="utf-8")
    bogus = "finlab.stop_loss.jitter@<module>#00000000.0"
    assert main(["apply", "-q", "--only", bogus, "s.py"]) == 2
    assert capsys.readouterr().err == (
        f"WARNING exitdsl: --only {bogus}: no site with this id was rewritten (not in these "
        "files, or the code it names has changed since the id was recorded)\n")
    main(["apply", "-q", "--json", "s.py"])
    site = next(r for r in map(json.loads, capsys.readouterr().out.splitlines())
                if r["kind"] == "change")["site"]
    assert main(["apply", "-q", "--only", site, "--only", bogus, "s.py"]) == 0  # one did
    assert capsys.readouterr().err.startswith(f"WARNING exitdsl: --only {bogus}: ")


def test_bash_completion_knows_commands_and_options(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "exitdsl.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")

    def complete(*words: str) -> str:
        line = " ".join(words)
        probe = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                 f"COMP_LINE='{line}'; COMP_POINT={len(line)}; _shtab_exitdsl; "
                 'echo "${COMPREPLY[@]}"')
        return subprocess.run([bash, "-c", probe], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert complete("exitdsl", "be") == "behave"
    assert complete("exitdsl", "apply", "--ex") == "--exclude --extend-exclude"
    assert complete("exitdsl", "mutate", "--require") == "--require-effect"
