"""``--executor dask[:ADDRESS]``: a Dask client's executor, on a scheduler at ADDRESS or on
a local cluster of worker processes started (and stopped) for the run."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from concurrent.futures import Executor

from ..errors import UsageError


@contextlib.contextmanager
def dask_executor(address: str | None, workers: int) -> Iterator[Executor]:
    """An executor on Dask; ``UsageError`` naming the extra when Dask is not installed."""
    if importlib.util.find_spec("distributed") is None:
        raise UsageError("--executor dask needs Dask's distributed scheduler: "
                         "pip install 'exitdsl[dask]'")
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if address:
            client = stack.enter_context(Client(address))  # type: ignore[no-untyped-call]
        else:
            cluster = stack.enter_context(LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None))
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        yield client.get_executor()
