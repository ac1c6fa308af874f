"""Child side: the sandboxed process ``sandbox.run_strategy`` starts.

Reads one request (JSON on stdin), puts the kernel limits on itself, lets the adapter
import its framework, loads the seccomp filter (inside the boundary), raises the guard,
runs the strategy, and writes one JSON answer on the stdout it saved before pointing the
strategy's stdout and stderr at /dev/null.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import warnings
from typing import Any

from . import guard, syscalls

ADAPTERS = {"backtesting": "backtesting_py", "template": "template", "vectorbt": "vectorbt",
            "freqtrade": "freqtrade", "backtrader": "backtrader", "jesse": "jesse"}


def main() -> None:
    request = json.load(sys.stdin)
    limits = request["limits"]
    guard.apply_limits(limits["cpu_seconds"], limits["memory_mb"], limits["file_mb"],
                       request["nproc"])
    answer_fd = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    warnings.simplefilter("ignore")
    answer = _answer(request)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    answer["cpu_s"] = usage.ru_utime + usage.ru_stime
    with os.fdopen(answer_fd, "wb") as channel:  # a buffered file writes all of it
        channel.write(json.dumps(answer).encode())
    # The answer is out: tearing down pandas and the strategy's objects would cost a tenth
    # of a second per run for nothing (and would not be in the CPU just reported).
    os._exit(0)


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        adapter = importlib.import_module(f".adapters.{ADAPTERS[request['framework']]}",
                                          __package__)
        adapter.prepare()
        if request["limits"]["isolated"]:
            syscalls.load()
        guard.install(os.getcwd(), guard.read_roots(), getattr(adapter, "ALLOWED_EVENTS",
                                                               frozenset()))
        answer: dict[str, Any] = adapter.run(request["source"])
        return answer
    except MemoryError:
        limit = request["limits"]["memory_mb"]
        return {"ok": False, "error": f"MemoryError: over the memory limit ({limit} MB)"}
    except BaseException as exc:  # noqa: B036  (SystemExit is an answer too)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}


if __name__ == "__main__":
    main()
