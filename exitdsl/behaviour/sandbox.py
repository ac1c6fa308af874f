"""Parent side: run one strategy in a limited child process and read back its trades.

The child is a fresh interpreter (``python -I``: no user site, no PYTHON* variables) in a
new session, in an empty temporary working folder, with an environment of a few fixed
variables (nothing inherited: no tokens, no keys), kernel limits on CPU time, memory and
file size, a wall-clock timeout after which its whole process group is killed, and the
audit hook of ``guard``. Strategy code never runs in the process that holds the engine.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass

from .frameworks import Framework
from .verdict import Run, event
from ..text.printable import printable

_SIGNALS = {signal.SIGXCPU: "the CPU time limit", signal.SIGKILL: "SIGKILL",
            signal.SIGSEGV: "a segmentation fault", signal.SIGXFSZ: "the file size limit"}


@dataclass(frozen=True)
class Limits:
    """What one run may use."""

    timeout: float = 60.0  # wall-clock seconds
    cpu_seconds: int = 60
    memory_mb: int = 3072  # address space: pandas and numpy reserve much more than they use
    file_mb: int = 16


class StrategyFailed(Exception):
    """The strategy could not be run to the end; the message says why, in one line."""


def environment(workdir: str) -> dict[str, str]:
    """The child's whole environment."""
    return {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1",
            "NUMBA_CACHE_DIR": numba_cache()}


def numba_cache() -> str:
    """Where vectorbt's compiled (numba) functions are kept between runs: written by the
    adapter's set-up, before the guard goes up; only read by strategy code."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "exitdsl", "numba")
    os.makedirs(folder, exist_ok=True)
    return folder


def run_strategy(framework: Framework, source: str, limits: Limits = Limits()) -> Run:
    """The trades ``source`` makes on the bundled data, run by ``framework``'s adapter."""
    request = json.dumps({"framework": framework.name, "source": source,
                          "limits": asdict(limits)}).encode()
    with tempfile.TemporaryDirectory(prefix="exitdsl-behave-") as workdir:
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "exitdsl.behaviour.child"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir,
            env=environment(workdir), start_new_session=True)
        try:
            out, err = child.communicate(request, timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(child.pid)
            child.communicate()
            raise StrategyFailed(f"timed out after {limits.timeout:g} s (wall clock)") from None
        finally:
            _kill_group(child.pid)  # whatever it left running
    return _read_answer(child.returncode, out, err, limits)


def _read_answer(code: int, out: bytes, err: bytes, limits: Limits) -> Run:
    if code < 0:
        cause = _SIGNALS.get(signal.Signals(-code), signal.Signals(-code).name)
        if code == -signal.SIGXCPU:
            cause += f" ({limits.cpu_seconds} s)"
        raise StrategyFailed(f"stopped by {cause}")
    try:
        answer = json.loads(out, parse_constant=_no_constant)
    except ValueError:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {code}"]
        raise StrategyFailed(f"ended without an answer: {tail[0][:300]}") from None
    if not isinstance(answer, dict):
        raise StrategyFailed("a malformed answer (not an object)")
    if answer.get("ok") is not True:
        raise StrategyFailed(printable(str(answer.get("error", "unknown error")))[:300])
    return _run_of(answer)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a run can report")


def _run_of(answer: dict[str, object]) -> Run:
    """The answer as a run, every value checked (a child's answer is untrusted: a malformed
    one is this child's failure, never the whole run's)."""
    try:
        raw = answer["events"]
        trades, returned = answer["trades"], answer["return_pct"]
        if not isinstance(raw, list) or not all(isinstance(e, list) and 4 <= len(e) <= 5
                                                 and all(isinstance(v, (int, float, str))
                                                         for v in e) for e in raw):
            raise ValueError("events")
        if not isinstance(trades, int) or not isinstance(returned, (int, float)) \
                or not math.isfinite(returned):
            raise ValueError("figures")
        events = tuple(sorted(event(*e) for e in raw))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise StrategyFailed("a malformed answer (events, trades and return_pct expected)") \
            from None
    if any(e.kind not in ("entry", "exit") or not math.isfinite(e.price) for e in events):
        raise StrategyFailed("a malformed answer (events, trades and return_pct expected)")
    return Run(events, trades, float(returned))


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
