"""``exitdsl mutate``: N distinct verified children per parent, with a lineage record each.

Each parent is handled on its own, from seeds derived from the run seed and the child's
number, so the children and the lineage are the same whatever the number of processes.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import BrokenExecutor, CancelledError, Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..engine import Engine
from ..errors import ExitdslError
from ..io.emit import SCHEMA, dumps
from ..io.files import write_atomic
from ..io.sourcefile import decode, read_bytes, read_source
from ..results import Mutation
from .executors import ship, unship
from ..evolve.stats import MutationStats

if TYPE_CHECKING:
    from ..behaviour.check import Baseline
    from ..behaviour.sandbox import Limits
    from ..behaviour.verdict import Run, Verdict

# The work one parent may cost: at most TRIES_PER_CHILD mutate calls per child asked, and
# no more once STALE_TRIES calls in a row found no new child (a parent with few distinct
# children is exhausted early, not after 20 x N calls).
TRIES_PER_CHILD = 20
STALE_TRIES = 200
# With --require-effect, at most this many children per child asked are run and found not
# effective before the parent is given up on (each run is a backtest).
EFFECT_TRIES_PER_CHILD = 5


@dataclass(frozen=True)
class BehaviourCheck:
    """Run each new child against its parent (docs/behaviour.md); with ``require_effect``,
    keep only effective children."""

    limits: Limits
    require_effect: bool = False


@dataclass(frozen=True)
class Family:
    """What one parent produced."""

    parent: str
    parent_sha256: str
    children: tuple[Mutation, ...] = ()
    wanted: int = 0
    error: str | None = None
    stats: MutationStats = field(default_factory=MutationStats)
    encoding: str = "utf-8"
    relative: str = ""  # the parent's path under its input root: where its children go
    verdicts: tuple[Verdict, ...] = ()  # one per child when the behaviour was checked
    baseline: Run | None = field(default=None, compare=False, repr=False)  # the parent's run


def child_seed(run_seed: int, number: int) -> int:
    digest = hashlib.sha256(f"child\0{run_seed}\0{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def breed(engine: Engine, path: str, count: int, run_seed: int, relative: str = "",
          behaviour: BehaviourCheck | None = None, data: bytes | None = None) -> Family:
    """Up to ``count`` distinct children of the file at ``path`` (of ``data``, its bytes as
    the client read them, when given: a worker breeds exactly the client's parent)."""
    relative = relative or Path(path).name
    try:
        source = read_source(Path(path)) if data is None else decode(data, path)
        parent = engine.prepare(source.text, path)
        base = _baseline(source.text, path, behaviour)
    except ExitdslError as exc:
        return Family(path, "", wanted=count, error=exc.one_line(), relative=relative)
    sha = hashlib.sha256(source.encode(source.text)).hexdigest()
    engine = Engine(engine.rules, seed=engine.seed, verify=engine.verify)  # fresh statistics
    children: list[Mutation] = []
    verdicts: list[Verdict] = []
    seen = {source.text}
    error = None
    last_new = ineffective = 0
    for number in range(count * TRIES_PER_CHILD):
        if len(children) == count or number - last_new >= STALE_TRIES \
                or ineffective >= count * EFFECT_TRIES_PER_CHILD:
            break
        try:
            child = engine.mutate(parent, seed=child_seed(run_seed, number))
        except ExitdslError as exc:
            error = exc.one_line()
            break
        if child.status == "no_applicable_rule":
            break
        if not child.ok or child.code in seen:
            continue
        seen.add(child.code)
        last_new = number
        if base is not None and behaviour is not None:
            verdict = base.judge(f"{relative}#{number}", child.code)
            engine.stats.behaviour[verdict.verdict] += 1
            if behaviour.require_effect and verdict.verdict != "effective":
                ineffective += 1
                continue
            verdicts.append(verdict)
        children.append(child)
    return Family(path, sha, tuple(children), count, error, engine.stats, source.encoding,
                  relative, tuple(verdicts), base.run if base is not None else None)


def _baseline(source: str, path: str, behaviour: BehaviourCheck | None) -> Baseline | None:
    """The parent's run, when children are to be judged; a parent that cannot run makes
    the whole family an error (raised as ``ExitdslError``)."""
    if behaviour is None:
        return None
    from ..behaviour.check import baseline

    base = baseline(source, path, behaviour.limits)
    if base.run is None:
        raise ExitdslError(f"{path}: the parent failed its behavioural run: {base.error}")
    return base


def _breed_task(engine: Any, path: str, count: int, run_seed: int, relative: str,
                behaviour: BehaviourCheck | None, data: bytes | None = None) -> Family:
    return breed(unship(engine), path, count, run_seed, relative, behaviour, data)


def breed_all(engine: Engine, paths: Sequence[tuple[str, str]], count: int, run_seed: int,
              executor: Executor | None = None,
              behaviour: BehaviourCheck | None = None) -> Iterator[Family]:
    """Families in the order of ``paths`` ((path, path under its input root) pairs), bred
    here or on ``executor`` (any ``concurrent.futures.Executor``: processes, a Dask
    client's executor); the children are the same either way."""
    if executor is None or len(paths) <= 1:
        for path, relative in paths:
            yield breed(engine, path, count, run_seed, relative, behaviour)
        return
    shipped = ship(executor, engine)
    pending: list[tuple[str, str, Future[Family] | Family]] = []
    expected: dict[str, str] = {}  # path -> SHA-256 of the bytes sent
    for path, relative in paths:
        # The parent's bytes travel with the task: a worker on another machine (Dask)
        # would otherwise breed from whatever its own file system holds at that path.
        try:
            data = read_bytes(Path(path), path)
            source = decode(data, path)  # for the digest breed() records, from these bytes
        except ExitdslError as exc:
            pending.append((path, relative, Family(path, "", wanted=count,
                                                   error=exc.one_line(), relative=relative)))
            continue
        expected[path] = hashlib.sha256(source.encode(source.text)).hexdigest()
        pending.append((path, relative, executor.submit(
            _breed_task, shipped, path, count, run_seed, relative, behaviour, data)))
    for path, relative, task in pending:
        if isinstance(task, Family):
            yield task
            continue
        family = _settled(task, path, relative, count)
        if family.error is None and family.parent_sha256 != expected[path]:
            family = Family(path, "", wanted=count, relative=relative,
                            error=f"{path}: not bred: the worker bred other bytes than these")
        yield family


def _settled(task: Future[Family], path: str, relative: str, count: int) -> Family:
    """The family a task bred, or, when its worker was lost (killed, out of memory, the
    cluster gone), a family with that error: the run goes on and says which parents were
    not bred."""
    try:
        return task.result()
    except Exception as exc:  # noqa: BLE001 - only a lost worker; anything else is raised
        if not isinstance(exc, (BrokenExecutor, CancelledError, OSError, EOFError,
                                TimeoutError)) \
                and not type(exc).__module__.startswith("distributed"):
            raise
        return Family(path, "", wanted=count, relative=relative,
                      error=f"{path}: not bred: the worker breeding it was lost "
                            f"({type(exc).__name__})")


def write_family(family: Family, out: Path, lineage: TextIO) -> list[Path]:
    """Write each child as ``out/<parent's path under its root, less .py>/<stem>.<k>.py``
    with its lineage record, record first: a kill can leave a record whose child is not
    there yet, never a child without its record. Children keep the parent's mode. Numbers
    continue after the children already in the folder (``--append``): none is overwritten."""
    folder = out / Path(family.relative).with_suffix("")
    stem = folder.name
    first = 1 + max((int(found.group(1)) for path in (folder.glob(f"{glob.escape(stem)}.*.py")
                                                     if folder.is_dir() else ())
                     if (found := re.fullmatch(rf"{re.escape(stem)}\.(\d+)\.py", path.name))),
                    default=0)
    try:
        mode: os.stat_result | None = os.stat(family.parent)
    except OSError:
        mode = None
    written = []
    for index, child in enumerate(family.children):
        target = folder / f"{stem}.{first + index}.py"
        data = child.code.encode(family.encoding)
        record: dict[str, object] = {
            "schema": SCHEMA, "kind": "child", "parent": family.parent, "parent_sha256": family.parent_sha256,
            "child": str(target.relative_to(out)), "child_sha256": hashlib.sha256(data).hexdigest(),
            "rule": child.rule, "tier": child.tier, "site": child.site,
            "line": child.line, "col": child.col, "old": child.old, "new": child.new,
            "seed": child.seed}
        if family.verdicts:
            verdict = family.verdicts[index].as_json()
            del verdict["child"]
            record["behaviour"] = verdict
        print(dumps(record), file=lineage, flush=True)
        os.fsync(lineage.fileno())
        write_atomic(target, data, like=mode)
        written.append(target)
    return written
