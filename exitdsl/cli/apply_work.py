"""The work ``exitdsl apply`` does per file, in this process or in ``-j N`` workers.

A worker reads, rewrites and (for ``--in-place`` and ``--out``) writes one file and
returns what happened; the main process reports and prints the outcomes in input order,
so ``-j 2`` prints the same bytes as ``-j 1``. The engine is sent to each worker once.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExitdslError
from ..text.diff import unified_diff
from ..io.discover import Target
from ..io.files import MAX_STRATEGY_BYTES, FileProblem, locked, read_regular, write_atomic
from ..io.sourcefile import decode
from ..results import FileResult

if TYPE_CHECKING:
    from ..engine import Engine


@dataclass(frozen=True)
class FileOutcome:
    shown: str
    result: FileResult | None = None  # None: the file could not be processed
    failure: str | None = None  # one line: why it was not processed, or not written
    diff: str = ""  # what to print (diff mode)


def process_file(engine: Engine, args: argparse.Namespace, target: Target) -> FileOutcome:
    shown = str(target.path)
    if args.in_place:
        return _in_place(engine, args, target)
    try:
        original, info = read_regular(target.path, MAX_STRATEGY_BYTES)
        source = decode(original, shown)
        result = engine.rewrite(source.text, shown)
    except FileProblem as exc:
        return FileOutcome(shown, failure=f"{shown}:1:1: {exc}")
    except ExitdslError as exc:
        return FileOutcome(shown, failure=exc.one_line())
    if not result.changed:
        return FileOutcome(shown, result)
    if args.out is None:
        show = not (args.check or args.json)
        return FileOutcome(shown, result, diff=unified_diff(
            result.path, result.source, result.new_source) if show else "")
    try:
        write_atomic(args.out / target.relative, source.encode(result.new_source), like=info)
    except (OSError, UnicodeEncodeError) as exc:
        return FileOutcome(shown, result, f"{shown}: cannot write: {exc}")
    return FileOutcome(shown, result)


def _in_place(engine: Engine, args: argparse.Namespace, target: Target) -> FileOutcome:
    """Read, rewrite and replace the file under one lock (io/files.py): a concurrent run
    waits and then rewrites what this one wrote, so neither loses the other's edit."""
    shown = str(target.path)
    real = Path(os.path.realpath(target.path))  # write through a symbolic link
    try:
        with locked(real) as held:
            source = decode(held.read(MAX_STRATEGY_BYTES), shown)
            result = engine.rewrite(source.text, shown)
            if result.changed:
                try:
                    held.replace(source.encode(result.new_source), force=args.force)
                except FileProblem as exc:  # a write refused: no position to point at
                    return FileOutcome(shown, result, f"{shown}: {exc}")
            return FileOutcome(shown, result)
    except FileProblem as exc:
        return FileOutcome(shown, failure=f"{shown}:1:1: {exc}")
    except ExitdslError as exc:
        return FileOutcome(shown, failure=exc.one_line())
    except (OSError, UnicodeEncodeError) as exc:
        return FileOutcome(shown, failure=f"{shown}: cannot write: {exc}")


_WORKER: dict[str, Any] = {}


def _start_worker(engine: Engine, args: argparse.Namespace) -> None:
    _WORKER["engine"], _WORKER["args"] = engine, args


def _in_worker(target: Target) -> FileOutcome:
    return process_file(_WORKER["engine"], _WORKER["args"], target)


def outcomes(engine: Engine, args: argparse.Namespace, targets: Sequence[Target],
             jobs: int) -> Iterator[FileOutcome]:
    """Each target's outcome, in order, computed in ``jobs`` processes."""
    if jobs <= 1 or len(targets) <= 1:
        for target in targets:
            yield process_file(engine, args, target)
        return
    from concurrent.futures import ProcessPoolExecutor  # only with -j: start-up stays light

    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                             initargs=(engine, args)) as pool:
        yield from pool.map(_in_worker, targets, chunksize=4)
