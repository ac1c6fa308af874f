"""The behavioural check as something to look at (issue 25, item 4): `behave --report` and
`mutate --behaviour --report` write one self-contained HTML page, checked in a real headless
browser (Debian's chromium, which .ci/run installs); and the text output names the rule,
`old -> new`, dates, in natural child order, with a summary line."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from exitdsl.cli import main

from .conftest import ROOT

pytest.importorskip("backtesting", reason="the dev extra installs backtesting.py")

PARENT = ROOT / "examples/strategies/backtesting/atr_trailing.py"


@pytest.fixture(scope="module")
def children(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eleven children of the trailing-stop breakout with their lineage (so 10 sorts
    after 9)."""
    out = tmp_path_factory.mktemp("children") / "out"
    assert main(["mutate", "-n", "11", "--seed", "1", "-q", "--out", str(out),
                 str(PARENT)]) == 0
    return out


def test_text_output_names_rule_change_dates_in_natural_order_with_a_summary(
        children: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kids = sorted(str(p) for p in (children / "atr_trailing").glob("*.py"))  # 1, 10, 11, 2...
    assert main(["behave", "-j", "2", str(PARENT), *kids]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    numbers = [int(re.search(r"atr_trailing\.(\d+)\.py", line)[1]) for line in lines]
    assert numbers == list(range(1, 12))
    assert lines[0] == (f"{children}/atr_trailing/atr_trailing.1.py [backtesting.buy_sl.jitter: "
                        "0.92 -> 0.913]: no effect (same 24 trades)")
    assert lines[1] == (f"{children}/atr_trailing/atr_trailing.2.py [backtesting.trailing_sl."
                        "jitter: 2.5 -> 2.6]: effective (trades 24 -> 24, exits changed 38, "
                        "return -10.53 pp, first at 2005-01-21)")
    summary = captured.err.splitlines()[-1]
    assert re.fullmatch(r"exitdsl: 11 child\(ren\): \d+ effective, \d+ no effect", summary)


def test_mutate_report_needs_the_behavioural_check(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutate", "-n", "1", "--out", str(tmp_path / "o"), "--report",
                 str(tmp_path / "r.html"), str(PARENT)]) == 2
    assert capsys.readouterr().err == "--report draws the behavioural check: add --behaviour\n"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the browser test: .ci/run installs chromium")
        pytest.skip("no chromium here (Debian: apt install chromium)")
    return found


def open_in_browser(page: Path, screenshot: Path, profile: Path) -> str:
    """Load ``page`` headless, wait for its scripts, screenshot it; the browser's log."""
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,1400",
         "--virtual-time-budget=8000", "--enable-logging=stderr", "--v=0",
         f"--screenshot={screenshot}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


def test_the_report_loads_without_errors_and_draws_the_curves(
        children: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image  # bokeh's own dependency

    page = tmp_path / "report.html"
    kids = [str(children / f"atr_trailing/atr_trailing.{n}.py") for n in (1, 2, 4)]
    assert main(["behave", "--report", str(page), str(PARENT), *kids]) == 1
    capsys.readouterr()
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", text), \
        "the page must not fetch anything"
    # The tables travel inside bokeh's document data, HTML-escaped once more:
    assert "<td>atr_trailing.2.py</td><td><code>backtesting.trailing_sl.jitter</code></td>" \
           "<td><code>2.5</code> -&gt; <code>2.6</code></td><td>effective</td>" \
           in html.unescape(text)
    log = open_in_browser(page, tmp_path / "shot.png", tmp_path / "profile")
    problems = [line for line in log.splitlines()
                if ("CONSOLE" in line and ("ERROR" in line or "Uncaught" in line))
                or "could not set initial ranges" in line]
    assert not problems, problems
    shot = Image.open(tmp_path / "shot.png").convert("RGB")
    pixels = [shot.getpixel((x, y))  # every other pixel: enough to see lines
              for y in range(0, shot.height, 2) for x in range(0, shot.width, 2)]
    assert sum(1 for p in pixels if p != (255, 255, 255)) > len(pixels) // 50, "blank page"
    # The chart is drawn: the parent's black curve, and the orange of the second child (the
    # first, of no effect, lies under the parent's).
    near = lambda p, c: all(abs(a - b) < 40 for a, b in zip(p, c))  # noqa: E731
    assert sum(1 for p in pixels if near(p, (0, 0, 0))) > 125
    assert sum(1 for p in pixels if near(p, (0xff, 0x7f, 0x0e))) > 50
