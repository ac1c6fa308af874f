"""Parent side: run one strategy in an isolated child process and read back its trades.

The child is a fresh interpreter (``python -I``: no user site, no PYTHON* variables) inside
the operating-system boundary of ``isolation`` (bubblewrap namespaces, a read-only root, a
capped tmpfs, no network, a seccomp filter), with an environment of a few fixed variables
(nothing inherited: no tokens, no keys), kernel limits on CPU time, memory, file size and
processes, a wall-clock deadline after which the whole sandbox is killed, and the audit hook
of ``guard`` as a second layer. Strategy code never runs in the process that holds the
engine. Without the boundary (``isolated=False``, the user's explicit ``--no-isolation``)
the child runs in a temporary folder of the host with the limits and the hook only.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace

from .channel import ANSWER_CAP, exchange
from .cleanup import remove_tree
from .frameworks import Framework
from .isolation import WORKDIR, boundary, command, user_tasks
from .verdict import Curve, Run, event
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
    disk_mb: int = 64  # the whole writable tmpfs of an isolated run
    isolated: bool = True  # False only when the user said --no-isolation


class StrategyFailed(Exception):
    """The strategy could not be run to the end; the message says why, in one line."""


def environment(workdir: str, numba: str) -> dict[str, str]:
    """The child's whole environment."""
    return {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1",
            "NUMBA_CACHE_DIR": numba}


def numba_cache() -> str:
    """Where vectorbt's compiled (numba) functions are kept between runs: written by the
    adapter's set-up, before the guard goes up; only read by strategy code."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "exitdsl", "numba")
    os.makedirs(folder, exist_ok=True)
    return folder


def run_strategy(framework: Framework, source: str, limits: Limits = Limits()) -> Run:
    """The trades ``source`` makes on the bundled data, run by ``framework``'s adapter."""
    # RLIMIT_NPROC counts all the user's tasks: the margin lets the child start threads.
    request = json.dumps({"framework": framework.name, "source": source,
                          "limits": asdict(limits), "nproc": user_tasks() + 64}).encode()
    python = [sys.executable, "-I", "-m", "exitdsl.behaviour.child"]
    if limits.isolated:
        found = boundary()
        if not found.available:
            raise StrategyFailed(f"no operating-system boundary: {found.missing}")
        argv = command(found.bwrap, python, limits.disk_mb)
        return _run(argv, "/", environment(WORKDIR, f"{WORKDIR}/numba"), request, limits)
    workdir = tempfile.mkdtemp(prefix="exitdsl-behave-")
    try:
        return _run(python, workdir, environment(workdir, numba_cache()), request, limits)
    finally:
        remove_tree(workdir)


def _run(argv: list[str], cwd: str, env: dict[str, str], request: bytes, limits: Limits) -> Run:
    child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=cwd, env=env, start_new_session=True)
    started = time.monotonic()
    try:
        got = exchange(child, request, limits.timeout)
        if not (got.timed_out or got.oversized):  # the answer is in: let the child end
            try:
                child.wait(max(0.0, limits.timeout - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                got = replace(got, timed_out=True)
    finally:
        _kill_group(child.pid)  # the sandbox, or whatever the child left running
        for pipe in (child.stdin, child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
        child.wait()
    if got.timed_out:
        raise StrategyFailed(f"timed out after {limits.timeout:g} s (wall clock)")
    if got.oversized:
        raise StrategyFailed(f"an answer over {ANSWER_CAP // 1024 // 1024} MB")
    return _read_answer(_exit_code(child.returncode, limits.isolated), got.answer,
                        got.error_tail, limits)


def _exit_code(code: int, isolated: bool) -> int:
    """The child's code as Popen gives it (negative: a signal). bubblewrap reports a
    command killed by a signal as 128 + its number."""
    if isolated and 128 < code < 128 + 65:
        return -(code - 128)
    return code


def _read_answer(code: int, out: bytes, err: bytes, limits: Limits) -> Run:
    if code < 0:
        cause = _signal_name(-code)
        if code == -signal.SIGXCPU:
            cause += f" ({limits.cpu_seconds} s)"
        raise StrategyFailed(f"stopped by {cause}")
    try:
        answer = json.loads(out, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested past the stack
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {code}"]
        raise StrategyFailed(f"ended without an answer: {printable(tail[0][:300])}") from None
    if not isinstance(answer, dict):
        raise StrategyFailed("a malformed answer (not an object)")
    if answer.get("ok") is not True:
        raise StrategyFailed(printable(str(answer.get("error", "unknown error")))[:300])
    return _run_of(answer)


def _signal_name(number: int) -> str:
    """A signal's name for the reason; any number is possible, since a child chooses its own
    exit code (bubblewrap reports a signal as 128 + its number)."""
    try:
        known = signal.Signals(number)
    except ValueError:
        return f"signal {number}"
    return _SIGNALS.get(known, known.name)


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
    cpu = answer.get("cpu_s", 0.0)
    if not isinstance(cpu, (int, float)) or not math.isfinite(cpu) or cpu < 0:
        cpu = 0.0
    return Run(events, trades, float(returned), float(cpu), _curve_of(answer.get("curve")))


def _curve_of(raw: object) -> Curve | None:
    """The answer's equity curve, if well formed (it only draws: a bad one is dropped)."""
    if not isinstance(raw, dict):
        return None
    dates, equity = raw.get("dates"), raw.get("equity")
    if not (isinstance(dates, list) and isinstance(equity, list) and len(dates) == len(equity)
            and all(isinstance(d, str) and len(d) <= 32 for d in dates)
            and all(isinstance(v, (int, float)) and math.isfinite(v) for v in equity)):
        return None
    return Curve(tuple(printable(d) for d in dates), tuple(float(v) for v in equity))


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
