"""The behavioural verdicts (exitdsl/behaviour/verdict.py) and the guard's decisions,
without running any strategy."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exitdsl.behaviour.frameworks import detect
from exitdsl.behaviour.guard import make_hook
from exitdsl.behaviour.verdict import Run, compare, event
from exitdsl.errors import UsageError

from .conftest import ROOT

Hook = Callable[[str, tuple[Any, ...]], None]

PARENT = Run((event(10, "entry", 1, 100.0), event(15, "exit", 1, 104.0),
              event(30, "entry", 1, 99.0), event(41, "exit", 1, 95.0)), 2, 3.0)


def test_same_trades_are_no_effect() -> None:
    same = Run(PARENT.events, 2, 3.0)
    verdict = compare("c.py", PARENT, same)
    assert (verdict.verdict, verdict.summary) == ("no effect", "no effect (same 2 trades)")


def test_an_exit_that_moves_first_is_effective_even_if_later_entries_move() -> None:
    # The stop now fires at bar 13; the freed position lets an entry at bar 14 happen, while
    # the parent still holds its own: a consequence, not another entry decision.
    child = Run((event(10, "entry", 1, 100.0), event(13, "exit", 1, 98.0),
                 event(14, "entry", 1, 97.0), event(41, "exit", 1, 95.0)), 2, -1.5)
    verdict = compare("c.py", PARENT, child)
    assert verdict.verdict == "effective"
    assert (verdict.first_divergence, verdict.exits_changed, verdict.return_delta) == (13, 2, -4.5)
    assert verdict.summary == ("effective (trades 2 -> 2, exits changed 2, return -4.50 pp, "
                               "first at bar 13)")


def test_an_entry_taken_when_both_are_flat_is_entries_changed_wherever_it_falls() -> None:
    # The exit moved first (bar 13), but at bar 20 both are flat again and only the child
    # enters: the same entry logic in the same state would not decide differently.
    child = Run((event(10, "entry", 1, 100.0), event(13, "exit", 1, 98.0),
                 event(20, "entry", 1, 97.0), event(41, "exit", 1, 95.0)), 2, -1.5)
    verdict = compare("c.py", PARENT, child)
    assert (verdict.verdict, verdict.first_divergence) == ("entries changed", 20)


def test_an_entry_and_its_stop_on_one_bar_are_entries_changed() -> None:
    # The crossover case: the child enters where the parent does not, and its stop hits on
    # the same bar, so the first difference there looks like an exit.
    child = Run((event(5, "entry", 1, 101.0), event(5, "exit", 1, 99.0)) + PARENT.events, 3,
                2.0)
    verdict = compare("c.py", PARENT, child)
    assert (verdict.verdict, verdict.first_divergence) == ("entries changed", 5)


def test_shorts_count_as_held_positions() -> None:
    parent = Run((event(3, "entry", -1, 50.0), event(9, "exit", -1, 48.0)), 1, 4.0)
    later_cover = Run((event(3, "entry", -1, 50.0), event(11, "exit", -1, 47.0)), 1, 6.0)
    assert compare("c.py", parent, later_cover).verdict == "effective"


def test_an_entry_that_moves_first_is_entries_changed() -> None:
    child = Run((event(8, "entry", 1, 101.0), event(15, "exit", 1, 104.0),
                 event(30, "entry", 1, 99.0), event(41, "exit", 1, 95.0)), 2, 3.1)
    verdict = compare("c.py", PARENT, child)
    assert (verdict.verdict, verdict.first_divergence, verdict.exits_changed) == (
        "entries changed", 8, 0)


def test_a_different_exit_price_on_the_same_bar_is_effective() -> None:
    child = Run(PARENT.events[:1] + (event(15, "exit", 1, 103.0),) + PARENT.events[2:], 2, 2.0)
    assert compare("c.py", PARENT, child).verdict == "effective"


def test_float_noise_is_not_a_difference() -> None:
    assert event(3, "exit", -1, 1.0000000001) == event(3, "exit", -5, 1.0)


@pytest.mark.parametrize(("folder", "framework", "runnable"), [
    ("backtesting", "backtesting", True), ("template", "template", True),
    ("vectorbt", "vectorbt", True), ("freqtrade", "freqtrade", True),
    ("finlab", "finlab", False), ("backtrader", "backtrader", True),
    ("jesse", "jesse", True)])
def test_every_bundled_example_is_assigned_its_framework(folder: str, framework: str,
                                                        runnable: bool) -> None:
    for path in sorted((ROOT / "examples/strategies" / folder).glob("*.py")):
        found = detect(path.read_text(encoding="utf-8"), str(path))
        assert (found.name, not found.not_runnable) == (framework, runnable), path


def test_a_file_no_adapter_can_run_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^x\.py: not a strategy any adapter can run"):
        detect("import os\nprint(1)\n", "x.py")
    with pytest.raises(UsageError, match=r"^x\.py:1:7: cannot parse"):
        detect("def f(:\n", "x.py")


def test_not_runnable_frameworks_say_why() -> None:
    finlab = detect("from finlab import data\n")
    with pytest.raises(UsageError, match=r"^s\.py: finlab strategies cannot be run offline: "
                                         r"finlab\.data\.get and sim\(\) fetch data"):
        finlab.require("s.py")


@pytest.fixture
def hook(tmp_path: Path) -> Hook:
    return make_hook(str(tmp_path), ("/opt/python",))


@pytest.mark.parametrize("event_name", ["os.system", "subprocess.Popen", "socket.connect",
                                        "os.fork", "ctypes.dlopen", "os.putenv"])
def test_the_guard_refuses_processes_network_and_native_code(hook: Hook, event_name: str) -> None:
    with pytest.raises(PermissionError, match=f"exitdsl sandbox: {event_name} is not allowed"):
        hook(event_name, ("x",))


def test_the_guard_confines_reads_and_writes(hook: Hook, tmp_path: Path) -> None:
    hook("open", (str(tmp_path / "scratch.csv"), "w", 0))  # the working folder: anything
    hook("open", ("/opt/python/lib/site.py", "r", 0))  # the installation: reads
    hook("open", (os.devnull, "w", 0))
    hook("open", (3, "r", 0))  # an already open descriptor
    with pytest.raises(PermissionError, match="'/opt/python/lib/site.py' is outside"):
        hook("open", ("/opt/python/lib/site.py", "w", 0))
    with pytest.raises(PermissionError, match="'/etc/passwd' is outside"):
        hook("open", ("/etc/passwd", "r", 0))
    with pytest.raises(PermissionError, match="os.remove '/opt/python/x' is outside"):
        hook("os.remove", ("/opt/python/x",))
    with pytest.raises(PermissionError, match="os.listdir '/root' is outside"):
        hook("os.listdir", ("/root",))
    with pytest.raises(PermissionError):  # os.open with O_WRONLY and no mode string
        hook("open", ("/opt/python/lib/x", None, os.O_WRONLY | os.O_CREAT))


def test_a_forged_numba_frame_writes_only_inside_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "numba"
    cache.mkdir()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(cache))
    hook = make_hook(str(tmp_path / "work"), ())
    # Code compiled under numba's caching file name: the guard trusts its frames, but the
    # path is resolved before the prefix test, so ``CACHE/../..`` is not in the cache.
    forged = compile("def save(hook, path):\n    hook('open', (path, 'w', 0))\n",
                     "/x/numba/core/caching.py", "exec")
    space: dict[str, object] = {}
    exec(forged, space)
    save = space["save"]
    assert callable(save)
    save(hook, str(cache / "f.nbi"))  # inside the cache: numba's own saving
    with pytest.raises(PermissionError, match="is outside the folders"):
        save(hook, f"{cache}/../../outside")


@pytest.mark.parametrize("answer, message", [
    (b'{"ok": true, "events": [], "trades": 0, "return_pct": NaN}', "ended without an answer"),
    (b'[1, 2]', "a malformed answer (not an object)"),
    (b'{"ok": true, "events": [[1, "entry"]], "trades": 1, "return_pct": 0.5}',
     "a malformed answer"),
    (b'{"ok": true, "events": [[1, "buy", 1, 2.0]], "trades": 1, "return_pct": 0.5}',
     "a malformed answer"),
    (b'{"ok": true, "events": [], "trades": "many", "return_pct": 0.5}', "a malformed answer"),
    (b'{"ok": "yes", "error": "\\u001b[2Jcleared"}', "\\x1b[2Jcleared"),
])
def test_a_malformed_answer_fails_its_child_only(answer: bytes, message: str) -> None:
    """Found by attack: a malformed answer ended the whole run with exit 70 (later children
    were never judged), and a forged NaN made --json invalid."""
    from exitdsl.behaviour.sandbox import Limits, StrategyFailed, _read_answer

    with pytest.raises(StrategyFailed) as info:
        _read_answer(0, answer, b"", Limits())
    assert message in str(info.value)


def test_a_well_formed_answer_is_a_run() -> None:
    from exitdsl.behaviour.sandbox import Limits, _read_answer

    run = _read_answer(0, b'{"ok": true, "events": [[3, "exit", -1, 101.25], '
                          b'[1, "entry", 1, 100.0]], "trades": 1, "return_pct": 1.25}',
                       b"", Limits())
    assert (run.trades, run.return_pct, [(e.bar, e.kind) for e in run.events]) == (
        1, 1.25, [(1, "entry"), (3, "exit")])


@pytest.mark.skipif(importlib.util.find_spec("jesse") is not None, reason="jesse is installed")
def test_a_missing_jesse_says_it_needs_an_environment_of_its_own() -> None:
    with pytest.raises(UsageError, match=r"^s\.py: the jesse adapter needs jesse: pip install "
                                         r"'exitdsl\[jesse\]' in an environment of its own "):
        detect("from jesse.strategies import Strategy\n").require("s.py")
