"""``exitdsl mutate``: N distinct verified children per parent, with a lineage record each.

Each parent is handled on its own, from seeds derived from the run seed and the child's
number, so the children and the lineage are the same whatever the number of processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..engine import Engine
from ..errors import ExitdslError
from ..io.files import write_atomic
from ..io.sourcefile import read_source
from ..results import Mutation
from .stats import MutationStats

# The work one parent may cost: at most TRIES_PER_CHILD mutate calls per child asked, and
# no more once STALE_TRIES calls in a row found no new child (a parent with few distinct
# children is exhausted early, not after 20 x N calls).
TRIES_PER_CHILD = 20
STALE_TRIES = 200


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


def child_seed(run_seed: int, number: int) -> int:
    digest = hashlib.sha256(f"child\0{run_seed}\0{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def breed(engine: Engine, path: str, count: int, run_seed: int, relative: str = "") -> Family:
    """Up to ``count`` distinct children of the file at ``path``."""
    relative = relative or Path(path).name
    try:
        source = read_source(Path(path))
        parent = engine.prepare(source.text, path)
    except ExitdslError as exc:
        return Family(path, "", wanted=count, error=exc.one_line(), relative=relative)
    sha = hashlib.sha256(source.encode(source.text)).hexdigest()
    engine = Engine(engine.rules, seed=engine.seed, verify=engine.verify)  # fresh statistics
    children: list[Mutation] = []
    seen = {source.text}
    error = None
    last_new = 0
    for number in range(count * TRIES_PER_CHILD):
        if len(children) == count or number - last_new >= STALE_TRIES:
            break
        try:
            child = engine.mutate(parent, seed=child_seed(run_seed, number))
        except ExitdslError as exc:
            error = exc.one_line()
            break
        if child.status == "no_applicable_rule":
            break
        if child.ok and child.code not in seen:
            seen.add(child.code)
            children.append(child)
            last_new = number
    return Family(path, sha, tuple(children), count, error, engine.stats, source.encoding,
                  relative)


_WORKER: dict[str, Any] = {}


def _init_worker(engine: Engine) -> None:
    _WORKER["engine"] = engine


def _breed_in_worker(job: tuple[str, int, int, str]) -> Family:
    return breed(_WORKER["engine"], *job)


def breed_all(engine: Engine, paths: Sequence[tuple[str, str]], count: int, run_seed: int,
              jobs: int) -> Iterator[Family]:
    """Families in the order of ``paths`` ((path, path under its input root) pairs),
    computed in ``jobs`` processes."""
    work = [(path, count, run_seed, relative) for path, relative in paths]
    if jobs <= 1 or len(paths) <= 1:
        for job in work:
            yield breed(engine, *job)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(engine,)) as pool:
        yield from pool.map(_breed_in_worker, work, chunksize=1)


def write_family(family: Family, out: Path, lineage: TextIO) -> list[Path]:
    """Write each child as ``out/<parent's path under its root, less .py>/<stem>.<k>.py``
    with its lineage record, record first: a kill can leave a record whose child is not
    there yet, never a child without its record. Children keep the parent's mode."""
    folder = out / Path(family.relative).with_suffix("")
    stem = folder.name
    try:
        mode: os.stat_result | None = os.stat(family.parent)
    except OSError:
        mode = None
    written = []
    for number, child in enumerate(family.children, start=1):
        target = folder / f"{stem}.{number}.py"
        data = child.code.encode(family.encoding)
        print(json.dumps({
            "parent": family.parent, "parent_sha256": family.parent_sha256,
            "child": str(target.relative_to(out)), "child_sha256": hashlib.sha256(data).hexdigest(),
            "rule": child.rule, "tier": child.tier, "id": child.mutation_id,
            "line": child.line, "col": child.col, "old": child.old, "new": child.new,
            "seed": child.seed}, ensure_ascii=False), file=lineage, flush=True)
        os.fsync(lineage.fileno())
        write_atomic(target, data, like=mode)
        written.append(target)
    return written
