"""Breeding on any ``concurrent.futures.Executor``, with the engine sent to each worker
once rather than with every task.

Three ways an engine reaches a worker: a Dask client scatters it to every worker (tasks
then carry a reference the scheduler resolves in place); an ``EnginePool`` (our process
pool) hands it to each process in its initializer (tasks carry its digest); any other
executor gets it pickled with each task (193 kB for all shipped rules), and each worker
process unpickles a given engine only once.
"""

from __future__ import annotations

import hashlib
import pickle
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..engine import Engine

# Engines a worker process has received, by digest: the one piece of state kept per
# process, so that a pool's tasks need not carry the engine.
_RECEIVED: dict[str, Engine] = {}


@dataclass(frozen=True)
class EngineRef:
    """An engine by digest, with its pickle when the worker may not have it yet."""

    digest: str
    payload: bytes | None = None


def pack(engine: Engine) -> EngineRef:
    payload = pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL)
    return EngineRef(hashlib.sha256(payload).hexdigest(), payload)


def receive(ref: EngineRef) -> None:
    """Keep ``ref``'s engine in this process (a pool's initializer)."""
    unship(ref)


def unship(shipped: Any) -> Engine:
    """The engine a task was given: itself (Dask resolved it), or by reference."""
    if isinstance(shipped, Engine):
        return shipped
    ref: EngineRef = shipped
    engine = _RECEIVED.get(ref.digest)
    if engine is None:
        if ref.payload is None:
            raise RuntimeError("worker was given an engine reference it never received")
        engine = _RECEIVED[ref.digest] = pickle.loads(ref.payload)
    return engine


class EnginePool(ProcessPoolExecutor):
    """A process pool whose workers receive one engine when they start."""

    def __init__(self, jobs: int, engine: Engine) -> None:
        self.engine_ref = pack(engine)
        super().__init__(max_workers=jobs, initializer=receive, initargs=(self.engine_ref,))


def ship(executor: Executor, engine: Engine) -> Any:
    """What each task should carry so that its worker finds ``engine``."""
    client = getattr(executor, "_client", None)  # distributed.client.ClientExecutor
    if client is not None and hasattr(client, "scatter"):
        return client.scatter(engine, broadcast=True, hash=False)
    ref = pack(engine)
    if isinstance(executor, EnginePool) and executor.engine_ref.digest == ref.digest:
        return EngineRef(ref.digest)
    return ref
