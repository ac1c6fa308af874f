"""Terminal output: colour (--color, NO_COLOR, FORCE_COLOR) with exact escape codes, and
the progress display (rate, ETA, messages above it, never on a pipe or with -q)."""

from __future__ import annotations

import io
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
