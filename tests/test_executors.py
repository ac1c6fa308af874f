"""Populations on executors: our process pool, a foreign pool and a Dask LocalCluster all
give the children, lineage and statistics of a run in this process."""

from __future__ import annotations

import pickle
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import pytest

from exitdsl import Engine, load_rules
from exitdsl.populations.executors import EnginePool, EngineRef, ship, unship
from exitdsl.populations.population import Family, breed_all, write_family

from .conftest import ROOT

PARENTS = sorted((ROOT / "examples/strategies").glob("*/*.py"))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules(ROOT / "rules"), seed=7)


def lineage(families: list[Family], out: Path) -> tuple[str, dict[str, bytes]]:
    out.mkdir()
    stream = out / "lineage.jsonl"
    with stream.open("w", encoding="utf-8") as records:
        for family in families:
            write_family(family, out, records)
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.py"))}
    return stream.read_text(encoding="utf-8"), files


def stats(families: list[Family]) -> str:
    merged = families[0].stats.__class__()
    for family in families:
        merged.merge(family.stats)
    return merged.as_json()


def work() -> list[tuple[str, str]]:
    return [(str(p), str(p.relative_to(ROOT / "examples/strategies"))) for p in PARENTS]


def test_a_pool_of_ours_ships_the_engine_once_and_tasks_carry_its_digest(engine: Engine) -> None:
    with EnginePool(2, engine) as pool:
        shipped = ship(pool, engine)
        assert isinstance(shipped, EngineRef) and shipped.payload is None
        assert len(pickle.dumps(shipped)) < 200
    with ProcessPoolExecutor(1) as foreign:
        carried = ship(foreign, engine)
        assert isinstance(carried, EngineRef) and carried.payload is not None
    assert [r.id for r in unship(carried).rules.rules] == [r.id for r in engine.rules.rules]
    with pytest.raises(RuntimeError, match="never received"):
        unship(EngineRef("0" * 64))


def test_pools_give_the_same_population_as_one_process(engine: Engine, tmp_path: Path) -> None:
    here = list(breed_all(engine, work(), 6, 11))
    with EnginePool(2, engine) as pool:
        ours = list(breed_all(engine, work(), 6, 11, pool))
    with ProcessPoolExecutor(2) as foreign:
        theirs = list(breed_all(engine, work(), 6, 11, foreign))
    expected = lineage(here, tmp_path / "here")
    assert sum(len(f.children) for f in here) >= 80
    assert lineage(ours, tmp_path / "ours") == expected
    assert lineage(theirs, tmp_path / "theirs") == expected
    assert stats(ours) == stats(theirs) == stats(here)


def test_a_dask_local_cluster_gives_byte_identical_children_and_lineage(
        engine: Engine, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dev extra installs dask[distributed]")
    from exitdsl.populations.dask import dask_executor

    here = list(breed_all(engine, work(), 14, 3))
    assert sum(len(f.children) for f in here) >= 200
    with dask_executor(None, 2) as executor:
        on_dask = list(breed_all(engine, work(), 14, 3, executor))
    assert lineage(on_dask, tmp_path / "dask") == lineage(here, tmp_path / "here")
    assert stats(on_dask) == stats(here)


def test_mutate_executor_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from exitdsl.cli import main

    folder = str(ROOT / "examples/strategies/template")
    assert main(["mutate", "-n", "3", "--out", str(tmp_path / "a"), "-q", folder]) == 0
    assert main(["mutate", "-n", "3", "--out", str(tmp_path / "b"), "-q", "-j", "2",
                 "--executor", "processes", folder]) == 0
    assert main(["mutate", "-n", "3", "--out", str(tmp_path / "d"), "-q",
                 "--executor", "dask", folder]) == 0
    first = (tmp_path / "a/lineage.jsonl").read_bytes()
    assert first == (tmp_path / "b/lineage.jsonl").read_bytes()
    assert first == (tmp_path / "d/lineage.jsonl").read_bytes()
    capsys.readouterr()
    assert main(["mutate", "-n", "3", "--out", str(tmp_path / "c"), "--executor", "threads",
                 folder]) == 2
    assert capsys.readouterr().err.strip() == (
        "--executor threads: expected 'processes' or 'dask[:ADDRESS]'")


class _Recording(Executor):
    """An executor that runs nothing: it keeps what each task was given, and answers as a
    pool whose worker died (BrokenProcessPool) or as a worker with its own file system."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self.calls: list[tuple[object, ...]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.calls.append(args)
        future: Future[object] = Future()
        if self.outcome == "dead":
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        else:  # a worker that reads its own file at the path instead of the bytes sent
            shipped, path, count, run_seed, relative, behaviour, _ = args
            future.set_result(fn(shipped, path, count, run_seed, relative, behaviour,
                                 b"x = 1\n"))
        return future


def test_a_lost_worker_is_a_one_line_error_per_parent_and_the_rest_go_on(
        tmp_path: Path) -> None:
    """Found by attack: killing a pool worker ended the run with an internal error and
    dropped the remaining parents silently."""
    from exitdsl.populations.population import breed_all

    parents = [str(ROOT / "examples/strategies/finlab/revenue_breakout.py"),
               str(ROOT / "examples/strategies/finlab/value_lowvol.py")]
    engine = Engine(load_rules(ROOT / "rules" / "finlab.rules"))
    families = list(breed_all(engine, [(p, Path(p).name) for p in parents], 2, 1,
                              _Recording("dead")))
    assert [f.error for f in families] == [
        f"{p}: not bred: the worker breeding it was lost (BrokenProcessPool)" for p in parents]


def test_a_worker_breeds_the_clients_bytes_and_its_digest_is_checked(tmp_path: Path) -> None:
    """Found by attack: tasks carried paths, so a Dask worker bred from its own file system
    and the client recorded those children as its own."""
    from exitdsl.populations.population import breed_all

    parents = [str(ROOT / "examples/strategies/finlab/revenue_breakout.py"),
               str(ROOT / "examples/strategies/finlab/value_lowvol.py")]
    engine = Engine(load_rules(ROOT / "rules" / "finlab.rules"))
    executor = _Recording("foreign")
    families = list(breed_all(engine, [(p, Path(p).name) for p in parents], 2, 1, executor))
    assert [call[-1] for call in executor.calls] == [Path(p).read_bytes() for p in parents]
    assert [f.error for f in families] == [
        f"{p}: not bred: the worker bred other bytes than these" for p in parents]


def test_an_unreachable_scheduler_is_one_line_and_leaves_a_retry_possible(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed", reason="the dev extra installs Dask")
    import dask

    from exitdsl.cli import main

    parent = str(ROOT / "examples/strategies/finlab/momentum_quarterly.py")
    out = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert main(["mutate", "-n", "1", "-q", "--executor", "dask:tcp://127.0.0.1:1",
                     "--out", str(out), parent]) == 2
    assert capsys.readouterr().err == (
        "cannot reach the Dask scheduler at tcp://127.0.0.1:1: Timed out trying to connect "
        "to tcp://127.0.0.1:1 after 1 s; no parent was bred and nothing was written\n")
    assert not out.exists()
    # A folder an interrupted run left with an empty lineage holds no child: a plain retry
    # works there.
    out.mkdir()
    (out / "lineage.jsonl").touch()
    assert main(["mutate", "-n", "1", "-q", "--out", str(out), parent]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["lineage.jsonl", "momentum_quarterly"]
